import { expect } from 'chai';

import { requestSession, type Request } from './protocol.ts';
import { idsOf, Run } from './run.ts';

const AT_SERVER: Request = {
  key: 's1',
  client: 'client',
  clientId: 7,
  to: { kind: 'child', server: 'server' },
  ram: 8192,
};

describe('invariants: dangling-id', () => {
  it('accepts a pending close whose client ID was released by a destroyed client', () => {
    const run = new Run();
    run.step('session client 7 Report', (world) => requestSession(world, AT_SERVER));

    const violations = run.step('destroyChild client', (world) => {
      world.updateSession('s1', { phase: 'CLOSE_REQUESTED', clientId: null, callbacks: false });
      world.closePd('client');
      world.setChild('client', { destroyed: true });
    });

    expect(violations).to.deep.equal([]);
  });

  it('reports two sessions of one client with the same client ID', () => {
    const run = new Run();

    const violations = run.step('session client 7 Report twice', (world) => {
      requestSession(world, AT_SERVER);
      requestSession(world, { ...AT_SERVER, key: 's2', serverId: 8 });
    });

    expect(idsOf(violations)).to.deep.equal(['dangling-id']);
    expect(violations[0]?.message).to.equal('Sessions s1, s2 share client ID 7 of child client.');
  });

  it('reports two sessions at one server with the same server ID', () => {
    const run = new Run();

    const violations = run.step('session client 7 and 8 Report', (world) => {
      requestSession(world, AT_SERVER);
      requestSession(world, { ...AT_SERVER, key: 's2', clientId: 8, serverId: 7 });
    });

    expect(idsOf(violations)).to.deep.equal(['dangling-id']);
    expect(violations[0]?.message).to.equal('Sessions s1, s2 share server ID 7 of child server.');
  });

  it('reports a client ID kept by a destroyed client', () => {
    const run = new Run();
    run.step('session client 7 Report', (world) => requestSession(world, AT_SERVER));

    const violations = run.step('destroyChild client', (world) => {
      world.updateSession('s1', { phase: 'CLOSE_REQUESTED', callbacks: false });
      world.closePd('client');
      world.setChild('client', { destroyed: true });
    });

    expect(idsOf(violations)).to.deep.equal(['dangling-id']);
    expect(violations[0]?.message).to.equal(
      'Session s1 keeps client ID 7 of destroyed child client.',
    );
  });

  it('reports a session that outlives its destroyed server', () => {
    const run = new Run();
    run.step('session client 7 Report', (world) => requestSession(world, AT_SERVER));

    const violations = run.step('destroyChild server', (world) => {
      world.closePd('server');
      world.setChild('server', { destroyed: true });
    });

    expect(idsOf(violations)).to.deep.equal(['dangling-id']);
    expect(violations[0]?.message).to.equal(
      'Session s1 still exists although its server server is destroyed.',
    );
  });
});
