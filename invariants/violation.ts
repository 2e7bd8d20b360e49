/**
 * What the ledger reports when an invariant does not hold.
 */

import type { Quota } from '../impl/contract.ts';
import type { InvariantId } from './invariant.ts';

/** The account pseudo-name for the sum over all accounts. */
export const ALL_ACCOUNTS = 'total';

/**
 * An account involved in a violation, with its balance as observed and, where
 * computed, as expected.
 */
export interface AccountBalance {
  /** `ref`, `upstream`, `pd:<child>`, or the sum `total`. */
  readonly account: string;
  /**
   * RAM in bytes, caps as a count. For a move in the middle of a replay, the
   * balance right after it.
   */
  readonly observed: Quota;
  /**
   * What the invariant says the balance should be, or null where it says
   * nothing about the amount.
   */
  readonly expected: Quota | null;
}

/** One invariant broken by one observation. */
export interface Violation {
  readonly invariant: InvariantId;
  /** `Observation.step` of the observation in which the invariant failed. */
  readonly step: number;
  /** The operation applied just before that observation, as the caller named it. */
  readonly label: string;
  /** One sentence: what failed, naming sessions, transactions or journal entries. */
  readonly message: string;
  readonly accounts: readonly AccountBalance[];
}

/** A violation before the ledger stamps it with invariant, step and label. */
export interface Finding {
  readonly message: string;
  readonly accounts: readonly AccountBalance[];
}

/** What one invariant's check of one observation found, and how many elementary checks it made. */
export interface CheckResult {
  readonly findings: readonly Finding[];
  readonly checks: number;
}
