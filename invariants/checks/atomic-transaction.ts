/**
 * atomic-transaction: every transaction ends once, in the step it started;
 * a rollback cancels all of its moves, a commit contains no undo moves, and
 * no move comes after the end.
 */

import { balanceOf, type Balances } from '../balances.ts';
import { minus } from '../quota.ts';
import { describeMove } from '../replay.ts';
import type { StepContext } from '../step-context.ts';
import type { TransactionProblem } from '../transaction-book.ts';
import type { AccountBalance, CheckResult, Finding } from '../violation.ts';

/** One check per new journal entry and per transaction started in the step. */
export function atomicTransaction(context: StepContext): CheckResult {
  const { problems, checks } = context.transactions;
  return { findings: problems.map((problem) => findingOf(problem, context.observed)), checks };
}

function findingOf(problem: TransactionProblem, observed: Balances): Finding {
  switch (problem.kind) {
    case 'endedTwice':
      return {
        message: `Transaction ${problem.txn} ends in ${problem.second} after it had ended in ${problem.first}.`,
        accounts: [],
      };
    case 'moveAfterEnd':
      return {
        message: `Transaction ${problem.txn} had ended in ${problem.outcome} before ${describeMove(problem.index, problem.move)}.`,
        accounts: [problem.move.from, problem.move.to].map((account) =>
          observedOnly(account, observed),
        ),
      };
    case 'rollbackLeaks':
      return {
        message: `Transaction ${problem.txn} ends in rollback but leaves a net change on ${[...problem.net.keys()].join(', ')}.`,
        accounts: [...problem.net].map(([account, change]) => {
          const balance = balanceOf(observed, account);
          return { account, observed: balance, expected: minus(balance, change) };
        }),
      };
    case 'undoInCommit':
      return {
        message: `Transaction ${problem.txn} ends in commit but contains ${problem.undoMoves} undo move(s).`,
        accounts: [],
      };
    case 'unended':
      return {
        message: `Transaction ${problem.txn} started in this step and is neither committed nor rolled back.`,
        accounts: problem.accounts.map((account) => observedOnly(account, observed)),
      };
  }
}

function observedOnly(account: string, observed: Balances): AccountBalance {
  return { account, observed: balanceOf(observed, account), expected: null };
}
