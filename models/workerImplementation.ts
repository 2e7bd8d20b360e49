/**
 * An implementation under test from a JavaScript or TypeScript module
 * (`--impl <module>`), run in a worker thread so that no call of it can
 * hang the checker: the checker's thread only sends each call (create,
 * apply, observe, dispose) as a message and waits for the answer, guarded by
 * `GuardedImplementation`. When a call does not settle within the step
 * timeout, the worker is terminated, which stops even a synchronous busy
 * loop; the call fails with the guard's one-line reason and every later call
 * fails at once. A worker that dies (an uncaught exception, `process.exit`)
 * fails the calls in flight and every later one the same way.
 *
 * Loading runs in the worker too (`models/implementationWorker.js`, which
 * registers tsx there, then `loadImplementation`): a module that is missing,
 * does not load, exports no implementation, or does not finish loading
 * within the start timeout (a busy loop at import time) gives no
 * implementation but a one-line reason, which the commands make a usage
 * error.
 *
 * What crosses the thread boundary is copied (structured clone): a result
 * that cannot be copied fails its call; an error the implementation throws
 * arrives as a plain `Error` with the same message.
 */
import { Worker } from 'node:worker_threads';

import type { CallResult, ImplementationUnderTest, Observation, Operation, SystemDescription, SystemUnderTest } from '../impl/contract.ts';
import { GuardedImplementation, ImplementationUnusable, NO_SYSTEM } from './guardedImplementation.ts';
import { ImplementationFailure } from './implementationFailure.ts';
import { firstLine } from './loadImplementation.ts';
import type { ProtocolSchemas } from './protocol.ts';

/** What the worker is started with (its `workerData`). */
export interface WorkerStart {
  readonly specifier: string;
  readonly cwd: string;
}

/** A call, as sent to the worker. */
export type ToWorker =
  | { readonly id: number; readonly method: 'create'; readonly description: SystemDescription }
  | { readonly id: number; readonly method: 'apply'; readonly system: number; readonly operation: Operation }
  | { readonly id: number; readonly method: 'observe' | 'dispose'; readonly system: number };

/** What the worker sends: how loading went, then one answer per call. */
export type FromWorker =
  | { readonly kind: 'loaded'; readonly name: string }
  | { readonly kind: 'notLoaded'; readonly reason: string }
  /** The call's value; for `create`, the system's handle, or null if it gave no system. */
  | { readonly kind: 'answer'; readonly id: number; readonly value: unknown }
  /** The implementation threw (or rejected) with this message. */
  | { readonly kind: 'threw'; readonly id: number; readonly message: string }
  /** The value could not be copied out of the worker. */
  | { readonly kind: 'unsendable'; readonly id: number; readonly problem: string };

export interface WorkerImplementationOptions {
  /** The module, relative to `cwd` or absolute, as given to `--impl`. */
  readonly specifier: string;
  readonly cwd?: string;
  /** Longest time one call may take, in ms. */
  readonly stepTimeoutMs: number;
  /** Longest time the module may take to load, in ms. */
  readonly startTimeoutMs: number;
  readonly schemas?: ProtocolSchemas;
}

/** How starting went: a guarded implementation and how to end its worker, or why there is none, in one line. */
export type WorkerStartResult =
  | { readonly kind: 'started'; readonly implementation: GuardedImplementation; release(): Promise<void> }
  | { readonly kind: 'failed'; readonly reason: string };

const ENTRY = new URL('./implementationWorker.js', import.meta.url);

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** Loads the module in a new worker and guards it. Never throws; never leaves a worker running on failure. */
export async function startWorkerImplementation(options: WorkerImplementationOptions): Promise<WorkerStartResult> {
  const { specifier, startTimeoutMs } = options;
  const start: WorkerStart = { specifier, cwd: options.cwd ?? process.cwd() };
  let worker: Worker;
  try {
    worker = new Worker(ENTRY, { workerData: start });
  } catch (error) {
    return { kind: 'failed', reason: `no worker thread to load ${specifier} in: ${firstLine(error)}` };
  }
  /* a worker that is somehow not released must not keep the checker alive; every wait on it has a timer */
  worker.unref();

  const loaded = await new Promise<{ kind: 'loaded'; name: string } | { kind: 'failed'; reason: string }>((resolve) => {
    const timer = setTimeout(() => finish({ kind: 'failed', reason: `${specifier} did not load within ${startTimeoutMs} ms` }), startTimeoutMs);
    const onMessage = (message: FromWorker): void => {
      if (message.kind === 'loaded') finish({ kind: 'loaded', name: message.name });
      else if (message.kind === 'notLoaded') finish({ kind: 'failed', reason: message.reason });
    };
    const onError = (error: unknown): void => finish({ kind: 'failed', reason: `${specifier} does not load: ${firstLine(error)}` });
    const onExit = (code: number): void => finish({ kind: 'failed', reason: `${specifier} does not load: the worker exited with code ${code}` });
    function finish(outcome: { kind: 'loaded'; name: string } | { kind: 'failed'; reason: string }): void {
      clearTimeout(timer);
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      resolve(outcome);
    }
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
  });
  if (loaded.kind === 'failed') {
    await worker.terminate();
    return loaded;
  }

  const inner = new WorkerImplementation(worker, loaded.name);
  const implementation = new GuardedImplementation(inner, {
    stepTimeoutMs: options.stepTimeoutMs,
    ...(options.schemas ? { schemas: options.schemas } : {}),
    onHang: (reason) => inner.end(reason),
  });
  return { kind: 'started', implementation, release: () => inner.end('the implementation was released') };
}

/** The unguarded proxy: sends each call to the worker and settles with its answer. */
class WorkerImplementation implements ImplementationUnderTest {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** Why the worker is gone, once it is. */
  private gone: string | null = null;

  constructor(
    private readonly worker: Worker,
    readonly name: string,
  ) {
    worker.on('message', (message: FromWorker) => this.settle(message));
    worker.on('error', (error) => this.die(`the implementation's worker failed: ${firstLine(error)}`));
    worker.on('messageerror', (error) => this.die(`an answer of the implementation's worker could not be read: ${firstLine(error)}`));
    worker.on('exit', (code) => this.die(`the implementation's worker exited with code ${code}`));
  }

  async create(description: SystemDescription): Promise<SystemUnderTest> {
    const handle = await this.call({ id: this.nextId++, method: 'create', description });
    if (typeof handle !== 'number') throw new ImplementationFailure(NO_SYSTEM);
    return {
      apply: async (operation) => (await this.call({ id: this.nextId++, method: 'apply', system: handle, operation })) as CallResult,
      observe: async () => (await this.call({ id: this.nextId++, method: 'observe', system: handle })) as Observation,
      dispose: async () => {
        await this.call({ id: this.nextId++, method: 'dispose', system: handle });
      },
    };
  }

  /** Terminates the worker, failing the calls in flight with `reason`. */
  async end(reason: string): Promise<void> {
    this.die(reason);
    await this.worker.terminate();
  }

  private call(request: ToWorker): Promise<unknown> {
    if (this.gone !== null) return Promise.reject(new ImplementationUnusable(this.gone));
    return new Promise((resolve, reject) => {
      this.pending.set(request.id, { resolve, reject });
      this.worker.postMessage(request);
    });
  }

  private settle(message: FromWorker): void {
    if (message.kind === 'loaded' || message.kind === 'notLoaded') return;
    const pending = this.pending.get(message.id);
    if (pending === undefined) return;
    this.pending.delete(message.id);
    switch (message.kind) {
      case 'answer':
        pending.resolve(message.value);
        return;
      case 'threw':
        pending.reject(new Error(message.message));
        return;
      case 'unsendable':
        pending.reject(new ImplementationFailure(`what it returned cannot be passed out of the worker thread: ${message.problem}`));
        return;
    }
  }

  /** The worker is gone (or going): every call in flight, and every later one, fails with `reason`. */
  private die(reason: string): void {
    if (this.gone !== null) return;
    this.gone = reason;
    for (const pending of this.pending.values()) pending.reject(new ImplementationUnusable(reason));
    this.pending.clear();
    void this.worker.terminate();
  }
}
