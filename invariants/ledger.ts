/**
 * The ledger: follows an implementation's observations step by step and
 * checks the quota invariants after each one.
 */

import type { Observation, SystemDescription } from '../impl/contract.ts';
import { noChecks, runChecks } from './check-table.ts';
import { INVARIANT_IDS, type InvariantId } from './invariant.ts';
import { initialSnapshot, snapshotOf, type Snapshot } from './snapshot.ts';
import { stepContext } from './step-context.ts';
import { TransactionBook } from './transaction-book.ts';
import type { Violation } from './violation.ts';

/**
 * Checks the quota invariants of one system over its life. Create it with
 * the system's description and the observation taken right after the system
 * was built, then feed it every later observation in order. It sees only
 * the contract's `Observation`, so it judges any implementation alike.
 */
export class Ledger {
  private readonly first: readonly Violation[];
  private readonly description: SystemDescription;
  private readonly transactions: TransactionBook;
  private readonly counts: Record<InvariantId, number>;
  private snapshot: Snapshot;

  /**
   * Checks `first` against the description's initial balances.
   * `label` names that step in violations.
   */
  constructor(description: SystemDescription, first: Observation, label = 'build the system') {
    this.description = description;
    this.transactions = new TransactionBook();
    this.counts = noChecks();
    this.snapshot = initialSnapshot(description);
    this.first = this.observe(first, label);
  }

  /** The violations found in the first observation (building the system); empty when all hold. */
  initialViolations(): Violation[] {
    return [...this.first];
  }

  /**
   * Checks the next observation against the previous one. `label` names the
   * operation just applied. Returns the violations, empty when every
   * invariant holds; never throws for a broken invariant.
   */
  observe(observation: Observation, label: string): Violation[] {
    const context = stepContext(this.description, this.snapshot, observation, this.transactions);
    const verdict = runChecks(context, label);

    for (const id of INVARIANT_IDS) {
      this.counts[id] += verdict.checks[id];
    }
    this.snapshot = snapshotOf(observation, context.observed, context.shadow.seen, context.shadow.upstream);

    return [...verdict.violations];
  }

  /**
   * How many elementary checks each invariant has made so far: compared
   * accounts, replayed moves, examined journal entries, transactions and
   * sessions (see each check for its unit).
   */
  checks(): Record<InvariantId, number> {
    return { ...this.counts };
  }

  /** The number of elementary checks over all invariants so far. */
  checkCount(): number {
    return INVARIANT_IDS.reduce((sum, id) => sum + this.counts[id], 0);
  }
}
