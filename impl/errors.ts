/**
 * Misuse of the implementation: an operation on a child that does not exist
 * (or no longer exists), answers for an unknown service, a malformed system
 * description. Expected protocol outcomes never throw; they are values.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';

  constructor(message: string, options?: { readonly cause?: unknown }) {
    super(message, options);
  }
}
