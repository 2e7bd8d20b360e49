import { expect } from 'chai';

import type { ChildView } from '../../impl/contract.ts';
import { CLIENT, Harness, SERVER, fileSession } from './support.ts';

function view(harness: Harness): ChildView {
  const child = harness.observe().children[CLIENT];
  if (child === undefined) {
    throw new Error('no client');
  }
  return child;
}

describe('impl/child', () => {
  describe('sessionSigh', () => {
    it('delivers a notification for each session that became available or failed before', () => {
      const harness = Harness.build();
      harness.apply(fileSession(10));
      harness.apply(fileSession(11));
      harness.apply(fileSession(12));
      harness.apply({ op: 'deliverSessionCap', child: SERVER, id: 1 });
      harness.apply({ op: 'sessionResponse', child: SERVER, id: 2, response: 'denied' });
      expect(view(harness).signals.session).to.equal(0);

      harness.apply({ op: 'sessionSigh', child: CLIENT, valid: true });
      expect(view(harness).signals.session).to.equal(2);
    });

    it('does not report local sessions, which need no asynchronous notification', () => {
      const harness = Harness.build();
      harness.apply({ op: 'setAnswers', service: 'Timer', answers: ['denied'] });
      harness.apply({
        op: 'session',
        child: CLIENT,
        id: 11,
        service: 'Timer',
        args: 'ram_quota=8192',
      });
      harness.apply({ op: 'sessionSigh', child: CLIENT, valid: true });
      expect(view(harness).signals.session).to.equal(0);
    });

    it('uninstalls the handler with an invalid one', () => {
      const harness = Harness.build();
      harness.apply({ op: 'sessionSigh', child: CLIENT, valid: true });
      harness.apply({ op: 'sessionSigh', child: CLIENT, valid: false });
      harness.apply(fileSession());
      harness.apply({ op: 'deliverSessionCap', child: SERVER, id: 1 });
      expect(view(harness).signals.session).to.equal(0);
    });
  });

  describe('yield', () => {
    it('buffers the request for the child and signals it once it has a handler', () => {
      const harness = Harness.build();
      harness.apply({ op: 'yield', child: CLIENT, args: 'ram_quota=4096' });
      expect(view(harness).signals.yield).to.equal(0);
      harness.apply({ op: 'yieldSigh', child: CLIENT, valid: true });
      harness.apply({ op: 'yield', child: CLIENT, args: 'ram_quota=8192' });
      expect(view(harness).signals.yield).to.equal(1);
      expect(harness.apply({ op: 'yieldRequest', child: CLIENT })).to.deep.equal({
        kind: 'args',
        args: 'ram_quota=8192',
      });
      harness.apply({ op: 'yieldResponse', child: CLIENT });
      expect(view(harness).yieldResponses).to.equal(1);
    });
  });

  describe('resources', () => {
    it('records resource requests and signals available resources to a registered handler', () => {
      const harness = Harness.build();
      harness.apply({ op: 'resourceRequest', child: CLIENT, args: 'ram_quota=16384' });
      harness.apply({ op: 'notifyResourceAvail', child: CLIENT });
      harness.apply({ op: 'resourceAvailSigh', child: CLIENT, valid: true });
      harness.apply({ op: 'notifyResourceAvail', child: CLIENT });
      expect(view(harness).resourceRequests).to.deep.equal(['ram_quota=16384']);
      expect(view(harness).signals.resourceAvail).to.equal(1);
    });
  });

  describe('heartbeat', () => {
    it('ignores heartbeats until the child registers a handler', () => {
      const harness = Harness.build();
      harness.apply({ op: 'heartbeat', child: CLIENT });
      expect(view(harness)).to.include({ outstandingHeartbeats: 0 });
      expect(view(harness).signals.heartbeat).to.equal(0);
    });

    it('counts outstanding heartbeats and reports all but the first as skipped', () => {
      const harness = Harness.build();
      harness.apply({ op: 'heartbeatSigh', child: CLIENT, valid: true });
      expect(harness.apply({ op: 'skippedHeartbeats', child: CLIENT })).to.deep.equal({
        kind: 'count',
        value: 0,
      });
      harness.apply({ op: 'heartbeat', child: CLIENT });
      expect(harness.apply({ op: 'skippedHeartbeats', child: CLIENT })).to.deep.equal({
        kind: 'count',
        value: 0,
      });
      harness.apply({ op: 'heartbeat', child: CLIENT });
      harness.apply({ op: 'heartbeat', child: CLIENT });
      expect(harness.apply({ op: 'skippedHeartbeats', child: CLIENT })).to.deep.equal({
        kind: 'count',
        value: 2,
      });
      expect(view(harness).signals.heartbeat).to.equal(3);

      harness.apply({ op: 'heartbeatResponse', child: CLIENT });
      expect(view(harness).outstandingHeartbeats).to.equal(0);
      expect(harness.apply({ op: 'skippedHeartbeats', child: CLIENT })).to.deep.equal({
        kind: 'count',
        value: 0,
      });
    });
  });

  describe('announce and exit', () => {
    it('records announced services and ignores a name that is not a valid string', () => {
      const harness = Harness.build();
      harness.apply({ op: 'announce', child: CLIENT, service: 'Block' });
      harness.apply({ op: 'announce', child: CLIENT, service: 'B'.repeat(33) });
      expect(view(harness).announced).to.deep.equal(['Block']);
    });

    it('records the exit value', () => {
      const harness = Harness.build();
      expect(harness.apply({ op: 'exit', child: CLIENT, value: 3 })).to.deep.equal({
        kind: 'none',
      });
      expect(view(harness).exitValue).to.equal(3);
    });
  });
});
