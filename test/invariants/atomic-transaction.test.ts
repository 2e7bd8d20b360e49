import { expect } from 'chai';

import { REFERENCE_ACCOUNT } from '../../impl/contract.ts';
import { CHILD_QUOTA } from './protocol.ts';
import { idsOf, Run } from './run.ts';

describe('invariants: atomic-transaction', () => {
  it('accepts a rollback whose undo moves cancel its moves', () => {
    const run = new Run();

    const violations = run.step('session client 7 Report (out of caps)', (world) => {
      const txn = world.begin();
      world.move(txn, 'pd:client', REFERENCE_ACCOUNT, 'ram', 8192);
      world.move(txn, REFERENCE_ACCOUNT, 'pd:server', 'ram', 7168);
      world.move(txn, 'pd:server', REFERENCE_ACCOUNT, 'ram', 7168, true);
      world.move(txn, REFERENCE_ACCOUNT, 'pd:client', 'ram', 8192, true);
      world.end(txn, 'rollback');
    });

    expect(violations).to.deep.equal([]);
  });

  it('reports a rollback that leaks quota upstream', () => {
    const run = new Run();
    const ref = run.world.balance(REFERENCE_ACCOUNT);

    const violations = run.step('session client 7 ROM (denied)', (world) => {
      const txn = world.begin();
      world.move(txn, REFERENCE_ACCOUNT, 'upstream', 'ram', 4096);
      world.end(txn, 'rollback');
    });

    expect(idsOf(violations)).to.deep.equal(['atomic-transaction', 'quota-with-owner']);
    expect(violations[0]?.message).to.match(
      /^Transaction \d+ ends in rollback but leaves a net change on ref, upstream\.$/,
    );
    expect(violations[0]?.accounts).to.deep.include({
      account: 'ref',
      observed: { ram: ref.ram - 4096, caps: ref.caps },
      expected: ref,
    });
  });

  it('reports a rollback that leaks the client quota, which the shadow book also sees', () => {
    const run = new Run();

    const violations = run.step('session client 7 Report (out of caps)', (world) => {
      const txn = world.begin();
      world.move(txn, 'pd:client', REFERENCE_ACCOUNT, 'ram', 8192);
      world.move(txn, REFERENCE_ACCOUNT, 'pd:server', 'ram', 7168);
      world.move(txn, 'pd:server', REFERENCE_ACCOUNT, 'ram', 7168, true);
      world.end(txn, 'rollback');
    });

    expect(idsOf(violations)).to.deep.equal(['atomic-transaction', 'quota-with-owner']);
    expect(violations[0]?.accounts).to.deep.include({
      account: 'pd:client',
      observed: { ram: CHILD_QUOTA.ram - 8192, caps: CHILD_QUOTA.caps },
      expected: CHILD_QUOTA,
    });
  });

  it('reports a move in a transaction that has already ended', () => {
    const run = new Run();
    let txn = 0;
    run.step('session client 7 ROM', (world) => {
      txn = world.begin();
      world.move(txn, REFERENCE_ACCOUNT, 'upstream', 'ram', 4096);
      world.end(txn, 'commit');
    });

    const violations = run.step('upgrade client 7', (world) =>
      world.move(txn, REFERENCE_ACCOUNT, 'upstream', 'ram', 1024),
    );

    expect(idsOf(violations)).to.deep.equal(['atomic-transaction', 'quota-with-owner']);
    expect(violations[0]?.message).to.equal(
      `Transaction ${txn} had ended in commit before journal entry #${run.world.observe().journal.length - 1} (txn ${txn}: ram 1024 ref -> upstream).`,
    );
  });

  it('reports a transaction that ends twice', () => {
    const run = new Run();

    const violations = run.step('close client 7', (world) => {
      const txn = world.begin();
      world.end(txn, 'commit');
      world.end(txn, 'rollback');
    });

    expect(idsOf(violations)).to.deep.equal(['atomic-transaction']);
    expect(violations[0]?.message).to.match(/ends in rollback after it had ended in commit\.$/);
  });

  it('reports a commit that contains undo moves', () => {
    const run = new Run();

    const violations = run.step('session client 7 ROM', (world) => {
      const txn = world.begin();
      world.move(txn, REFERENCE_ACCOUNT, 'upstream', 'ram', 4096);
      world.move(txn, 'upstream', REFERENCE_ACCOUNT, 'ram', 4096, true);
      world.end(txn, 'commit');
    });

    expect(idsOf(violations)).to.deep.equal(['atomic-transaction']);
    expect(violations[0]?.message).to.match(/ends in commit but contains 1 undo move\(s\)\.$/);
  });

  it('reports a transaction left open at the end of its step', () => {
    const run = new Run();

    const violations = run.step('session client 7 ROM', (world) => {
      const txn = world.begin();
      world.move(txn, REFERENCE_ACCOUNT, 'upstream', 'ram', 4096);
    });

    expect(idsOf(violations)).to.deep.equal(['atomic-transaction', 'quota-with-owner']);
    expect(violations[0]?.message).to.match(
      /started in this step and is neither committed nor rolled back\.$/,
    );
    expect(violations[0]?.accounts.map((a) => a.account)).to.deep.equal(['ref', 'upstream']);
  });
});
