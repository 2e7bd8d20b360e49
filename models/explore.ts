/**
 * `explore`: a breadth-first search over every state of an implementation
 * reachable in a bounded configuration — a fixed system (`SystemShape`)
 * and a fixed vocabulary of steps (`Vocabulary`) — checking every step
 * against the machines and every invariant, and visiting each state once
 * by its canonical key (`exploreKey.ts`), interchangeable clients reduced
 * by symmetry.
 *
 * The first failing step found is on a shortest path, since states are
 * expanded in order of their distance from the start. When the search
 * completes, the states from which no cooperation of clients and servers
 * leads back to a system without sessions are reported as stuck
 * (`exploreStuck.ts`).
 *
 * States are reached by forking the reference implementation's synchronous
 * core, or, for any other implementation, by replaying the path to them on
 * a fresh system. Silent: progress goes to a callback, the verdict is data.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import type { ImplementationUnderTest } from '../impl/contract.ts';
import type { Action } from './exploreActions.ts';
import { enabledSteps, type Enabled, type Vocabulary } from './exploreEnabled.ts';
import { canonicalKey } from './exploreKey.ts';
import { AsyncRun, replayActions, SyncRun, type StepFailure, type StepOutcome, type StepRecord } from './exploreRun.ts';
import { analyseStuck, cooperative, orphans, type StuckSummary } from './exploreStuck.ts';
import type { SystemShape } from './exploreSystem.ts';
import type { WorldState } from './exploreWorld.ts';

/** A bounded configuration. */
export interface ExploreConfig {
  readonly shape: SystemShape;
  readonly vocabulary: Vocabulary;
  /** Stop once this many distinct states are known. */
  readonly maxStates: number;
  /** Do not expand states this many steps from the start. */
  readonly maxDepth: number;
  /** Treat interchangeable clients as one. */
  readonly symmetry: boolean;
}

/**
 * Two clients, a local and a child-provided service, two sessions per client.
 *
 * Limitation: independent clients' steps are not reduced by partial order,
 * so states grow as the product of the clients' own states (divided by the
 * symmetry between them): 4 clients with one session each are 7385 states,
 * 2 clients with 3 sessions each are out of reach in minutes. The default
 * vocabulary leaves out upgrades, signal handlers, out-of-turn answers and
 * the small child protocols, which flags add.
 */
export const DEFAULT_EXPLORE_CONFIG: ExploreConfig = {
  shape: { clients: 2, services: ['local', 'child'], sessionsPerClient: 2, late: null },
  vocabulary: {
    levels: ['small'],
    answers: ['ok', 'denied'],
    responses: ['cap', 'ok', 'closed', 'denied'],
    outOfTurn: false,
    upgrades: false,
    sigh: false,
    unrouted: false,
    childActions: ['destroy'],
  },
  maxStates: 2_000_000,
  maxDepth: 1_000,
  symmetry: true,
};

export interface ExploreOptions {
  readonly config: ExploreConfig;
  /** The implementation under test; absent, the reference implementation's synchronous core. */
  readonly implementation?: ImplementationUnderTest;
  /** How many reached systems of the reference to keep for expansion, rather than rebuild from their path. */
  readonly keepSystems?: number;
  /** Reads the heap in use, in bytes, for `heapBytes`; by default after a full garbage collection (`heapAfterCollection`). */
  readonly heapUsed?: () => number;
  readonly onProgress?: (progress: ExploreProgress) => void;
}

export interface ExploreProgress {
  /** States expanded so far. */
  readonly expanded: number;
  /** Distinct states known. */
  readonly distinct: number;
  /** States known but not yet expanded. */
  readonly queue: number;
  readonly transitions: number;
  readonly depth: number;
  readonly ms: number;
}

/** A failing step with the shortest path to it. */
export interface ExploreFailure {
  readonly failure: StepFailure;
  readonly actions: readonly Action[];
  readonly trace: readonly StepRecord[];
}

export interface ExploreReport {
  /** No failing step and no unexpected stuck state. */
  readonly ok: boolean;
  /** Every reachable state was expanded (no bound was hit, no failure stopped the search). */
  readonly complete: boolean;
  readonly implementation: string;
  readonly distinct: number;
  readonly expanded: number;
  readonly transitions: number;
  /** The greatest distance from the start of a known state, in steps. */
  readonly depth: number;
  readonly ms: number;
  /** Heap growth over the search, in bytes, and per distinct state: the table of states and the systems kept for expansion. */
  readonly heapBytes: number;
  readonly bytesPerState: number;
  readonly failure: ExploreFailure | null;
  readonly stuck: StuckSummary;
}

/** How states are reached: a handle to a reached system, branched by one step. */
interface Engine<THandle> {
  start(): Promise<{ readonly handle: THandle | null; readonly failure: StepFailure | null }>;
  world(handle: THandle): WorldState;
  /**
   * The outcome of `step` taken from `handle` (reached by `path`), leaving
   * `handle` as it was unless `last` says it is not needed any more.
   */
  branch(
    handle: THandle,
    path: readonly Action[],
    step: Enabled,
    last: boolean,
  ): Promise<{ readonly handle: THandle; readonly outcome: StepOutcome }>;
  /** The handle of the state `path` leads to, rebuilt. */
  restore(path: readonly Action[]): Promise<THandle>;
  /** Whether to keep `handle` until its state is expanded, `kept` being kept already. */
  keep(kept: number): boolean;
}

/** The reference's synchronous core, forked at every branch. */
class SyncEngine implements Engine<SyncRun> {
  private root: SyncRun | null = null;

  constructor(
    private readonly shape: SystemShape,
    private readonly limit: number,
  ) {}

  async start(): Promise<{ handle: SyncRun | null; failure: StepFailure | null }> {
    const { run, failure } = SyncRun.start(this.shape);
    this.root = run.fork();
    return { handle: run, failure };
  }

  world(handle: SyncRun): WorldState {
    return handle.world;
  }

  async branch(handle: SyncRun, _path: readonly Action[], step: Enabled, last: boolean): Promise<{ handle: SyncRun; outcome: StepOutcome }> {
    const next = last ? handle : handle.fork();
    return { handle: next, outcome: next.take(step.plan) };
  }

  async restore(path: readonly Action[]): Promise<SyncRun> {
    if (!this.root) throw new Error('the search has not started');
    const run = this.root.fork();
    for (const action of path) run.step(action);
    return run;
  }

  keep(kept: number): boolean {
    return kept < this.limit;
  }
}

/** A reached state of another implementation: its machines, and the path that rebuilds its system. */
interface Reached {
  readonly world: WorldState;
  readonly path: readonly Action[];
}

/** Any implementation: every branch replays its path on a fresh system. */
class AsyncEngine implements Engine<Reached> {
  constructor(
    private readonly implementation: ImplementationUnderTest,
    private readonly shape: SystemShape,
  ) {}

  async start(): Promise<{ handle: Reached | null; failure: StepFailure | null }> {
    const { run, failure } = await AsyncRun.start(this.implementation, this.shape);
    if (!run) return { handle: null, failure };
    await run.dispose();
    return { handle: { world: run.world, path: [] }, failure };
  }

  world(handle: Reached): WorldState {
    return handle.world;
  }

  async branch(handle: Reached, path: readonly Action[], step: Enabled): Promise<{ handle: Reached; outcome: StepOutcome }> {
    const { run, failure } = await AsyncRun.start(this.implementation, this.shape);
    if (!run) {
      return { handle, outcome: { kind: 'taken', failure: failure ?? rebuildFailure(path.length + 1), record: null } };
    }
    try {
      for (const [index, action] of path.entries()) {
        const outcome = await run.step(action);
        if (outcome.kind === 'disabled') return { handle, outcome: { kind: 'taken', failure: unreplayable(index + 1), record: null } };
        if (outcome.failure) return { handle, outcome };
      }
      const outcome = await run.step(step.action);
      return { handle: { world: run.world, path: [...path, step.action] }, outcome };
    } finally {
      await run.dispose();
    }
  }

  async restore(path: readonly Action[]): Promise<Reached> {
    const { run } = await AsyncRun.start(this.implementation, this.shape);
    if (!run) throw new Error('the implementation built no system');
    try {
      for (const action of path) await run.step(action);
      return { world: run.world, path };
    } finally {
      await run.dispose();
    }
  }

  keep(): boolean {
    return true;
  }
}

/** A step of a known path that the implementation no longer lets the machines take: it does not behave the same twice. */
function unreplayable(step: number): StepFailure {
  return {
    kind: 'implementation',
    step,
    reason: 'replaying the path to a known state, this step was not enabled: the implementation does not behave the same twice',
    invariant: null,
    details: [],
  };
}

function rebuildFailure(step: number): StepFailure {
  return { kind: 'implementation', step, reason: 'the implementation built no system', invariant: null, details: [] };
}

/** Progress is reported at most this often (ms), and once at the end. */
const PROGRESS_INTERVAL = 500;

/**
 * The heap in use after a full garbage collection, in bytes, so that heap
 * figures count what the search keeps, not what waits to be collected.
 * Without a collector to call (a runtime that refuses `--expose_gc`), the
 * heap as it is.
 */
export function heapAfterCollection(): number {
  setFlagsFromString('--expose_gc');
  const collect: unknown = runInNewContext('gc');
  if (typeof collect === 'function') collect();
  return process.memoryUsage().heapUsed;
}

/** Systems of the reference kept for expansion by default. */
const KEEP_SYSTEMS = 5_000;

/** Runs the search; never throws for a faulty implementation. */
export async function runExplore(options: ExploreOptions): Promise<ExploreReport> {
  const { config, implementation } = options;
  return implementation === undefined
    ? search(new SyncEngine(config.shape, options.keepSystems ?? KEEP_SYSTEMS), options, 'reference')
    : search(new AsyncEngine(implementation, config.shape), options, implementation.name);
}

/** What the search knows of every distinct state, by number (the start is 0). */
class StateTable {
  readonly ids = new Map<string, number>();
  readonly parents: number[] = [];
  readonly actions: (Action | null)[] = [];
  readonly depths: number[] = [];
  /** States without sessions: the quiet ones every other should be able to return to. */
  readonly quiet: boolean[] = [];
  /** Sessions no cooperation can end, by state. */
  readonly orphans = new Map<number, readonly string[]>();
  /** Successors by cooperative steps, by state. */
  readonly cooperative: number[][] = [];
  readonly expanded: boolean[] = [];

  add(key: string, parent: number, action: Action | null, world: WorldState): number {
    const id = this.parents.length;
    this.ids.set(key, id);
    this.parents.push(parent);
    this.actions.push(action);
    this.depths.push(parent < 0 ? 0 : (this.depths[parent] ?? 0) + 1);
    this.quiet.push(world.sessions.size === 0);
    const stuck = orphans(world);
    if (stuck.length > 0) this.orphans.set(id, stuck);
    this.cooperative.push([]);
    this.expanded.push(false);
    return id;
  }

  get size(): number {
    return this.parents.length;
  }

  /** The steps from the start to state `id`. */
  pathTo(id: number): Action[] {
    const path: Action[] = [];
    for (let at = id; at > 0; at = this.parents[at] ?? 0) {
      const action = this.actions[at];
      if (action) path.push(action);
    }
    return path.reverse();
  }
}

async function search<THandle>(engine: Engine<THandle>, options: ExploreOptions, name: string): Promise<ExploreReport> {
  const { config } = options;
  const started = performance.now();
  const heapUsed = options.heapUsed ?? heapAfterCollection;
  const heapBefore = heapUsed();
  const table = new StateTable();
  let transitions = 0;
  let expanded = 0;
  let truncated = false;
  let reported = 0;
  const progress = (force: boolean): void => {
    const now = performance.now();
    if (!options.onProgress || (!force && now - reported < PROGRESS_INTERVAL)) return;
    reported = now;
    const depth = table.depths[table.size - 1] ?? 0;
    options.onProgress({ expanded, distinct: table.size, queue: table.size - expanded, transitions, depth, ms: now - started });
  };
  const finish = async (failure: ExploreFailure | null): Promise<ExploreReport> => {
    progress(true);
    const heapBytes = Math.max(0, heapUsed() - heapBefore);
    const complete = failure === null && !truncated;
    const stuck = complete ? await analyseStuck(table, (id) => engine.restore(table.pathTo(id)).then((handle) => engine.world(handle))) : analysisSkipped();
    return {
      ok: failure === null && stuck.unexpected === 0,
      complete,
      implementation: name,
      distinct: table.size,
      expanded,
      transitions,
      depth: table.depths[table.size - 1] ?? 0,
      ms: performance.now() - started,
      heapBytes,
      bytesPerState: table.size === 0 ? 0 : Math.round(heapBytes / table.size),
      failure,
      stuck,
    };
  };

  /* the start */
  const root = await engine.start();
  if (!root.handle || root.failure) {
    const failure = root.failure ?? rebuildFailure(0);
    return finish({ failure, actions: [], trace: [] });
  }
  table.add(canonicalKey(engine.world(root.handle), config.symmetry), -1, null, engine.world(root.handle));
  const kept = new Map<number, THandle>([[0, root.handle]]);

  /* breadth first: every state is expanded after every state nearer to the start */
  for (let id = 0; id < table.size; id += 1) {
    if ((table.depths[id] ?? 0) >= config.maxDepth) {
      truncated = true;
      continue;
    }
    const path = table.pathTo(id);
    const handle = kept.get(id) ?? (await engine.restore(path));
    kept.delete(id);
    const world = engine.world(handle);
    const steps = enabledSteps(world, config.vocabulary);
    for (const [index, step] of steps.entries()) {
      const { handle: next, outcome } = await engine.branch(handle, path, step, index === steps.length - 1);
      transitions += 1;
      if (outcome.kind === 'taken' && outcome.failure) {
        return finish(await failureOf(options, [...path, step.action]));
      }
      const nextWorld = engine.world(next);
      const key = canonicalKey(nextWorld, config.symmetry);
      let target = table.ids.get(key);
      if (target === undefined) {
        target = table.add(key, id, step.action, nextWorld);
        if (engine.keep(kept.size)) kept.set(target, next);
      }
      if (cooperative(world, step.action)) table.cooperative[id]?.push(target);
      if (table.size >= config.maxStates) {
        truncated = true;
        return finish(null);
      }
    }
    table.expanded[id] = true;
    expanded += 1;
    progress(false);
  }
  return finish(null);
}

function analysisSkipped(): StuckSummary {
  return { analysed: false, states: 0, quirks: 0, unexpected: 0, examples: [] };
}

/** The failing path replayed with a trace. */
async function failureOf(options: ExploreOptions, actions: readonly Action[]): Promise<ExploreFailure> {
  const replayed = await replayActions(options.config.shape, actions, options.implementation, true);
  const failure = replayed.failure ?? {
    kind: 'implementation' as const,
    step: actions.length,
    reason: 'the failure did not recur on replay',
    invariant: null,
    details: [],
  };
  return { failure, actions: replayed.executed, trace: replayed.trace };
}
