import { expect } from 'chai';

import type { JournalEntry } from '../../impl/contract.ts';
import { CLIENT, Harness, SERVER, fileSession } from './support.ts';

const CLIENT_PD = `pd:${CLIENT}`;
const SERVER_PD = `pd:${SERVER}`;

function moves(entries: readonly JournalEntry[]): string[] {
  return entries.flatMap((entry) =>
    entry.kind === 'move' ? [`${entry.from}>${entry.to} ${entry.resource} ${entry.amount}`] : [],
  );
}

/** A client with a File session handed out by the server. */
function handedOut(): Harness {
  const harness = Harness.build();
  harness.apply(fileSession(10, 'ram_quota=8192, cap_quota=2'));
  harness.apply({ op: 'deliverSessionCap', child: SERVER, id: 1 });
  harness.apply({ op: 'sessionCap', child: CLIENT, id: 10 });
  return harness;
}

describe('impl/closeAllSessions', () => {
  it('reverts the sessions a dying server serves on its own account: the server gets donated quota plus session cost, the client nothing', () => {
    const harness = handedOut();
    const clientBefore = harness.balance(CLIENT_PD);
    const journal = harness.journalLength;
    harness.apply({ op: 'closeAllSessions', child: SERVER });

    const entries = harness.journalSince(journal);
    const revert = entries.filter((entry) => entry.txn === entries[0]?.txn);
    expect(moves(revert)).to.deep.equal([
      `${SERVER_PD}>ref ram 7168`,
      `${SERVER_PD}>ref caps 2`,
      `ref>${SERVER_PD} ram 8192`,
      `ref>${SERVER_PD} caps 2`,
    ]);
    expect(harness.balance(CLIENT_PD)).to.deep.equal(clientBefore);
    expect(harness.requestedSessions()).to.deep.equal([]);

    harness.apply({ op: 'sessionCap', child: CLIENT, id: 10 });
    expect(harness.latestDiagnostics()).to.deep.equal([
      'client requested session cap for unknown ID',
    ]);
  });

  it('returns the PD balance to the reference account and invalidates the account', () => {
    const harness = Harness.build();
    const refBefore = harness.balance('ref');
    harness.apply({ op: 'closeAllSessions', child: CLIENT });
    expect(harness.observe().accounts[CLIENT_PD]).to.deep.equal({ ram: 0, caps: 0, valid: false });
    expect(harness.balance('ref')).to.deep.equal({
      ram: refBefore.ram + 100_000,
      caps: refBefore.caps + 100,
    });
    expect(harness.observe().children[CLIENT]).to.include({
      pdClosed: true,
      active: false,
      destroyed: false,
    });
  });

  it('leaves quota returned after the PD was closed at the reference account', () => {
    const harness = handedOut();
    harness.apply({ op: 'close', child: CLIENT, id: 10 });
    harness.apply({ op: 'closeAllSessions', child: CLIENT });
    const before = harness.balances();
    harness.apply({ op: 'sessionResponse', child: SERVER, id: 1, response: 'closed' });
    expect(harness.changesSince(before)).to.deep.equal({
      [SERVER_PD]: { ram: -7168, caps: -2 },
      ref: { ram: 7168, caps: 2 },
    });
    expect(harness.balance(CLIENT_PD)).to.deep.equal({ ram: 0, caps: 0 });
  });

  it('closes non-environment CPU sessions before the PD, and the other sessions after it', () => {
    const harness = Harness.build();
    harness.apply({
      op: 'session',
      child: CLIENT,
      id: 30,
      service: 'Timer',
      args: 'ram_quota=8192',
    });
    harness.apply({
      op: 'session',
      child: CLIENT,
      id: 40,
      service: 'CPU',
      args: 'ram_quota=4096, label="extra"',
    });
    const journal = harness.journalLength;
    harness.apply({ op: 'closeAllSessions', child: CLIENT });
    expect(moves(harness.journalSince(journal))).to.deep.equal([
      // the CPU session, returned to the client
      `ref>${CLIENT_PD} ram 4096`,
      // the PD closed: its balance goes to the reference account
      `${CLIENT_PD}>ref ram ${100_000 - 8192}`,
      `${CLIENT_PD}>ref caps 100`,
      // the Timer session's return to the closed PD is a no-op: nothing moves
    ]);
  });

  it('closes the environment sessions and drops their client IDs', () => {
    const harness = Harness.build();
    harness.apply({ op: 'closeAllSessions', child: CLIENT });
    const env = harness.observe().sessions.filter((view) => view.client === CLIENT);
    expect(env.map((view) => [view.env, view.phase, view.clientId])).to.deep.equal([
      ['pd', 'CLOSED', null],
      ['log', 'CLOSED', null],
      ['binary', 'CLOSED', null],
    ]);
  });

  it('closes the remaining sessions with their callbacks cleared', () => {
    const harness = handedOut();
    harness.apply(fileSession(11));
    harness.apply({ op: 'closeAllSessions', child: CLIENT });
    const sessions = harness.requestedSessions();
    expect(sessions.map((view) => [view.phase, view.clientId, view.callbacks])).to.deep.equal([
      ['CLOSE_REQUESTED', null, false],
      ['CREATE_REQUESTED', null, false],
    ]);
  });

  it('denies new sessions and leaves upgrades pending afterwards', () => {
    const harness = Harness.build();
    harness.apply({ op: 'closeAllSessions', child: CLIENT });
    expect(harness.apply(fileSession())).to.deep.equal({ kind: 'error', error: 'denied' });
    expect(
      harness.apply({ op: 'upgrade', child: CLIENT, id: 10, args: 'ram_quota=1' }),
    ).to.deep.equal({
      kind: 'upgrade',
      result: 'pending',
    });
  });

  describe('destroyChild', () => {
    it('runs closeAllSessions again, which has nothing left to move, then drops the environment sessions', () => {
      const harness = Harness.build();
      harness.apply({ op: 'closeAllSessions', child: CLIENT });
      const journal = harness.journalLength;
      harness.apply({ op: 'destroyChild', child: CLIENT });
      expect(harness.journalSince(journal)).to.deep.equal([]);
      expect(harness.observe().sessions.some((view) => view.client === CLIENT)).to.equal(false);
      expect(harness.observe().children[CLIENT]).to.include({
        destroyed: true,
        active: false,
        constructed: true,
      });
    });

    it('reverts sessions routed to the child after its closeAllSessions, on its own closed account', () => {
      const harness = Harness.build();
      harness.apply({ op: 'closeAllSessions', child: SERVER });
      const before = harness.balances();
      harness.apply(fileSession());
      harness.apply({ op: 'destroyChild', child: SERVER });
      // The client paid; the server's closed PD could not receive anything.
      expect(harness.changesSince(before)).to.deep.equal({
        [CLIENT_PD]: { ram: -8192, caps: -2 },
        ref: { ram: 8192, caps: 2 },
      });
      expect(harness.requestedSessions()).to.deep.equal([]);
    });

    it('keeps the callbacks of sessions still waiting at a server, which returns their quota to the reference account', () => {
      const harness = handedOut();
      harness.apply({ op: 'sessionSigh', child: CLIENT, valid: true });
      harness.apply({ op: 'close', child: CLIENT, id: 10 });
      harness.apply({ op: 'destroyChild', child: CLIENT });
      expect(harness.requestedSessions()[0]).to.include({
        phase: 'CLOSE_REQUESTED',
        callbacks: true,
      });
      const signals = harness.observe().children[CLIENT]?.signals.session;
      harness.apply({ op: 'sessionResponse', child: SERVER, id: 1, response: 'closed' });
      expect(harness.balance(CLIENT_PD)).to.deep.equal({ ram: 0, caps: 0 });
      expect(harness.requestedSessions()).to.deep.equal([]);
      expect(harness.observe().children[CLIENT]?.signals.session).to.equal(signals);
    });
  });
});
