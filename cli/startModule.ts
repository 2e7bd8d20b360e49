/** How `check`, `fuzz` and `explore` start the implementation an `--impl` module exports. */
import type { GuardedImplementation } from '../models/guardedImplementation.ts';
import { startWorkerImplementation } from '../models/workerImplementation.ts';
import { UsageError } from './usage.ts';

/** A module's implementation, guarded, in a worker thread of its own, and how to end that worker. */
export interface StartedModule {
  readonly implementation: GuardedImplementation;
  release(): Promise<void>;
}

/** Loads `module` in a worker thread; a module that cannot be used is a usage error, in one line. */
export async function startModule(module: string, timeouts: { readonly stepTimeout: number; readonly startTimeout: number }): Promise<StartedModule> {
  const started = await startWorkerImplementation({ specifier: module, stepTimeoutMs: timeouts.stepTimeout, startTimeoutMs: timeouts.startTimeout });
  if (started.kind === 'failed') throw new UsageError(`cannot use --impl ${module}: ${started.reason}`);
  return started;
}
