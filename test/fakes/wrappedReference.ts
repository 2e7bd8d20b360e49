/**
 * The reference implementation under another name, some of whose calls a
 * test replaces: for in-process implementations that misbehave on purpose
 * in one way and are honest otherwise.
 */
import type { ImplementationUnderTest, SystemUnderTest } from '../../impl/contract.ts';
import { referenceImplementation } from '../../impl/reference.ts';

/** `replace` gets each system the reference builds and returns the calls to use instead of its own. */
export function wrappedReference(name: string, replace: (system: SystemUnderTest) => Partial<SystemUnderTest>): ImplementationUnderTest {
  return {
    name,
    async create(description) {
      const system = await referenceImplementation.create(description);
      return {
        apply: (operation) => system.apply(operation),
        observe: () => system.observe(),
        dispose: () => system.dispose(),
        ...replace(system),
      };
    },
  };
}
