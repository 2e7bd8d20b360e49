/**
 * The shadow book: where quota should be after a step, computed from what
 * changed in the sessions and children alone, without trusting the journal.
 *
 * Each step starts from the previous observation's balances, so that a fault
 * is reported once, in the step where it happens. Within a step the book
 * applies, in this order: the funding of newly constructed children, the
 * appearance and upgrade of sessions, the disappearance of sessions, and the
 * PD close of children whose `close_all_sessions` ran. A child runs
 * `close_all_sessions` when its PD closes and again when it is destroyed
 * (`~Child`), so a server that is destroyed after its PD closed reverts the
 * sessions it took on since, on its own (invalid, so unchanged) account.
 *
 * Limitation: the order of events inside one step is not observable, so a
 * transfer that an implementation made a no-op because its target was not
 * funded or already closed at that moment within the same step (for example
 * an environment session of one child routed to a sibling built later in
 * step 0) is not modelled. Steps that each apply one operation avoid this;
 * modelling it would take a per-operation order of events in the observation.
 */

import {
  pdAccount,
  REFERENCE_ACCOUNT,
  UPSTREAM_ACCOUNT,
  type ChildView,
  type Observation,
  type Phase,
  type Quota,
  type SessionView,
  type SystemDescription,
} from '../impl/contract.ts';
import type { Balances } from './balances.ts';
import { formatQuota, isZero, minus, NO_QUOTA, plus, sameQuota } from './quota.ts';
import { ShadowAccounts, type ShadowEvent } from './shadow-accounts.ts';
import {
  appear,
  describeSession,
  disappear,
  disposalOf,
  grow,
  payFromReference,
} from './session-rules.ts';
import type { ChildrenSeen, Snapshot } from './snapshot.ts';

/** What the shadow book expects after one step, and what it accounted for. */
export interface ShadowStep {
  readonly expected: Balances;
  readonly events: readonly ShadowEvent[];
  /**
   * Sessions destroyed in this step, as clauses for messages; visible or
   * created within the step.
   */
  readonly destroyed: readonly string[];
  /** The children seen constructed and funded so far, this step included. */
  readonly seen: ChildrenSeen;
  /** What upstream holds of each parent-service session after this step, by key. */
  readonly upstream: ReadonlyMap<string, Quota>;
}

/** How a child's life moved on in one step. */
interface ChildChange {
  readonly name: string;
  readonly constructedNow: boolean;
  /** Its PD was closed (by `close_all_sessions` or destruction) before this step. */
  readonly closedBefore: boolean;
  readonly closedNow: boolean;
  /** Destroyed in this step: `~Child` runs `close_all_sessions` once more. */
  readonly destroyedNow: boolean;
}

/**
 * Computes the balances the seed's rules lead to from `previous` to
 * `observation`.
 *
 * Limitation: a session in a failed phase at a server whose PD closed in an
 * earlier step can be destroyed by its client (`session_cap`, `close`: the
 * client gets donated quota and cost back from `ref`) or by that server's
 * `close_all_sessions` run a second time without destroying it (nothing
 * moves). Unless another session of that server that only the server could
 * have destroyed goes in the same step, nothing in the observation tells the
 * two apart, and the book assumes the client. The child statechart never runs `close_all_sessions`
 * twice; telling them apart would take the operation in the observation.
 */
export function expectBalances(
  description: SystemDescription,
  previous: Snapshot,
  observation: Observation,
): ShadowStep {
  const changes = childChanges(description, previous, observation);
  const invalid = changes
    .filter((change) => !previous.seen.funded.has(change.name) || change.closedBefore)
    .map((change) => pdAccount(change.name));
  const book = new ShadowAccounts(previous.balances, invalid);
  const cost = description.sessionCost;

  // The policy funds the PD of a newly constructed child.
  const seen = fundNewChildren(book, description, previous.seen, changes, observation);

  // Sessions that appeared or grew: the client (or, for env sessions, the parent) paid.
  const upstream = new Map(previous.upstream);
  const upgradedUpstream: UpstreamUpgrade[] = [];
  for (const session of observation.sessions) {
    const before = previous.sessions.get(session.key);
    if (before === undefined) {
      appear(book, session, cost);
      if (session.serviceKind === 'parent') upstream.set(session.key, session.donated);
    } else {
      grow(book, before, session);
      if (session.serviceKind === 'parent') {
        const extra = minus(session.donated, before.donated);
        upstream.set(session.key, plus(upstream.get(session.key) ?? before.donated, extra));
        upgradedUpstream.push({ session, extra });
      }
    }
  }

  // Sessions that disappeared: their quota goes back to whoever the seed says.
  const current = new Set(observation.sessions.map((session) => session.key));
  const closing = changes.filter((c) => c.closedNow && !c.closedBefore).map((c) => c.name);
  const dying = new Set([...closing, ...changes.filter((c) => c.destroyedNow).map((c) => c.name)]);
  const gone = [...previous.sessions.values()]
    .filter((session) => !current.has(session.key))
    .map((session) => ({ ...session, phase: phaseAtDestruction(observation, session) }));
  const reverting = revertingServers(gone, dying);
  for (const session of gone) {
    disappear(book, session, disposalOf(session, session.phase, reverting), cost, upstream.get(session.key));
    upstream.delete(session.key);
  }

  // An upgrade upstream refused leaves its quota with the parent (the seed only warns).
  settleUpstreamUpgrades(book, upgradedUpstream, upstream, observation);

  // A closed PD hands its whole balance back to the reference account.
  for (const name of closing) {
    if (seen.funded.has(name)) {
      book.closePd(`the PD of child ${name} closed`, pdAccount(name));
    }
  }

  return {
    expected: book.expected(),
    events: book.events(),
    destroyed: [...gone.map(describeSession), ...destroyedUnseen(previous, observation)],
    seen,
    upstream,
  };
}

/** The upgrade of a parent-service session within a step. */
interface UpstreamUpgrade {
  readonly session: SessionView;
  readonly extra: Quota;
}

/**
 * The seed allows two outcomes for an upgrade of a parent-service session:
 * upstream takes the extra quota, or it runs out and the parent only warns,
 * so the quota stays at `ref` although the session counts it as donated.
 * The book assumed the first; where the observed `upstream` balance is short
 * by exactly the extra quota, it takes the second and remembers that
 * upstream holds less of that session, so that its close returns only that.
 * Any other difference stays a mismatch.
 */
function settleUpstreamUpgrades(
  book: ShadowAccounts,
  upgrades: readonly UpstreamUpgrade[],
  upstream: Map<string, Quota>,
  observation: Observation,
): void {
  for (const { session, extra } of upgrades) {
    if (isZero(extra)) continue;
    const expected = book.expected().get(UPSTREAM_ACCOUNT) ?? NO_QUOTA;
    const observed = observation.accounts[UPSTREAM_ACCOUNT] ?? NO_QUOTA;
    if (sameQuota(expected, observed) || !sameQuota(minus(expected, extra), observed)) continue;
    book.transact(
      `upstream refused the upgrade of ${describeSession(session)}, so its ${formatQuota(extra)} stayed with the parent`,
      [{ from: UPSTREAM_ACCOUNT, to: REFERENCE_ACCOUNT, amount: extra }],
    );
    const held = upstream.get(session.key);
    if (held) upstream.set(session.key, minus(held, extra));
  }
}

/**
 * Funds the PD of every child constructed in this step whose PD session got
 * a capability; without one, the policy's transfer has no valid target and
 * the PD stays unfunded for good (Genode funds it only at this moment).
 */
function fundNewChildren(
  book: ShadowAccounts,
  description: SystemDescription,
  before: ChildrenSeen,
  changes: readonly ChildChange[],
  observation: Observation,
): ChildrenSeen {
  const constructed = new Set(before.constructed);
  const funded = new Set(before.funded);
  for (const change of changes) {
    if (constructed.has(change.name) || !change.constructedNow) {
      continue;
    }

    constructed.add(change.name);
    if (hasPdSession(observation, change.name)) {
      funded.add(change.name);
      fund(book, change.name, childQuota(description, change.name));
    }
  }

  return { constructed, funded };
}

/**
 * RAM and caps move in separate transactions: a short reference account may
 * fund one and not the other.
 */
function fund(book: ShadowAccounts, child: string, quota: Quota): void {
  const account = pdAccount(child);
  book.setValid(account, true);
  payFromReference(book, `child ${child} was funded with ${formatQuota(quota)}`, account, quota);
}

/** Whether the child's PD environment session exists with a capability. */
function hasPdSession(observation: Observation, child: string): boolean {
  return observation.sessions.some(
    (session) => session.client === child && session.env === 'pd' && session.cap,
  );
}

/**
 * The servers whose `close_all_sessions` ran in this step: the dying ones,
 * and those that destroyed a session only they could have destroyed. Such a
 * server reverts every session it serves, so the others go the same way.
 */
function revertingServers(
  gone: readonly SessionView[],
  dying: ReadonlySet<string>,
): ReadonlySet<string> {
  const reverting = new Set(dying);
  for (const session of gone) {
    const disposal = disposalOf(session, session.phase, dying);
    if (disposal.kind === 'revertOnServer') {
      reverting.add(disposal.server);
    }
  }

  return reverting;
}

/** The phase a session was destroyed in, from its history; its last observed phase without one. */
function phaseAtDestruction(observation: Observation, session: SessionView): Phase {
  const phases = observation.history[session.key] ?? [];
  const last = phases.filter((phase): phase is Phase => phase !== 'DESTROYED').at(-1);
  return last ?? session.phase;
}

/** Keys of sessions created and destroyed within the step, which no observation shows. */
function destroyedUnseen(previous: Snapshot, observation: Observation): string[] {
  return Object.entries(observation.history)
    .filter(([key, phases]) => phases.at(-1) === 'DESTROYED' && !previous.everCreated.has(key))
    .map(([key]) => `session ${key} (created and destroyed within the step)`);
}

function childChanges(
  description: SystemDescription,
  previous: Snapshot,
  observation: Observation,
): ChildChange[] {
  const names = new Set([
    ...description.children.map((child) => child.name),
    ...Object.keys(previous.children),
    ...Object.keys(observation.children),
  ]);

  return [...names].map((name) => {
    const before = previous.children[name];
    const now = observation.children[name] ?? before;
    const closedBefore = before !== undefined && pdGone(before);
    return {
      name,
      constructedNow: now?.constructed ?? false,
      closedBefore,
      closedNow: now === undefined ? closedBefore : pdGone(now),
      destroyedNow: now !== undefined && now.destroyed && before?.destroyed !== true,
    };
  });
}

function pdGone(child: ChildView): boolean {
  return child.pdClosed || child.destroyed;
}

function childQuota(description: SystemDescription, name: string): Quota {
  return description.children.find((child) => child.name === name)?.quota ?? NO_QUOTA;
}
