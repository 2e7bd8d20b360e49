/**
 * The ledger's record of journal transactions: which are open, how each
 * ended, and the net change each has made to every account. It remembers
 * every transaction it has seen, so that a late move or a second end is
 * caught however many steps later it comes.
 */

import type { JournalEntry, Quota } from '../impl/contract.ts';
import { adjusted, isZero, NO_QUOTA } from './quota.ts';
import type { JournalMove } from './replay.ts';

type Outcome = 'commit' | 'rollback';

/** Something in the journal that breaks transaction atomicity. */
export type TransactionProblem =
  /** An `end` for a transaction that had ended already. */
  | {
      readonly kind: 'endedTwice';
      readonly txn: number;
      readonly first: Outcome;
      readonly second: Outcome;
    }
  /** A move in a transaction that had ended already. */
  | {
      readonly kind: 'moveAfterEnd';
      readonly txn: number;
      readonly outcome: Outcome;
      readonly index: number;
      readonly move: JournalMove;
    }
  /** A rolled-back transaction whose moves and undo moves do not cancel: net change per account. */
  | {
      readonly kind: 'rollbackLeaks';
      readonly txn: number;
      readonly net: ReadonlyMap<string, Quota>;
    }
  /** A committed transaction that contains undo moves. */
  | { readonly kind: 'undoInCommit'; readonly txn: number; readonly undoMoves: number }
  /** A transaction that started in this step and has not ended at its close. */
  | { readonly kind: 'unended'; readonly txn: number; readonly accounts: readonly string[] }
  /** A journal entry whose transaction number is not a positive integer. */
  | { readonly kind: 'badTxn'; readonly index: number; readonly txn: unknown }
  /** A move of no quota (or a negative or non-integer amount): the journal records only movements. */
  | { readonly kind: 'emptyMove'; readonly index: number; readonly move: JournalMove }
  /** An `end` entry whose outcome is neither commit nor rollback. */
  | { readonly kind: 'badOutcome'; readonly txn: number; readonly outcome: unknown }
  /**
   * A rollback whose net change is zero, but whose undo moves are not its
   * moves reversed, newest first: `expected` and `observed` describe them.
   */
  | { readonly kind: 'undoOrder'; readonly txn: number; readonly expected: readonly string[]; readonly observed: readonly string[] };

/** What recording one step's entries found, and how many elementary checks that took. */
export interface TransactionFindings {
  readonly problems: readonly TransactionProblem[];
  readonly checks: number;
}

interface OpenTransaction {
  readonly net: Map<string, Quota>;
  /** Its moves without and with `undo`, in journal order. */
  readonly forward: JournalMove[];
  readonly undone: JournalMove[];
}

/** A move's direction and amount, `ram 8192 pd:a -> ref`, for comparing moves with their undoing. */
function describeStep(from: string, to: string, resource: string, amount: number): string {
  return `${resource} ${amount} ${from} -> ${to}`;
}

/** The moves of `undone` as `describeStep` shows them. */
function describeSteps(moves: readonly JournalMove[], reversed: boolean): string[] {
  return moves.map((move) =>
    reversed
      ? describeStep(move.to, move.from, move.resource, move.amount)
      : describeStep(move.from, move.to, move.resource, move.amount),
  );
}

function positiveInteger(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

/**
 * Every transaction seen so far: open ones with their net changes, ended ones
 * with their outcome.
 */
export class TransactionBook {
  private readonly open = new Map<number, OpenTransaction>();
  private readonly ended = new Map<number, Outcome>();

  /**
   * Records the journal entries of one step, in order, and reports what
   * breaks atomicity. `firstIndex` is the journal index of `entries[0]`.
   */
  record(entries: readonly JournalEntry[], firstIndex: number): TransactionFindings {
    const problems: TransactionProblem[] = [];
    const started = new Set<number>();

    entries.forEach((entry, offset) => {
      if (entry === null || typeof entry !== 'object') return;
      if ((entry.kind === 'move' || entry.kind === 'end') && !positiveInteger(entry.txn)) {
        problems.push({ kind: 'badTxn', index: firstIndex + offset, txn: entry.txn });
        return;
      }
      switch (entry.kind) {
        case 'move':
          if (!positiveInteger(entry.amount)) {
            problems.push({ kind: 'emptyMove', index: firstIndex + offset, move: entry });
          }
          this.recordMove(entry, firstIndex + offset, started, problems);
          break;
        case 'end':
          this.recordEnd(entry.txn, entry.outcome, problems);
          break;
      }
    });

    // A transfer is acknowledged or reverted before the operation returns.
    for (const txn of started) {
      const transaction = this.open.get(txn);
      if (transaction !== undefined) {
        problems.push({ kind: 'unended', txn, accounts: [...transaction.net.keys()].sort() });
      }
    }

    return { problems, checks: entries.length + started.size };
  }

  private recordMove(
    move: JournalMove,
    index: number,
    started: Set<number>,
    problems: TransactionProblem[],
  ): void {
    const outcome = this.ended.get(move.txn);
    if (outcome !== undefined) {
      problems.push({ kind: 'moveAfterEnd', txn: move.txn, outcome, index, move });
      return;
    }

    let transaction = this.open.get(move.txn);
    if (transaction === undefined) {
      transaction = { net: new Map(), forward: [], undone: [] };
      this.open.set(move.txn, transaction);
      started.add(move.txn);
    }

    const { net } = transaction;
    net.set(move.from, adjusted(net.get(move.from) ?? NO_QUOTA, move.resource, -move.amount));
    net.set(move.to, adjusted(net.get(move.to) ?? NO_QUOTA, move.resource, move.amount));
    (move.undo ? transaction.undone : transaction.forward).push(move);
  }

  private recordEnd(txn: number, outcome: Outcome, problems: TransactionProblem[]): void {
    const first = this.ended.get(txn);
    if (first !== undefined) {
      problems.push({ kind: 'endedTwice', txn, first, second: outcome });
      return;
    }

    if (outcome !== 'commit' && outcome !== 'rollback') {
      problems.push({ kind: 'badOutcome', txn, outcome });
    }

    // A transaction may end without any move: all its transfers were no-ops.
    const transaction = this.open.get(txn) ?? { net: new Map<string, Quota>(), forward: [], undone: [] };
    this.open.delete(txn);
    this.ended.set(txn, outcome);

    switch (outcome) {
      case 'rollback': {
        const leaks = new Map([...transaction.net].filter(([, change]) => !isZero(change)));
        if (leaks.size > 0) {
          problems.push({ kind: 'rollbackLeaks', txn, net: leaks });
          break;
        }
        // A rollback undoes each move that happened, newest first, each by one undo move.
        const expected = describeSteps([...transaction.forward].reverse(), true);
        const observed = describeSteps(transaction.undone, false);
        if (JSON.stringify(expected) !== JSON.stringify(observed)) {
          problems.push({ kind: 'undoOrder', txn, expected, observed });
        }
        break;
      }
      case 'commit':
        if (transaction.undone.length > 0) {
          problems.push({ kind: 'undoInCommit', txn, undoMoves: transaction.undone.length });
        }
        break;
    }
  }
}
