/** A module that never finishes loading: a synchronous busy loop at import time. */
import type { ImplementationUnderTest } from '../../../impl/contract.ts';

for (;;) {
  /* spins for ever */
}

export const implementation: ImplementationUnderTest = {
  name: 'busy-at-import',
  create() {
    throw new Error('never reached');
  },
};
