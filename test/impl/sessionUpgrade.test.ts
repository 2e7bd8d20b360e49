import { expect } from 'chai';

import { SESSION_ARGS_MAX } from '../../impl/contract.ts';
import { CLIENT, Harness, SERVER, fileSession } from './support.ts';

const CLIENT_PD = `pd:${CLIENT}`;
const SERVER_PD = `pd:${SERVER}`;

function withTimer(harness: Harness): void {
  harness.apply({
    op: 'session',
    child: CLIENT,
    id: 11,
    service: 'Timer',
    args: 'ram_quota=8192, cap_quota=2',
  });
}

function withFile(harness: Harness): void {
  harness.apply(fileSession());
  harness.apply({ op: 'deliverSessionCap', child: SERVER, id: 1 });
  harness.apply({ op: 'sessionCap', child: CLIENT, id: 10 });
}

describe('impl/sessionUpgrade', () => {
  it('upgrades a local session at once: done, with the whole amount kept at the reference account', () => {
    const harness = Harness.build();
    withTimer(harness);
    const before = harness.balances();
    expect(
      harness.apply({ op: 'upgrade', child: CLIENT, id: 11, args: 'ram_quota=4096, cap_quota=1' }),
    ).to.deep.equal({
      kind: 'upgrade',
      result: 'done',
    });
    expect(harness.changesSince(before)).to.deep.equal({
      [CLIENT_PD]: { ram: -4096, caps: -1 },
      ref: { ram: 4096, caps: 1 },
    });
    const session = harness.session(CLIENT, 11);
    expect(session.donated).to.deep.equal({ ram: 7168 + 4096, caps: 3 });
    expect(harness.observe().history[session.key]?.slice(-2)).to.deep.equal([
      'UPGRADE_REQUESTED',
      'CAP_HANDED_OUT',
    ]);
  });

  it('upgrades a child-provided session pending the server, which completes it with ok', () => {
    const harness = Harness.build();
    withFile(harness);
    const before = harness.balances();
    expect(
      harness.apply({ op: 'upgrade', child: CLIENT, id: 10, args: 'ram_quota=4096, cap_quota=1' }),
    ).to.deep.equal({
      kind: 'upgrade',
      result: 'pending',
    });
    expect(harness.changesSince(before)).to.deep.equal({
      [CLIENT_PD]: { ram: -4096, caps: -1 },
      [SERVER_PD]: { ram: 4096, caps: 1 },
    });
    expect(harness.session(CLIENT, 10).phase).to.equal('UPGRADE_REQUESTED');
    expect(harness.observe().wakeups['server/File']).to.equal(2);

    harness.apply({ op: 'sessionResponse', child: SERVER, id: 1, response: 'ok' });
    expect(harness.session(CLIENT, 10).phase).to.equal('CAP_HANDED_OUT');
  });

  it('moves an upgrade of a parent session on to upstream', () => {
    const harness = Harness.build();
    harness.apply({ op: 'session', child: CLIENT, id: 12, service: 'Gui', args: 'ram_quota=8192' });
    const before = harness.balances();
    expect(
      harness.apply({ op: 'upgrade', child: CLIENT, id: 12, args: 'ram_quota=4096, cap_quota=1' }),
    ).to.deep.equal({
      kind: 'upgrade',
      result: 'done',
    });
    expect(harness.changesSince(before)).to.deep.equal({
      [CLIENT_PD]: { ram: -4096, caps: -1 },
      upstream: { ram: 4096, caps: 1 },
    });
  });

  it('keeps an upgrade at the reference account when upstream runs out of quota, with a warning', () => {
    const harness = Harness.build();
    harness.apply({ op: 'session', child: CLIENT, id: 12, service: 'Gui', args: 'ram_quota=8192' });
    harness.apply({ op: 'setAnswers', service: 'Gui', answers: ['outOfRam'] });
    const before = harness.balances();
    expect(
      harness.apply({ op: 'upgrade', child: CLIENT, id: 12, args: 'ram_quota=4096' }),
    ).to.deep.equal({
      kind: 'upgrade',
      result: 'done',
    });
    expect(harness.changesSince(before)).to.deep.equal({
      [CLIENT_PD]: { ram: -4096, caps: 0 },
      ref: { ram: 4096, caps: 0 },
    });
    expect(harness.latestDiagnostics()).to.deep.equal([
      'RAM quota exceeded while upgrading parent session',
    ]);
    expect(harness.session(CLIENT, 12).phase).to.equal('CAP_HANDED_OUT');

    harness.apply({ op: 'close', child: CLIENT, id: 12 });
    expect(harness.balance('upstream')).to.deep.equal({ ram: 500_000, caps: 500 });
  });

  it('warns about a session in another phase and leaves it pending', () => {
    const harness = Harness.build();
    harness.apply(fileSession());
    const before = harness.balances();
    expect(
      harness.apply({ op: 'upgrade', child: CLIENT, id: 10, args: 'ram_quota=4096' }),
    ).to.deep.equal({
      kind: 'upgrade',
      result: 'pending',
    });
    expect(harness.latestDiagnostics()).to.deep.equal([
      'attempt to upgrade session in invalid state',
    ]);
    expect(harness.changesSince(before)).to.deep.equal({});
  });

  it('warns about invalid arguments and reports done', () => {
    const harness = Harness.build();
    withTimer(harness);
    expect(
      harness.apply({
        op: 'upgrade',
        child: CLIENT,
        id: 11,
        args: 'x'.repeat(SESSION_ARGS_MAX + 1),
      }),
    ).to.deep.equal({
      kind: 'upgrade',
      result: 'done',
    });
    expect(harness.latestDiagnostics()).to.deep.equal(['no valid session-upgrade arguments']);
  });

  it('reports pending for an unknown ID and after the PD was closed', () => {
    const harness = Harness.build();
    expect(
      harness.apply({ op: 'upgrade', child: CLIENT, id: 99, args: 'ram_quota=1' }),
    ).to.deep.equal({
      kind: 'upgrade',
      result: 'pending',
    });
    harness.apply({ op: 'closeAllSessions', child: CLIENT });
    expect(
      harness.apply({ op: 'upgrade', child: CLIENT, id: 11, args: 'ram_quota=1' }),
    ).to.deep.equal({
      kind: 'upgrade',
      result: 'pending',
    });
  });

  it('reports out of RAM when the client cannot pay, with nothing moved and the phase unchanged', () => {
    const harness = Harness.build();
    withTimer(harness);
    const before = harness.balances();
    expect(
      harness.apply({ op: 'upgrade', child: CLIENT, id: 11, args: 'ram_quota=500000' }),
    ).to.deep.equal({
      kind: 'error',
      error: 'outOfRam',
    });
    expect(harness.changesSince(before)).to.deep.equal({});
    expect(harness.session(CLIENT, 11)).to.include({ phase: 'CAP_HANDED_OUT' });
    expect(harness.session(CLIENT, 11).donated).to.deep.equal({ ram: 7168, caps: 2 });
    expect(harness.latestDiagnostics()).to.deep.equal(['client: RAM upgrade of Timer failed']);
  });

  it('reports out of caps when the client cannot pay the caps, undoing the RAM', () => {
    const harness = Harness.build();
    withTimer(harness);
    const before = harness.balances();
    expect(
      harness.apply({
        op: 'upgrade',
        child: CLIENT,
        id: 11,
        args: 'ram_quota=4096, cap_quota=1000',
      }),
    ).to.deep.equal({
      kind: 'error',
      error: 'outOfCaps',
    });
    expect(harness.changesSince(before)).to.deep.equal({});
  });
});
