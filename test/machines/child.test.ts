import { expect } from 'chai';
import type { AnyMachineSnapshot } from 'xstate';

import { childMachine, YIELD_ARGS, type ChildEvent } from '../../machines/child.ts';
import { machineShape, takeStep } from '../../models/transitions.ts';

const shape = machineShape(childMachine);

function finalSnapshot(...events: ChildEvent[]): AnyMachineSnapshot {
  let snapshot: AnyMachineSnapshot | undefined;
  for (const event of events) snapshot = takeStep(childMachine, shape, snapshot, event).snapshot;
  if (!snapshot) throw new Error('no events');
  return snapshot;
}

const started: ChildEvent = { type: 'build', env: 'local', process: 'ok' };

describe('machines/child', () => {
  it('starts a child whose environment is answered at once', () => {
    expect(finalSnapshot(started).matches('active')).to.equal(true);
  });

  it('waits for a child-provided binary before starting', () => {
    const waiting = finalSnapshot({ type: 'build', env: 'child', process: 'ok' });
    expect(waiting.matches('envPending')).to.equal(true);
    expect(finalSnapshot({ type: 'build', env: 'child', process: 'ok' }, { type: 'deliverEnvCap' }).matches('active')).to.equal(true);
  });

  it('fails to start with the process outcome of its set-up', () => {
    const failed = finalSnapshot({ type: 'build', env: 'local', process: 'invalidExecutable' });
    expect(failed.matches('startFailed')).to.equal(true);
    expect(failed.context.process).to.equal('invalidExecutable');
  });

  it('never starts a child whose binary was refused or ran out of retries', () => {
    expect(finalSnapshot({ type: 'build', env: 'denied', process: 'ok' }).matches('envIncomplete')).to.equal(true);
    expect(finalSnapshot({ type: 'build', env: 'exhausted', process: 'ok' }).matches('envIncomplete')).to.equal(true);
  });

  it('never starts a child without its PD, CPU or linker, and reports it', () => {
    for (const env of ['pdUnrouted', 'cpuUnrouted', 'linkerDenied'] as const) {
      const snapshot = finalSnapshot({ type: 'build', env, process: 'ok' });
      expect(snapshot.matches('envIncomplete'), env).to.equal(true);
      expect(snapshot.context.report, env).to.equal('error');
    }
  });

  it('starts a child whose PD the reference account could not fund, with an error', () => {
    const snapshot = finalSnapshot({ type: 'build', env: 'unfunded', process: 'ok' });
    expect(snapshot.matches('active')).to.equal(true);
    expect(snapshot.context.report).to.equal('error');
  });

  it('forgets a binary whose server closed all its sessions: waiting for it ends, closing it wakes nobody', () => {
    const pending = { type: 'build', env: 'child', process: 'ok' } as const;
    expect(finalSnapshot(pending, { type: 'envServerGone' }).matches('envIncomplete')).to.equal(true);
    const closed = finalSnapshot(pending, { type: 'deliverEnvCap' }, { type: 'envServerGone' }, { type: 'closeAllSessions' });
    expect(closed.matches('sessionsClosed')).to.equal(true);
    expect(closed.context.wakeups).to.equal(0);
  });

  it('sends no heartbeat signal before the child installs a handler', () => {
    const snapshot = finalSnapshot(started, { type: 'heartbeat' });
    expect(snapshot.context.signal).to.equal(null);
    expect(snapshot.matches({ active: { heartbeat: 'unregistered' } })).to.equal(true);
  });

  it('counts skipped heartbeats from the second outstanding one', () => {
    const snapshot = finalSnapshot(
      started,
      { type: 'heartbeatSigh' },
      { type: 'heartbeat' },
      { type: 'heartbeat' },
      { type: 'heartbeat' },
      { type: 'skippedHeartbeats' },
    );
    expect(snapshot.context.result).to.deep.equal({ kind: 'count', value: 2 });
  });

  it('keeps a yield request readable after the response', () => {
    const snapshot = finalSnapshot(started, { type: 'yieldSigh' }, { type: 'yield' }, { type: 'yieldResponse' }, { type: 'yieldRequest' });
    expect(snapshot.context.result).to.deep.equal({ kind: 'args', args: YIELD_ARGS });
  });

  it('denies sessions and defers upgrades after all sessions were closed', () => {
    const closed = finalSnapshot(started, { type: 'closeAllSessions' }, { type: 'sessionAfterClose' });
    expect(closed.context.result).to.deep.equal({ kind: 'error', error: 'denied' });
    const upgraded = finalSnapshot(started, { type: 'closeAllSessions' }, { type: 'upgradeAfterClose' });
    expect(upgraded.context.result).to.deep.equal({ kind: 'upgrade', result: 'pending' });
  });

  it('runs heartbeat, yield, resources and exit as parallel regions', () => {
    const snapshot = finalSnapshot(started, { type: 'exit' }, { type: 'heartbeatSigh' }, { type: 'heartbeat' });
    expect(snapshot.matches({ active: { exit: 'exited', heartbeat: 'outstanding1' } })).to.equal(true);
  });
});
