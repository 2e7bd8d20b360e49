/**
 * The form of the journal that atomic-transaction checks beside atomicity:
 * positive transaction numbers, moves of a positive amount, ends in commit
 * or rollback, and rollbacks that undo their moves newest first.
 */
import { expect } from 'chai';

import { REFERENCE_ACCOUNT } from '../../impl/contract.ts';
import type { Violation } from '../../invariants/index.ts';
import { Run } from './run.ts';

/** The atomic-transaction violations among `violations`. */
function atomic(violations: readonly Violation[]): Violation[] {
  return violations.filter((violation) => violation.invariant === 'atomic-transaction');
}

describe('invariants: atomic-transaction, the journal form', () => {
  it('accepts a rollback that undoes its moves newest first', () => {
    const run = new Run();
    const violations = run.step('session client 7 Report (out of caps)', (world) => {
      const txn = world.begin();
      world.move(txn, 'pd:client', REFERENCE_ACCOUNT, 'ram', 8192);
      world.move(txn, 'pd:client', REFERENCE_ACCOUNT, 'caps', 4);
      world.move(txn, REFERENCE_ACCOUNT, 'pd:client', 'caps', 4, true);
      world.move(txn, REFERENCE_ACCOUNT, 'pd:client', 'ram', 8192, true);
      world.end(txn, 'rollback');
    });
    expect(violations).to.deep.equal([]);
  });

  it('reports a rollback that undoes its moves oldest first', () => {
    const run = new Run();
    const violations = run.step('session client 7 Report (out of caps)', (world) => {
      const txn = world.begin();
      world.move(txn, 'pd:client', REFERENCE_ACCOUNT, 'ram', 8192);
      world.move(txn, 'pd:client', REFERENCE_ACCOUNT, 'caps', 4);
      world.move(txn, REFERENCE_ACCOUNT, 'pd:client', 'ram', 8192, true);
      world.move(txn, REFERENCE_ACCOUNT, 'pd:client', 'caps', 4, true);
      world.end(txn, 'rollback');
    });
    const [first] = atomic(violations);
    expect(first?.step).to.equal(1);
    expect(first?.message).to.match(
      /^Transaction \d+ ends in rollback with undo moves \[ram 8192 ref -> pd:client; caps 4 ref -> pd:client\], expected its moves undone newest first: \[caps 4 ref -> pd:client; ram 8192 ref -> pd:client\]\.$/,
    );
  });

  it('reports a rollback whose undoing moves are not marked undo', () => {
    const run = new Run();
    const violations = run.step('session client 7 Report (out of caps)', (world) => {
      const txn = world.begin();
      world.move(txn, 'pd:client', REFERENCE_ACCOUNT, 'ram', 8192);
      world.move(txn, REFERENCE_ACCOUNT, 'pd:client', 'ram', 8192);
      world.end(txn, 'rollback');
    });
    expect(atomic(violations).map((violation) => violation.message)).to.deep.equal([
      `Transaction ${run.world.begin() - 1} ends in rollback with undo moves [], expected its moves undone newest first: [ram 8192 pd:client -> ref; ram 8192 ref -> pd:client].`,
    ]);
  });

  it('reports a move of nothing', () => {
    const run = new Run();
    const violations = run.step('session client 7 ROM', (world) => {
      const txn = world.begin();
      world.move(txn, 'pd:client', REFERENCE_ACCOUNT, 'caps', 0);
      world.end(txn, 'commit');
    });
    const [first] = atomic(violations);
    expect(first?.message).to.match(
      /^Journal entry #\d+ \(txn \d+: caps 0 pd:client -> ref\) moves no quota; the journal records only movements of a positive amount\.$/,
    );
  });

  it('reports a transaction number that is not positive', () => {
    const run = new Run();
    const violations = run.step('session client 7 ROM', (world) => {
      world.move(-1, 'pd:client', REFERENCE_ACCOUNT, 'ram', 4096);
      world.move(-1, REFERENCE_ACCOUNT, 'pd:client', 'ram', 4096);
      world.end(-1, 'commit');
    });
    const messages = atomic(violations).map((violation) => violation.message);
    expect(messages[0]).to.match(/^Journal entry #\d+ has transaction number -1; transaction numbers are positive integers\.$/);
  });

  it('reports an end that is neither commit nor rollback', () => {
    const run = new Run();
    const violations = run.step('session client 7 ROM', (world) => {
      const txn = world.begin();
      world.move(txn, 'pd:client', REFERENCE_ACCOUNT, 'ram', 4096);
      world.move(txn, REFERENCE_ACCOUNT, 'pd:client', 'ram', 4096);
      world.end(txn, '' as 'commit');
    });
    const [first] = atomic(violations);
    expect(first?.message).to.match(/^Transaction \d+ ends in "", neither commit nor rollback\.$/);
  });
});
