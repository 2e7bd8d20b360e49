/**
 * What a state of the session statechart means for an implementation's
 * observation: the predicates the session binding checks after every step,
 * shared with the explorers (`fuzz`, `explore`), which run one session
 * machine per session of a whole system.
 *
 * Each function returns the mismatches as sentences, empty when the
 * observation agrees with the machine.
 */
import { PHASES, type Phase, type SessionView } from '../impl/contract.ts';
import type { SessionContext } from '../machines/session.ts';

/** A phase a session state entered, or its destruction, as `Observation.history` lists them. */
export type HistoryEntry = Phase | 'DESTROYED';

/**
 * The phase a state of the session machine stands for: a state node id
 * (`session.AVAILABLE`) or a state value (`AVAILABLE`); `DESTROYED` for
 * `destroyed`, null for `idle`.
 */
export function phaseOfState(state: string): HistoryEntry | null {
  const name = state.slice(state.lastIndexOf('.') + 1);
  if (name === 'destroyed') return 'DESTROYED';
  return PHASES.find((phase) => phase === name) ?? null;
}

/** Drops immediate repetitions: setting a phase the session already has is no change. */
export function collapse<T>(items: readonly T[]): T[] {
  return items.filter((item, index) => index === 0 || items[index - 1] !== item);
}

/**
 * Compares the phases a session went through within one call (the new
 * entries of its history) with the states the machine entered; repetitions
 * are ignored on both sides. Returns the mismatch, or null.
 */
export function phasesProblem(
  entered: readonly (HistoryEntry | null)[],
  history: readonly HistoryEntry[],
  session = 'the session',
): string | null {
  const expected = collapse(entered.filter((phase) => phase !== null));
  const observed = collapse(history);
  if (observed.join(' ') === expected.join(' ')) return null;
  return `${session} went through [${observed.join(', ')}], the machine through [${expected.join(', ')}]`;
}

/**
 * What the machine resting in `state` (a phase or `destroyed`, not `idle`)
 * with `context` says of the session the implementation shows as `session`
 * (undefined when it does not exist): its phase, its ID at the client
 * (`heldId` while the client holds it, none after), its callbacks (cleared
 * only when the client vanished holding the ID), and its kind of service.
 */
export function sessionStateProblems(
  state: string,
  context: SessionContext,
  session: SessionView | undefined,
  heldId: number,
  name = 'the session',
): string[] {
  if (state === 'destroyed') {
    return session ? [`${name} was expected to be destroyed, but is in ${session.phase}`] : [];
  }
  if (!session) return [`${name} was expected in ${state}, but it does not exist`];

  const problems: string[] = [];
  if (session.phase !== state) problems.push(`${name} is in ${session.phase}, the machine in ${state}`);
  const expectedId = context.client === 'present' ? heldId : null;
  if (session.clientId !== expectedId) {
    problems.push(`${name}'s client ID is ${session.clientId}, expected ${expectedId} (client ${context.client})`);
  }
  const expectedCallbacks = context.client !== 'vanished';
  if (session.callbacks !== expectedCallbacks) {
    problems.push(
      `${name}'s callbacks are ${session.callbacks ? 'set' : 'cleared'}, expected ${expectedCallbacks ? 'set' : 'cleared'}`,
    );
  }
  if (context.service !== null && session.serviceKind !== context.service) {
    problems.push(`${name} is served by a ${session.serviceKind} service, expected ${context.service}`);
  }
  return problems;
}
