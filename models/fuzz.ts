/**
 * `fuzz`: random runs of whole systems — 1 to 4 clients, local, parent and
 * child-provided services, a child built late — each a random sequence of
 * enabled steps (`fuzzCommands.ts`), checked after every step against one
 * session machine per session, one child machine per child, and every
 * quota invariant.
 *
 * A failure is shrunk by fast-check, then reduced until no single step can
 * be removed with the run still failing, and reported as a protocol trace
 * with the seed and the replay path that reproduce it.
 *
 * Silent: progress goes to a callback, the verdict is data.
 */
import fc from 'fast-check';

import type { ImplementationUnderTest } from '../impl/contract.ts';
import type { Action } from './exploreActions.ts';
import { AsyncRun, replayActions, SyncRun, type StepFailure, type StepRecord } from './exploreRun.ts';
import type { SystemShape } from './exploreSystem.ts';
import { asyncCommands, FuzzStepFailure, shapeArbitrary, syncCommands, type FuzzModel, type FuzzReal } from './fuzzCommands.ts';

export interface FuzzOptions {
  /** Random runs to make. */
  readonly runs: number;
  /** Most commands per run (steps not enabled when their turn comes are skipped). */
  readonly maxCommands: number;
  /** The seed; random when absent. */
  readonly seed?: number;
  /** Replays one failure: the `path` of an earlier report (with its seed and `maxCommands`). */
  readonly replay?: string;
  /** The implementation under test; absent, the reference implementation's synchronous core. */
  readonly implementation?: ImplementationUnderTest;
  /** The command line that replays a failure, given its seed and path. */
  readonly replayCommand?: (seed: number, path: string) => string;
  readonly onProgress?: (progress: FuzzProgress) => void;
}

export interface FuzzProgress {
  /** Runs made, shrinking attempts included. */
  readonly runs: number;
  /** Steps taken over all runs. */
  readonly commands: number;
  readonly phase: 'searching' | 'shrinking' | 'reducing';
  readonly ms: number;
}

/** A failure, shrunk and reduced, with what reproduces it. */
export interface FuzzFailureReport {
  readonly seed: number;
  /** fast-check's counterexample path and the commands' replay path, as `--replay` takes them. */
  readonly path: string;
  readonly shape: SystemShape;
  readonly failure: StepFailure;
  /** The reduced steps, as they ran. */
  readonly trace: readonly StepRecord[];
  readonly actions: readonly Action[];
  /** Steps of the run fast-check shrank to, before the reduction. */
  readonly shrunkSteps: number;
  readonly replay: string;
}

export interface FuzzReport {
  readonly ok: boolean;
  readonly implementation: string;
  readonly seed: number;
  /** Runs made, shrinking attempts included. */
  readonly runs: number;
  /** Steps taken over all runs. */
  readonly commands: number;
  readonly ms: number;
  readonly failure: FuzzFailureReport | null;
}

/**
 * A `replay` that cannot be followed: not a path of this seed, this
 * `maxCommands` and this system generator. The message is one line.
 */
export class ReplayMismatch extends Error {
  constructor(replay: string, cause: unknown) {
    super(`cannot replay '${replay}': it is not the path of a run with this --seed and --max-commands; copy both from the failure report`, { cause });
  }
}

/** Progress is reported at most this often (ms), and once at the end. */
const PROGRESS_INTERVAL = 500;

/** Separates fast-check's path from the commands' replay path in a `--replay` value. */
const PATH_SEPARATOR = '@';

interface Counters {
  runs: number;
  commands: number;
  phase: FuzzProgress['phase'];
  readonly started: number;
  reported: number;
}

/** Runs the fuzzer; never throws for a faulty implementation. */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const seed = options.seed ?? randomSeed();
  const [path, replayPath] = splitReplay(options.replay);
  const counters: Counters = { runs: 0, commands: 0, phase: 'searching', started: performance.now(), reported: 0 };
  const progress = (force = false): void => report(options, counters, force);

  /* A replay runs the one run its path starts at: fast-check would go on with the runs after it. */
  const numRuns = path === undefined ? options.runs : Number(path.split(':')[0]) + 1;
  const parameters = { numRuns, seed, ...(path === undefined ? {} : { path }) };
  const implementation = options.implementation;
  let outcome: CheckOutcome;
  try {
    outcome =
      implementation === undefined
        ? outcomeOf(fc.check(syncProperty(options, replayPath, counters, progress), parameters))
        : outcomeOf(await fc.check(asyncProperty(implementation, options, replayPath, counters, progress), parameters));
  } catch (error) {
    /* fast-check throws (instead of failing a run) only when it cannot follow a replay path. */
    if (options.replay === undefined) throw error;
    throw new ReplayMismatch(options.replay, error);
  }
  const failure = outcome.failed ? await failureReport(options, seed, outcome, counters, progress) : null;
  progress(true);
  return {
    ok: !outcome.failed,
    implementation: options.implementation?.name ?? 'reference',
    seed,
    runs: counters.runs,
    commands: counters.commands,
    ms: performance.now() - counters.started,
    failure,
  };
}

function randomSeed(): number {
  return Math.floor(Math.random() * 0x7fffffff);
}

/** `fcPath@replayPath` into its parts; an absent value gives neither. */
function splitReplay(replay: string | undefined): [string | undefined, string | undefined] {
  if (replay === undefined) return [undefined, undefined];
  const at = replay.indexOf(PATH_SEPARATOR);
  return at < 0 ? [replay, undefined] : [replay.slice(0, at), replay.slice(at + 1)];
}

/** Whether `replay` has the form `--replay` takes: a counterexample path, optionally `@` and a commands replay path. */
export function validReplay(replay: string): boolean {
  const [path, commands] = splitReplay(replay);
  return /^\d+(:\d+)*$/.test(path ?? '') && (commands === undefined || /^[A-Za-z0-9+/=:]*$/.test(commands));
}

function report(options: FuzzOptions, counters: Counters, force: boolean): void {
  const now = performance.now();
  if (!options.onProgress || (!force && now - counters.reported < PROGRESS_INTERVAL)) return;
  counters.reported = now;
  options.onProgress({ runs: counters.runs, commands: counters.commands, phase: counters.phase, ms: now - counters.started });
}

/** What fast-check found, whatever the kind of property. */
interface CheckOutcome {
  readonly failed: boolean;
  /** The shrunk counterexample: a shape and the commands run on it. */
  readonly counterexample: readonly [SystemShape, Iterable<unknown>] | null;
  readonly path: string | null;
  readonly error: unknown;
}

function outcomeOf<TCommands extends Iterable<unknown>>(details: fc.RunDetails<[SystemShape, TCommands]>): CheckOutcome {
  return {
    failed: details.failed,
    counterexample: details.counterexample,
    path: details.counterexamplePath,
    error: details.errorInstance,
  };
}

/** Counts a finished run; a failed one means fast-check is shrinking now. */
function runDone(counters: Counters, progress: () => void, executed: number, failed: boolean): void {
  counters.runs += 1;
  counters.commands += executed;
  if (failed) counters.phase = 'shrinking';
  progress();
}

/** One run on the reference's synchronous core: a fresh system of a random shape, and random commands on it. */
function syncProperty(
  options: FuzzOptions,
  replayPath: string | undefined,
  counters: Counters,
  progress: () => void,
): fc.IProperty<[SystemShape, Iterable<fc.Command<FuzzModel<SyncRun>, FuzzReal>>]> {
  return fc.property(shapeArbitrary(), syncCommands(options.maxCommands, replayPath), (shape, commands) => {
    const started = SyncRun.start(shape);
    if (started.failure) {
      runDone(counters, progress, 0, true);
      throw new FuzzStepFailure(started.failure);
    }
    const model: FuzzModel<SyncRun> = { run: started.run, executed: [], records: null };
    let failed = true;
    try {
      fc.modelRun(() => ({ model, real: {} }), commands);
      failed = false;
    } finally {
      runDone(counters, progress, model.executed.length, failed);
    }
  });
}

/** One run on any implementation, through its asynchronous contract. */
function asyncProperty(
  implementation: ImplementationUnderTest,
  options: FuzzOptions,
  replayPath: string | undefined,
  counters: Counters,
  progress: () => void,
): fc.IAsyncProperty<[SystemShape, Iterable<fc.AsyncCommand<FuzzModel<AsyncRun>, FuzzReal>>]> {
  return fc.asyncProperty(shapeArbitrary(), asyncCommands(options.maxCommands, replayPath), async (shape, commands) => {
    const started = await AsyncRun.start(implementation, shape);
    if (started.failure || !started.run) {
      runDone(counters, progress, 0, true);
      throw new FuzzStepFailure(started.failure ?? noSystem());
    }
    const model: FuzzModel<AsyncRun> = { run: started.run, executed: [], records: null };
    let failed = true;
    try {
      await fc.asyncModelRun(() => ({ model, real: {} }), commands);
      failed = false;
    } finally {
      runDone(counters, progress, model.executed.length, failed);
      await started.run.dispose();
    }
  });
}

function noSystem(): StepFailure {
  return { kind: 'implementation', step: 0, reason: 'the implementation built no system', invariant: null, details: [] };
}

/* ------------------------------------------------------------ the failure */

/**
 * Removes single steps from a failing sequence as long as the run still
 * fails, until none can be removed: the result is 1-minimal.
 */
export async function reduceActions(
  shape: SystemShape,
  actions: readonly Action[],
  implementation: ImplementationUnderTest | undefined,
  onAttempt: () => void = () => undefined,
): Promise<readonly Action[]> {
  let current = actions;
  let index = 0;
  while (index < current.length) {
    const candidate = [...current.slice(0, index), ...current.slice(index + 1)];
    onAttempt();
    const replayed = await replayActions(shape, candidate, implementation, false);
    if (replayed.failure) {
      current = replayed.executed;
      index = 0;
    } else {
      index += 1;
    }
  }
  return current;
}

/** The steps fast-check's counterexample takes, replayed command by command as `modelRun` does. */
async function counterexampleActions(
  shape: SystemShape,
  commands: Iterable<unknown>,
  implementation: ImplementationUnderTest | undefined,
): Promise<readonly Action[]> {
  const executed: Action[] = [];
  const run = async (command: unknown, model: FuzzModel<SyncRun> | FuzzModel<AsyncRun>): Promise<boolean> => {
    if (!isCommand(command) || !command.check(model)) return true;
    try {
      await command.run(model, {});
      return true;
    } catch (error) {
      if (error instanceof FuzzStepFailure) return false;
      throw error;
    }
  };
  if (implementation === undefined) {
    const { run: system, failure } = SyncRun.start(shape);
    if (failure) return executed;
    const model: FuzzModel<SyncRun> = { run: system, executed, records: null };
    for (const command of commands) if (!(await run(command, model))) break;
    return executed;
  }
  const { run: system } = await AsyncRun.start(implementation, shape);
  if (!system) return executed;
  const model: FuzzModel<AsyncRun> = { run: system, executed, records: null };
  try {
    for (const command of commands) if (!(await run(command, model))) break;
  } finally {
    await system.dispose();
  }
  return executed;
}

/** What fast-check hands back of a command: `check` and `run` on the model. */
interface ModelCommand {
  check(model: unknown): boolean;
  run(model: unknown, real: FuzzReal): unknown;
}

function isCommand(value: unknown): value is ModelCommand {
  return (
    typeof value === 'object' &&
    value !== null &&
    'check' in value &&
    typeof value.check === 'function' &&
    'run' in value &&
    typeof value.run === 'function'
  );
}

/** The commands' replay path fast-check prints with a counterexample (`/*replayPath="…"*\/`). */
function commandsReplayPath(commands: unknown): string | null {
  const match = /replayPath=("(?:[^"\\]|\\.)*")/.exec(String(commands));
  if (!match?.[1]) return null;
  const parsed: unknown = JSON.parse(match[1]);
  return typeof parsed === 'string' ? parsed : null;
}

async function failureReport(
  options: FuzzOptions,
  seed: number,
  outcome: CheckOutcome,
  counters: Counters,
  progress: () => void,
): Promise<FuzzFailureReport | null> {
  const counterexample = outcome.counterexample;
  if (!counterexample) return null;
  const [shape, commands] = counterexample;
  counters.phase = 'reducing';
  const implementation = options.implementation;

  const shrunk = await counterexampleActions(shape, commands, implementation);
  const attempt = (): void => {
    counters.runs += 1;
    progress();
  };
  const reduced = await reduceActions(shape, shrunk, implementation, attempt);
  const replayed = await replayActions(shape, reduced, implementation, true);
  const failure = replayed.failure ?? startFailure(outcome.error);

  const replayPath = commandsReplayPath(commands);
  const path = `${outcome.path ?? ''}${replayPath === null ? '' : `${PATH_SEPARATOR}${replayPath}`}`;
  const replay = (options.replayCommand ?? defaultReplayCommand(options))(seed, path);
  return {
    seed,
    path,
    shape,
    failure,
    trace: replayed.trace,
    actions: replayed.executed,
    shrunkSteps: shrunk.length,
    replay,
  };
}

/** A failure the reduction cannot show step by step: building the system, or an error fast-check caught. */
function startFailure(error: unknown): StepFailure {
  if (error instanceof FuzzStepFailure) return error.failure;
  const reason = error instanceof Error ? error.message : String(error);
  return { kind: 'implementation', step: 0, reason, invariant: null, details: [] };
}

function defaultReplayCommand(options: FuzzOptions): (seed: number, path: string) => string {
  return (seed, path) => `child-spec fuzz --seed ${seed} --max-commands ${options.maxCommands} --replay '${path}'`;
}
