import type { Account } from './account.ts';
import type { Diagnostics } from './diagnostics.ts';
import type { QuotaJournal } from './journal.ts';
import type { RamQuota } from './quota.ts';
import type { SessionRegistry } from './sessionRegistry.ts';

/** What every child object shares with the parent that runs it. */
export interface ParentContext {
  readonly journal: QuotaJournal;
  readonly diagnostics: Diagnostics;
  readonly sessions: SessionRegistry;
  /** The parent's reference account (`ref_pd`), through which all child quota passes. */
  readonly reference: Account;
  /** RAM the parent keeps per session for its meta data (`session_costs`), in bytes. */
  readonly sessionCost: RamQuota;
}
