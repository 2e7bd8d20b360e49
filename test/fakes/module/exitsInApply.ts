/** An in-process implementation that ends its thread (`process.exit`) in `apply`. */
import type { ImplementationUnderTest } from '../../../impl/contract.ts';
import { referenceImplementation } from '../../../impl/reference.ts';

export const implementation: ImplementationUnderTest = {
  name: 'exits-in-apply',
  async create(description) {
    const system = await referenceImplementation.create(description);
    return {
      ...system,
      apply: () => process.exit(3),
    };
  },
};
