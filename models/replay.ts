/**
 * Replays one generated path on a fresh system of an implementation under
 * test, checking after every step the machine's state and expected result
 * against the observation, and every quota invariant.
 *
 * Nothing an implementation does escapes as an exception: a crash, a
 * refusal to build the system, or a reply the binding cannot use is a
 * failed path with its reason.
 */
import type { AnyMachineSnapshot, EventObject } from 'xstate';

import type { CallResult, ImplementationUnderTest, Observation, Operation, SystemUnderTest } from '../impl/contract.ts';
import { Ledger, type InvariantId, type Violation } from '../invariants/index.ts';
import { formatViolation } from '../invariants/index.ts';
import { noChecks } from '../invariants/check-table.ts';
import { formatEvent, formatResult, type Binding } from './binding.ts';
import { replayTranscript, TranscriptRecorder } from './determinism.ts';
import { failureDetails, messageOf } from './implementationFailure.ts';
import { describedObservationProblems, initialObservationProblems, stepObservationProblems } from './observationRules.ts';
import type { ModelPath } from './paths.ts';
import { MachineRunner, type MachineShape, type MachineStep } from './transitions.ts';

/** One step of a path as it ran: what was sent, expected and seen. */
export interface StepRecord {
  readonly index: number;
  readonly event: string;
  readonly operations: readonly string[];
  readonly expectedState: string;
  readonly expectedResult: string;
  readonly result: string;
  readonly observed: string;
}

/**
 * What a failure was caught by: the machine's state, a call's result, a
 * quota invariant, the implementation itself (a crash, a refusal, a bad
 * reply), or, for a whole check, a state or transition no path covered.
 */
export const FAILURE_KINDS = ['state', 'result', 'invariant', 'implementation', 'coverage'] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

export interface PathFailure {
  readonly kind: FailureKind;
  /** 1-based step the failure showed in; 0 while building the system. */
  readonly step: number;
  /** One line: what was wrong. */
  readonly reason: string;
  readonly invariant: InvariantId | null;
  /** Further lines: every mismatch of the step, or the violation in full. */
  readonly details: readonly string[];
}

export interface PathResult {
  readonly path: ModelPath<EventObject>;
  readonly ok: boolean;
  readonly steps: readonly StepRecord[];
  readonly invariantChecks: number;
  /** The elementary checks made, per invariant (see `Ledger.checks`). */
  readonly invariantCounts: Readonly<Record<InvariantId, number>>;
  readonly failure: PathFailure | null;
  /** The machine steps taken, for coverage. */
  readonly machineSteps: readonly MachineStep<AnyMachineSnapshot>[];
  readonly ms: number;
}

/** Shows an operation as the call it is: `session(client, 10, "Child", "ram_quota=...")`. */
export function formatOperation(operation: Operation): string {
  const { op, ...rest } = operation;
  const values = Object.values(rest).map((value) => (typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value)));
  return `${op}(${values.join(', ')})`;
}

function stateName(snapshot: AnyMachineSnapshot): string {
  return typeof snapshot.value === 'string' ? snapshot.value : JSON.stringify(snapshot.value);
}

/** How a path is replayed. */
export interface ReplayOptions {
  /**
   * How many times the path is replayed in all (default 1). Each replay
   * after the first builds a fresh system and must return and observe
   * exactly what the first did; a difference fails the path as
   * nondeterministic. Only a path that passed is replayed again.
   */
  readonly repeat?: number;
}

/** Replays `path` of `binding` on a fresh system built by `implementation`, `options.repeat` times. */
export async function replayPath<TEvent extends EventObject>(
  binding: Binding<TEvent>,
  shape: MachineShape,
  path: ModelPath<TEvent>,
  implementation: ImplementationUnderTest,
  options: ReplayOptions = {},
): Promise<PathResult> {
  const started = performance.now();
  const recorder = new TranscriptRecorder();
  const first = await replayOnce(binding, shape, path, implementation, recorder);
  const transcript = recorder.transcript();
  if (!first.ok || transcript === null) return first;

  for (let round = 2; round <= (options.repeat ?? 1); round += 1) {
    const difference = await replayTranscript(implementation, transcript, round, formatOperation);
    if (difference !== null) {
      const failure: PathFailure = { kind: 'implementation', invariant: null, ...difference };
      return { ...first, ok: false, failure, ms: performance.now() - started };
    }
  }
  return { ...first, ms: performance.now() - started };
}

/** The first replay of a path, with every check, recording what it sends and sees. */
async function replayOnce<TEvent extends EventObject>(
  binding: Binding<TEvent>,
  shape: MachineShape,
  path: ModelPath<TEvent>,
  implementation: ImplementationUnderTest,
  recorder: TranscriptRecorder,
): Promise<PathResult> {
  const started = performance.now();
  const steps: StepRecord[] = [];
  const machineSteps: MachineStep<AnyMachineSnapshot>[] = [];
  let ledger: Ledger | null = null;
  const finish = (failure: PathFailure | null): PathResult => ({
    path,
    ok: failure === null,
    steps,
    invariantChecks: ledger?.checkCount() ?? 0,
    invariantCounts: ledger?.checks() ?? noChecks(),
    failure,
    machineSteps,
    ms: performance.now() - started,
  });
  const implementationFailure = (step: number, reason: string, error: unknown): PathResult =>
    finish({ kind: 'implementation', step, reason, invariant: null, details: failureDetails(error) });

  /* build the system the path runs on */
  const description = binding.describe(path.events);
  let system: SystemUnderTest;
  try {
    system = await implementation.create(description);
  } catch (error) {
    return implementationFailure(0, `building the system failed: ${messageOf(error)}`, error);
  }

  try {
    let before: Observation;
    try {
      before = await system.observe();
    } catch (error) {
      return implementationFailure(0, `observing the new system failed: ${messageOf(error)}`, error);
    }
    recorder.begin(description, before);
    ledger = new Ledger(description, before);
    const initial = ledger.initialViolations();
    if (initial.length > 0) return finish(invariantFailure(0, initial));
    const malformed = [...initialObservationProblems(before), ...describedObservationProblems(description, before)];
    if (malformed.length > 0) {
      return finish({ kind: 'state', step: 0, reason: `the new system: ${malformed[0]}`, invariant: null, details: malformed.slice(1) });
    }

    const run = binding.start();
    const runner = new MachineRunner(binding.machine, shape);
    for (const [offset, event] of path.events.entries()) {
      const index = offset + 1;
      const machine = runner.send(event);
      machineSteps.push(machine);

      /* the operations the event stands for */
      const resolution = run.resolve(event, before);
      if (!resolution.ok) {
        return finish({ kind: 'state', step: index, reason: resolution.reason, invariant: null, details: [] });
      }

      /* carry them out */
      let result: CallResult = { kind: 'none' };
      const results: CallResult[] = [];
      for (const operation of resolution.operations) {
        try {
          result = await system.apply(operation);
        } catch (error) {
          return implementationFailure(index, `${formatOperation(operation)} failed: ${messageOf(error)}`, error);
        }
        results.push(result);
      }
      let after: Observation;
      try {
        after = await system.observe();
      } catch (error) {
        return implementationFailure(index, `observing after ${formatEvent(event)} failed: ${messageOf(error)}`, error);
      }
      recorder.step(resolution.operations, results, after);

      /* compare with the machine, then the invariants */
      const mismatches = run.check({ event, before, after, machine, result });
      const violations = ledger.observe(after, `${index}: ${formatEvent(event)}`);
      steps.push({
        index,
        event: formatEvent(event),
        operations: resolution.operations.map(formatOperation),
        expectedState: stateName(machine.snapshot),
        expectedResult: formatResult(machine.snapshot.context.result),
        result: formatResult(result),
        observed: run.describeObservation(after),
      });
      const first = mismatches[0];
      if (first !== undefined) {
        const kind: FailureKind = first.startsWith('the call returned') ? 'result' : 'state';
        return finish({ kind, step: index, reason: first, invariant: null, details: mismatches.slice(1) });
      }
      if (violations.length > 0) return finish(invariantFailure(index, violations));
      /* last, the rules on the observation's form that no machine or invariant speaks of */
      const malformedStep = [...stepObservationProblems(before, after, resolution.operations.length), ...describedObservationProblems(description, after)];
      if (malformedStep.length > 0) {
        return finish({ kind: 'state', step: index, reason: malformedStep[0] ?? '', invariant: null, details: malformedStep.slice(1) });
      }
      before = after;
    }
    return finish(null);
  } finally {
    await system.dispose().catch(() => undefined);
  }
}

/** A failure for the first of a step's violations, with all of them in full. */
export function invariantFailure(step: number, violations: readonly Violation[]): PathFailure {
  const [first] = violations;
  return {
    kind: 'invariant',
    step,
    reason: first ? `invariant ${first.invariant} broken: ${first.message}` : 'an invariant is broken',
    invariant: first?.invariant ?? null,
    details: violations.flatMap((violation) => formatViolation(violation).split('\n')),
  };
}
