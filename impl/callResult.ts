import type { CallError, CallResult } from './contract.ts';
import type { Resource } from './quota.ts';

/** What `session` and `sessionCap` return: a cap (valid or not) or an error. */
export type SessionCapResult = Extract<CallResult, { kind: 'cap' | 'error' }>;

/** What `upgrade` returns. */
export type UpgradeCallResult = Extract<CallResult, { kind: 'upgrade' | 'error' }>;

/** What `close` returns. */
export type CloseCallResult = Extract<CallResult, { kind: 'close' }>;

/** The result of a call that returns nothing. */
export const NO_RESULT: CallResult = { kind: 'none' };
/** An invalid session capability: the session is not (yet) available. */
export const INVALID_CAP: SessionCapResult = { kind: 'cap', valid: false };
/** `UPGRADE_DONE` / `UPGRADE_PENDING` of `Parent::Upgrade_result`. */
export const UPGRADE_DONE: UpgradeCallResult = { kind: 'upgrade', result: 'done' };
export const UPGRADE_PENDING: UpgradeCallResult = { kind: 'upgrade', result: 'pending' };
/** `CLOSE_DONE` / `CLOSE_PENDING` of `Parent::Close_result`. */
export const CLOSE_DONE: CloseCallResult = { kind: 'close', result: 'done' };
export const CLOSE_PENDING: CloseCallResult = { kind: 'close', result: 'pending' };

/** A session capability, valid or not. */
export function capResult(valid: boolean): SessionCapResult {
  return { kind: 'cap', valid };
}

/** A call that ended in one of the seed's exceptions. */
export function errorResult(error: CallError): Extract<CallResult, { kind: 'error' }> {
  return { kind: 'error', error };
}

/** The error a failed quota transfer surfaces as (`Out_of_ram` / `Out_of_caps`). */
export function outOf(resource: Resource): CallError {
  switch (resource) {
    case 'ram':
      return 'outOfRam';
    case 'caps':
      return 'outOfCaps';
  }
}

/** How diagnostics name a resource. */
// Stryker disable next-line BlockStatement: `unitName` only feeds the wording of diagnostics, and the contract exposes a diagnostic's level, not its words.
export function unitName(resource: Resource): string {
  switch (resource) {
    // Stryker disable next-line ConditionalExpression,StringLiteral: `unitName` only feeds the wording of diagnostics, and the contract exposes a diagnostic's level, not its words.
    case 'ram':
      // Stryker disable next-line StringLiteral: `unitName` only feeds the wording of diagnostics, and the contract exposes a diagnostic's level, not its words.
      return 'RAM';
    // Stryker disable next-line ConditionalExpression,StringLiteral: `unitName` only feeds the wording of diagnostics, and the contract exposes a diagnostic's level, not its words.
    case 'caps':
      // Stryker disable next-line StringLiteral: `unitName` only feeds the wording of diagnostics, and the contract exposes a diagnostic's level, not its words.
      return 'cap';
  }
}
