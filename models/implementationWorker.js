// Entry of the worker thread that runs an `--impl` module
// (models/workerImplementation.ts). Plain JavaScript, so that it starts
// without a loader: it registers tsx for this thread first (hooks registered
// in the main thread do not reach a worker in Node 20), then loads the
// TypeScript that loads the module and answers the checker's calls.
import { register } from 'tsx/esm/api';

register();
await import('./implementationWorkerLoop.ts');
