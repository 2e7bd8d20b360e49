import { expect } from 'chai';

import { Account } from '../../impl/account.ts';
import { StepClock } from '../../impl/clock.ts';
import { Diagnostics } from '../../impl/diagnostics.ts';
import { QuotaJournal } from '../../impl/journal.ts';
import { CapQuota, RamQuota } from '../../impl/quota.ts';
import { Transaction, move } from '../../impl/transfer.ts';

function setup(): {
  journal: QuotaJournal;
  diagnostics: Diagnostics;
  ref: Account;
  pd: Account;
  server: Account;
} {
  const clock = new StepClock();
  const ref = Account.open('ref', { ram: RamQuota.bytes(1000), caps: CapQuota.count(10) }, null);
  const pd = Account.open('pd:client', { ram: RamQuota.bytes(500), caps: CapQuota.count(1) }, ref);
  const server = Account.open('pd:server', { ram: RamQuota.ZERO, caps: CapQuota.ZERO }, ref);
  return { journal: new QuotaJournal(clock), diagnostics: new Diagnostics(clock), ref, pd, server };
}

describe('impl/transfer', () => {
  it('performs each transfer when it is made and keeps it on commit', () => {
    const { journal, diagnostics, ref, pd } = setup();
    const txn = Transaction.begin(journal, diagnostics);
    expect(txn.transfer(RamQuota.bytes(100), pd, ref)).to.deep.equal({ kind: 'transferred' });
    expect(pd.ramBalance.value).to.equal(400);
    txn.commit();
    expect(journal.entries).to.deep.equal([
      {
        kind: 'move',
        step: 0,
        txn: 1,
        from: 'pd:client',
        to: 'ref',
        resource: 'ram',
        amount: 100,
        undo: false,
      },
      { kind: 'end', step: 0, txn: 1, outcome: 'commit' },
    ]);
  });

  it('stops at the first transfer whose donor has too little, moving nothing for it', () => {
    const { journal, diagnostics, ref, pd, server } = setup();
    const txn = Transaction.begin(journal, diagnostics);
    const result = txn.transferAll([
      move(RamQuota.bytes(300), pd, ref),
      move(CapQuota.count(2), pd, ref),
      move(RamQuota.bytes(300), ref, server),
    ]);
    expect(result).to.deep.equal({ kind: 'quotaExceeded', resource: 'caps' });
    expect(server.ramBalance.value).to.equal(0);
    expect(pd.capBalance.value).to.equal(1);
  });

  it('undoes the transfers made so far, newest first, on rollback', () => {
    const { journal, diagnostics, ref, pd, server } = setup();
    const txn = Transaction.begin(journal, diagnostics);
    txn.transferAll([
      move(RamQuota.bytes(300), pd, ref),
      move(RamQuota.bytes(200), ref, server),
      move(CapQuota.count(5), pd, ref),
    ]);
    txn.rollback();
    expect([pd.ramBalance.value, ref.ramBalance.value, server.ramBalance.value]).to.deep.equal([
      500, 1000, 0,
    ]);
    expect(
      journal.entries.map((entry) =>
        entry.kind === 'move'
          ? `${entry.from}>${entry.to}${entry.undo ? ' undo' : ''}`
          : entry.outcome,
      ),
    ).to.deep.equal([
      'pd:client>ref',
      'ref>pd:server',
      'pd:server>ref undo',
      'ref>pd:client undo',
      'rollback',
    ]);
  });

  it('writes no move for no-op transfers: invalid side, self transfer, unrelated accounts, zero', () => {
    const { journal, diagnostics, ref, pd, server } = setup();
    const local = Account.withoutCapability('local:Timer');
    const txn = Transaction.begin(journal, diagnostics);
    txn.transferAll([
      move(RamQuota.bytes(10), ref, local),
      move(RamQuota.bytes(10), ref, ref),
      move(RamQuota.bytes(10), pd, server),
      move(CapQuota.ZERO, pd, ref),
    ]);
    txn.rollback();
    expect(journal.entries).to.deep.equal([{ kind: 'end', step: 0, txn: 1, outcome: 'rollback' }]);
  });

  it('refuses to be used after it ended', () => {
    const { journal, diagnostics, ref, pd } = setup();
    const txn = Transaction.begin(journal, diagnostics);
    txn.commit();
    expect(() => txn.transfer(RamQuota.bytes(1), pd, ref)).to.throw(Error);
    expect(() => txn.rollback()).to.throw(Error);
  });

  it('numbers transactions in the order they begin', () => {
    const { journal, diagnostics } = setup();
    expect(Transaction.begin(journal, diagnostics).txn).to.equal(1);
    expect(Transaction.begin(journal, diagnostics).txn).to.equal(2);
  });
});
