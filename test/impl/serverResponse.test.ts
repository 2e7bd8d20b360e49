import { expect } from 'chai';

import { CLIENT, Harness, SERVER, fileSession } from './support.ts';

const CLIENT_PD = `pd:${CLIENT}`;
const SERVER_PD = `pd:${SERVER}`;

function signals(harness: Harness): number {
  return harness.observe().children[CLIENT]?.signals.session ?? -1;
}

describe('impl/serverResponse', () => {
  describe('sessionResponse', () => {
    it('closes a session through the client: quota back to the client, a session signal', () => {
      const harness = Harness.build();
      harness.apply({ op: 'sessionSigh', child: CLIENT, valid: true });
      const before = harness.balances();
      harness.apply(fileSession());
      harness.apply({ op: 'deliverSessionCap', child: SERVER, id: 1 });
      harness.apply({ op: 'close', child: CLIENT, id: 10 });
      const signalled = signals(harness);
      harness.apply({ op: 'sessionResponse', child: SERVER, id: 1, response: 'closed' });
      expect(harness.changesSince(before)).to.deep.equal({});
      expect(signals(harness)).to.equal(signalled + 1);
    });

    for (const [response, phase] of [
      ['denied', 'SERVICE_DENIED'],
      ['insufficientRam', 'INSUFFICIENT_RAM_QUOTA'],
      ['insufficientCaps', 'INSUFFICIENT_CAP_QUOTA'],
    ] as const) {
      it(`marks the creation failed on ${response} and signals the client`, () => {
        const harness = Harness.build();
        harness.apply({ op: 'sessionSigh', child: CLIENT, valid: true });
        harness.apply(fileSession());
        harness.apply({ op: 'sessionResponse', child: SERVER, id: 1, response });
        expect(harness.session(CLIENT, 10).phase).to.equal(phase);
        expect(signals(harness)).to.equal(1);
      });
    }

    it('marks a failure from any phase, even a handed-out session', () => {
      const harness = Harness.build();
      harness.apply(fileSession());
      harness.apply({ op: 'deliverSessionCap', child: SERVER, id: 1 });
      harness.apply({ op: 'sessionCap', child: CLIENT, id: 10 });
      harness.apply({ op: 'sessionResponse', child: SERVER, id: 1, response: 'denied' });
      expect(harness.session(CLIENT, 10).phase).to.equal('SERVICE_DENIED');
    });

    it('ignores ok unless an upgrade is pending', () => {
      const harness = Harness.build();
      harness.apply({ op: 'sessionSigh', child: CLIENT, valid: true });
      harness.apply(fileSession());
      harness.apply({ op: 'sessionResponse', child: SERVER, id: 1, response: 'ok' });
      expect(harness.session(CLIENT, 10).phase).to.equal('CREATE_REQUESTED');
      expect(signals(harness)).to.equal(0);
    });

    it('warns about an unknown server-side ID', () => {
      const harness = Harness.build();
      harness.apply({ op: 'sessionResponse', child: SERVER, id: 42, response: 'closed' });
      expect(harness.latestDiagnostics()).to.deep.equal([
        'unexpected session response for unknown session',
      ]);
    });

    it('returns the quota of a vanished client from the server to the reference account only', () => {
      const harness = Harness.build();
      harness.apply(fileSession());
      harness.apply({ op: 'deliverSessionCap', child: SERVER, id: 1 });
      harness.apply({ op: 'closeAllSessions', child: CLIENT });
      const session = harness.requestedSessions()[0];
      expect(session).to.include({ phase: 'CLOSE_REQUESTED', callbacks: false, clientId: null });
      const before = harness.balances();
      harness.apply({ op: 'sessionResponse', child: SERVER, id: 1, response: 'closed' });
      expect(harness.changesSince(before)).to.deep.equal({
        [SERVER_PD]: { ram: -7168, caps: -2 },
        ref: { ram: 7168, caps: 2 },
      });
      expect(harness.requestedSessions()).to.deep.equal([]);
    });
  });

  describe('deliverSessionCap', () => {
    it('makes a requested session available and signals the client', () => {
      const harness = Harness.build();
      harness.apply({ op: 'sessionSigh', child: CLIENT, valid: true });
      harness.apply(fileSession());
      harness.apply({ op: 'deliverSessionCap', child: SERVER, id: 1 });
      expect(harness.session(CLIENT, 10)).to.include({ phase: 'AVAILABLE', cap: true });
      expect(signals(harness)).to.equal(1);
    });

    it('asks the server to close the session of a vanished client instead', () => {
      const harness = Harness.build();
      harness.apply(fileSession());
      harness.apply({ op: 'closeAllSessions', child: CLIENT });
      const before = harness.balances();
      harness.apply({ op: 'deliverSessionCap', child: SERVER, id: 1 });
      const [session] = harness.requestedSessions();
      expect(session).to.include({ phase: 'CLOSE_REQUESTED', cap: false });
      expect(harness.changesSince(before)).to.deep.equal({});

      harness.apply({ op: 'sessionResponse', child: SERVER, id: 1, response: 'closed' });
      expect(harness.balance(CLIENT_PD)).to.deep.equal({ ram: 0, caps: 0 });
      expect(harness.balance(SERVER_PD)).to.deep.equal({ ram: 50_000, caps: 50 });
    });

    it('ignores a cap for a session past creation and unknown IDs', () => {
      const harness = Harness.build();
      harness.apply(fileSession());
      harness.apply({ op: 'deliverSessionCap', child: SERVER, id: 1 });
      harness.apply({ op: 'sessionCap', child: CLIENT, id: 10 });
      harness.apply({ op: 'deliverSessionCap', child: SERVER, id: 1 });
      harness.apply({ op: 'deliverSessionCap', child: SERVER, id: 7 });
      expect(harness.session(CLIENT, 10).phase).to.equal('CAP_HANDED_OUT');
      expect(harness.observe().diagnostics).to.deep.equal([]);
    });
  });
});
