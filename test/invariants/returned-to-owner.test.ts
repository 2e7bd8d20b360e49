import { expect } from 'chai';

import { REFERENCE_ACCOUNT } from '../../impl/contract.ts';
import {
  CHILD_QUOTA,
  COST,
  envSession,
  releaseToParent,
  requestSession,
  revertOnServer,
  revertToClient,
} from './protocol.ts';
import { constructAll, idsOf, Run } from './run.ts';
import type { World } from './world.ts';

const SERVER = { kind: 'child', server: 'server' } as const;

/** Builds both children; the client's LOG environment session goes to the server. */
function withLogAtServer(world: World): void {
  constructAll(world);
  envSession(world, 'e1', 'client', 'log', SERVER, { ram: 2048, caps: 1 });
}

/** The example: the client asks the server's service for ram_quota=8192. */
function openAtServer(run: Run, caps = 0): void {
  run.step('session client 7 Report ram_quota=8192', (world) =>
    requestSession(world, {
      key: 's1',
      client: 'client',
      clientId: 7,
      to: SERVER,
      ram: 8192,
      caps,
    }),
  );
  run.step('deliverSessionCap server 7', (world) =>
    world.updateSession('s1', { phase: 'AVAILABLE', cap: true }),
  );
  run.step('sessionCap client 7', (world) =>
    world.updateSession('s1', { phase: 'CAP_HANDED_OUT' }),
  );
  run.step('close client 7', (world) =>
    world.updateSession('s1', { phase: 'CLOSE_REQUESTED', clientId: null }),
  );
}

function closedByServer(world: World): void {
  world.updateSession('s1', { phase: 'CLOSED' });
}

describe('invariants: returned-to-owner', () => {
  it('returns donated quota and session cost to the client when the server answers closed', () => {
    const run = new Run();
    const start = run.world.balance(REFERENCE_ACCOUNT);
    openAtServer(run);

    const violations = run.step('sessionResponse server 7 closed', (world) => {
      closedByServer(world);
      revertToClient(world, 's1');
    });

    expect(violations).to.deep.equal([]);
    expect(run.world.balance('pd:client')).to.deep.equal(CHILD_QUOTA);
    expect(run.world.balance('pd:server')).to.deep.equal(CHILD_QUOTA);
    expect(run.world.balance(REFERENCE_ACCOUNT)).to.deep.equal(start);
  });

  it('reports a session cost that is not returned on close', () => {
    const run = new Run();
    openAtServer(run);

    const violations = run.step('sessionResponse server 7 closed', (world) => {
      const session = world.session('s1');
      world.transact([
        ['pd:server', REFERENCE_ACCOUNT, session.donated],
        [REFERENCE_ACCOUNT, 'pd:client', session.donated],
      ]);
      closedByServer(world);
      world.removeSession('s1');
    });

    expect(idsOf(violations)).to.deep.equal(['returned-to-owner']);
    const [violation] = violations;
    expect(violation?.message).to.contain('session s1 (client client, service Report at server');
    expect(violation?.message).to.contain('reverted to its client');
    expect(violation?.accounts).to.deep.include({
      account: 'pd:client',
      observed: { ram: CHILD_QUOTA.ram - COST, caps: CHILD_QUOTA.caps },
      expected: CHILD_QUOTA,
    });
  });

  it('reports a close that returns the caps but not the RAM', () => {
    const run = new Run();
    openAtServer(run, 3);

    const violations = run.step('sessionResponse server 7 closed', (world) => {
      const session = world.session('s1');
      world.transact([
        ['pd:server', REFERENCE_ACCOUNT, { ram: 0, caps: session.donated.caps }],
        [REFERENCE_ACCOUNT, 'pd:client', { ram: 0, caps: session.donated.caps }],
      ]);
      closedByServer(world);
      world.removeSession('s1');
    });

    expect(idsOf(violations)).to.deep.equal(['returned-to-owner']);
    expect(violations[0]?.accounts.map((a) => a.account)).to.deep.equal([
      'pd:client',
      'pd:server',
      'ref',
    ]);
  });

  it('gives the dying server donated quota and session cost, and the client nothing', () => {
    const run = new Run();
    openAtServer(run);

    const violations = run.step('closeAllSessions server', (world) => {
      revertOnServer(world, 's1', 'server');
      world.closePd('server');
    });

    expect(violations).to.deep.equal([]);
    expect(run.world.balance('pd:client')).to.deep.equal({
      ram: CHILD_QUOTA.ram - 8192,
      caps: CHILD_QUOTA.caps,
    });
    expect(run.world.balance('pd:server')).to.deep.equal({ ram: 0, caps: 0 });
  });

  it('reports a dying server whose sessions are returned to their clients', () => {
    const run = new Run();
    openAtServer(run);

    const violations = run.step('destroyChild server', (world) => {
      revertToClient(world, 's1');
      world.closePd('server');
      world.setChild('server', { destroyed: true });
    });

    expect(idsOf(violations)).to.deep.equal(['returned-to-owner']);
    expect(violations[0]?.message).to.contain('reverted on its dying server server');
  });

  it('keeps a request at a server whose PD closed earlier at the reference account when the server goes', () => {
    const run = new Run();
    run.step('closeAllSessions server', (world) => world.closePd('server'));
    run.step('session client 7 Report ram_quota=8192', (world) =>
      requestSession(world, { key: 's1', client: 'client', clientId: 7, to: SERVER, ram: 8192 }),
    );

    const violations = run.step('destroyChild server', (world) => {
      world.removeSession('s1');
      world.setChild('server', { destroyed: true });
    });

    expect(violations).to.deep.equal([]);
    expect(run.world.balance('pd:client').ram).to.equal(CHILD_QUOTA.ram - 8192);
  });

  it('gives nothing back for a refused request when its server, PD closed earlier, is destroyed', () => {
    const run = new Run();
    run.step('closeAllSessions server', (world) => world.closePd('server'));
    run.step('session client 7 Report ram_quota=8192', (world) =>
      requestSession(world, { key: 's1', client: 'client', clientId: 7, to: SERVER, ram: 8192 }),
    );
    run.step('sessionResponse server 7 insufficientRam', (world) =>
      world.updateSession('s1', { phase: 'INSUFFICIENT_RAM_QUOTA' }),
    );

    const violations = run.step('destroyChild server', (world) => {
      world.removeSession('s1');
      world.setChild('server', { destroyed: true });
    });

    expect(violations).to.deep.equal([]);
    expect(run.world.balance('pd:client').ram).to.equal(CHILD_QUOTA.ram - 8192);
  });

  it('leaves the quota of a client with a closed PD at the reference account', () => {
    const run = new Run();
    openAtServer(run);
    const cleared = run.step('closeAllSessions client', (world) => {
      world.updateSession('s1', { callbacks: false });
      world.closePd('client');
    });

    const violations = run.step('sessionResponse server 7 closed', (world) => {
      closedByServer(world);
      releaseToParent(world, 's1');
    });

    expect(cleared).to.deep.equal([]);
    expect(violations).to.deep.equal([]);
    expect(run.world.balance('pd:client')).to.deep.equal({ ram: 0, caps: 0 });
    expect(run.world.balance('pd:server')).to.deep.equal(CHILD_QUOTA);
  });

  it('reports quota returned to a client whose PD is closed', () => {
    const run = new Run();
    openAtServer(run);
    run.step('closeAllSessions client', (world) => {
      world.updateSession('s1', { callbacks: false });
      world.closePd('client');
    });

    const violations = run.step('sessionResponse server 7 closed', (world) => {
      // The revert ignores that the client's PD is gone.
      const txn = world.begin();
      world.move(txn, 'pd:server', REFERENCE_ACCOUNT, 'ram', 7168);
      world.move(txn, REFERENCE_ACCOUNT, 'pd:client', 'ram', 8192);
      world.end(txn, 'commit');
      closedByServer(world);
      world.removeSession('s1');
    });

    expect(idsOf(violations)).to.deep.equal(['returned-to-owner']);
    expect(violations[0]?.accounts).to.deep.include({
      account: 'pd:client',
      observed: { ram: 8192, caps: 0 },
      expected: { ram: 0, caps: 0 },
    });
  });

  it('keeps the return at the reference account when a reverted client has no valid PD', () => {
    const run = new Run();
    run.step('session client 7 LOG ram_quota=4096', (world) =>
      requestSession(world, {
        key: 's2',
        client: 'client',
        clientId: 7,
        to: { kind: 'local' },
        ram: 4096,
      }),
    );
    run.step('closeAllSessions client (PD first)', (world) => world.closePd('client'));

    const violations = run.step('close client 7', (world) => {
      // The transfer to the closed PD is a no-op: the World skips it.
      revertToClient(world, 's2');
    });

    expect(violations).to.deep.equal([]);
    expect(run.world.balance('pd:client')).to.deep.equal({ ram: 0, caps: 0 });
  });

  it('releases an environment session to the reference account without a cost', () => {
    const run = new Run(undefined, withLogAtServer);
    run.step('closeAllSessions client', (world) => {
      world.updateSession('e1', { phase: 'CLOSE_REQUESTED', clientId: null });
      world.closePd('client');
    });

    const violations = run.step('sessionResponse server 103 closed', (world) => {
      world.updateSession('e1', { phase: 'CLOSED' });
      releaseToParent(world, 'e1');
    });

    expect(violations).to.deep.equal([]);
    expect(run.world.balance('pd:server')).to.deep.equal(CHILD_QUOTA);
  });

  it('reports an environment session whose quota stays with the server after it closed', () => {
    const run = new Run(undefined, withLogAtServer);

    const violations = run.step('sessionResponse server 103 closed', (world) => {
      world.updateSession('e1', { phase: 'CLOSED' });
      world.removeSession('e1');
    });

    expect(idsOf(violations)).to.deep.equal(['returned-to-owner']);
    expect(violations[0]?.message).to.contain('released to the parent (an environment session)');
  });

  it('lets an environment session that never closed go with its connection', () => {
    const run = new Run(undefined, withLogAtServer);

    const violations = run.step('destroyChild client', (world) => {
      world.closePd('client');
      world.removeSession('e1');
      world.setChild('client', { destroyed: true });
    });

    expect(violations).to.deep.equal([]);
    expect(run.world.balance('pd:server')).to.deep.equal({
      ram: CHILD_QUOTA.ram + 2048,
      caps: CHILD_QUOTA.caps + 1,
    });
  });

  it('leaves balances as they were when a session appears and disappears within one step', () => {
    const run = new Run();
    const violations = run.step('session client 7 LOG (denied)', (world) => {
      requestSession(world, {
        key: 's3',
        client: 'client',
        clientId: 7,
        to: { kind: 'local' },
        ram: 4096,
      });
      revertToClient(world, 's3');
    });

    expect(violations).to.deep.equal([]);
    expect(run.world.balance('pd:client')).to.deep.equal(CHILD_QUOTA);
  });

  it('reports a failed request that keeps the client quota', () => {
    const run = new Run();
    const violations = run.step('session client 7 LOG (denied)', (world) => {
      requestSession(world, {
        key: 's3',
        client: 'client',
        clientId: 7,
        to: { kind: 'local' },
        ram: 4096,
      });
      world.removeSession('s3');
    });

    expect(idsOf(violations)).to.deep.equal(['returned-to-owner']);
    expect(violations[0]?.message).to.contain('session s3 (created and destroyed within the step)');
  });
});
