import { expect } from 'chai';

import { REFERENCE_ACCOUNT, type SystemDescription } from '../../impl/contract.ts';
import {
  CHILD_QUOTA,
  COST,
  envSession,
  requestSession,
  sessionView,
  twoChildren,
  upgradeSession,
} from './protocol.ts';
import { constructAll, idsOf, Run } from './run.ts';
import type { World } from './world.ts';

const SERVER = { kind: 'child', server: 'server' } as const;

const S1 = { key: 's1', client: 'client', clientId: 7, to: SERVER, ram: 8192 } as const;

function request(world: World, ram = 8192, caps = 0): void {
  requestSession(world, { ...S1, ram, caps });
}

describe('invariants: quota-with-owner', () => {
  it('accepts the issue example: client -8192, server +7168, reference +1024', () => {
    const run = new Run();
    const ref = run.world.balance(REFERENCE_ACCOUNT);

    const violations = run.step('session client 7 Report ram_quota=8192', (world) =>
      request(world),
    );

    expect(run.ledger.initialViolations()).to.deep.equal([]);
    expect(violations).to.deep.equal([]);
    expect(run.world.session('s1').donated).to.deep.equal({ ram: 7168, caps: 0 });
    expect(run.world.balance('pd:client').ram).to.equal(CHILD_QUOTA.ram - 8192);
    expect(run.world.balance('pd:server').ram).to.equal(CHILD_QUOTA.ram + 7168);
    expect(run.world.balance(REFERENCE_ACCOUNT).ram).to.equal(ref.ram + COST);
  });

  it('reports donated quota that stays at the reference account instead of going to the server', () => {
    const run = new Run();

    const violations = run.step('session client 7 Report ram_quota=8192', (world) => {
      world.transact([['pd:client', REFERENCE_ACCOUNT, { ram: 8192, caps: 0 }]]);
      world.addSession(sessionView(S1, { ram: 7168, caps: 0 }));
    });

    expect(idsOf(violations)).to.deep.equal(['quota-with-owner']);
    expect(violations[0]?.message).to.match(
      /^pd:server, ref differ from the shadow book, after accounting for: session s1 \(client client, service Report at server, CREATE_REQUESTED\) appeared, paid by its client/,
    );
    expect(violations[0]?.accounts).to.deep.include({
      account: 'pd:server',
      observed: CHILD_QUOTA,
      expected: { ram: CHILD_QUOTA.ram + 7168, caps: CHILD_QUOTA.caps },
    });
  });

  it('keeps the donated quota of a local session at the reference account', () => {
    const run = new Run();

    const violations = run.step('session client 7 LOG ram_quota=4096', (world) =>
      requestSession(world, {
        key: 's1',
        client: 'client',
        clientId: 7,
        to: { kind: 'local' },
        ram: 4096,
        caps: 2,
      }),
    );

    expect(violations).to.deep.equal([]);
    expect(run.world.balance('pd:client')).to.deep.equal({
      ram: CHILD_QUOTA.ram - 4096,
      caps: CHILD_QUOTA.caps - 2,
    });
  });

  it('moves the donated quota of a parent-service session upstream', () => {
    const run = new Run();

    const violations = run.step('session client 7 ROM ram_quota=4096', (world) =>
      requestSession(world, {
        key: 's1',
        client: 'client',
        clientId: 7,
        to: { kind: 'parent' },
        ram: 4096,
      }),
    );

    expect(violations).to.deep.equal([]);
    expect(run.world.balance('upstream').ram).to.equal(1_000_000 + 4096 - COST);
  });

  it('moves the extra quota of an upgrade from the client to the server', () => {
    const run = new Run();
    run.step('session client 7 Report ram_quota=8192', (world) => request(world, 8192, 1));

    const violations = run.step('upgrade client 7 ram_quota=4096, cap_quota=1', (world) =>
      upgradeSession(world, 's1', { ram: 4096, caps: 1 }),
    );

    expect(violations).to.deep.equal([]);
    expect(run.world.balance('pd:server')).to.deep.equal({
      ram: CHILD_QUOTA.ram + 7168 + 4096,
      caps: CHILD_QUOTA.caps + 2,
    });
  });

  it('reports an upgrade that charges the client but does not record the donation', () => {
    const run = new Run();
    run.step('session client 7 Report ram_quota=8192', (world) => request(world));

    const violations = run.step('upgrade client 7 ram_quota=4096', (world) =>
      world.transact([
        ['pd:client', REFERENCE_ACCOUNT, { ram: 4096, caps: 0 }],
        [REFERENCE_ACCOUNT, 'pd:server', { ram: 4096, caps: 0 }],
      ]),
    );

    expect(idsOf(violations)).to.deep.equal(['quota-with-owner']);
    expect(violations[0]?.message).to.contain('which expects no change to them in this step');
  });

  it('accepts an upstream upgrade that leaves the extra quota at the reference account', () => {
    const run = new Run();
    run.step('session client 7 ROM ram_quota=4096', (world) =>
      requestSession(world, {
        key: 's1',
        client: 'client',
        clientId: 7,
        to: { kind: 'parent' },
        ram: 4096,
      }),
    );

    const violations = run.step(
      'upgrade client 7 ram_quota=2048 (upstream out of RAM)',
      (world) => {
        world.transact([['pd:client', REFERENCE_ACCOUNT, { ram: 2048, caps: 0 }]]);
        world.updateSession('s1', { donated: { ram: 4096 - COST + 2048, caps: 0 } });
      },
    );

    expect(violations).to.deep.equal([]);
  });

  it('lets the parent pay an environment session at a child service', () => {
    const run = new Run(undefined, (world) => {
      constructAll(world);
      envSession(world, 'e1', 'client', 'log', SERVER, { ram: 2048, caps: 1 });
    });

    expect(run.ledger.initialViolations()).to.deep.equal([]);
    expect(run.world.balance('pd:client')).to.deep.equal(CHILD_QUOTA);
  });

  it('reports an environment session charged to its client', () => {
    const run = new Run(undefined, (world) => {
      constructAll(world);
      envSession(world, 'e1', 'client', 'log', SERVER, { ram: 2048, caps: 1 });
      world.transact([['pd:client', REFERENCE_ACCOUNT, { ram: 2048, caps: 1 }]]);
    });

    expect(idsOf(run.ledger.initialViolations())).to.deep.equal(['quota-with-owner']);
    expect(run.ledger.initialViolations()[0]?.message).to.contain('paid by the parent');
  });

  it('funds a child that starts later with its quota from the reference account', () => {
    const description: SystemDescription = {
      ...twoChildren(),
      children: twoChildren().children.map((child) => ({
        ...child,
        start: child.name !== 'server',
      })),
    };
    const run = new Run(description, (world) => world.construct('client'));

    const violations = run.step('startChild server', (world) => world.construct('server'));

    expect(run.ledger.initialViolations()).to.deep.equal([]);
    expect(violations).to.deep.equal([]);
  });

  it('reports a child funded with less than its quota', () => {
    const run = new Run(undefined, (world) => {
      world.construct('client');
      world.addPdSession('server');
      world.setChild('server', { constructed: true });
      world.transact([[REFERENCE_ACCOUNT, 'pd:server', { ram: 50000, caps: 20 }]]);
    });

    const violations = run.ledger.initialViolations();
    expect(idsOf(violations)).to.deep.equal(['quota-with-owner']);
    expect(violations[0]?.message).to.contain('child server was funded with ram 100000 B, caps 20');
  });

  it('leaves the PD unfunded when the PD session has no capability at construction', () => {
    const run = new Run(undefined, (world) => {
      world.construct('client');
      world.setChild('server', { constructed: true });
    });

    const violations = run.ledger.initialViolations();

    expect(violations).to.deep.equal([]);
    expect(run.world.balance('pd:server')).to.deep.equal({ ram: 0, caps: 0 });
  });

  it('reports a child funded although its PD session has no capability', () => {
    const run = new Run(undefined, (world) => {
      world.construct('client');
      world.setChild('server', { constructed: true });
      const txn = world.begin();
      world.move(txn, REFERENCE_ACCOUNT, 'pd:server', 'ram', CHILD_QUOTA.ram);
      world.end(txn, 'commit');
    });

    expect(idsOf(run.ledger.initialViolations())).to.deep.equal(['quota-with-owner']);
  });

  it('hands a closed PD back to the reference account', () => {
    const run = new Run();

    const violations = run.step('closeAllSessions client', (world) => world.closePd('client'));

    expect(violations).to.deep.equal([]);
  });

  it('reports a closed PD that keeps its quota', () => {
    const run = new Run();

    const violations = run.step('closeAllSessions client', (world) =>
      world.setChild('client', { pdClosed: true }),
    );

    expect(idsOf(violations)).to.deep.equal(['quota-with-owner']);
    expect(violations[0]?.message).to.contain('the PD of child client closed');
  });
});
