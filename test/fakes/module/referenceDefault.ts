/** An in-process implementation module for `check --impl`: the reference, as the default export. */
import type { ImplementationUnderTest } from '../../../impl/contract.ts';
import { referenceImplementation } from '../../../impl/reference.ts';

const implementation: ImplementationUnderTest = { ...referenceImplementation, name: 'reference-as-module' };
export default implementation;
