/**
 * atomic-transaction: every transaction ends once, in the step it started;
 * a rollback cancels all of its moves, undoing them newest first, a commit
 * contains no undo moves, and no move comes after the end. The journal's
 * form too: transaction numbers are positive integers, every move moves a
 * positive amount, and every end is a commit or a rollback.
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
    case 'badTxn':
      return {
        message: `Journal entry #${problem.index} has transaction number ${JSON.stringify(problem.txn)}; transaction numbers are positive integers.`,
        accounts: [],
      };
    case 'emptyMove':
      return {
        message: `${capitalised(describeMove(problem.index, problem.move))} moves no quota; the journal records only movements of a positive amount.`,
        accounts: [],
      };
    case 'badOutcome':
      return {
        message: `Transaction ${problem.txn} ends in ${JSON.stringify(problem.outcome)}, neither commit nor rollback.`,
        accounts: [],
      };
    case 'undoOrder':
      return {
        message: `Transaction ${problem.txn} ends in rollback with undo moves [${problem.observed.join('; ')}], expected its moves undone newest first: [${problem.expected.join('; ')}].`,
        accounts: [],
      };
  }
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function observedOnly(account: string, observed: Balances): AccountBalance {
  return { account, observed: balanceOf(observed, account), expected: null };
}
