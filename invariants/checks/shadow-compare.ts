/**
 * Comparing the observed balances with the shadow book's, shared by
 * quota-with-owner and returned-to-owner.
 *
 * Limitation: `ref` and `upstream` are compared as their sum, every `pd:*`
 * account exactly. The seed lets an upgrade of a parent service fail
 * upstream with only a warning, after the client's quota has reached the
 * reference account; the quota then stays at `ref` while the session's
 * donated quota says it went upstream, and a later close moves it from
 * `upstream` anyway. Which of the two holds it therefore depends on answers
 * that sessions do not show. Comparing them apart would take the upstream
 * answers (the `setAnswers` queue and which request consumed each) in the
 * observation.
 */

import { REFERENCE_ACCOUNT, UPSTREAM_ACCOUNT, type Quota } from '../../impl/contract.ts';
import { accountNames, balanceOf, type Balances } from '../balances.ts';
import { plus, sameQuota } from '../quota.ts';
import type { ShadowEvent } from '../shadow-accounts.ts';
import type { StepContext } from '../step-context.ts';
import { REF_AND_UPSTREAM, type AccountBalance, type CheckResult } from '../violation.ts';

/** One check per `pd:*` (or other) account and one for `ref+upstream`; at most one finding. */
export function compareWithShadow(context: StepContext): CheckResult {
  const { observed } = context;
  const { expected } = context.shadow;
  const separate = accountNames(expected, observed).filter(
    (account) => account !== REFERENCE_ACCOUNT && account !== UPSTREAM_ACCOUNT,
  );

  const balances: Compared[] = separate.map((account) => ({
    account,
    observed: balanceOf(observed, account),
    expected: balanceOf(expected, account),
  }));
  balances.push({
    account: REF_AND_UPSTREAM,
    observed: parentSum(observed),
    expected: parentSum(expected),
  });

  const mismatches = balances.filter((balance) => !sameQuota(balance.observed, balance.expected));
  const checks = balances.length;
  if (mismatches.length === 0) {
    return { findings: [], checks };
  }

  return {
    findings: [{ message: mismatchMessage(mismatches, context), accounts: mismatches }],
    checks,
  };
}

/** An account balance with the shadow book's expectation, always present here. */
interface Compared extends AccountBalance {
  readonly expected: Quota;
}

function parentSum(balances: Balances): Quota {
  return plus(balanceOf(balances, REFERENCE_ACCOUNT), balanceOf(balances, UPSTREAM_ACCOUNT));
}

/** One sentence naming the accounts and the changes that were accounted for them. */
function mismatchMessage(mismatches: readonly AccountBalance[], context: StepContext): string {
  const names = mismatches.map((mismatch) => mismatch.account);
  const related = context.shadow.events
    .filter((event) => touchesAny(event, names))
    .map((event) => event.text);
  const accounted =
    related.length > 0
      ? `after accounting for: ${related.join('; ')}`
      : `which expects no change to ${names.length === 1 ? 'it' : 'them'} in this step`;
  const unseen = context.shadow.destroyed.filter((clause) =>
    clause.includes('created and destroyed'),
  );
  const extra = unseen.length > 0 ? `; also destroyed: ${unseen.join('; ')}` : '';

  const verb = names.length === 1 ? 'differs' : 'differ';
  return `${names.join(', ')} ${verb} from the shadow book, ${accounted}${extra}.`;
}

function touchesAny(event: ShadowEvent, names: readonly string[]): boolean {
  return names.some((name) =>
    name === REF_AND_UPSTREAM
      ? event.accounts.has(REFERENCE_ACCOUNT) || event.accounts.has(UPSTREAM_ACCOUNT)
      : event.accounts.has(name),
  );
}
