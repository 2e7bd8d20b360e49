import { expect } from 'chai';
import type { AnyMachineSnapshot } from 'xstate';

import { PHASES } from '../../impl/contract.ts';
import { sessionMachine, type SessionEvent } from '../../machines/session.ts';
import { machineShape, takeStep } from '../../models/transitions.ts';

const shape = machineShape(sessionMachine);

/** Runs the events from the initial state; returns every step. */
function run(...events: SessionEvent[]) {
  let snapshot: AnyMachineSnapshot | undefined;
  return events.map((event) => {
    const step = takeStep(sessionMachine, shape, snapshot, event);
    snapshot = step.snapshot;
    return step;
  });
}

function phasesEntered(...events: SessionEvent[]): string[] {
  return run(...events).flatMap((step) => step.entered.map((id) => id.replace('session.', '')));
}

describe('machines/session', () => {
  it('passes a granted local request through CREATE_REQUESTED and AVAILABLE to CAP_HANDED_OUT', () => {
    expect(phasesEntered({ type: 'session', service: 'local', answer: 'ok' })).to.deep.equal([
      'CREATE_REQUESTED',
      'AVAILABLE',
      'CAP_HANDED_OUT',
    ]);
  });

  it('destroys a synchronously denied session within the request and reports the denial', () => {
    const [step] = run({ type: 'session', service: 'parent', answer: 'outOfRam' });
    expect(step?.entered.map((id) => id.replace('session.', ''))).to.deep.equal([
      'CREATE_REQUESTED',
      'SERVICE_DENIED',
      'destroyed',
    ]);
    expect(step?.snapshot.context.result).to.deep.equal({ kind: 'error', error: 'denied' });
  });

  it('leaves a child-service request waiting in CREATE_REQUESTED with an invalid cap', () => {
    const [step] = run({ type: 'session', service: 'child' });
    expect(step?.snapshot.value).to.equal('CREATE_REQUESTED');
    expect(step?.snapshot.context.result).to.deep.equal({ kind: 'cap', valid: false });
  });

  it('creates no session state for a request below the session cost', () => {
    const [step] = run({ type: 'sessionRefused', reason: 'belowSessionCost' });
    expect(step?.snapshot.value).to.equal('idle');
    expect(step?.snapshot.context.result).to.deep.equal({ kind: 'error', error: 'insufficientRam' });
  });

  it('refuses an upgrade in AVAILABLE with a pending result and no phase change', () => {
    const steps = run({ type: 'session', service: 'child' }, { type: 'deliverSessionCap' }, { type: 'upgrade', funded: true });
    const last = steps.at(-1);
    expect(last?.snapshot.value).to.equal('AVAILABLE');
    expect(last?.entered).to.deep.equal([]);
    expect(last?.snapshot.context.result).to.deep.equal({ kind: 'upgrade', result: 'pending' });
  });

  it('lets a server deny a session that was already handed out', () => {
    const steps = run(
      { type: 'session', service: 'child' },
      { type: 'deliverSessionCap' },
      { type: 'sessionCap' },
      { type: 'sessionResponse', response: 'denied' },
    );
    expect(steps.at(-1)?.snapshot.value).to.equal('SERVICE_DENIED');
  });

  it('closes a session whose client let go of its ID when the server delivers the cap', () => {
    const steps = run({ type: 'session', service: 'child' }, { type: 'close' }, { type: 'deliverSessionCap' });
    expect(steps[1]?.snapshot.context.result).to.deep.equal({ kind: 'close', result: 'pending' });
    expect(steps.at(-1)?.snapshot.value).to.equal('CLOSE_REQUESTED');
  });

  it('passes through CLOSED to destroyed when a local session is closed', () => {
    expect(phasesEntered({ type: 'session', service: 'local', answer: 'ok' }, { type: 'close' }).slice(3)).to.deep.equal([
      'CLOSE_REQUESTED',
      'CLOSED',
      'destroyed',
    ]);
  });

  it('accepts no server answer for a local session', () => {
    const [step] = run({ type: 'session', service: 'local', answer: 'ok' });
    expect(step?.snapshot.can({ type: 'sessionResponse', response: 'closed' })).to.equal(false);
    expect(step?.snapshot.can({ type: 'deliverSessionCap' })).to.equal(false);
  });

  it('accepts no client call after the client was destroyed', () => {
    const steps = run({ type: 'session', service: 'child' }, { type: 'destroyClient' });
    const snapshot = steps.at(-1)?.snapshot;
    expect(snapshot?.context.client).to.equal('vanished');
    for (const event of [{ type: 'sessionCap' }, { type: 'close' }, { type: 'upgrade', funded: true }] as const) {
      expect(snapshot?.can(event)).to.equal(false);
    }
  });

  it('names every phase of Session_state as a state', () => {
    for (const phase of PHASES) expect(shape.states).to.include(`session.${phase}`);
  });
});
