/** A module that exports something, but no ImplementationUnderTest. */
export const referenceImplementation = { name: 'not-exported-as-required' };
