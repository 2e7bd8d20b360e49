/**
 * returned-to-owner: in a step where sessions are destroyed, their quota is
 * where the seed puts it: back with the client (donated quota plus session
 * cost), with the dying server (which also keeps the session cost), or at
 * the reference account when the client has vanished or its PD is closed.
 */

import type { StepContext } from '../step-context.ts';
import type { CheckResult } from '../violation.ts';
import { compareWithShadow } from './shadow-compare.ts';

/**
 * Compares with the shadow book when a session was destroyed in the step
 * (otherwise quota-with-owner does).
 */
export function returnedToOwner(context: StepContext): CheckResult {
  if (context.shadow.destroyed.length === 0) {
    return { findings: [], checks: 0 };
  }

  return compareWithShadow(context);
}
