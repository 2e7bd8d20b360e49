/**
 * The error an implementation under test fails a call with when the checker,
 * not the implementation, found the fault: no reply in time, a reply that
 * does not fit its schema, a process that died. Its message is the one-line
 * reason a report shows; `details` holds further lines (the tail of a dead
 * process's standard error), which the report lists under the reason.
 */
export class ImplementationFailure extends Error {
  override readonly name = 'ImplementationFailure';

  constructor(
    message: string,
    readonly details: readonly string[] = [],
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
  }
}

/** What went wrong, in the error's own words: its message, or the thrown value as text. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The further lines an error carries for a report: an `ImplementationFailure`'s details, else none. */
export function failureDetails(error: unknown): readonly string[] {
  return error instanceof ImplementationFailure ? error.details : [];
}

/**
 * A call the implementation refused with an error reply of the process
 * protocol: for a generated path a failure like any other, for a misuse case
 * (`models/misuse.ts`) the refusal the contract asks for.
 */
export class ErrorReply extends ImplementationFailure {}

/**
 * A request the checker did not send because it does not fit the process
 * protocol's schema (a negative ID, a fractional amount): the wire cannot
 * carry it, so the implementation never saw it.
 */
export class RequestNotSent extends Error {
  override readonly name = 'RequestNotSent';
}
