import { expect } from 'chai';

import { implementationFlag, positiveInteger } from '../../cli/usage.ts';

describe('cli/usage', () => {
  it('names the implementation again in a replay line, quoting a path with a space', () => {
    expect(implementationFlag({})).to.equal('');
    expect(implementationFlag({ impl: 'my/impl.ts' })).to.equal(' --impl my/impl.ts');
    expect(implementationFlag({ impl: '/tmp/sp ace/impl.ts' })).to.equal(' --impl "/tmp/sp ace/impl.ts"');
    expect(implementationFlag({ exec: 'python3 impl.py' })).to.equal(' --exec "python3 impl.py"');
  });

  it('takes whole numbers within the bound and refuses anything else', () => {
    const parse = positiveInteger('--n', 10);
    expect(parse('10')).to.equal(10);
    for (const bad of ['0', '11', '1.5', '-1', 'x', '1e1', '']) expect(() => parse(bad), bad).to.throw('--n takes a whole number from 1 to 10');
  });
});
