import type { ImplementationUnderTest, SystemDescription, SystemUnderTest } from './contract.ts';
import { System } from './system.ts';

/**
 * The reference implementation: the seed's `child.cc` in TypeScript, behind
 * the asynchronous contract. Each `SystemUnderTest` wraps one synchronous
 * `System`.
 */
export const referenceImplementation: ImplementationUnderTest = {
  name: 'reference',
  async create(description: SystemDescription): Promise<SystemUnderTest> {
    const system = System.build(description);
    return {
      apply: async (operation) => system.apply(operation),
      observe: async () => system.observe(),
      dispose: async () => {},
    };
  },
};
