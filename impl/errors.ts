/**
 * Misuse of the implementation: an operation on a child that does not exist
 * (or no longer exists), answers for an unknown service, a malformed system
 * description. Expected protocol outcomes never throw; they are values.
 */
export class UsageError extends Error {
  // Stryker disable next-line StringLiteral: The contract lets an implementation refuse misuse with any error; the checker looks at the refusal, never at the error's name (which does not even cross a worker or process boundary).
  override readonly name = 'UsageError';

  constructor(message: string, options?: { readonly cause?: unknown }) {
    super(message, options);
  }
}
