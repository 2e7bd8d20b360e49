import { expect } from 'chai';

import { REFERENCE_ACCOUNT } from '../../impl/contract.ts';
import { CHILD_QUOTA } from './protocol.ts';
import { idsOf, Run } from './run.ts';

describe('invariants: non-negative', () => {
  it('reports an account that goes negative in the middle of a step and recovers', () => {
    const run = new Run();

    const violations = run.step('resourceRequest client', (world) => {
      const txn = world.begin();
      world.move(txn, 'pd:client', REFERENCE_ACCOUNT, 'ram', 150000);
      world.move(txn, REFERENCE_ACCOUNT, 'pd:client', 'ram', 150000);
      world.end(txn, 'commit');
    });

    expect(idsOf(violations)).to.deep.equal(['non-negative']);
    expect(violations[0]?.message).to.match(
      /^Account pd:client goes below zero in ram after journal entry #\d+ \(txn \d+: ram 150000 pd:client -> ref\)\.$/,
    );
    expect(violations[0]?.accounts).to.deep.equal([
      {
        account: 'pd:client',
        observed: { ram: CHILD_QUOTA.ram - 150000, caps: CHILD_QUOTA.caps },
        expected: null,
      },
    ]);
  });

  it('reports a negative observed balance once during the replay and once as observed', () => {
    const run = new Run();
    const ref = run.world.balance(REFERENCE_ACCOUNT);

    const violations = run.step('session client 7 ROM', (world) => {
      const txn = world.begin();
      world.move(txn, REFERENCE_ACCOUNT, 'upstream', 'caps', ref.caps + 1);
      world.end(txn, 'commit');
    });

    expect(idsOf(violations)).to.deep.equal(['non-negative', 'non-negative', 'quota-with-owner']);
    expect(violations[1]?.message).to.equal('Account ref is observed with a negative balance.');
  });

  it('accepts a step whose balances stay at or above zero', () => {
    const run = new Run();

    const violations = run.step('resourceRequest client', (world) => {
      const txn = world.begin();
      world.move(txn, 'pd:client', REFERENCE_ACCOUNT, 'ram', CHILD_QUOTA.ram);
      world.move(txn, REFERENCE_ACCOUNT, 'pd:client', 'ram', CHILD_QUOTA.ram);
      world.end(txn, 'commit');
    });

    expect(violations).to.deep.equal([]);
  });
});
