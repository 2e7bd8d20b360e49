/**
 * Runs steps (`Action`s) on one system of an implementation under test,
 * keeping the machines (`exploreWorld.ts`) and the ledger (`invariants/`)
 * beside it, and reports the first failure of each step: a mismatch with a
 * machine, a wrong result, a broken invariant, or the implementation
 * failing a call.
 *
 * Two drivers: `SyncRun` on the reference implementation's synchronous core
 * (`System`), which can also be forked for `explore`; `AsyncRun` on any
 * `ImplementationUnderTest`. Neither throws for a faulty implementation.
 */
import type {
  CallResult,
  ImplementationUnderTest,
  Observation,
  Operation,
  SystemDescription,
  SystemUnderTest,
} from '../impl/contract.ts';
import { System } from '../impl/system.ts';
import { formatViolation, Ledger, type InvariantId, type Violation } from '../invariants/index.ts';
import { formatResult } from './binding.ts';
import { cloneGraph, reachable } from './exploreClone.ts';
import { formatAction, type Action } from './exploreActions.ts';
import { plan, type Plan } from './explorePlan.ts';
import { describeSystem, type SystemShape } from './exploreSystem.ts';
import { sessionName, settle, startWorld, type WorldState } from './exploreWorld.ts';
import { messageOf } from './implementationFailure.ts';
import { formatOperation, type FailureKind } from './replay.ts';

/** One step as it ran: what was called, expected, returned and seen. */
export interface StepRecord {
  readonly index: number;
  readonly action: string;
  readonly operations: readonly string[];
  readonly expected: string;
  readonly result: string;
  readonly observed: string;
}

/** The first failure of a step. */
export interface StepFailure {
  readonly kind: FailureKind;
  /** 1-based step; 0 while building the system. */
  readonly step: number;
  /** One line: what was wrong. */
  readonly reason: string;
  readonly invariant: InvariantId | null;
  /** Further lines: every other mismatch of the step, or the violation in full. */
  readonly details: readonly string[];
}

/** What a step came to: not enabled in the current state, or taken with its failure, if any. */
export type StepOutcome =
  | { readonly kind: 'disabled' }
  | { readonly kind: 'taken'; readonly failure: StepFailure | null; readonly record: StepRecord | null };

interface RunState {
  world: WorldState;
  ledger: Ledger;
  steps: number;
}

const NONE: CallResult = { kind: 'none' };

function failureOf(step: number, problems: readonly string[], violations: readonly Violation[]): StepFailure | null {
  const [first, ...rest] = problems;
  if (first !== undefined) {
    const kind: FailureKind = first.startsWith('the call returned') ? 'result' : 'state';
    return { kind, step, reason: first, invariant: null, details: rest };
  }
  const [violation] = violations;
  if (violation === undefined) return null;
  return {
    kind: 'invariant',
    step,
    reason: `invariant ${violation.invariant} broken: ${violation.message}`,
    invariant: violation.invariant,
    details: violations.flatMap((each) => formatViolation(each).split('\n')),
  };
}

function implementationFailure(step: number, reason: string): StepFailure {
  return { kind: 'implementation', step, reason, invariant: null, details: [] };
}

/** The machines' and the ledger's verdict on a step that ran; updates `state`. */
function conclude(state: RunState, planned: Plan, result: CallResult, after: Observation, record: boolean): StepOutcome {
  const index = state.steps + 1;
  const before = state.world;
  const settled = settle(state.world, planned, result, after);
  const violations = state.ledger.observe(after, `${index}: ${formatAction(planned.action)}`);
  state.world = settled.world;
  state.steps = index;
  return {
    kind: 'taken',
    failure: failureOf(index, settled.problems, violations),
    record: record ? stepRecord(index, planned, result, before, settled.world) : null,
  };
}

/** The first observation: the machines' and the ledger's verdict on the system just built. */
function begin(
  shape: SystemShape,
  description: SystemDescription,
  first: Observation,
): { state: RunState; failure: StepFailure | null } {
  const started = startWorld(shape, first);
  const ledger = new Ledger(description, first);
  return {
    state: { world: started.world, ledger, steps: 0 },
    failure: failureOf(0, started.problems, ledger.initialViolations()),
  };
}

/** Steps on the reference implementation's synchronous core; forkable. */
export class SyncRun {
  private constructor(
    private readonly system: System,
    private readonly state: RunState,
    /** What forks share: the description, which neither the system nor the ledger changes. */
    private readonly shared: ReadonlySet<object>,
  ) {}

  /**
   * Builds the system of `shape`; the failure is the first observation's,
   * if any.
   */
  static start(shape: SystemShape): { readonly run: SyncRun; readonly failure: StepFailure | null } {
    const description = describeSystem(shape);
    const system = System.build(description);
    const { state, failure } = begin(shape, description, system.observe());
    return { run: new SyncRun(system, state, reachable(description)), failure };
  }

  get world(): WorldState {
    return this.state.world;
  }

  /** Steps taken so far. */
  get steps(): number {
    return this.state.steps;
  }

  /** The plan of `action` here, or null when it is not enabled. */
  plan(action: Action): Plan | null {
    return plan(this.state.world, action);
  }

  /** Takes `action`; `record` keeps the step for a trace. */
  step(action: Action, record = false): StepOutcome {
    const planned = plan(this.state.world, action);
    return planned ? this.take(planned, record) : { kind: 'disabled' };
  }

  /** Takes a step already planned here. */
  take(planned: Plan, record = false): StepOutcome {
    let result = NONE;
    let after: Observation;
    try {
      for (const operation of planned.operations) result = this.system.apply(operation);
      after = this.system.observe();
    } catch (error) {
      this.state.steps += 1;
      return { kind: 'taken', failure: implementationFailure(this.state.steps, messageOf(error)), record: null };
    }
    return conclude(this.state, planned, result, after, record);
  }

  /** An independent copy: system, machines and ledger. */
  fork(): SyncRun {
    const system = cloneGraph(this.system, (copy): copy is System => copy instanceof System, this.shared);
    const ledger = cloneGraph(this.state.ledger, (copy): copy is Ledger => copy instanceof Ledger, this.shared);
    return new SyncRun(system, { world: this.state.world, ledger, steps: this.state.steps }, this.shared);
  }
}

/** Steps on any implementation under test, through its asynchronous contract. */
export class AsyncRun {
  private constructor(
    private readonly system: SystemUnderTest,
    private readonly state: RunState,
  ) {}

  /**
   * Builds the system of `shape` on `implementation`; `run` is null when
   * the implementation cannot build or observe it (the failure says why).
   */
  static async start(
    implementation: ImplementationUnderTest,
    shape: SystemShape,
  ): Promise<{ readonly run: AsyncRun | null; readonly failure: StepFailure | null }> {
    const description = describeSystem(shape);
    let system: SystemUnderTest;
    try {
      system = await implementation.create(description);
    } catch (error) {
      return { run: null, failure: implementationFailure(0, `building the system failed: ${messageOf(error)}`) };
    }
    try {
      const { state, failure } = begin(shape, description, await system.observe());
      return { run: new AsyncRun(system, state), failure };
    } catch (error) {
      await system.dispose().catch(() => undefined);
      return { run: null, failure: implementationFailure(0, `observing the new system failed: ${messageOf(error)}`) };
    }
  }

  get world(): WorldState {
    return this.state.world;
  }

  get steps(): number {
    return this.state.steps;
  }

  async step(action: Action, record = false): Promise<StepOutcome> {
    const planned = plan(this.state.world, action);
    if (!planned) return { kind: 'disabled' };
    let result = NONE;
    let after: Observation;
    let current: Operation | null = null;
    try {
      for (const operation of planned.operations) {
        current = operation;
        result = await this.system.apply(operation);
      }
      current = null;
      after = await this.system.observe();
    } catch (error) {
      this.state.steps += 1;
      const what = current ? formatOperation(current) : 'observing';
      return { kind: 'taken', failure: implementationFailure(this.state.steps, `${what} failed: ${messageOf(error)}`), record: null };
    }
    return conclude(this.state, planned, result, after, record);
  }

  /** Disposes of the system; an implementation failing to is ignored, the run being over. */
  async dispose(): Promise<void> {
    await this.system.dispose().catch(() => undefined);
  }
}

/** The outcome of replaying concrete steps: the first failure, and the steps taken up to it. */
export interface Replayed {
  readonly failure: StepFailure | null;
  readonly executed: readonly Action[];
  readonly trace: readonly StepRecord[];
}

/**
 * Replays `actions` on a fresh system of `shape`, skipping those not
 * enabled when their turn comes, up to the first failure; `record` keeps a
 * trace. On the reference's synchronous core when `implementation` is
 * absent.
 */
export async function replayActions(
  shape: SystemShape,
  actions: readonly Action[],
  implementation: ImplementationUnderTest | undefined,
  record: boolean,
): Promise<Replayed> {
  const executed: Action[] = [];
  const trace: StepRecord[] = [];
  if (implementation === undefined) {
    const { run, failure } = SyncRun.start(shape);
    if (failure) return { failure, executed, trace };
    for (const action of actions) {
      const outcome = run.step(action, record);
      if (outcome.kind === 'disabled') continue;
      executed.push(action);
      if (outcome.record) trace.push(outcome.record);
      if (outcome.failure) return { failure: outcome.failure, executed, trace };
    }
    return { failure: null, executed, trace };
  }
  const { run, failure } = await AsyncRun.start(implementation, shape);
  if (failure || !run) return { failure, executed, trace };
  try {
    for (const action of actions) {
      const outcome = await run.step(action, record);
      if (outcome.kind === 'disabled') continue;
      executed.push(action);
      if (outcome.record) trace.push(outcome.record);
      if (outcome.failure) return { failure: outcome.failure, executed, trace };
    }
    return { failure: null, executed, trace };
  } finally {
    await run.dispose();
  }
}

/* ------------------------------------------------------------ traces */

function stepRecord(index: number, planned: Plan, result: CallResult, before: WorldState, after: WorldState): StepRecord {
  return {
    index,
    action: formatAction(planned.action),
    operations: planned.operations.map(formatOperation),
    expected: expectedText(planned, before),
    result: formatResult(result),
    observed: observedText(planned, before, after),
  };
}

/** What the machines expect of a step: each concerned machine's next state, and the result. */
function expectedText(planned: Plan, before: WorldState): string {
  const parts: string[] = [];
  for (const { key, move } of planned.sessions) {
    const track = before.sessions.get(key);
    const name = track ? sessionName(track) : key;
    parts.push(`${name} ${move.next.value} (client ${move.next.context.client})`);
  }
  if (planned.request) {
    const { client, id, service, move } = planned.request;
    parts.push(`new session (${client} #${id} at ${service.name}) ${move.next.value === 'idle' ? 'not created' : move.next.value}`);
  }
  for (const { child, move } of planned.children) parts.push(`${child} ${move.next.value}`);
  const result = expectedOf(planned);
  return [...parts, result === null ? 'result as the machine says' : formatResult(result)].join('; ');
}

function expectedOf(planned: Plan): CallResult | null {
  const source = planned.resultOf;
  switch (source.kind) {
    case 'session':
      return planned.sessions.find((move) => move.key === source.key)?.move.next.context.result ?? null;
    case 'request':
      return planned.request?.move.next.context.result ?? null;
    case 'child':
      return planned.children.find((move) => move.child === source.child)?.move.next.context.result ?? null;
    case 'none':
      return NONE;
  }
}

/** What the step left: the sessions and children it concerned, and the accounts of those involved. */
function observedText(planned: Plan, before: WorldState, after: WorldState): string {
  const observation = after.observation;
  const keys = new Set(planned.sessions.map((move) => move.key));
  for (const key of Object.keys(observation.history)) if (!(key in before.observation.history)) keys.add(key);
  const sessions = [...keys].map((key) => {
    const view = observation.sessions.find((session) => session.key === key);
    return view
      ? `${key} ${view.phase} client-id=${view.clientId ?? '-'} server-id=${view.serverId ?? '-'} donated=${view.donated.ram}/${view.donated.caps}`
      : `${key} gone`;
  });
  const children = planned.children.map(({ child }) => {
    const view = observation.children[child];
    if (!view) return `${child} ?`;
    const status = view.destroyed ? 'destroyed' : view.pdClosed ? 'pd-closed' : view.active ? 'active' : 'not active';
    return `${child} ${status}`;
  });
  const accounts = Object.entries(observation.accounts).map(([name, account]) => `${name}=${account.ram}/${account.caps}`);
  return [...sessions, ...children, accounts.join(' ')].join('; ');
}

/**
 * A failure as a readable protocol trace: the failure, then each step with
 * the calls made, what the machines expected, what the call returned and
 * what was observed. Lines, without the replay command, which the caller
 * knows.
 */
export function traceLines(failure: StepFailure, trace: readonly StepRecord[]): string[] {
  const lines = [`  failed at step ${failure.step} (${failure.kind}): ${failure.reason}`];
  for (const detail of failure.details) lines.push(`    ${detail}`);
  for (const step of trace) {
    lines.push(`  ${String(step.index).padStart(2)}. ${step.action}`);
    for (const operation of step.operations) lines.push(`        call     ${operation}`);
    lines.push(`        expected ${step.expected}`);
    lines.push(`        returned ${step.result}`);
    lines.push(`        observed ${step.observed}`);
  }
  return lines;
}
