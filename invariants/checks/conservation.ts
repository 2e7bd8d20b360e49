/**
 * conservation: the total RAM and caps over all accounts stay what the
 * reference account and upstream held before the system was built.
 */

import { accountNames, balanceOf, totalOf } from '../balances.ts';
import { plus, sameQuota } from '../quota.ts';
import type { StepContext } from '../step-context.ts';
import { ALL_ACCOUNTS, type AccountBalance, type CheckResult } from '../violation.ts';

/**
 * One check per observation. The violation lists the total and every account
 * that changed in the step.
 */
export function conservation(context: StepContext): CheckResult {
  const { description, observed, previous } = context;
  const expected = plus(description.reference, description.upstream);
  const total = totalOf(observed);
  if (sameQuota(total, expected)) {
    return { findings: [], checks: 1 };
  }

  const changed: AccountBalance[] = accountNames(previous.balances, observed)
    .filter(
      (account) => !sameQuota(balanceOf(previous.balances, account), balanceOf(observed, account)),
    )
    .map((account) => ({ account, observed: balanceOf(observed, account), expected: null }));

  return {
    findings: [
      {
        message:
          'The total over all accounts differs from the initial reference plus upstream quota.',
        accounts: [{ account: ALL_ACCOUNTS, observed: total, expected }, ...changed],
      },
    ],
    checks: 1,
  };
}
