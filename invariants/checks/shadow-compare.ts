/**
 * Comparing the observed balances with the shadow book's, shared by
 * quota-with-owner and returned-to-owner.
 *
 * Every account is compared on its own, `ref` and `upstream` too: where
 * the seed allows upstream to refuse an upgrade, the book has already
 * settled which of the two outcomes the balances show (see
 * `settleUpstreamUpgrades` in shadow-book.ts).
 */

import type { Quota } from '../../impl/contract.ts';
import { accountNames, balanceOf } from '../balances.ts';
import { sameQuota } from '../quota.ts';
import type { ShadowEvent } from '../shadow-accounts.ts';
import type { StepContext } from '../step-context.ts';
import type { AccountBalance, CheckResult } from '../violation.ts';

/** One check per account; at most one finding. */
export function compareWithShadow(context: StepContext): CheckResult {
  const { observed } = context;
  const { expected } = context.shadow;
  const balances: Compared[] = accountNames(expected, observed).map((account) => ({
    account,
    observed: balanceOf(observed, account),
    expected: balanceOf(expected, account),
  }));

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
  return names.some((name) => event.accounts.has(name));
}
