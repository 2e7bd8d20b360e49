/**
 * The quota invariant checker: a ledger that replays the quota journal of an
 * implementation under test, keeps a shadow book of who owns which quota,
 * and checks the invariants after every step.
 */

export { Ledger } from './ledger.ts';
export { assertNoViolations, InvariantViolationError } from './assert-no-violations.ts';
export { formatViolation } from './format-violation.ts';
export { INVARIANTS, INVARIANT_IDS } from './invariant.ts';
export type { InvariantId, InvariantInfo } from './invariant.ts';
export { ALL_ACCOUNTS } from './violation.ts';
export type { AccountBalance, Violation } from './violation.ts';
