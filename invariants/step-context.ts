/**
 * Everything the invariant checks look at for one observation, computed once
 * and shared: the previous state, the new journal entries and their replay,
 * the transaction record, and the shadow book's expectation.
 */

import type { JournalEntry, Observation, SystemDescription } from '../impl/contract.ts';
import { observedBalances, type Balances } from './balances.ts';
import { replayJournal, type Replay } from './replay.ts';
import { expectBalances, type ShadowStep } from './shadow-book.ts';
import type { Snapshot } from './snapshot.ts';
import type { TransactionBook, TransactionFindings } from './transaction-book.ts';

/** One observation with all the ledger derived from it. */
export interface StepContext {
  readonly description: SystemDescription;
  readonly previous: Snapshot;
  readonly observation: Observation;
  readonly observed: Balances;
  /** Journal entries after the ones seen before; none if the journal shrank. */
  readonly newEntries: readonly JournalEntry[];
  /** Index in `Observation.journal` of `newEntries[0]`. */
  readonly firstIndex: number;
  /** The journal is shorter than the one seen before: entries were lost. */
  readonly journalShrank: boolean;
  /** The new entries replayed on the previous balances. */
  readonly replay: Replay;
  readonly transactions: TransactionFindings;
  readonly shadow: ShadowStep;
}

/**
 * Derives the context of `observation`. Records its journal entries in
 * `transactions`, which is the only state this changes.
 */
export function stepContext(
  description: SystemDescription,
  previous: Snapshot,
  observation: Observation,
  transactions: TransactionBook,
): StepContext {
  const journalShrank = observation.journal.length < previous.journalLength;
  const firstIndex = previous.journalLength;
  const newEntries = journalShrank ? [] : observation.journal.slice(firstIndex);

  return {
    description,
    previous,
    observation,
    observed: observedBalances(observation),
    newEntries,
    firstIndex,
    journalShrank,
    replay: replayJournal(previous.balances, newEntries, firstIndex),
    transactions: transactions.record(newEntries, firstIndex),
    shadow: expectBalances(description, previous, observation),
  };
}
