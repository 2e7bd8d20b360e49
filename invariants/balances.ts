/**
 * Balances of named accounts, as observed or as an invariant expects them.
 * An account that is not listed has balance zero: an implementation may drop
 * the account of a destroyed child once it is empty.
 */

import {
  REFERENCE_ACCOUNT,
  UPSTREAM_ACCOUNT,
  pdAccount,
  type Observation,
  type Quota,
  type SystemDescription,
} from '../impl/contract.ts';
import { NO_QUOTA, plus } from './quota.ts';

/** Account name to balance (RAM in bytes, caps as a count). */
export type Balances = ReadonlyMap<string, Quota>;

/**
 * The balances before the system is built: `ref` and `upstream` as
 * described, every child's PD empty (the policy funds it from `ref`, by a
 * journal move).
 */
export function initialBalances(description: SystemDescription): Balances {
  const balances = new Map<string, Quota>([
    [REFERENCE_ACCOUNT, description.reference],
    [UPSTREAM_ACCOUNT, description.upstream],
  ]);
  for (const child of description.children) {
    balances.set(pdAccount(child.name), NO_QUOTA);
  }

  return balances;
}

/** The balances an observation reports, without the validity flags. */
export function observedBalances(observation: Observation): Balances {
  const balances = new Map<string, Quota>();
  for (const [name, view] of Object.entries(observation.accounts)) {
    balances.set(name, { ram: view.ram, caps: view.caps });
  }

  return balances;
}

/** The balance of `account`, zero when it is not listed. */
export function balanceOf(balances: Balances, account: string): Quota {
  return balances.get(account) ?? NO_QUOTA;
}

/** Every account named in any of the given balances, sorted. */
export function accountNames(...all: readonly Balances[]): string[] {
  const names = new Set<string>();
  for (const balances of all) {
    for (const name of balances.keys()) {
      names.add(name);
    }
  }

  return [...names].sort();
}

/** The sum over all accounts. */
export function totalOf(balances: Balances): Quota {
  let total = NO_QUOTA;
  for (const q of balances.values()) {
    total = plus(total, q);
  }

  return total;
}
