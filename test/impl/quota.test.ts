import { expect } from 'chai';

import { CapQuota, RamQuota } from '../../impl/quota.ts';

describe('impl/quota', () => {
  it('adds and subtracts RAM in bytes', () => {
    const sum = RamQuota.bytes(8192).plus(RamQuota.bytes(1024));
    expect(sum.value).to.equal(9216);
    expect(sum.minus(RamQuota.bytes(216)).value).to.equal(9000);
    expect(sum.resource).to.equal('ram');
  });

  it('counts capabilities', () => {
    const caps = CapQuota.count(3).plus(CapQuota.count(2));
    expect(caps.value).to.equal(5);
    expect(caps.resource).to.equal('caps');
    expect(caps.minus(CapQuota.count(5)).value).to.equal(0);
  });

  it('rejects negative and fractional amounts as bugs', () => {
    expect(() => RamQuota.bytes(-1)).to.throw(RangeError);
    expect(() => CapQuota.count(1.5)).to.throw(RangeError);
    expect(() => RamQuota.bytes(1).minus(RamQuota.bytes(2))).to.throw(RangeError);
  });

  it('keeps RAM and caps apart at compile time', () => {
    const ram = RamQuota.bytes(1);
    const caps = CapQuota.count(1);
    // @ts-expect-error: a cap amount is not RAM
    const mixed: RamQuota = caps;
    // @ts-expect-error: RAM cannot be added to caps
    caps.plus(ram);
    expect(mixed.resource).to.equal('caps');
  });
});
