/**
 * Rules on the form of an observation that hold whatever path a machine
 * follows: the step counter and the steps journal and diagnostic entries
 * carry, what a freshly built system can hold, and fields of sessions and
 * children whose meaning the contract fixes (`impl/contract.ts`,
 * `docs/implementing.md` "The observation"), and a history that agrees with
 * the session states that exist and only ever grows. The replay checks them after
 * building the system and after every step, beside the machine's state.
 *
 * Each function returns the broken rules as one-line sentences, empty when
 * the observation keeps them.
 *
 * Limitation: only `check` applies these rules; `fuzz` and `explore` check
 * the quota invariants (journal form included) and the machines, not the
 * form of the observation. Applying them there takes a call beside the
 * ledger's in their step runner (`models/exploreRun.ts`).
 */
import {
  PROCESS_OUTCOMES,
  pdAccount,
  REFERENCE_ACCOUNT,
  UPSTREAM_ACCOUNT,
  type Diagnostic,
  type JournalEntry,
  type Observation,
  type SystemDescription,
} from '../impl/contract.ts';

const SERVICE_KINDS: readonly unknown[] = ['local', 'parent', 'child'];
const LEVELS: readonly unknown[] = ['warning', 'error'];
const START_ERRORS: readonly unknown[] = PROCESS_OUTCOMES.filter((outcome) => outcome !== 'ok');

function isStep(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/** What is wrong with the form of one journal entry, or null. */
function journalEntryProblem(entry: JournalEntry, index: number): string | null {
  const shown = `journal entry #${index} ${JSON.stringify(entry)}`;
  if (entry === null || typeof entry !== 'object') return `${shown} is not an entry`;
  if (entry.kind !== 'move' && entry.kind !== 'end') return `${shown} is neither a move nor an end`;
  if (!isStep(entry.step)) return `${shown} has no step`;
  if (entry.kind === 'move' && typeof entry.undo !== 'boolean') return `${shown} does not say whether it is an undo move`;
  return null;
}

/** What is wrong with the form of one diagnostic, or null. */
function diagnosticProblem(diagnostic: Diagnostic, index: number): string | null {
  const shown = `diagnostic #${index} ${JSON.stringify(diagnostic)}`;
  if (diagnostic === null || typeof diagnostic !== 'object') return `${shown} is not a diagnostic`;
  if (!LEVELS.includes(diagnostic.level)) return `${shown} is neither a warning nor an error`;
  if (typeof diagnostic.message !== 'string') return `${shown} has no message`;
  if (!isStep(diagnostic.step)) return `${shown} has no step`;
  return null;
}

/**
 * What is wrong with the history against the session states that exist now:
 * every state ever created has a history that begins with a phase; one that
 * exists ends in its current phase; one that is gone ends in its single
 * DESTROYED, after which nothing follows.
 */
function historyProblems(observation: Observation): string[] {
  const problems: string[] = [];
  const existing = new Set(observation.sessions.map((session) => session.key));
  for (const [key, entries] of Object.entries(observation.history)) {
    const shown = `session ${key}'s history [${entries.join(', ')}]`;
    const destroyedAt = entries.indexOf('DESTROYED');
    if (entries.length === 0 || destroyedAt === 0) {
      problems.push(`${shown} does not begin with the phase the state was created in`);
    } else if (destroyedAt >= 0 && destroyedAt < entries.length - 1) {
      problems.push(`${shown} goes on after DESTROYED, but a destroyed state enters nothing`);
    } else if (destroyedAt >= 0 && existing.has(key)) {
      problems.push(`${shown} ends in DESTROYED, but the state is among the sessions that exist`);
    } else if (destroyedAt < 0 && !existing.has(key)) {
      problems.push(`${shown} does not end in DESTROYED, but the state is not among the sessions that exist`);
    }
  }
  for (const session of observation.sessions) {
    const entries = observation.history[session.key];
    const last = entries?.[entries.length - 1];
    if (entries === undefined) {
      problems.push(`session ${session.key} exists but has no history`);
    } else if (last !== 'DESTROYED' && last !== session.phase) {
      problems.push(`session ${session.key} is in ${session.phase}, but its history ends in ${last ?? 'nothing'}`);
    }
  }
  return problems;
}

/** Rules every observation keeps, whenever it is taken. */
export function observationProblems(observation: Observation): string[] {
  const problems: string[] = [];
  if (!isStep(observation.step)) problems.push(`the observation's step is ${JSON.stringify(observation.step)}, not a count of operations`);

  observation.journal.forEach((entry, index) => {
    const problem = journalEntryProblem(entry, index);
    if (problem !== null) problems.push(problem);
  });
  observation.diagnostics.forEach((diagnostic, index) => {
    const problem = diagnosticProblem(diagnostic, index);
    if (problem !== null) problems.push(problem);
  });

  for (const session of observation.sessions) {
    const name = `session ${session.key} (${session.service}${session.env === null ? '' : `, env ${session.env}`})`;
    if (!SERVICE_KINDS.includes(session.serviceKind)) {
      problems.push(`${name} has service kind ${JSON.stringify(session.serviceKind)}, not local, parent or child`);
      continue;
    }
    /* Where donated quota goes follows from the kind of service. */
    const account = session.serviceKind === 'local' ? null : session.serviceKind === 'parent' ? UPSTREAM_ACCOUNT : session.server === null ? undefined : pdAccount(session.server);
    if (session.serviceAccount !== account) {
      problems.push(`${name} at a ${session.serviceKind} service has service account ${JSON.stringify(session.serviceAccount)}, expected ${JSON.stringify(account ?? 'pd:<server>')}`);
    }
    /* Only async services set async_client_notify (spec §4); the env service sets it on every request. */
    const notify = session.env !== null ? true : session.serviceKind === 'child' ? (session.serverId !== null ? true : null) : false;
    if (notify !== null && session.asyncClientNotify !== notify) {
      problems.push(`${name} at a ${session.serviceKind} service has asyncClientNotify ${session.asyncClientNotify}, expected ${notify}`);
    }
    /* An environment session has a ready callback but no closed one. */
    if (session.env !== null && session.callbacks !== false) {
      problems.push(`${name} shows callbacks installed, but an environment session has no closed callback`);
    }
  }

  problems.push(...historyProblems(observation));

  for (const [child, view] of Object.entries(observation.children)) {
    if (view.startError !== null && !START_ERRORS.includes(view.startError)) {
      problems.push(`child ${child} has startError ${JSON.stringify(view.startError)}, expected null or a failed process outcome`);
    } else if (view.active && view.startError !== null) {
      problems.push(`child ${child} is active but has startError ${view.startError}`);
    }
    const pd = observation.accounts[pdAccount(child)];
    if (view.pdClosed && pd !== undefined && pd.valid) {
      problems.push(`child ${child}'s PD is closed (or not yet set up), but its account ${pdAccount(child)} is valid`);
    }
  }
  return problems;
}

/**
 * Rules that tie an observation to the description the system was built
 * from: a child for every described child and no other, the accounts `ref`,
 * `upstream` and one PD account per child and no other, and sessions and
 * wake-ups only of described children.
 */
export function describedObservationProblems(description: SystemDescription, observation: Observation): string[] {
  const problems: string[] = [];
  const children = new Set(description.children.map((child) => child.name));
  const absent = (names: Iterable<string>, present: Readonly<Record<string, unknown>>): string[] => [...names].filter((name) => !(name in present));
  for (const name of absent(children, observation.children)) problems.push(`the observation has no child ${name}, though the description declares it`);
  for (const name of Object.keys(observation.children)) {
    if (!children.has(name)) problems.push(`the observation shows a child ${name} that the description does not declare`);
  }
  const accounts = new Set([REFERENCE_ACCOUNT, UPSTREAM_ACCOUNT, ...[...children].map(pdAccount)]);
  for (const name of absent(accounts, observation.accounts)) problems.push(`the observation has no account ${name}`);
  for (const name of Object.keys(observation.accounts)) {
    if (!accounts.has(name)) problems.push(`the observation shows an account ${name}, but the accounts are ${REFERENCE_ACCOUNT}, ${UPSTREAM_ACCOUNT} and each child's PD`);
  }
  for (const key of Object.keys(observation.wakeups)) {
    const server = key.slice(0, key.indexOf('/'));
    if (!key.includes('/') || !children.has(server)) problems.push(`the observation counts wake-ups of ${key}, which is no service of a declared child (server/service)`);
  }
  for (const session of observation.sessions) {
    if (!children.has(session.client)) problems.push(`session ${session.key}'s client ${session.client} is no declared child`);
    if (session.server !== null && !children.has(session.server)) problems.push(`session ${session.key}'s server ${session.server} is no declared child`);
  }
  return problems;
}

/** Rules of the observation taken right after the system was built. */
export function initialObservationProblems(observation: Observation): string[] {
  const problems = observationProblems(observation);
  if (observation.step !== 0) problems.push(`the new system's step is ${observation.step}, expected 0`);
  problems.push(...entrySteps(observation, 0, 0, 0, 0, 0));
  for (const [child, view] of Object.entries(observation.children)) {
    if (view.announced.length > 0) problems.push(`child ${child} has announced [${view.announced.join(', ')}] before any operation`);
    if (view.resourceRequests.length > 0) {
      problems.push(`child ${child} has made resource requests [${view.resourceRequests.join(', ')}] before any operation`);
    }
    if (view.exitValue !== null) problems.push(`child ${child} has exited with ${view.exitValue} before any operation`);
    if (view.yieldResponses !== 0) problems.push(`child ${child} has ${view.yieldResponses} yield responses before any operation`);
  }
  return problems;
}

/**
 * Rules of the observation `after`, taken once `applied` operations were
 * applied to the system observed as `before`: the step advanced by one per
 * operation, earlier journal and diagnostic entries stayed as they were,
 * the new ones carry the steps of the operations that made them, in order,
 * and every session's history kept what it held.
 */
export function stepObservationProblems(before: Observation, after: Observation, applied: number): string[] {
  const problems = observationProblems(after);
  const expected = before.step + applied;
  if (after.step !== expected) {
    problems.push(`the observation's step is ${after.step} after ${applied} operation(s) from step ${before.step}, expected ${expected}`);
  }
  const changed = (earlier: readonly unknown[], later: readonly unknown[], what: string): void => {
    if (later.length < earlier.length) {
      problems.push(`the ${what}s shrank from ${earlier.length} to ${later.length} entries, but an entry once reported stays`);
      return;
    }
    const index = earlier.findIndex((entry, at) => JSON.stringify(entry) !== JSON.stringify(later[at]));
    if (index >= 0) problems.push(`${what} #${index} changed after it was reported`);
  };
  changed(before.journal, after.journal, 'journal entry');
  changed(before.diagnostics, after.diagnostics, 'diagnostic');
  /* A history only grows: what a state entered stays entered. */
  for (const [key, earlier] of Object.entries(before.history)) {
    const later = after.history[key];
    if (later === undefined) {
      problems.push(`session ${key} vanished from the history`);
    } else if (earlier.some((entry, at) => later[at] !== entry)) {
      problems.push(`session ${key}'s history [${earlier.join(', ')}] became [${later.join(', ')}], not an extension of it`);
    }
  }
  problems.push(...entrySteps(after, before.journal.length, before.diagnostics.length, before.step + 1, expected, before.step));
  return problems;
}

/**
 * Journal entries from `journalFrom` and diagnostics from `diagnosticsFrom`
 * on must carry steps from `first` to `last`, never decreasing (starting at
 * `floor`, the step of the entries before them).
 */
function entrySteps(
  observation: Observation,
  journalFrom: number,
  diagnosticsFrom: number,
  first: number,
  last: number,
  floor: number,
): string[] {
  const problems: string[] = [];
  const range = first === last ? `${first}` : `${first} to ${last}`;
  const check = (entries: readonly { readonly step: number }[], from: number, what: string): void => {
    let previous = floor;
    for (let index = from; index < entries.length; index += 1) {
      const step = entries[index]?.step;
      if (!isStep(step)) continue;
      if (step < first || step > last) {
        problems.push(`${what} #${index} carries step ${step}, but was made by the operation(s) of step ${range}`);
        return;
      }
      if (step < previous) {
        problems.push(`${what} #${index} carries step ${step}, after an entry of step ${previous}`);
        return;
      }
      previous = step;
    }
  };
  check(observation.journal, journalFrom, 'journal entry');
  check(observation.diagnostics, diagnosticsFrom, 'diagnostic');
  return problems;
}
