/**
 * The worker-thread side of `models/workerImplementation.ts`: loads the
 * module named in `workerData`, reports how that went, then carries out each
 * request (create, apply, observe, dispose) on the implementation and
 * answers it with the result, or with the message of what it threw.
 */
import { parentPort, workerData } from 'node:worker_threads';

import type { ImplementationUnderTest, SystemUnderTest } from '../impl/contract.ts';
import { firstLine, isSystemUnderTest, loadImplementation } from './loadImplementation.ts';
import type { FromWorker, ToWorker, WorkerStart } from './workerImplementation.ts';

const port = parentPort;
if (port === null) throw new Error('implementationWorkerLoop.ts runs only in a worker thread');
const start = workerData as WorkerStart;

const systems = new Map<number, SystemUnderTest>();
let nextHandle = 1;

function send(message: FromWorker): void {
  port?.postMessage(message);
}

/** Carries out one request; the value is what goes back (a system as its handle, or null if `create` gave none). */
async function perform(implementation: ImplementationUnderTest, request: ToWorker): Promise<unknown> {
  if (request.method === 'create') {
    const system: unknown = await implementation.create(request.description);
    if (!isSystemUnderTest(system)) return null;
    const handle = nextHandle++;
    systems.set(handle, system);
    return handle;
  }
  const system = systems.get(request.system);
  if (system === undefined) throw new Error(`no system ${request.system} in the worker`);
  switch (request.method) {
    case 'apply':
      return system.apply(request.operation);
    case 'observe':
      return system.observe();
    case 'dispose':
      systems.delete(request.system);
      await system.dispose();
      return null;
  }
}

async function answer(implementation: ImplementationUnderTest, request: ToWorker): Promise<void> {
  let value: unknown;
  try {
    value = await perform(implementation, request);
  } catch (error) {
    send({ kind: 'threw', id: request.id, message: error instanceof Error ? error.message : String(error) });
    return;
  }
  try {
    send({ kind: 'answer', id: request.id, value });
  } catch (error) {
    send({ kind: 'unsendable', id: request.id, problem: firstLine(error) });
  }
}

const loaded = await loadImplementation(start.specifier, start.cwd);
if (loaded.kind === 'failed') {
  send({ kind: 'notLoaded', reason: loaded.reason });
} else {
  const implementation = loaded.implementation;
  port.on('message', (request: ToWorker) => void answer(implementation, request));
  send({ kind: 'loaded', name: implementation.name });
}
