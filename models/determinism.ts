/**
 * Replaying a path more than once: an implementation must answer the same
 * operations on the same description with the same results and the same
 * observations every time. The first replay of a path records a transcript;
 * each further replay builds a fresh system from the same description,
 * applies the recorded operations, and compares every result and every
 * observation with the transcript. The first difference is the failure.
 *
 * A further replay checks nothing else (no machine, no ledger): if it
 * observes exactly what the first replay observed, everything the first
 * replay checked holds for it too.
 *
 * Limitation: nondeterminism is sampled, not proven absent: each path is
 * replayed a fixed number of times, and only a path whose first replay
 * passed; an implementation that differs rarely can pass. Running with a
 * higher `--repeat` samples more.
 */
import type { CallResult, ImplementationUnderTest, Observation, Operation, SystemDescription, SystemUnderTest } from '../impl/contract.ts';
import { failureDetails } from './implementationFailure.ts';

/** One step of the first replay: the operations sent, what each returned, and the observation after. */
export interface TranscriptStep {
  readonly operations: readonly Operation[];
  readonly results: readonly CallResult[];
  readonly observation: Observation;
}

/** What the first replay of a path sent and saw. */
export interface Transcript {
  readonly description: SystemDescription;
  readonly initial: Observation;
  readonly steps: readonly TranscriptStep[];
}

/** How a further replay differed from the first, or failed: the step (0 while building), a one-line reason and further lines. */
export interface ReplayDifference {
  readonly step: number;
  readonly reason: string;
  readonly details: readonly string[];
}

/** Shows a call compactly for a reason: `session("client", 10, ...)`. */
export type OperationFormatter = (operation: Operation) => string;

/**
 * Replays `transcript` on a fresh system as replay number `round`; null if
 * every result and observation is the same as in the transcript.
 */
export async function replayTranscript(
  implementation: ImplementationUnderTest,
  transcript: Transcript,
  round: number,
  format: OperationFormatter,
): Promise<ReplayDifference | null> {
  const replay = new FurtherReplay(transcript, round, format);
  let system: SystemUnderTest;
  try {
    system = await implementation.create(transcript.description);
  } catch (error) {
    return replay.failed(0, 'building the system', error);
  }
  const difference = await replay.run(system);
  try {
    await system.dispose();
  } catch (error) {
    return difference ?? replay.failed(transcript.steps.length, 'disposing of the system', error);
  }
  return difference;
}

/** One further replay of a transcript, and how it words what went differently. */
class FurtherReplay {
  constructor(
    private readonly transcript: Transcript,
    private readonly round: number,
    private readonly format: OperationFormatter,
  ) {}

  /** Applies the recorded operations to `system`, comparing as it goes. */
  async run(system: SystemUnderTest): Promise<ReplayDifference | null> {
    /* the new system */
    const initial = await observe(system);
    if (!initial.ok) return this.failed(0, 'observing the new system', initial.error);
    const atStart = firstDifference(initial.observation, this.transcript.initial, this.round);
    if (atStart !== null) return this.differs(0, `the observation ${atStart}`);

    for (const [offset, recorded] of this.transcript.steps.entries()) {
      const step = offset + 1;

      /* the same operations, with the same results */
      for (const [index, operation] of recorded.operations.entries()) {
        let result: CallResult;
        try {
          result = await system.apply(operation);
        } catch (error) {
          return this.failed(step, this.format(operation), error);
        }
        const inResult = firstDifference(result, recorded.results[index], this.round);
        if (inResult !== null) return this.differs(step, `${this.format(operation)} returned ${inResult}`);
      }

      /* the same observation */
      const after = await observe(system);
      if (!after.ok) return this.failed(step, 'observing', after.error);
      const inObservation = firstDifference(after.observation, recorded.observation, this.round);
      if (inObservation !== null) return this.differs(step, `the observation ${inObservation}`);
    }
    return null;
  }

  /** The replay could not go on: a call failed. */
  failed(step: number, what: string, error: unknown): ReplayDifference {
    const message = error instanceof Error ? error.message : String(error);
    return { step, reason: `replay ${this.round}: ${what} failed: ${message}`, details: failureDetails(error) };
  }

  /** The replay went on, but differently from the first. */
  private differs(step: number, what: string): ReplayDifference {
    const where = step === 0 ? 'in the new system' : `at step ${step}`;
    return { step, reason: `nondeterministic: replay ${this.round} differs from replay 1 ${where}: ${what}`, details: [] };
  }
}

async function observe(
  system: SystemUnderTest,
): Promise<{ readonly ok: true; readonly observation: Observation } | { readonly ok: false; readonly error: unknown }> {
  try {
    return { ok: true, observation: await system.observe() };
  } catch (error) {
    return { ok: false, error };
  }
}

/** Stands for an array entry or object key that one side does not have. */
const NOTHING = Symbol('nothing');

/**
 * Where two JSON values first differ, as `at .accounts.ref.ram: 5 in replay
 * 2, 6 in replay 1`; null when they are equal. Object keys are compared as
 * sets, so their order does not matter; array entries in order.
 */
export function firstDifference(now: unknown, before: unknown, round: number): string | null {
  return firstDifferenceBetween(now, before, { now: `in replay ${round}`, before: 'in replay 1' });
}

/** What the two values compared are called in a difference: `in replay 2` and `in replay 1`, `after` and `before`. */
export interface ComparedNames {
  readonly now: string;
  readonly before: string;
}

/**
 * Where two JSON values first differ, as `at .step: 3 after, 2 before` for
 * the names `after` and `before`; null when they are equal. Object keys are
 * compared as sets, array entries in order.
 */
export function firstDifferenceBetween(now: unknown, before: unknown, names: ComparedNames): string | null {
  /* The common case, equal values in the same order, is settled by the native serialiser. */
  if (JSON.stringify(now) === JSON.stringify(before)) return null;
  return differenceAt(now, before, names, '');
}

function differenceAt(now: unknown, before: unknown, names: ComparedNames, at: string): string | null {
  if (Object.is(now, before)) return null;
  if (Array.isArray(now) && Array.isArray(before)) return arrayDifference(now, before, names, at);
  if (isPlainObject(now) && isPlainObject(before)) return objectDifference(now, before, names, at);
  return `${at === '' ? '' : `at ${at}: `}${shown(now)} ${names.now}, ${shown(before)} ${names.before}`;
}

function arrayDifference(now: readonly unknown[], before: readonly unknown[], names: ComparedNames, at: string): string | null {
  const common = Math.min(now.length, before.length);
  for (let index = 0; index < common; index += 1) {
    const inside = differenceAt(now[index], before[index], names, `${at}[${index}]`);
    if (inside !== null) return inside;
  }
  if (now.length === before.length) return null;
  const extraNow = common < now.length ? now[common] : NOTHING;
  const extraBefore = common < before.length ? before[common] : NOTHING;
  return differenceAt(extraNow, extraBefore, names, `${at}[${common}]`);
}

function objectDifference(
  now: Readonly<Record<string, unknown>>,
  before: Readonly<Record<string, unknown>>,
  names: ComparedNames,
  at: string,
): string | null {
  for (const key of new Set([...Object.keys(now), ...Object.keys(before)])) {
    const path = `${at}${/^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`}`;
    const inside = differenceAt(key in now ? now[key] : NOTHING, key in before ? before[key] : NOTHING, names, path);
    if (inside !== null) return inside;
  }
  return null;
}

function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function shown(value: unknown): string {
  if (value === NOTHING) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

/** Collects the transcript of a path's first replay as it runs. */
export class TranscriptRecorder {
  private description: SystemDescription | null = null;
  private initial: Observation | null = null;
  private readonly steps: TranscriptStep[] = [];

  /** The system was built from `description` and first observed as `initial`. */
  begin(description: SystemDescription, initial: Observation): void {
    this.description = description;
    this.initial = initial;
  }

  /** One step: the operations sent, their results in order, the observation after. */
  step(operations: readonly Operation[], results: readonly CallResult[], observation: Observation): void {
    this.steps.push({ operations, results, observation });
  }

  /** The transcript, once the system was built and observed; null before. */
  transcript(): Transcript | null {
    if (this.description === null || this.initial === null) return null;
    return { description: this.description, initial: this.initial, steps: [...this.steps] };
  }
}
