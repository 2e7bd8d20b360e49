/**
 * journal-explains-balances: the new journal entries, replayed on the
 * previous balances, give exactly the observed balances.
 */

import { accountNames, balanceOf } from '../balances.ts';
import { sameQuota } from '../quota.ts';
import type { StepContext } from '../step-context.ts';
import type { AccountBalance, CheckResult, Finding } from '../violation.ts';

/** One comparison per account named in the replay or the observation. */
export function journalExplainsBalances(context: StepContext): CheckResult {
  const { replay, observed } = context;
  const names = accountNames(replay.balances, observed);
  const mismatches: AccountBalance[] = names
    .map((account) => ({
      account,
      observed: balanceOf(observed, account),
      expected: balanceOf(replay.balances, account),
    }))
    .filter((balance) => !sameQuota(balance.observed, balance.expected));

  const findings: Finding[] = [];
  if (context.journalShrank) {
    findings.push({
      message: `The journal shrank from ${context.previous.journalLength} to ${context.observation.journal.length} entries.`,
      accounts: [],
    });
  }
  if (mismatches.length > 0) {
    const entries = context.newEntries.length;
    findings.push({
      message: `Replaying the ${entries} new journal entries does not give the observed balances of ${mismatches.map((m) => m.account).join(', ')}.`,
      accounts: mismatches,
    });
  }

  return { findings, checks: names.length + 1 };
}
