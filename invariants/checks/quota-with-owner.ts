/**
 * quota-with-owner: in a step where no session is destroyed, the balances
 * are what the shadow book says: a live session's donated quota sits with
 * its service, its session cost with the parent, and every child PD holds
 * its funding less what it donated.
 */

import type { StepContext } from '../step-context.ts';
import type { CheckResult } from '../violation.ts';
import { compareWithShadow } from './shadow-compare.ts';

/**
 * Compares with the shadow book unless a session was destroyed in the step
 * (then returned-to-owner does).
 */
export function quotaWithOwner(context: StepContext): CheckResult {
  if (context.shadow.destroyed.length > 0) {
    return { findings: [], checks: 0 };
  }

  return compareWithShadow(context);
}
