import { expect } from 'chai';

import { CLIENT, ENV_ROUTES, Harness, SERVER, fileSession, standardSystem } from './support.ts';

const CLIENT_PD = `pd:${CLIENT}`;

describe('impl/sessionClose', () => {
  it('refuses to close the environment sessions, reporting done', () => {
    const harness = Harness.build();
    for (const id of [1, 2, 3, 4, 5]) {
      expect(harness.apply({ op: 'close', child: CLIENT, id })).to.deep.equal({
        kind: 'close',
        result: 'done',
      });
    }
    expect(harness.observe().sessions.filter((view) => view.client === CLIENT)).to.have.length(4);
  });

  it('reports done for an unknown ID', () => {
    const harness = Harness.build();
    expect(harness.apply({ op: 'close', child: CLIENT, id: 99 })).to.deep.equal({
      kind: 'close',
      result: 'done',
    });
  });

  it('closes a local session at once and returns its quota with the session cost', () => {
    const harness = Harness.build();
    const before = harness.balances();
    harness.apply({
      op: 'session',
      child: CLIENT,
      id: 11,
      service: 'Timer',
      args: 'ram_quota=8192, cap_quota=2',
    });
    const { key } = harness.session(CLIENT, 11);
    expect(harness.apply({ op: 'close', child: CLIENT, id: 11 })).to.deep.equal({
      kind: 'close',
      result: 'done',
    });
    expect(harness.changesSince(before)).to.deep.equal({});
    expect(harness.observe().history[key]).to.deep.equal([
      'CREATE_REQUESTED',
      'AVAILABLE',
      'CAP_HANDED_OUT',
      'CLOSE_REQUESTED',
      'CLOSED',
      'DESTROYED',
    ]);
  });

  it('closes a parent session at once, returning the quota from upstream', () => {
    const harness = Harness.build();
    const before = harness.balances();
    harness.apply({
      op: 'session',
      child: CLIENT,
      id: 12,
      service: 'Gui',
      args: 'ram_quota=8192, cap_quota=3',
    });
    expect(harness.apply({ op: 'close', child: CLIENT, id: 12 })).to.deep.equal({
      kind: 'close',
      result: 'done',
    });
    expect(harness.changesSince(before)).to.deep.equal({});
  });

  it('asks the server to close a child-provided session: pending, client ID released, server woken', () => {
    const harness = Harness.build();
    harness.apply(fileSession());
    harness.apply({ op: 'deliverSessionCap', child: SERVER, id: 1 });
    const { key } = harness.session(CLIENT, 10);
    expect(harness.apply({ op: 'close', child: CLIENT, id: 10 })).to.deep.equal({
      kind: 'close',
      result: 'pending',
    });
    const session = harness.observe().sessions.find((view) => view.key === key);
    expect(session).to.include({
      phase: 'CLOSE_REQUESTED',
      clientId: null,
      serverId: 1,
      callbacks: true,
    });
    expect(harness.observe().wakeups['server/File']).to.equal(2);
  });

  it('asks the server to close a session whose upgrade is still pending', () => {
    const harness = Harness.build();
    const before = harness.balances();
    harness.apply(fileSession());
    harness.apply({ op: 'deliverSessionCap', child: SERVER, id: 1 });
    harness.apply({ op: 'sessionCap', child: CLIENT, id: 10 });
    harness.apply({ op: 'upgrade', child: CLIENT, id: 10, args: 'ram_quota=4096' });
    expect(harness.apply({ op: 'close', child: CLIENT, id: 10 })).to.deep.equal({
      kind: 'close',
      result: 'pending',
    });
    expect(harness.requestedSessions()[0]).to.include({ phase: 'CLOSE_REQUESTED', clientId: null });
    harness.apply({ op: 'sessionResponse', child: SERVER, id: 1, response: 'closed' });
    expect(harness.changesSince(before)).to.deep.equal({});
  });

  it('reverts and destroys a failed creation at once', () => {
    const harness = Harness.build();
    const before = harness.balances();
    harness.apply(fileSession());
    harness.apply({ op: 'sessionResponse', child: SERVER, id: 1, response: 'denied' });
    expect(harness.apply({ op: 'close', child: CLIENT, id: 10 })).to.deep.equal({
      kind: 'close',
      result: 'done',
    });
    expect(harness.changesSince(before)).to.deep.equal({});
  });

  it('releases a request still waiting at the server, which is closed once the server delivers its cap', () => {
    const harness = Harness.build();
    harness.apply(fileSession());
    const { key } = harness.session(CLIENT, 10);
    expect(harness.apply({ op: 'close', child: CLIENT, id: 10 })).to.deep.equal({
      kind: 'close',
      result: 'pending',
    });
    harness.apply({ op: 'deliverSessionCap', child: SERVER, id: 1 });
    const session = harness.observe().sessions.find((view) => view.key === key);
    expect(session).to.include({ phase: 'CLOSE_REQUESTED', cap: false, clientId: null });
  });

  it('warns and leaves the quota at the reference account when the service cannot return it', () => {
    const routes = [
      { service: 'Timer', to: { kind: 'local', name: 'Timer' } },
      ...ENV_ROUTES,
    ] as const;
    const harness = Harness.build(standardSystem({ server: { routes } }));
    harness.apply(fileSession(10, 'ram_quota=60000'));
    harness.apply({ op: 'deliverSessionCap', child: SERVER, id: 1 });
    // The server spends its quota on a session of its own, so it cannot pay back.
    harness.apply({
      op: 'session',
      child: SERVER,
      id: 20,
      service: 'Timer',
      args: 'ram_quota=100000',
    });
    const before = harness.balances();
    harness.apply({ op: 'close', child: CLIENT, id: 10 });
    harness.apply({ op: 'sessionResponse', child: SERVER, id: 1, response: 'closed' });
    expect(harness.changesSince(before)).to.deep.equal({});
    expect(harness.latestDiagnostics()[0]).to.match(/^client: could not revert session RAM quota/);
    expect(harness.requestedSessions().map((view) => view.client)).to.deep.equal([SERVER]);
    expect(harness.balance(CLIENT_PD).ram).to.equal(40_000);
  });
});
