/**
 * The accounts of the shadow book during one step: expected balances, which
 * accounts have a valid capability, and the events that moved quota. Moves
 * follow the transfer rules of the spec (§1, §2), not an implementation.
 */

import { REFERENCE_ACCOUNT, type Quota } from '../impl/contract.ts';
import { balanceOf, type Balances } from './balances.ts';
import { adjusted, NO_QUOTA, plus, RESOURCES, type Resource } from './quota.ts';

/**
 * One transfer of a transaction. `null` stands for a local service, whose
 * account has no valid capability. A negative amount moves the other way.
 */
export interface Leg {
  readonly from: string | null;
  readonly to: string | null;
  readonly amount: Quota;
}

/** A change the shadow book accounted for, with every account it names. */
export interface ShadowEvent {
  /**
   * A clause for messages, e.g. `session s1 (client a, service Log at b,
   * CLOSED) reverted to its client`.
   */
  readonly text: string;
  readonly accounts: ReadonlySet<string>;
}

interface Transfer {
  readonly from: string;
  readonly to: string;
  readonly resource: Resource;
  readonly amount: number;
}

/** Expected balances for one step, starting from the previous observation's. */
export class ShadowAccounts {
  private readonly balances: Map<string, Quota>;
  private readonly invalid: Set<string>;
  private readonly recorded: ShadowEvent[] = [];

  /** `invalid`: accounts without a valid capability at the start of the step. */
  constructor(start: Balances, invalid: Iterable<string>) {
    this.balances = new Map(start);
    this.invalid = new Set(invalid);
  }

  /** Gives `account` a valid capability (a PD session set up) or takes it away. */
  setValid(account: string, valid: boolean): void {
    if (valid) {
      this.invalid.delete(account);
    } else {
      this.invalid.add(account);
    }
  }

  /**
   * Carries out `legs` as one transaction and records `text`. A transfer
   * with an invalid side, or to itself, does nothing; if a donor has too
   * little, nothing of the transaction stays. Returns whether it stayed.
   */
  transact(text: string, legs: readonly Leg[]): boolean {
    this.record(
      text,
      legs.flatMap((leg) => [leg.from, leg.to]),
    );

    const before = new Map(this.balances);
    for (const transfer of legs.flatMap(transfersOf)) {
      if (!this.carryOut(transfer)) {
        this.restore(before);
        return false;
      }
    }

    return true;
  }

  /**
   * Like `transact`, but every resource of every leg is a transaction of its
   * own: a donor with too little for one keeps just that one.
   */
  transactEach(text: string, legs: readonly Leg[]): void {
    this.record(
      text,
      legs.flatMap((leg) => [leg.from, leg.to]),
    );
    for (const transfer of legs.flatMap(transfersOf)) {
      this.carryOut(transfer);
    }
  }

  /** Closes a PD: its whole balance goes to the reference account, and it becomes invalid. */
  closePd(text: string, account: string): void {
    this.record(text, [account]);
    const balance = balanceOf(this.balances, account);
    this.balances.set(account, NO_QUOTA);
    this.balances.set(
      REFERENCE_ACCOUNT,
      plus(balanceOf(this.balances, REFERENCE_ACCOUNT), balance),
    );
    this.invalid.add(account);
  }

  /** The expected balances so far. */
  expected(): Balances {
    return new Map(this.balances);
  }

  /** The events accounted so far, in order. */
  events(): readonly ShadowEvent[] {
    return [...this.recorded];
  }

  private record(text: string, accounts: readonly (string | null)[]): void {
    const named = accounts.filter((account): account is string => account !== null);
    this.recorded.push({ text, accounts: new Set([REFERENCE_ACCOUNT, ...named]) });
  }

  /** One transfer; false, and nothing moved, when the donor has too little. */
  private carryOut(transfer: Transfer): boolean {
    const { from, to, resource, amount } = transfer;
    if (amount === 0 || from === to || this.invalid.has(from) || this.invalid.has(to)) {
      return true;
    }

    const donor = balanceOf(this.balances, from);
    if (donor[resource] < amount) {
      return false;
    }

    this.balances.set(from, adjusted(donor, resource, -amount));
    this.balances.set(to, adjusted(balanceOf(this.balances, to), resource, amount));
    return true;
  }

  private restore(before: ReadonlyMap<string, Quota>): void {
    this.balances.clear();
    for (const [account, balance] of before) {
      this.balances.set(account, balance);
    }
  }
}

/** The transfers of a leg, one per resource, with non-negative amounts. */
function transfersOf(leg: Leg): Transfer[] {
  const { from, to } = leg;
  if (from === null || to === null) {
    return [];
  }

  return RESOURCES.map((resource): Transfer => {
    const amount = leg.amount[resource];
    return amount >= 0
      ? { from, to, resource, amount }
      : { from: to, to: from, resource, amount: -amount };
  });
}
