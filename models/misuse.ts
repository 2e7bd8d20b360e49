/**
 * Misuse cases: what the contract calls misuse (`docs/implementing.md`,
 * "Misuse"), tried on fresh systems of an implementation under test. The
 * generated paths never misuse a system, so without these an implementation
 * that accepts garbage would pass.
 *
 * Each case builds a system and either hands over a malformed description,
 * which `create` must refuse, or carries out legal set-up operations and then
 * one misusing operation, which `apply` must refuse while leaving the system
 * as it was: the observation after the refusal must equal the one before it,
 * whole (`step` included), with object keys compared as sets.
 *
 * Nothing an implementation does escapes as an exception. A refusal is any
 * rejection, but an `ImplementationFailure` that is not an error reply: a
 * call that timed out, a result that does not fit the schema, a process or
 * worker that died is the implementation failing, not refusing. A case the
 * process protocol cannot carry (its schemas forbid negative and fractional
 * numbers, so the checker does not send them) is counted as not sent.
 */
import type { ChildDescription, ImplementationUnderTest, Observation, Operation, RouteDescription, SystemDescription, SystemUnderTest } from '../impl/contract.ts';
import { formatResult } from './binding.ts';
import type { FailureReport } from './check.ts';
import { childSystem } from './childModel.ts';
import { firstDifferenceBetween } from './determinism.ts';
import { ErrorReply, failureDetails, ImplementationFailure, messageOf, RequestNotSent } from './implementationFailure.ts';
import { formatOperation, type FailureKind, type StepRecord } from './replay.ts';
import { SESSION_SYSTEM } from './sessionModel.ts';

/** The machine-like name misuse cases go by in ids (`misuse#3`) and failure reports. */
export const MISUSE = 'misuse';

/** What a case misuses: the description itself, or one operation after the set-up. */
export type Misuse = { readonly kind: 'description' } | { readonly kind: 'operation'; readonly operation: Operation };

/** One misuse case: a system to build, legal set-up operations, and the misuse to refuse. */
export interface MisuseCase {
  /** `misuse#n`, by position in the table. */
  readonly id: string;
  /** One line: what is misused. */
  readonly title: string;
  readonly description: SystemDescription;
  readonly setUp: readonly Operation[];
  readonly misuse: Misuse;
}

type CaseSpec = Omit<MisuseCase, 'id'>;

/* ------------------------------------------------------------ the systems */

/** The session chart's system: `server` and `client`, both started; services `Local` (local) and `Upstream` (parent). */
const SESSIONS = SESSION_SYSTEM;
const SERVER = 'server';
const CLIENT = 'client';
/** The child chart's system: `server` started, `child` described with `start: false`. */
const STARTABLE = childSystem('local', 'ok');
const UNSTARTED = 'child';
const NOBODY = 'nobody';

const REQUEST_ARGS = 'ram_quota=8192, cap_quota=4, label="misuse"';
const CLIENT_ID = 10;
/** The server ID the first request at the server's `Child` service gets. */
const SERVER_ID = 1;

/** The client asks for a session with ID 10 at `service`. */
function request(service: 'Local' | 'Child', child: string = CLIENT, id: number = CLIENT_ID): Operation {
  return { op: 'session', child, id, service, args: REQUEST_ARGS };
}

/** A session at the local service, answered at once. */
const LOCAL_SESSION = request('Local');
/** A session waiting at the server for its answer, under server ID 1. */
const CHILD_SESSION = request('Child');

/*
 * Legal neighbours of misuse, tried in the set-up of the cases they border
 * on: an implementation that refuses them refuses more than the contract
 * calls misuse, and the case fails at its set-up.
 */

/** A service the client is routed to at a child that does not exist: a legal request, denied. */
const ABSENT_SERVICE = 'Absent';
/** A service `server` is routed to at the unstarted `child`: a legal request, denied. */
const UNSTARTED_SERVICE = 'Font';
/** The client's request for the service of a child that does not exist. */
const ABSENT_SESSION: Operation = { op: 'session', child: CLIENT, id: CLIENT_ID + 1, service: ABSENT_SERVICE, args: REQUEST_ARGS };
/** The server's request for a service of the child that is not started yet. */
const UNSTARTED_SESSION: Operation = { op: 'session', child: SERVER, id: CLIENT_ID, service: UNSTARTED_SERVICE, args: REQUEST_ARGS };
/** The client's request under the smallest ID, 0. */
const ZERO_ID_SESSION = request('Local', CLIENT, 0);

/* ------------------------------------------------------------ building cases */

/** `description` with the child `name` changed by `change`. */
function withChild(description: SystemDescription, name: string, change: (child: ChildDescription) => ChildDescription): SystemDescription {
  return { ...description, children: description.children.map((child) => (child.name === name ? change(child) : child)) };
}

/** `description` with `route` first among the routes of the child `name`. */
function withRoute(description: SystemDescription, name: string, route: RouteDescription): SystemDescription {
  return withChild(description, name, (child) => ({ ...child, routes: [route, ...child.routes] }));
}

/** A case whose description `create` must refuse. */
function malformed(title: string, description: SystemDescription): CaseSpec {
  return { title, description, setUp: [], misuse: { kind: 'description' } };
}

/** A case whose `operation`, after the legal `setUp` on `description`, `apply` must refuse. */
function misusing(title: string, operation: Operation, description: SystemDescription = SESSIONS, setUp: readonly Operation[] = []): CaseSpec {
  return { title, description, setUp, misuse: { kind: 'operation', operation } };
}

/* ------------------------------------------------------------ the table */

const MALFORMED_DESCRIPTIONS: readonly CaseSpec[] = [
  malformed('a description with a negative sessionCost', { ...SESSIONS, sessionCost: -1 }),
  malformed('a description with a fractional sessionCost', { ...SESSIONS, sessionCost: 1024.5 }),
  malformed('a description with negative RAM in the reference account', { ...SESSIONS, reference: { ...SESSIONS.reference, ram: -1 } }),
  malformed('a description with fractional caps in the reference account', { ...SESSIONS, reference: { ...SESSIONS.reference, caps: 0.5 } }),
  malformed('a description with negative caps upstream', { ...SESSIONS, upstream: { ...SESSIONS.upstream, caps: -1 } }),
  malformed('a description with fractional RAM upstream', { ...SESSIONS, upstream: { ...SESSIONS.upstream, ram: 0.25 } }),
  malformed(
    "a description with negative RAM in a child's quota",
    withChild(SESSIONS, CLIENT, (child) => ({ ...child, quota: { ...child.quota, ram: -100_000 } })),
  ),
  malformed(
    "a description with fractional caps in a child's quota",
    withChild(SESSIONS, CLIENT, (child) => ({ ...child, quota: { ...child.quota, caps: 1.5 } })),
  ),
  malformed(
    "a description with negative RAM in a child's envQuota",
    withChild(SESSIONS, CLIENT, (child) => ({ ...child, envQuota: { ram: -4096, caps: 0 } })),
  ),
  malformed(
    "a description with negative RAM in an unstarted child's quota",
    withChild(STARTABLE, UNSTARTED, (child) => ({ ...child, quota: { ...child.quota, ram: -1 } })),
  ),
  malformed(
    "a description with fractional caps in an unstarted child's envQuota",
    withChild(STARTABLE, UNSTARTED, (child) => ({ ...child, envQuota: { ram: 4096, caps: 2.5 } })),
  ),
  malformed('a description declaring a service twice', { ...SESSIONS, services: [...SESSIONS.services, { name: 'Local', kind: 'local' }] }),
  malformed('a description declaring a service as local and as parent', {
    ...SESSIONS,
    services: [...SESSIONS.services, { name: 'Local', kind: 'parent' }],
  }),
  malformed('a description declaring a child twice', {
    ...SESSIONS,
    children: [...SESSIONS.children, ...SESSIONS.children.filter((child) => child.name === SERVER)],
  }),
  malformed(
    'a description routing to an undeclared local service',
    withRoute(SESSIONS, CLIENT, { service: 'Gui', to: { kind: 'local', name: 'Gui' } }),
  ),
  malformed(
    'a description routing to an undeclared parent service',
    withRoute(SESSIONS, CLIENT, { service: 'Nic', to: { kind: 'parent', name: 'Nic' } }),
  ),
  malformed(
    'a description routing to a local service as a parent service',
    withRoute(SESSIONS, CLIENT, { service: 'Local', to: { kind: 'parent', name: 'Local' } }),
  ),
  malformed(
    'a description routing to a parent service as a local service',
    withRoute(SESSIONS, SERVER, { service: 'Upstream', to: { kind: 'local', name: 'Upstream' } }),
  ),
  malformed(
    'a description routing an unstarted child to an undeclared local service',
    withRoute(STARTABLE, UNSTARTED, { service: 'ROM', labelPrefix: 'child -> fonts', to: { kind: 'local', name: 'Fonts' } }),
  ),
];

/** The session system, with the client routed to a service of a child that does not exist. */
const ROUTED_TO_NOBODY = withRoute(SESSIONS, CLIENT, { service: ABSENT_SERVICE, to: { kind: 'child', server: NOBODY, name: ABSENT_SERVICE } });
/** The child chart's system, with the server routed to a service of the unstarted child. */
const ROUTED_TO_UNSTARTED = withRoute(STARTABLE, SERVER, {
  service: UNSTARTED_SERVICE,
  to: { kind: 'child', server: UNSTARTED, name: UNSTARTED_SERVICE },
});

const UNKNOWN_CHILDREN: readonly CaseSpec[] = [
  misusing('heartbeat of a child that does not exist', { op: 'heartbeat', child: NOBODY }),
  misusing('a session request of a child that does not exist', request('Local', NOBODY), ROUTED_TO_NOBODY, [LOCAL_SESSION, ABSENT_SESSION]),
  misusing('deliverSessionCap by a server that does not exist', { op: 'deliverSessionCap', child: NOBODY, id: SERVER_ID }, SESSIONS, [
    CHILD_SESSION,
  ]),
  misusing('startChild of a child that does not exist', { op: 'startChild', child: NOBODY }, STARTABLE),
  misusing('destroyChild of a child that does not exist', { op: 'destroyChild', child: NOBODY }),
];

const UNSTARTED_CHILDREN: readonly CaseSpec[] = [
  misusing('heartbeat of a child not yet started', { op: 'heartbeat', child: UNSTARTED }, ROUTED_TO_UNSTARTED, [UNSTARTED_SESSION]),
  misusing('a session request of a child not yet started', { op: 'session', child: UNSTARTED, id: CLIENT_ID, service: 'ROM', args: REQUEST_ARGS }, STARTABLE),
  misusing('yield to a child not yet started', { op: 'yield', child: UNSTARTED, args: 'ram_quota=4096' }, STARTABLE),
  misusing('closeAllSessions of a child not yet started', { op: 'closeAllSessions', child: UNSTARTED }, STARTABLE),
  misusing('destroyChild of a child not yet started', { op: 'destroyChild', child: UNSTARTED }, STARTABLE),
];

const STARTED_TWICE: readonly CaseSpec[] = [
  misusing('startChild of a child started with the system', { op: 'startChild', child: SERVER }, STARTABLE),
  misusing('startChild of a child started before', { op: 'startChild', child: UNSTARTED }, STARTABLE, [{ op: 'startChild', child: UNSTARTED }]),
];

/** The client requested a local session, then was destroyed. */
const CLIENT_DESTROYED: readonly Operation[] = [LOCAL_SESSION, { op: 'destroyChild', child: CLIENT }];

const DESTROYED_CHILDREN: readonly CaseSpec[] = [
  misusing('heartbeat of a destroyed child', { op: 'heartbeat', child: CLIENT }, SESSIONS, CLIENT_DESTROYED),
  misusing('a session request of a destroyed child', request('Local', CLIENT, CLIENT_ID + 1), SESSIONS, CLIENT_DESTROYED),
  misusing('destroyChild of a destroyed child', { op: 'destroyChild', child: CLIENT }, SESSIONS, CLIENT_DESTROYED),
  misusing('startChild of a destroyed child', { op: 'startChild', child: CLIENT }, SESSIONS, CLIENT_DESTROYED),
  misusing('deliverSessionCap by a destroyed server', { op: 'deliverSessionCap', child: SERVER, id: SERVER_ID }, SESSIONS, [
    CHILD_SESSION,
    { op: 'destroyChild', child: SERVER },
  ]),
];

const UNKNOWN_SERVICES: readonly CaseSpec[] = [
  misusing('answers for a service that is not declared', { op: 'setAnswers', service: 'Nowhere', answers: ['denied'] }),
  misusing('answers for a service only a child provides', { op: 'setAnswers', service: 'Child', answers: ['ok'] }, SESSIONS, [CHILD_SESSION]),
];

const INVALID_IDS: readonly CaseSpec[] = [
  misusing('a session request with a negative ID', request('Local', CLIENT, -1), SESSIONS, [ZERO_ID_SESSION]),
  misusing('a session request with a fractional ID', request('Local', CLIENT, 10.5), SESSIONS, [LOCAL_SESSION]),
  misusing('sessionCap with a negative ID', { op: 'sessionCap', child: CLIENT, id: -10 }, SESSIONS, [CHILD_SESSION]),
  misusing('upgrade with a fractional ID', { op: 'upgrade', child: CLIENT, id: 10.25, args: 'ram_quota=4096' }, SESSIONS, [LOCAL_SESSION]),
  misusing('close with a negative ID', { op: 'close', child: CLIENT, id: -1 }, SESSIONS, [LOCAL_SESSION]),
  misusing('deliverSessionCap with a fractional server ID', { op: 'deliverSessionCap', child: SERVER, id: 1.5 }, SESSIONS, [CHILD_SESSION]),
  misusing('sessionResponse with a negative server ID', { op: 'sessionResponse', child: SERVER, id: -1, response: 'ok' }, SESSIONS, [
    CHILD_SESSION,
  ]),
];

/** Every misuse case, numbered `misuse#1` on in this order. */
export const MISUSE_CASES: readonly MisuseCase[] = [
  ...MALFORMED_DESCRIPTIONS,
  ...UNKNOWN_CHILDREN,
  ...UNSTARTED_CHILDREN,
  ...STARTED_TWICE,
  ...DESTROYED_CHILDREN,
  ...UNKNOWN_SERVICES,
  ...INVALID_IDS,
].map((spec, index) => ({ id: `${MISUSE}#${index + 1}`, ...spec }));

/** Whether `pathId` names a misuse case (`misuse#n`) rather than a generated path. */
export function isMisuseId(pathId: string): boolean {
  return pathId.startsWith(`${MISUSE}#`);
}

/** The misuse case with this id, if there is one. */
export function findMisuseCase(id: string): MisuseCase | undefined {
  return MISUSE_CASES.find((misuseCase) => misuseCase.id === id);
}

/* ------------------------------------------------------------ running them */

/** How the misuse cases are run. */
export interface MisuseOptions {
  /** Run only this case (`misuse#n`); every case when absent. */
  readonly caseId?: string;
  /** How to replay one case on the command line, given its id. */
  readonly replayCommand?: (caseId: string) => string;
  /** Stop after the first failing case. */
  readonly stopAtFirstFailure?: boolean;
}

/** How a case ended: refused as it must be, failed, or not sent (the process protocol cannot carry it). */
export const MISUSE_OUTCOMES = ['refused', 'failed', 'notSent'] as const;
export type MisuseOutcome = (typeof MISUSE_OUTCOMES)[number];

export interface MisuseCaseResult {
  readonly id: string;
  readonly title: string;
  readonly outcome: MisuseOutcome;
  readonly ms: number;
}

/** What the misuse cases found. */
export interface MisuseReport {
  /** Cases run. */
  readonly cases: number;
  /** Cases refused, leaving the system as it was. */
  readonly passed: number;
  /** Cases the checker could not send, since the process protocol's schemas forbid them. */
  readonly notSent: number;
  readonly results: readonly MisuseCaseResult[];
  /** One failure per failed case, as `runCheck` reports failed paths. */
  readonly failures: readonly FailureReport[];
}

/**
 * Runs the misuse cases (all, or `options.caseId`), each on a fresh system
 * that is disposed of afterwards. Never throws for a faulty implementation;
 * throws only for a `caseId` that names no case.
 */
export async function checkMisuse(implementation: ImplementationUnderTest, options: MisuseOptions = {}): Promise<MisuseReport> {
  const selected = selectedCases(options.caseId);
  const replayCommand = options.replayCommand ?? ((caseId: string) => `child-spec check --path ${caseId}`);
  const results: MisuseCaseResult[] = [];
  const failures: FailureReport[] = [];
  for (const misuseCase of selected) {
    const started = performance.now();
    const verdict = await runCase(implementation, misuseCase);
    results.push({ id: misuseCase.id, title: misuseCase.title, outcome: verdict.outcome, ms: performance.now() - started });
    if (verdict.outcome === 'failed') {
      failures.push(failureReport(misuseCase, verdict, replayCommand(misuseCase.id)));
      if (options.stopAtFirstFailure) break;
    }
  }
  const count = (outcome: MisuseOutcome): number => results.filter((result) => result.outcome === outcome).length;
  return { cases: results.length, passed: count('refused'), notSent: count('notSent'), results, failures };
}

function selectedCases(caseId: string | undefined): readonly MisuseCase[] {
  if (caseId === undefined) return MISUSE_CASES;
  const misuseCase = findMisuseCase(caseId);
  if (misuseCase === undefined) throw new Error(`no misuse case '${caseId}': there are ${MISUSE}#1 to ${MISUSE}#${MISUSE_CASES.length}`);
  return [misuseCase];
}

/** How one case ended, with what it did on the way. */
type Verdict =
  | { readonly outcome: 'refused' | 'notSent'; readonly trace: readonly StepRecord[] }
  | {
      readonly outcome: 'failed';
      readonly kind: FailureKind;
      readonly step: number;
      readonly reason: string;
      readonly details: readonly string[];
      readonly trace: readonly StepRecord[];
    };

/** What a rejection is: the refusal asked for, a request the wire cannot carry, or the implementation failing. */
type Rejection = 'refused' | 'notSent' | 'failure';

function rejectionOf(error: unknown): Rejection {
  if (error instanceof RequestNotSent) return 'notSent';
  if (error instanceof ErrorReply) return 'refused';
  if (error instanceof ImplementationFailure) return 'failure';
  return 'refused';
}

/** Runs one case on a fresh system. */
async function runCase(implementation: ImplementationUnderTest, misuseCase: MisuseCase): Promise<Verdict> {
  return misuseCase.misuse.kind === 'description'
    ? runDescriptionCase(implementation, misuseCase)
    : runOperationCase(implementation, misuseCase, misuseCase.misuse.operation);
}

/** `create` must refuse the malformed description. */
async function runDescriptionCase(implementation: ImplementationUnderTest, misuseCase: MisuseCase): Promise<Verdict> {
  const record = (result: string): StepRecord => misuseRecord(0, 'create(the malformed description)', result, '-');
  let system: SystemUnderTest;
  try {
    system = await implementation.create(misuseCase.description);
  } catch (error) {
    const rejection = rejectionOf(error);
    const trace = [record(`refused: ${messageOf(error)}`)];
    if (rejection !== 'failure') return { outcome: rejection, trace };
    return failed('implementation', 0, `building the system failed: ${messageOf(error)}`, trace, failureDetails(error));
  }
  await system.dispose().catch(() => undefined);
  const reason = `misuse accepted: create built a system from ${misuseCase.title}; it must be refused`;
  return failed('result', 0, reason, [record('a system')]);
}

/** After the legal set-up, `apply(operation)` must refuse and leave the observation as it was. */
async function runOperationCase(implementation: ImplementationUnderTest, misuseCase: MisuseCase, operation: Operation): Promise<Verdict> {
  let system: SystemUnderTest;
  try {
    system = await implementation.create(misuseCase.description);
  } catch (error) {
    return failed('implementation', 0, `building the system failed: ${messageOf(error)}`, [], failureDetails(error));
  }
  try {
    return await misuseSystem(system, misuseCase, operation);
  } finally {
    await system.dispose().catch(() => undefined);
  }
}

async function misuseSystem(system: SystemUnderTest, misuseCase: MisuseCase, operation: Operation): Promise<Verdict> {
  const trace: StepRecord[] = [];
  for (const [offset, setUp] of misuseCase.setUp.entries()) {
    const index = offset + 1;
    try {
      const result = await system.apply(setUp);
      trace.push(setUpRecord(index, setUp, formatResult(result)));
    } catch (error) {
      trace.push(setUpRecord(index, setUp, `refused: ${messageOf(error)}`));
      return failed('implementation', index, `the legal set-up ${formatOperation(setUp)} failed: ${messageOf(error)}`, trace, failureDetails(error));
    }
  }

  const index = misuseCase.setUp.length + 1;
  const call = `apply(${formatOperation(operation)})`;
  let before: Observation;
  try {
    before = await system.observe();
  } catch (error) {
    return failed('implementation', index - 1, `observing before the misuse failed: ${messageOf(error)}`, trace, failureDetails(error));
  }

  try {
    const result = await system.apply(operation);
    trace.push(misuseRecord(index, call, formatResult(result), '-'));
    return failed('result', index, `misuse accepted: ${call} returned ${formatResult(result)} (${misuseCase.title}); it must be refused`, trace);
  } catch (error) {
    const rejection = rejectionOf(error);
    if (rejection === 'failure') {
      trace.push(misuseRecord(index, call, `failed: ${messageOf(error)}`, '-'));
      return failed('implementation', index, `${call} failed: ${messageOf(error)}`, trace, failureDetails(error));
    }
    if (rejection === 'notSent') return { outcome: 'notSent', trace };
    return refusedLeavingSystem(system, before, trace, index, call, `refused: ${messageOf(error)}`);
  }
}

/** The misuse was refused: the observation now must be the one before it. */
async function refusedLeavingSystem(
  system: SystemUnderTest,
  before: Observation,
  trace: StepRecord[],
  index: number,
  call: string,
  result: string,
): Promise<Verdict> {
  let after: Observation;
  try {
    after = await system.observe();
  } catch (error) {
    trace.push(misuseRecord(index, call, result, '-'));
    return failed('implementation', index, `observing after the refused misuse failed: ${messageOf(error)}`, trace, failureDetails(error));
  }
  const difference = firstDifferenceBetween(after, before, { now: 'after', before: 'before' });
  trace.push(misuseRecord(index, call, result, difference === null ? 'the observation before' : `changed ${difference}`));
  if (difference === null) return { outcome: 'refused', trace };
  return failed('state', index, `misuse refused, but the observation changed: ${difference}`, trace);
}

function failed(kind: FailureKind, step: number, reason: string, trace: readonly StepRecord[], details: readonly string[] = []): Verdict {
  return { outcome: 'failed', kind, step, reason, details, trace };
}

function setUpRecord(index: number, operation: Operation, result: string): StepRecord {
  const call = formatOperation(operation);
  return { index, event: 'set-up', operations: [call], expectedState: 'any state', expectedResult: 'a result, not a refusal', result, observed: '-' };
}

function misuseRecord(index: number, call: string, result: string, observed: string): StepRecord {
  return { index, event: 'misuse', operations: [call], expectedState: 'the observation before', expectedResult: 'refused', result, observed };
}

function failureReport(misuseCase: MisuseCase, verdict: Verdict, replay: string): FailureReport {
  if (verdict.outcome !== 'failed') throw new Error('failureReport needs a failed case');
  return {
    path: misuseCase.id,
    machine: MISUSE,
    title: misuseCase.title,
    kind: verdict.kind,
    step: verdict.step,
    reason: verdict.reason,
    invariant: null,
    details: verdict.details,
    trace: verdict.trace,
    replay,
    transitions: [],
  };
}
