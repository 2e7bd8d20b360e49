/**
 * The statecharts' view of a whole system: one session machine per session
 * (keyed by the session's key) and one child machine per child, and the
 * comparison of each step's outcome with what every machine the step
 * concerned expects — the call's result, the phases each session went
 * through and rests in, the signals each child received, the wake-ups of
 * each child service, each child's status — using the predicates the
 * single-machine bindings use.
 *
 * Pure: a `WorldState` is an immutable value; `settle` returns the next one
 * with the mismatches found. The quota invariants are the ledger's
 * (`invariants/`), which the drivers run beside.
 */
import type { CallResult, ChildView, Observation, SessionView, Signals } from '../impl/contract.ts';
import { formatResult, sameResult } from './binding.ts';
import {
  binarySession,
  buildMoveProblems,
  childStateProblems,
  environmentAfterBuild,
  ownCpuSessionProblems,
  policyEffects,
  setupQuota,
  signalProblems,
  staticChildProblems,
} from './childPredicates.ts';
import type { Plan, ResultSource } from './explorePlan.ts';
import { childStates, type ChildState, type SessionState } from './exploreMachines.ts';
import {
  ANNOUNCED,
  clientQuota,
  CLIENT_SET_ARGS,
  envServer,
  EXIT_VALUE,
  SESSION_COST,
  systemNames,
  type ServiceInfo,
  type SystemNames,
  type SystemShape,
} from './exploreSystem.ts';
import type { ReportLevel } from '../machines/reportLevel.ts';
import { checkReports } from './reports.ts';
import { forwardedArgs, forwardedProblems } from './requestArgs.ts';
import { phaseOfState, phasesProblem, sessionStateProblems } from './sessionPredicates.ts';

/** A session and its machine. */
export interface SessionTrack {
  /** The session's key in the observation. */
  readonly key: string;
  readonly client: string;
  /** The client ID it was requested under. */
  readonly id: number;
  readonly service: ServiceInfo;
  readonly state: SessionState;
  /** How many entries of its history have been compared. */
  readonly seen: number;
}

/** A child and its machine. */
export interface ChildTrack {
  readonly name: string;
  readonly state: ChildState;
}

/** A system as the machines see it, with the latest observation. */
export interface WorldState {
  readonly shape: SystemShape;
  readonly names: SystemNames;
  readonly observation: Observation;
  /** Sessions that exist, and ones the machine destroyed while the implementation still shows them. */
  readonly sessions: ReadonlyMap<string, SessionTrack>;
  readonly children: ReadonlyMap<string, ChildTrack>;
  /** Clients that installed a session signal handler. */
  readonly sighs: ReadonlySet<string>;
}

/** What a step came to: the next state, and every mismatch with the machines, as sentences. */
export interface Settled {
  readonly world: WorldState;
  readonly problems: readonly string[];
}

/**
 * The machines of a system just built: each child built with the system
 * runs (as the child machine's `build` with a local environment); a late
 * child waits in `idle`. Returns the mismatches with the first observation.
 */
export function startWorld(shape: SystemShape, observation: Observation): Settled {
  const names = systemNames(shape);
  const children = new Map<string, ChildTrack>();
  for (const name of [...names.servers, ...names.clients]) {
    const built = childStates.step(childStates.initial, { type: 'build', env: 'local', process: 'ok' });
    children.set(name, { name, state: built?.next ?? childStates.initial });
  }
  if (names.late !== null) children.set(names.late, { name: names.late, state: childStates.initial });
  const world: WorldState = { shape, names, observation, sessions: new Map(), children, sighs: new Set() };
  const problems = [...children.values()].flatMap((track) => childProblems(track, observation));
  /* the children built with the system are described statically linked */
  problems.push(...[...names.servers, ...names.clients].flatMap((child) => staticChildProblems(observation, child)));
  const stray = observation.sessions.filter((view) => view.env === null);
  problems.push(...stray.map((view) => `no session was expected, but ${view.key} exists in ${view.phase}`));
  return { world, problems };
}

/** The name a session goes by in mismatches. */
export function sessionName(track: Pick<SessionTrack, 'key' | 'client' | 'id' | 'service'>): string {
  return `${track.key} (${track.client} #${track.id} at ${track.service.name})`;
}

/**
 * Carries `plan` through the machines and compares the outcome the
 * implementation reported — `result` of the plan's last operation, and
 * `after`, observed once its operations ran — with what they expect.
 */
export function settle(world: WorldState, plan: Plan, result: CallResult, after: Observation): Settled {
  const before = world.observation;
  const problems: string[] = [];

  /* the machines take their steps */
  const sessions = new Map(world.sessions);
  const moved = new Map<string, readonly string[]>();
  for (const { key, move } of plan.sessions) {
    const track = sessions.get(key);
    if (track) sessions.set(key, { ...track, state: move.next });
    moved.set(key, move.values);
  }
  const children = new Map(world.children);
  for (const { child, move } of plan.children) children.set(child, { name: child, state: move.next });

  /* the call's result */
  const request = plan.request;
  const expected = expectedResult(plan.resultOf, sessions, children, request?.move.next ?? null);
  if (!sameResult(result, expected)) {
    problems.push(`the call returned ${formatResult(result)}, the machine expects ${formatResult(expected)}`);
  }

  /* a request's new session: the state it created, if the machine says there is one */
  const created = Object.keys(after.history).filter((key) => !(key in before.history));
  if (request && request.move.next.value !== 'idle') {
    const [key, ...more] = created;
    if (key === undefined) {
      problems.push(`the request was expected to create a session in ${request.move.next.value}, but none was created`);
    } else {
      sessions.set(key, { key, client: request.client, id: request.id, service: request.service, state: request.move.next, seen: 0 });
      moved.set(key, request.move.values);
      const view = after.sessions.find((session) => session.key === key);
      /* what the server was given: the request's arguments as the parent must forward them */
      const forwarded = forwardedArgs(request.args, request.client, CLIENT_SET_ARGS, SESSION_COST);
      if (view) problems.push(...forwardedProblems(view, forwarded, sessionName({ key, ...request })));
    }
    if (more.length > 0) problems.push(`the request created ${created.length} sessions: ${created.join(', ')}`);
  } else if (plan.build === null && created.length > 0) {
    problems.push(`no session was to be created, but ${created.join(', ')} appeared`);
  }

  /* every session: the phases it went through, the phase it rests in */
  const kept = new Map<string, SessionTrack>();
  for (const track of sessions.values()) {
    const checked = checkSession(track, after, moved.get(track.key));
    problems.push(...checked.problems);
    if (checked.track) kept.set(track.key, checked.track);
  }
  problems.push(...straySessions(after, sessions));

  /* the signals and wake-ups the step caused, and every child's status */
  problems.push(...signalCheck(plan, sessions, before, after));
  problems.push(...reportCheck(plan, before, after));
  problems.push(...wakeupCheck(plan, sessions, world.names, before, after));
  for (const track of children.values()) problems.push(...childProblems(track, after));
  for (const { child, event } of plan.children) {
    const was = before.children[child];
    const now = after.children[child];
    if (was && now) problems.push(...policyEffects(event, was, now, ANNOUNCED).map((problem) => `${child}: ${problem}`));
    if (event.type === 'closeAllSessions' || event.type === 'destroy') {
      problems.push(...ownCpuSessionProblems(before, after, child, SESSION_COST));
    }
  }
  if (plan.build) {
    const { env, child } = plan.build;
    problems.push(...environmentAfterBuild(env, after, child, CLIENT_SET_ARGS));
    const journal = after.journal.slice(before.journal.length);
    problems.push(...buildMoveProblems(env, journal, child, setupQuota(env, clientQuota(world.shape)), envServer(world.names)));
  }

  const sighs = nextSighs(world, plan);
  return { world: { ...world, observation: after, sessions: kept, children, sighs }, problems };
}

function expectedResult(
  source: ResultSource,
  sessions: ReadonlyMap<string, SessionTrack>,
  children: ReadonlyMap<string, ChildTrack>,
  requested: SessionState | null,
): CallResult {
  switch (source.kind) {
    case 'session':
      return sessions.get(source.key)?.state.context.result ?? { kind: 'none' };
    case 'request':
      return requested?.context.result ?? { kind: 'none' };
    case 'child':
      return children.get(source.child)?.state.context.result ?? { kind: 'none' };
    case 'none':
      return { kind: 'none' };
  }
}

/**
 * Compares one session with its machine. A session the machine destroyed
 * and the implementation no longer shows is no longer tracked.
 */
function checkSession(
  track: SessionTrack,
  after: Observation,
  values: readonly string[] | undefined,
): { readonly problems: string[]; readonly track: SessionTrack | null } {
  const name = sessionName(track);
  const history = after.history[track.key] ?? [];
  const fresh = history.slice(track.seen);
  const problems: string[] = [];
  if (values) {
    const problem = phasesProblem(values.map(phaseOfState), fresh, name);
    if (problem) problems.push(problem);
  } else if (fresh.length > 0) {
    problems.push(`${name} went through [${fresh.join(', ')}], but the step did not concern it`);
  }
  const view = after.sessions.find((session) => session.key === track.key);
  problems.push(...sessionStateProblems(track.state.value, track.state.context, view, track.id, name));
  const gone = track.state.value === 'destroyed' && view === undefined;
  return { problems, track: gone ? null : { ...track, seen: history.length } };
}

/** Sessions the implementation shows that no machine knows of (environment sessions aside). */
function straySessions(after: Observation, known: ReadonlyMap<string, SessionTrack>): string[] {
  return after.sessions
    .filter((view: SessionView) => view.env === null && !known.has(view.key))
    .map((view) => `no session was expected, but ${view.key} of ${view.client} exists in ${view.phase}`);
}

/** The signals each child was to receive in this step: from its sessions' machines and its own. */
function signalCheck(
  plan: Plan,
  sessions: ReadonlyMap<string, SessionTrack>,
  before: Observation,
  after: Observation,
): string[] {
  const expected = new Map<string, Partial<Record<keyof Signals, number>>>();
  const add = (child: string, kind: keyof Signals): void => {
    const counts = expected.get(child) ?? {};
    counts[kind] = (counts[kind] ?? 0) + 1;
    expected.set(child, counts);
  };
  for (const { key, move } of plan.sessions) {
    const client = sessions.get(key)?.client;
    if (client !== undefined && move.next.context.signal) add(client, 'session');
  }
  if (plan.request?.move.next.context.signal) add(plan.request.client, 'session');
  for (const { child, move } of plan.children) {
    if (move.next.context.signal !== null) add(child, move.next.context.signal);
  }

  const problems: string[] = [];
  for (const [child, now] of Object.entries(after.children)) {
    const was: ChildView | undefined = before.children[child];
    if (was) problems.push(...signalProblems(expected.get(child) ?? {}, was, now, child));
  }
  return problems;
}

/**
 * What the parent reported in this step, by level: nothing, unless a
 * machine that took the step expects a report; then at least one, each of
 * a level some machine expects.
 */
function reportCheck(plan: Plan, before: Observation, after: Observation): string[] {
  const levels = new Set<ReportLevel>();
  for (const { move } of plan.sessions) levels.add(move.next.context.report);
  if (plan.request) levels.add(plan.request.move.next.context.report);
  for (const { move } of plan.children) levels.add(move.next.context.report);
  levels.delete('none');
  const [only, ...more] = levels;
  if (more.length === 0) return checkReports(only ?? 'none', before, after);
  const added = after.diagnostics.slice(before.diagnostics.length);
  const fits = added.length > 0 && added.every((diagnostic) => levels.has(diagnostic.level));
  return fits ? [] : [`the parent reported ${added.map((each) => each.level).join(', ') || 'nothing'}, the machines expect ${[...levels].join(' and ')}`];
}

/** The wake-ups of each child service in this step: one per session machine that expects one. */
function wakeupCheck(
  plan: Plan,
  sessions: ReadonlyMap<string, SessionTrack>,
  names: SystemNames,
  before: Observation,
  after: Observation,
): string[] {
  const expected = new Map<string, number>();
  const services = [...plan.sessions.map(({ key, move }) => ({ service: sessions.get(key)?.service, woken: move.next.context.wakeup }))];
  if (plan.request) services.push({ service: plan.request.service, woken: plan.request.move.next.context.wakeup });
  for (const { service, woken } of services) {
    if (service?.server && woken) {
      const key = `${service.server}/${service.name}`;
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
  }

  /* a child whose binary comes from a server wakes that server's ROM service */
  const [firstServer] = names.servers;
  const rom = firstServer === undefined ? null : `${firstServer}/ROM`;
  for (const { move } of plan.children) {
    if (rom !== null && move.next.context.wakeups > 0) expected.set(rom, (expected.get(rom) ?? 0) + move.next.context.wakeups);
  }

  const problems: string[] = [];
  const keys = names.services.flatMap((service) => (service.server === null ? [] : [`${service.server}/${service.name}`]));
  for (const key of rom === null ? keys : [...keys, rom]) {
    const woken = (after.wakeups[key] ?? 0) - (before.wakeups[key] ?? 0);
    const wanted = expected.get(key) ?? 0;
    if (woken !== wanted) problems.push(`the step woke ${key} ${woken} time(s), the machines expect ${wanted}`);
  }
  return problems;
}

/**
 * The verdicts on children already judged, by machine state and the part
 * of the observation the child predicates read: `explore` and `fuzz` judge
 * the same few combinations over and over.
 */
const childVerdicts = new Map<string, readonly string[]>();
const CHILD_VERDICTS_KEPT = 100_000;

/** A child against its machine. */
function childProblems(track: ChildTrack, observation: Observation): readonly string[] {
  const view = observation.children[track.name];
  if (!view) return [`the observation has no child named ${track.name}`];
  const binary = binarySession(observation, track.name);
  const key = [
    track.name,
    track.state.id,
    view.constructed,
    view.active,
    view.startError,
    view.pdClosed,
    view.destroyed,
    view.exitValue,
    view.outstandingHeartbeats,
    view.yieldArgs,
    binary?.phase,
  ].join('|');
  const known = childVerdicts.get(key);
  if (known) return known;
  const verdict = childStateProblems(track.state.snapshot, view, binary, EXIT_VALUE).map(
    (problem) => `${track.name}: ${problem}`,
  );
  if (childVerdicts.size >= CHILD_VERDICTS_KEPT) childVerdicts.clear();
  childVerdicts.set(key, verdict);
  return verdict;
}

/** Clients with a session signal handler after the step: as `sessionSigh` says, and none for a destroyed child. */
function nextSighs(world: WorldState, plan: Plan): ReadonlySet<string> {
  const { action } = plan;
  if (action.kind === 'sessionSigh' && action.valid) return new Set([...world.sighs, action.client]);
  if (action.kind === 'sessionSigh') return new Set([...world.sighs].filter((client) => client !== action.client));
  if (action.kind === 'child' && action.action === 'destroy' && world.sighs.has(action.child)) {
    return new Set([...world.sighs].filter((client) => client !== action.child));
  }
  return world.sighs;
}
