import type { JournalEntry } from './contract.ts';
import type { StepClock } from './clock.ts';
import type { Amount } from './quota.ts';

/**
 * The one journal of every quota movement in a system. Each movement is a
 * `move` entry in a numbered transaction; each transaction ends with exactly
 * one `end` entry. Transactions may nest (an upstream request made while an
 * upgrade's transaction is still open), so entries of two transactions can
 * interleave; the `txn` number tells them apart.
 */
export class QuotaJournal {
  private readonly log: JournalEntry[] = [];
  private lastTxn = 0;

  constructor(private readonly clock: StepClock) {}

  /** Returns the number of a new transaction. */
  begin(): number {
    this.lastTxn += 1;
    return this.lastTxn;
  }

  recordMove(txn: number, from: string, to: string, amount: Amount, undo: boolean): void {
    this.log.push({
      kind: 'move',
      step: this.clock.step,
      txn,
      from,
      to,
      resource: amount.resource,
      amount: amount.value,
      undo,
    });
  }

  recordEnd(txn: number, outcome: 'commit' | 'rollback'): void {
    this.log.push({ kind: 'end', step: this.clock.step, txn, outcome });
  }

  get entries(): readonly JournalEntry[] {
    return this.log;
  }
}
