/**
 * The table from invariant id to its check, and running all of them on one
 * step.
 */

import { atomicTransaction } from './checks/atomic-transaction.ts';
import { conservation } from './checks/conservation.ts';
import { danglingId } from './checks/dangling-id.ts';
import { journalExplainsBalances } from './checks/journal-explains-balances.ts';
import { nonNegative } from './checks/non-negative.ts';
import { quotaWithOwner } from './checks/quota-with-owner.ts';
import { returnedToOwner } from './checks/returned-to-owner.ts';
import { INVARIANT_IDS, type InvariantId } from './invariant.ts';
import type { StepContext } from './step-context.ts';
import type { CheckResult, Violation } from './violation.ts';

/** A check of one invariant on one step; pure in its context. */
export type Check = (context: StepContext) => CheckResult;

const CHECKS: Readonly<Record<InvariantId, Check>> = {
  'journal-explains-balances': journalExplainsBalances,
  'non-negative': nonNegative,
  conservation,
  'atomic-transaction': atomicTransaction,
  'quota-with-owner': quotaWithOwner,
  'returned-to-owner': returnedToOwner,
  'dangling-id': danglingId,
};

/**
 * The violations of one step, in invariant order, and each invariant's number
 * of elementary checks.
 */
export interface StepVerdict {
  readonly violations: readonly Violation[];
  readonly checks: Readonly<Record<InvariantId, number>>;
}

/** Runs every invariant's check on `context`; `label` names the step in the violations. */
export function runChecks(context: StepContext, label: string): StepVerdict {
  const violations: Violation[] = [];
  const checks = noChecks();
  const step = context.observation.step;

  for (const invariant of INVARIANT_IDS) {
    const result = CHECKS[invariant](context);
    checks[invariant] = result.checks;
    violations.push(...result.findings.map((finding) => ({ invariant, step, label, ...finding })));
  }

  return { violations, checks };
}

/** A count of zero for every invariant. */
export function noChecks(): Record<InvariantId, number> {
  return {
    'journal-explains-balances': 0,
    'non-negative': 0,
    conservation: 0,
    'atomic-transaction': 0,
    'quota-with-owner': 0,
    'returned-to-owner': 0,
    'dangling-id': 0,
  };
}
