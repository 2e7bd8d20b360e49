/**
 * The throwing entry point, for tests.
 */

import { formatViolation } from './format-violation.ts';
import type { Violation } from './violation.ts';

/** Thrown by `assertNoViolations`; keeps the violations for inspection. */
export class InvariantViolationError extends Error {
  readonly violations: readonly Violation[];

  constructor(violations: readonly Violation[]) {
    const count =
      violations.length === 1
        ? '1 quota invariant violation'
        : `${violations.length} quota invariant violations`;
    super([`${count}:`, ...violations.map(formatViolation)].join('\n'));
    this.name = 'InvariantViolationError';
    this.violations = violations;
  }
}

/** Throws an `InvariantViolationError` listing `violations` unless there are none. */
export function assertNoViolations(violations: readonly Violation[]): void {
  if (violations.length > 0) {
    throw new InvariantViolationError(violations);
  }
}
