import { expect } from 'chai';

import { Account } from '../../impl/account.ts';
import { CapQuota, RamQuota } from '../../impl/quota.ts';

function accounts(): { upstream: Account; ref: Account; pd: Account; other: Account } {
  const upstream = Account.open(
    'upstream',
    { ram: RamQuota.bytes(100), caps: CapQuota.count(10) },
    null,
  );
  const ref = Account.open(
    'ref',
    { ram: RamQuota.bytes(1000), caps: CapQuota.count(10) },
    upstream,
  );
  const pd = Account.open('pd:a', { ram: RamQuota.bytes(50), caps: CapQuota.count(5) }, ref);
  const other = Account.open('pd:b', { ram: RamQuota.bytes(50), caps: CapQuota.count(5) }, ref);
  return { upstream, ref, pd, other };
}

describe('impl/account', () => {
  it('allows transfers between an account and its reference account, both ways', () => {
    const { ref, pd, upstream } = accounts();
    expect(ref.checkTransfer(RamQuota.bytes(10), pd)).to.equal('allowed');
    expect(pd.checkTransfer(CapQuota.count(5), ref)).to.equal('allowed');
    expect(ref.checkTransfer(RamQuota.bytes(10), upstream)).to.equal('allowed');
  });

  it('refuses transfers between unrelated accounts', () => {
    const { pd, other } = accounts();
    expect(pd.checkTransfer(RamQuota.bytes(1), other)).to.equal('unrelated');
  });

  it('treats a transfer to itself or with an invalid side as a no-op', () => {
    const { ref, pd } = accounts();
    expect(pd.checkTransfer(RamQuota.bytes(1), pd)).to.equal('selfTransfer');
    const local = Account.withoutCapability('local:Timer');
    expect(ref.checkTransfer(RamQuota.bytes(1), local)).to.equal('invalidSide');
    pd.invalidate();
    expect(ref.checkTransfer(RamQuota.bytes(1), pd)).to.equal('invalidSide');
  });

  it('reports a donor with too little', () => {
    const { ref, pd } = accounts();
    expect(pd.checkTransfer(RamQuota.bytes(51), ref)).to.equal('insufficient');
    expect(pd.checkTransfer(CapQuota.count(6), ref)).to.equal('insufficient');
  });

  it('moves quota between balances', () => {
    const { ref, pd } = accounts();
    pd.moveTo(RamQuota.bytes(20), ref);
    pd.moveTo(CapQuota.count(2), ref);
    expect([pd.ramBalance.value, pd.capBalance.value]).to.deep.equal([30, 3]);
    expect([ref.ramBalance.value, ref.capBalance.value]).to.deep.equal([1020, 12]);
  });

  it('gains a capability and a reference account when validated', () => {
    const { ref } = accounts();
    const pd = Account.withoutCapability('pd:new');
    expect(pd.valid).to.equal(false);
    pd.validate(ref);
    expect(pd.valid).to.equal(true);
    expect(ref.checkTransfer(RamQuota.bytes(1), pd)).to.equal('allowed');
  });
});
