/**
 * Scenarios: scripted paths into corners of the protocol that the
 * generated paths and the `fuzz` and `explore` systems do not reach (a
 * rollback that undoes two moves, a transfer of nothing, a session its
 * server destroyed before its client died, the order of CPU-session closes
 * in `close_all_sessions`). Each builds its own system, carries out a fixed
 * list of legal operations, and is judged after every step by every quota
 * invariant and observation rule; at the end, its last result and
 * observation must show what the spec says the path leads to.
 *
 * They run in every full `check`, after the misuse cases, on any
 * implementation, and alone with `--path scenario#n`. Nothing an
 * implementation does escapes as an exception: a refused operation, a crash
 * or a timeout is a failed scenario with its reason.
 *
 * Limitation: no statechart follows a scenario, so its intermediate steps
 * are judged only by the invariants and the observation rules, and its
 * result only at the end; a wrong result on the way that breaks neither and
 * leads to the same end passes. A scenario is for a corner; the machines'
 * paths remain the specification of each step. Scenarios are run once, not
 * `--repeat` times, so nondeterminism shows in the generated paths only.
 */
import type {
  CallResult,
  ImplementationUnderTest,
  Observation,
  Operation,
  RouteDescription,
  ServiceDescription,
  SystemDescription,
  SystemUnderTest,
} from '../impl/contract.ts';
import { noChecks } from '../invariants/check-table.ts';
import { INVARIANT_IDS, Ledger, type InvariantId } from '../invariants/index.ts';
import { formatResult } from './binding.ts';
import type { FailureReport } from './check.ts';
import { failureDetails, messageOf } from './implementationFailure.ts';
import { describedObservationProblems, initialObservationProblems, stepObservationProblems } from './observationRules.ts';
import { formatOperation, invariantFailure, type PathFailure, type StepRecord } from './replay.ts';

/** The machine-like name scenarios go by in ids (`scenario#2`) and failure reports. */
export const SCENARIO = 'scenario';

/** One scripted path: a system, the operations, and where the spec says they lead. */
export interface Scenario {
  /** `scenario#n`, by position in the table. */
  readonly id: string;
  /** One line: the corner the path goes to. */
  readonly title: string;
  readonly description: SystemDescription;
  readonly operations: readonly ScriptedOperation[];
  /** What the end of the path must show, in words, for the report. */
  readonly aim: string;
  /** Whether the last result and the last observation show it. */
  readonly reached: (last: CallResult, observation: Observation) => boolean;
}

type ScenarioSpec = Omit<Scenario, 'id'>;

/**
 * An operation as the script writes it: fixed, or a server's answer, whose
 * server ID the implementation chose and the observation before it shows.
 */
export type ScriptedOperation = Operation | ServerAnswer;

export interface ServerAnswer {
  readonly kind: 'serverAnswer';
  /** The session answered: the one `client` requested at `service`. */
  readonly client: string;
  readonly service: string;
  readonly answer: (serverId: number) => Operation;
}

/** The server's answer to the session `client` requested at `service`, under the server ID that session has. */
function answerTo(client: string, service: string, answer: (serverId: number) => Operation): ServerAnswer {
  return { kind: 'serverAnswer', client, service, answer };
}

/** The operation `step` stands for now, or why there is none. */
function resolveStep(step: ScriptedOperation, observation: Observation): Operation | string {
  if (!('kind' in step)) return step;
  const answered = observation.sessions.filter((view) => view.client === step.client && view.service === step.service && view.serverId !== null);
  const [session, ...others] = answered;
  if (session === undefined || session.serverId === null) return `no session of ${step.client} at ${step.service} has a server ID to answer`;
  if (others.length > 0) return `${answered.length} sessions of ${step.client} at ${step.service} have server IDs; the script answers one`;
  return step.answer(session.serverId);
}

/* ------------------------------------------------------------ the table */

const ENV_SERVICES = ['PD', 'CPU', 'LOG', 'ROM'] as const;

/** A local service of each name. */
function localServices(names: readonly string[]): ServiceDescription[] {
  return names.map((name) => ({ name, kind: 'local' }));
}

/** Routes of each service name to the local service of that name. */
function localRoutes(names: readonly string[]): RouteDescription[] {
  return names.map((name) => ({ service: name, to: { kind: 'local', name } }));
}

/* RAM quotas of the two CPU sessions of the close-order scenario: distinct, and unlike any other quota in it */
const CPU_SESSION_9_RAM = 16_384;
const CPU_SESSION_10_RAM = 12_288;

const SPECS: readonly ScenarioSpec[] = [
  {
    /* the journal records no move of 0, whether the transaction commits or rolls back */
    title: 'a rollback after a transfer of nothing: an upgrade of caps only (ram_quota 0), more than the client has',
    description: {
      sessionCost: 1024,
      reference: { ram: 10_000_000, caps: 10_000 },
      upstream: { ram: 0, caps: 0 },
      services: localServices([...ENV_SERVICES, 'Local']),
      children: [{ name: 'client', quota: { ram: 100_000, caps: 50 }, dynamic: false, routes: localRoutes([...ENV_SERVICES, 'Local']) }],
    },
    operations: [
      { op: 'session', child: 'client', id: 10, service: 'Local', args: 'ram_quota=8192, cap_quota=4, label="x"' },
      { op: 'sessionCap', child: 'client', id: 10 },
      { op: 'upgrade', child: 'client', id: 10, args: 'cap_quota=500' },
    ],
    aim: 'the upgrade fails for want of caps',
    reached: (last) => last.kind === 'error' && last.error === 'outOfCaps',
  },
  {
    /*
     * Starting `late` spends the session cost the reference account keeps for
     * the client's session, so when the server closes it, the revert takes
     * the donated RAM and caps back from the server and then cannot pay the
     * client: the rollback must undo those two moves, caps first.
     */
    title: 'a rollback of two moves: a revert after the reference account spent the session cost',
    description: {
      sessionCost: 1024,
      reference: { ram: 210_000, caps: 110 },
      upstream: { ram: 0, caps: 0 },
      services: localServices(ENV_SERVICES),
      children: [
        { name: 'server', quota: { ram: 100_000, caps: 50 }, dynamic: false, routes: localRoutes(ENV_SERVICES) },
        {
          name: 'client',
          quota: { ram: 100_000, caps: 50 },
          dynamic: false,
          routes: [
            { service: 'Block', to: { kind: 'child', server: 'server', name: 'Block' } },
            ...localRoutes(ENV_SERVICES),
          ],
        },
        /* all that is left at the reference account, and the session cost, but for 500 bytes */
        {
          name: 'late',
          quota: { ram: 10_524, caps: 10 },
          dynamic: false,
          start: false,
          routes: localRoutes(ENV_SERVICES),
        },
      ],
    },
    operations: [
      { op: 'session', child: 'client', id: 10, service: 'Block', args: 'ram_quota=9216, cap_quota=2, label="disk"' },
      answerTo('client', 'Block', (id) => ({ op: 'deliverSessionCap', child: 'server', id })),
      { op: 'sessionCap', child: 'client', id: 10 },
      { op: 'close', child: 'client', id: 10 },
      { op: 'startChild', child: 'late' },
      answerTo('client', 'Block', (id) => ({ op: 'sessionResponse', child: 'server', id, response: 'closed' })),
    ],
    aim: 'the last step rolls back a transaction with two undo moves',
    reached: (_last, observation) => {
      const undone = observation.journal.filter(
        (entry) => entry.kind === 'move' && entry.undo && entry.step === observation.step,
      );
      return undone.length === 2;
    },
  },
  {
    /*
     * The server's `close_all_sessions` destroys the binary ROM session it
     * serves to `late`; destroying `late` afterwards must leave that state
     * destroyed once, and not touch it again.
     */
    title: "an environment session destroyed by its server's close_all_sessions, then its client destroyed",
    description: {
      sessionCost: 1024,
      reference: { ram: 10_000_000, caps: 10_000 },
      upstream: { ram: 0, caps: 0 },
      services: localServices(ENV_SERVICES),
      children: [
        { name: 'server', quota: { ram: 100_000, caps: 50 }, dynamic: false, routes: localRoutes(ENV_SERVICES) },
        {
          name: 'late',
          quota: { ram: 100_000, caps: 50 },
          dynamic: false,
          start: false,
          routes: [
            { service: 'ROM', labelPrefix: 'late -> binary', to: { kind: 'child', server: 'server', name: 'ROM' } },
            ...localRoutes(ENV_SERVICES),
          ],
        },
      ],
    },
    operations: [
      { op: 'startChild', child: 'late' },
      answerTo('late', 'ROM', (id) => ({ op: 'deliverSessionCap', child: 'server', id })),
      { op: 'closeAllSessions', child: 'server' },
      { op: 'destroyChild', child: 'late' },
    ],
    aim: 'late is destroyed with no session left',
    reached: (_last, observation) =>
      observation.children['late']?.destroyed === true &&
      observation.sessions.every((view) => view.client !== 'late'),
  },
  {
    /*
     * The seed's `close_all_sessions` closes the child's non-environment CPU
     * sessions first, one at a time, each time the first one `for_each`
     * meets; Genode's ID space is a tree ordered by ID and `for_each` walks
     * it in order, so the lowest client ID goes first. The child asks for
     * ID 10 before ID 9, so that neither the order of creation nor an order
     * of the IDs as text is the order of the IDs. Each close reverts its
     * session at once (local service) and returns exactly the RAM quota the
     * child gave (donated RAM plus session cost), which names the session
     * in the journal. The order of the later steps, which take whatever
     * session `apply_any` hands out, is left free.
     */
    title: 'close_all_sessions closes the non-environment CPU sessions lowest client ID first, here ID 9 before ID 10',
    description: {
      sessionCost: 1024,
      reference: { ram: 10_000_000, caps: 10_000 },
      upstream: { ram: 0, caps: 0 },
      services: localServices(ENV_SERVICES),
      children: [{ name: 'client', quota: { ram: 100_000, caps: 50 }, dynamic: false, routes: localRoutes(ENV_SERVICES) }],
    },
    operations: [
      { op: 'session', child: 'client', id: 10, service: 'CPU', args: `ram_quota=${CPU_SESSION_10_RAM}, cap_quota=3, label="ten"` },
      { op: 'session', child: 'client', id: 9, service: 'CPU', args: `ram_quota=${CPU_SESSION_9_RAM}, cap_quota=5, label="nine"` },
      { op: 'closeAllSessions', child: 'client' },
    ],
    aim: 'the RAM of CPU session 9 returns to the client before that of CPU session 10',
    reached: (_last, observation) => {
      const returned = observation.journal.flatMap((entry) =>
        entry.kind === 'move' && entry.step === observation.step && !entry.undo && entry.to === 'pd:client' && entry.resource === 'ram'
          ? [entry.amount]
          : [],
      );
      const nine = returned.indexOf(CPU_SESSION_9_RAM);
      const ten = returned.indexOf(CPU_SESSION_10_RAM);
      return nine !== -1 && ten !== -1 && nine < ten;
    },
  },
];

/** Every scenario, numbered `scenario#1` on in this order. */
export const SCENARIOS: readonly Scenario[] = SPECS.map((spec, index) => ({ id: `${SCENARIO}#${index + 1}`, ...spec }));

/** Whether `pathId` names a scenario (`scenario#n`) rather than a generated path. */
export function isScenarioId(pathId: string): boolean {
  return pathId.startsWith(`${SCENARIO}#`);
}

/** The scenario with this id, if there is one. */
export function findScenario(id: string): Scenario | undefined {
  return SCENARIOS.find((scenario) => scenario.id === id);
}

/* ------------------------------------------------------------ running them */

export interface ScenarioOptions {
  /** Run only this scenario (`scenario#n`); every one when absent. */
  readonly scenarioId?: string;
  /** How to replay one scenario on the command line, given its id. */
  readonly replayCommand?: (scenarioId: string) => string;
  /** Stop after the first failing scenario. */
  readonly stopAtFirstFailure?: boolean;
}

export interface ScenarioResult {
  readonly id: string;
  readonly title: string;
  readonly ok: boolean;
  readonly ms: number;
}

/** What the scenarios found. */
export interface ScenarioReport {
  /** Scenarios run. */
  readonly cases: number;
  readonly passed: number;
  /** Steps carried out over all scenarios. */
  readonly steps: number;
  readonly results: readonly ScenarioResult[];
  /** The elementary checks each invariant made, over every scenario. */
  readonly invariants: Readonly<Record<InvariantId, number>>;
  /** One failure per failed scenario, as `runCheck` reports failed paths. */
  readonly failures: readonly FailureReport[];
}

/**
 * Runs the scenarios (all, or `options.scenarioId`), each on a fresh system
 * that is disposed of afterwards. Never throws for a faulty implementation;
 * throws only for a `scenarioId` that names no scenario.
 */
export async function checkScenarios(implementation: ImplementationUnderTest, options: ScenarioOptions = {}): Promise<ScenarioReport> {
  const selected = selectedScenarios(options.scenarioId);
  const replayCommand = options.replayCommand ?? ((id: string) => `child-spec check --path ${id}`);
  const results: ScenarioResult[] = [];
  const failures: FailureReport[] = [];
  const invariants = noChecks();
  let steps = 0;
  for (const scenario of selected) {
    const started = performance.now();
    const run = await runScenario(implementation, scenario);
    steps += run.trace.length;
    for (const id of INVARIANT_IDS) invariants[id] += run.invariants[id];
    results.push({ id: scenario.id, title: scenario.title, ok: run.failure === null, ms: performance.now() - started });
    if (run.failure !== null) {
      failures.push(failureReport(scenario, run, replayCommand(scenario.id)));
      if (options.stopAtFirstFailure) break;
    }
  }
  return { cases: results.length, passed: results.filter((result) => result.ok).length, steps, results, invariants, failures };
}

function selectedScenarios(scenarioId: string | undefined): readonly Scenario[] {
  if (scenarioId === undefined) return SCENARIOS;
  const scenario = findScenario(scenarioId);
  if (scenario === undefined) throw new Error(`no scenario '${scenarioId}': there are ${SCENARIO}#1 to ${SCENARIO}#${SCENARIOS.length}`);
  return [scenario];
}

interface ScenarioRun {
  readonly trace: readonly StepRecord[];
  readonly invariants: Readonly<Record<InvariantId, number>>;
  readonly failure: PathFailure | null;
}

async function runScenario(implementation: ImplementationUnderTest, scenario: Scenario): Promise<ScenarioRun> {
  let system: SystemUnderTest;
  try {
    system = await implementation.create(scenario.description);
  } catch (error) {
    return { trace: [], invariants: noChecks(), failure: implementationFailure(0, `building the system failed: ${messageOf(error)}`, error) };
  }
  try {
    return await followScript(system, scenario);
  } finally {
    await system.dispose().catch(() => undefined);
  }
}

/** Carries out the operations one by one, judging each step as a generated path's step is judged, then the aim. */
async function followScript(system: SystemUnderTest, scenario: Scenario): Promise<ScenarioRun> {
  const trace: StepRecord[] = [];
  let ledger: Ledger | null = null;
  const end = (failure: PathFailure | null): ScenarioRun => ({ trace, invariants: ledger?.checks() ?? noChecks(), failure });

  let before: Observation;
  try {
    before = await system.observe();
  } catch (error) {
    return end(implementationFailure(0, `observing the new system failed: ${messageOf(error)}`, error));
  }
  ledger = new Ledger(scenario.description, before);
  const initial = ledger.initialViolations();
  if (initial.length > 0) return end(invariantFailure(0, initial));
  const malformed = [...initialObservationProblems(before), ...describedObservationProblems(scenario.description, before)];
  if (malformed.length > 0) return end(stateFailure(0, malformed.map((problem) => `the new system: ${problem}`)));

  let last: CallResult = { kind: 'none' };
  for (const [offset, step] of scenario.operations.entries()) {
    const index = offset + 1;
    const operation = resolveStep(step, before);
    if (typeof operation === 'string') return end(stateFailure(index, [operation]));
    const call = formatOperation(operation);
    try {
      last = await system.apply(operation);
    } catch (error) {
      trace.push(record(index, call, `refused: ${messageOf(error)}`));
      return end(implementationFailure(index, `${call} failed: ${messageOf(error)}`, error));
    }
    trace.push(record(index, call, formatResult(last)));
    let after: Observation;
    try {
      after = await system.observe();
    } catch (error) {
      return end(implementationFailure(index, `observing after ${call} failed: ${messageOf(error)}`, error));
    }
    const violations = ledger.observe(after, `${index}: ${call}`);
    if (violations.length > 0) return end(invariantFailure(index, violations));
    const problems = [...stepObservationProblems(before, after, 1), ...describedObservationProblems(scenario.description, after)];
    if (problems.length > 0) return end(stateFailure(index, problems));
    before = after;
  }

  if (!scenario.reached(last, before)) {
    const step = scenario.operations.length;
    return end({ kind: 'result', step, reason: `the path does not end as the spec says: ${scenario.aim}; the last call returned ${formatResult(last)}`, invariant: null, details: [] });
  }
  return end(null);
}

function record(index: number, call: string, result: string): StepRecord {
  return { index, event: 'scripted', operations: [call], expectedState: 'every invariant and rule', expectedResult: 'a result, not a refusal', result, observed: '-' };
}

function stateFailure(step: number, problems: readonly string[]): PathFailure {
  return { kind: 'state', step, reason: problems[0] ?? '', invariant: null, details: problems.slice(1) };
}

function implementationFailure(step: number, reason: string, error: unknown): PathFailure {
  return { kind: 'implementation', step, reason, invariant: null, details: failureDetails(error) };
}

function failureReport(scenario: Scenario, run: ScenarioRun, replay: string): FailureReport {
  const failure = run.failure;
  if (failure === null) throw new Error('failureReport needs a failed scenario');
  return {
    path: scenario.id,
    machine: SCENARIO,
    title: scenario.title,
    kind: failure.kind,
    step: failure.step,
    reason: failure.reason,
    invariant: failure.invariant,
    details: failure.details,
    trace: run.trace,
    replay,
    transitions: [],
  };
}
