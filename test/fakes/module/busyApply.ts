/** An in-process implementation whose `apply` never returns to the event loop: a synchronous busy loop. */
import type { ImplementationUnderTest } from '../../../impl/contract.ts';
import { referenceImplementation } from '../../../impl/reference.ts';

export const implementation: ImplementationUnderTest = {
  name: 'busy-in-apply',
  async create(description) {
    const system = await referenceImplementation.create(description);
    return {
      ...system,
      apply: () => {
        for (;;) {
          /* spins for ever */
        }
      },
    };
  },
};
