import { expect } from 'chai';

import { REFERENCE_ACCOUNT } from '../../impl/contract.ts';
import { Ledger } from '../../invariants/index.ts';
import { CHILD_QUOTA, requestSession, twoChildren } from './protocol.ts';
import { idsOf, Run } from './run.ts';
import { World } from './world.ts';

describe('invariants: journal-explains-balances', () => {
  it('explains the first observation from the description and the funding moves', () => {
    const run = new Run();

    expect(run.ledger.initialViolations()).to.deep.equal([]);
  });

  it('explains every later observation from the new entries alone', () => {
    const run = new Run();

    const violations = run.step('session client 7 ROM ram_quota=4096', (world) =>
      requestSession(world, {
        key: 's1',
        client: 'client',
        clientId: 7,
        to: { kind: 'parent' },
        ram: 4096,
        caps: 1,
      }),
    );

    expect(violations).to.deep.equal([]);
  });

  it('reports a transfer upstream that the journal does not show', () => {
    const run = new Run();
    const ref = run.world.balance(REFERENCE_ACCOUNT);
    const upstream = run.world.balance('upstream');

    const violations = run.step('session client 7 ROM (unjournalled)', (world) => {
      world.tamper(REFERENCE_ACCOUNT, { ram: ref.ram - 4096, caps: ref.caps });
      world.tamper('upstream', { ram: upstream.ram + 4096, caps: upstream.caps });
    });

    expect(idsOf(violations)).to.deep.equal(['journal-explains-balances', 'quota-with-owner']);
    expect(violations[0]?.message).to.equal(
      'Replaying the 0 new journal entries does not give the observed balances of ref, upstream.',
    );
    expect(violations[0]?.accounts).to.deep.equal([
      { account: 'ref', observed: { ram: ref.ram - 4096, caps: ref.caps }, expected: ref },
      {
        account: 'upstream',
        observed: { ram: upstream.ram + 4096, caps: upstream.caps },
        expected: upstream,
      },
    ]);
  });

  it('reports a child funded without a journal entry when the system is built', () => {
    const description = twoChildren();
    const world = new World(description);
    world.construct('client');
    world.addPdSession('server');
    world.setChild('server', { constructed: true });
    world.tamper('pd:server', CHILD_QUOTA);
    const ref = world.balance(REFERENCE_ACCOUNT);
    world.tamper(REFERENCE_ACCOUNT, {
      ram: ref.ram - CHILD_QUOTA.ram,
      caps: ref.caps - CHILD_QUOTA.caps,
    });

    const ledger = new Ledger(description, world.observe());

    expect(idsOf(ledger.initialViolations())).to.deep.equal(['journal-explains-balances']);
  });

  it('reports a journal that loses entries', () => {
    const run = new Run();
    const observation = run.world.observe();

    const violations = run.ledger.observe(
      { ...observation, step: 1, journal: observation.journal.slice(1) },
      'noop',
    );

    expect(idsOf(violations)).to.deep.equal(['journal-explains-balances']);
    expect(violations[0]?.message).to.match(/^The journal shrank from \d+ to \d+ entries\.$/);
  });
});
