/** An in-process implementation whose `create` never returns to the event loop: a synchronous busy loop. */
import type { ImplementationUnderTest } from '../../../impl/contract.ts';

export const implementation: ImplementationUnderTest = {
  name: 'busy-in-create',
  create() {
    for (;;) {
      /* spins for ever */
    }
  },
};
