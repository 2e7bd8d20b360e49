/** An in-process implementation whose systems never answer `observe`. */
import type { ImplementationUnderTest } from '../../../impl/contract.ts';
import { referenceImplementation } from '../../../impl/reference.ts';

export const implementation: ImplementationUnderTest = {
  name: 'hangs-in-process',
  async create(description) {
    const system = await referenceImplementation.create(description);
    return { ...system, observe: () => new Promise(() => undefined) };
  },
};
