import { expect } from 'chai';

import { ALL_ACCOUNTS } from '../../invariants/index.ts';
import { CHILD_QUOTA, requestSession } from './protocol.ts';
import { idsOf, Run } from './run.ts';

describe('invariants: conservation', () => {
  it('keeps the total over all accounts through a session request', () => {
    const run = new Run();

    const violations = run.step('session client 7 Report', (world) =>
      requestSession(world, {
        key: 's1',
        client: 'client',
        clientId: 7,
        to: { kind: 'child', server: 'server' },
        ram: 8192,
        caps: 3,
      }),
    );

    expect(violations).to.deep.equal([]);
  });

  it('reports quota that appears from nowhere, with the total and the changed account', () => {
    const run = new Run();

    const violations = run.step('resourceRequest client', (world) =>
      world.tamper('pd:client', { ram: CHILD_QUOTA.ram + 1000, caps: CHILD_QUOTA.caps }),
    );

    // Quota from nowhere is also unexplained by the journal and unknown to the shadow book.
    expect(idsOf(violations)).to.deep.equal([
      'journal-explains-balances',
      'conservation',
      'quota-with-owner',
    ]);
    const conservation = violations[1];
    expect(conservation?.accounts).to.deep.equal([
      {
        account: ALL_ACCOUNTS,
        observed: { ram: 2_001_000, caps: 1000 },
        expected: { ram: 2_000_000, caps: 1000 },
      },
      {
        account: 'pd:client',
        observed: { ram: CHILD_QUOTA.ram + 1000, caps: CHILD_QUOTA.caps },
        expected: null,
      },
    ]);
  });
});
