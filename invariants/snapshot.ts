/**
 * What the ledger keeps of the previous observation: enough to tell what
 * changed in the next one.
 */

import type { ChildView, Observation, Quota, SessionView, SystemDescription } from '../impl/contract.ts';
import { initialBalances, type Balances } from './balances.ts';

/** The ledger's memory of the last observation (or of the system before it was built). */
export interface Snapshot {
  /** Observed balances; before the first observation, the description's initial ones. */
  readonly balances: Balances;
  /** Existing session states by `SessionView.key`. */
  readonly sessions: ReadonlyMap<string, SessionView>;
  readonly children: Readonly<Record<string, ChildView>>;
  /** Keys of every session state ever created, destroyed or not. */
  readonly everCreated: ReadonlySet<string>;
  /** How many journal entries have been seen. */
  readonly journalLength: number;
  /** Children seen constructed, and those whose PD the policy funded then. */
  readonly seen: ChildrenSeen;
  /** What upstream holds of each parent-service session, by key. */
  readonly upstream: ReadonlyMap<string, Quota>;
}

/** What the ledger knows of the children beyond the latest `ChildView`s. */
export interface ChildrenSeen {
  /** Children seen constructed at some observation. */
  readonly constructed: ReadonlySet<string>;
  /** Constructed children whose PD session had a capability then, so the policy funded their PD. */
  readonly funded: ReadonlySet<string>;
}

/** The state before the system is built: nothing exists, balances as described. */
export function initialSnapshot(description: SystemDescription): Snapshot {
  return {
    balances: initialBalances(description),
    sessions: new Map(),
    children: {},
    everCreated: new Set(),
    journalLength: 0,
    seen: { constructed: new Set(), funded: new Set() },
    upstream: new Map(),
  };
}

/**
 * The snapshot of `observation`, with the ledger's derived `balances` and
 * what it has seen of the children. Sessions and children are copied, so that an implementation
 * that reuses its observation objects cannot change the ledger's past.
 */
export function snapshotOf(
  observation: Observation,
  balances: Balances,
  seen: ChildrenSeen,
  upstream: ReadonlyMap<string, Quota>,
): Snapshot {
  return {
    balances,
    sessions: new Map(
      observation.sessions.map((session) => [session.key, structuredClone(session)]),
    ),
    children: structuredClone(observation.children),
    everCreated: new Set(Object.keys(observation.history)),
    journalLength: observation.journal.length,
    seen,
    upstream,
  };
}
