/**
 * non-negative: no balance is below zero, after any single move of the
 * replay or as observed.
 */

import { isNegative } from '../quota.ts';
import { describeMove, type NegativeBalance } from '../replay.ts';
import type { StepContext } from '../step-context.ts';
import type { CheckResult, Finding } from '../violation.ts';

/** One check per replayed move and per observed account. */
export function nonNegative(context: StepContext): CheckResult {
  const duringReplay = context.replay.negatives.map(replayFinding);
  const observed: Finding[] = [...context.observed]
    .filter(([, balance]) => isNegative(balance))
    .map(([account, balance]) => ({
      message: `Account ${account} is observed with a negative balance.`,
      accounts: [{ account, observed: balance, expected: null }],
    }));

  return {
    findings: [...duringReplay, ...observed],
    checks: context.replay.moves + context.observed.size,
  };
}

function replayFinding(negative: NegativeBalance): Finding {
  const { account, resource, balance } = negative;
  return {
    message: `Account ${account} goes below zero in ${resource} after ${describeMove(negative.index, negative.move)}.`,
    accounts: [{ account, observed: balance, expected: null }],
  };
}
