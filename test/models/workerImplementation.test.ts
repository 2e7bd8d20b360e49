/** `startWorkerImplementation` under mocha: TypeScript modules load in the worker, and a busy loop is stopped. */
import { expect } from 'chai';

import { runCheck } from '../../models/check.ts';
import { ProtocolSchemas } from '../../models/protocol.ts';
import { startWorkerImplementation, type WorkerStartResult } from '../../models/workerImplementation.ts';

const schemas = ProtocolSchemas.load();

function started(result: WorkerStartResult): Extract<WorkerStartResult, { kind: 'started' }> {
  if (result.kind !== 'started') throw new Error(`not started: ${result.reason}`);
  return result;
}

describe('models/workerImplementation', () => {
  it('runs a TypeScript module in a worker and passes its paths', async () => {
    const subject = started(
      await startWorkerImplementation({ specifier: 'test/fakes/module/referenceDefault.ts', stepTimeoutMs: 5000, startTimeoutMs: 20_000, schemas }),
    );
    try {
      expect(subject.implementation.name).to.equal('reference-as-module');
      const report = await runCheck({ implementation: subject.implementation, machines: ['session'], pathId: 'session#30' });
      expect(report.failures.map((failure) => failure.reason)).to.deep.equal([]);
    } finally {
      await subject.release();
    }
  });

  it('terminates a worker spinning in apply and fails every later call at once', async () => {
    const subject = started(
      await startWorkerImplementation({ specifier: 'test/fakes/module/busyApply.ts', stepTimeoutMs: 300, startTimeoutMs: 20_000, schemas }),
    );
    try {
      const begun = performance.now();
      const report = await runCheck({ implementation: subject.implementation, machines: ['session'] });
      expect(performance.now() - begun).to.be.below(10_000);
      expect(report.failures[0]?.reason).to.match(/ failed: apply did not return within 300 ms$/);
      expect(report.failures[1]?.reason).to.include('not run, since the implementation failed earlier');
      expect(subject.implementation.failure).to.equal('apply did not return within 300 ms');
    } finally {
      await subject.release();
    }
  });

  it('gives the loader its one-line reasons, and a start timeout for a module spinning at import', async () => {
    const missing = await startWorkerImplementation({ specifier: 'test/fakes/module/missing.ts', stepTimeoutMs: 5000, startTimeoutMs: 20_000 });
    expect(missing).to.have.property('reason').that.matches(/^no such file: .*missing\.ts$/);
    const wrong = await startWorkerImplementation({ specifier: 'test/fakes/module/wrongExport.ts', stepTimeoutMs: 5000, startTimeoutMs: 20_000 });
    expect(wrong).to.have.property('reason').that.includes('exports no ImplementationUnderTest');
    const busy = await startWorkerImplementation({ specifier: 'test/fakes/module/busyImport.ts', stepTimeoutMs: 5000, startTimeoutMs: 2000 });
    expect(busy).to.deep.equal({ kind: 'failed', reason: 'test/fakes/module/busyImport.ts did not load within 2000 ms' });
  });
});
