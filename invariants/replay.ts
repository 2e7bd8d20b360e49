/**
 * Replaying journal moves on balances, watching every intermediate balance.
 */

import type { JournalEntry, Quota } from '../impl/contract.ts';
import { balanceOf, type Balances } from './balances.ts';
import { adjusted, type Resource } from './quota.ts';

/** A journal move, as the replay sees it. */
export type JournalMove = Extract<JournalEntry, { kind: 'move' }>;

/** An account that went below zero in one resource during a replay, first time only. */
export interface NegativeBalance {
  readonly account: string;
  readonly resource: Resource;
  /** The account's balance right after the move. */
  readonly balance: Quota;
  /** Index of the move in `Observation.journal`. */
  readonly index: number;
  readonly move: JournalMove;
}

/** The outcome of a replay. */
export interface Replay {
  readonly balances: Balances;
  /** Accounts that went negative, once per account and resource. */
  readonly negatives: readonly NegativeBalance[];
  /** Number of moves replayed. */
  readonly moves: number;
}

/**
 * Applies every move of `entries` to `start` in order (undo moves are moves
 * like any other: their `from` and `to` say where the quota went). `firstIndex`
 * is the journal index of `entries[0]`, for reports.
 */
export function replayJournal(
  start: Balances,
  entries: readonly JournalEntry[],
  firstIndex: number,
): Replay {
  const balances = new Map(start);
  const negatives: NegativeBalance[] = [];
  const reported = new Set<string>();
  let moves = 0;

  entries.forEach((entry, offset) => {
    if (entry.kind !== 'move') {
      return;
    }

    moves += 1;
    for (const [account, delta] of [
      [entry.from, -entry.amount],
      [entry.to, entry.amount],
    ] as const) {
      const balance = adjusted(balanceOf(balances, account), entry.resource, delta);
      balances.set(account, balance);

      // Only the first dip of an account is worth a report; later ones follow from it.
      const key = `${account}/${entry.resource}`;
      if (balance[entry.resource] < 0 && !reported.has(key)) {
        reported.add(key);
        negatives.push({
          account,
          resource: entry.resource,
          balance,
          index: firstIndex + offset,
          move: entry,
        });
      }
    }
  });

  return { balances, negatives, moves };
}

/** A move for messages: `journal entry #12 (txn 3: ram 8192 pd:a -> ref (undo))`. */
export function describeMove(index: number, move: JournalMove): string {
  const undo = move.undo ? ' (undo)' : '';
  return `journal entry #${index} (txn ${move.txn}: ${move.resource} ${move.amount} ${move.from} -> ${move.to}${undo})`;
}
