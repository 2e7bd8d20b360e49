import { expect } from 'chai';

import { referenceImplementation } from '../../impl/reference.ts';
import { UsageError } from '../../impl/errors.ts';
import { CLIENT, fileSession, standardSystem } from './support.ts';

describe('impl/reference', () => {
  it('is named reference', () => {
    expect(referenceImplementation.name).to.equal('reference');
  });

  it('carries out operations and reports observations asynchronously', async () => {
    const system = await referenceImplementation.create(standardSystem());
    expect(await system.apply(fileSession())).to.deep.equal({ kind: 'cap', valid: false });
    const observation = await system.observe();
    expect(observation.step).to.equal(1);
    expect(observation.children[CLIENT]?.active).to.equal(true);
    await system.dispose();
  });

  it('rejects misuse with a UsageError', async () => {
    const system = await referenceImplementation.create(standardSystem());
    let caught: unknown = null;
    try {
      await system.apply({ op: 'exit', child: 'nobody', value: 0 });
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(UsageError);
  });
});
