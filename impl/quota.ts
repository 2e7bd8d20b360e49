/**
 * RAM and capability quota as two distinct types, so that an amount of one
 * can never be passed where the other is meant. Both are non-negative safe
 * integers; arithmetic that would leave that range is a bug and throws.
 */

/** The two resources an account holds. */
export type Resource = 'ram' | 'caps';

function checkedAmount(value: number, unit: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${unit} quota must be a non-negative safe integer, got ${value}`);
  }
  return value;
}

/** An amount of RAM, in bytes. */
export class RamQuota {
  readonly resource = 'ram';
  static readonly ZERO = new RamQuota(0);

  private constructor(readonly value: number) {}

  /** Throws a `RangeError` for a negative or non-integer byte count. */
  static bytes(value: number): RamQuota {
    // Stryker disable next-line StringLiteral: The unit only appears in the message of the RangeError, which fails the call either way and is part of no observation or call result.
    return value === 0 ? RamQuota.ZERO : new RamQuota(checkedAmount(value, 'RAM'));
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

  toString(): string {
    return `${this.value} bytes`;
  }
}

/** An amount of capabilities, as a count. */
export class CapQuota {
  readonly resource = 'caps';
  static readonly ZERO = new CapQuota(0);

  private constructor(readonly value: number) {}

  /** Throws a `RangeError` for a negative or non-integer count. */
  static count(value: number): CapQuota {
    // Stryker disable next-line StringLiteral: The unit only appears in the message of the RangeError, which fails the call either way and is part of no observation or call result.
    return value === 0 ? CapQuota.ZERO : new CapQuota(checkedAmount(value, 'cap'));
  }

  plus(other: CapQuota): CapQuota {
    return CapQuota.count(this.value + other.value);
  }

  /** Throws a `RangeError` if `other` is larger. */
  minus(other: CapQuota): CapQuota {
    return CapQuota.count(this.value - other.value);
  }

  lessThan(other: CapQuota): boolean {
    return this.value < other.value;
  }

  toString(): string {
    return `${this.value} caps`;
  }
}

/** Either kind of quota; `resource` tells them apart. */
export type Amount = RamQuota | CapQuota;
