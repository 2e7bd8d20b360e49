import { expect } from 'chai';

import { IdSpace } from '../../impl/idSpace.ts';

describe('impl/idSpace', () => {
  it('refuses an ID that is taken', () => {
    const space = new IdSpace<string>();
    expect(space.insert(7, 'a')).to.equal(true);
    expect(space.insert(7, 'b')).to.equal(false);
    expect(space.lookup(7)).to.equal('a');
  });

  it('allocates fresh IDs counting up from 1 without reusing freed ones', () => {
    const space = new IdSpace<string>();
    expect(space.allocate('a')).to.equal(1);
    expect(space.allocate('b')).to.equal(2);
    space.remove(1);
    expect(space.allocate('c')).to.equal(3);
  });

  it('skips IDs that were inserted explicitly', () => {
    const space = new IdSpace<string>();
    space.insert(1, 'x');
    expect(space.allocate('a')).to.equal(2);
  });

  it('lists elements by ascending ID and takes the lowest as any', () => {
    const space = new IdSpace<string>();
    space.insert(9, 'nine');
    space.insert(3, 'three');
    expect(space.ascending()).to.deep.equal([
      [3, 'three'],
      [9, 'nine'],
    ]);
    expect(space.any()).to.equal('three');
    space.remove(3);
    space.remove(9);
    expect(space.any()).to.equal(undefined);
  });
});
