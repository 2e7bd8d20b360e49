/**
 * A hand-driven system for the ledger's tests: accounts, sessions, children
 * and a journal that the test changes step by step, and observations taken
 * from them. It knows nothing of the protocol; `protocol.ts` moves quota the
 * way the seed does, and tests break things on purpose with the low-level
 * calls (`move`, `end`, `tamper`).
 */

import {
  REFERENCE_ACCOUNT,
  pdAccount,
  type ChildView,
  type JournalEntry,
  type Observation,
  type Phase,
  type Quota,
  type SessionView,
  type SystemDescription,
} from '../../impl/contract.ts';

interface Account {
  ram: number;
  caps: number;
  valid: boolean;
}

/** One transfer of a transaction: from, to, and how much of each resource. */
export type Transfer = readonly [from: string | null, to: string | null, amount: Quota];

export class World {
  readonly description: SystemDescription;
  step = 0;

  private readonly accounts = new Map<string, Account>();
  private readonly sessions = new Map<string, SessionView>();
  private readonly history: Record<string, (Phase | 'DESTROYED')[]> = {};
  private readonly children: Record<string, ChildView> = {};
  private readonly journal: JournalEntry[] = [];
  private nextTxn = 1;

  constructor(description: SystemDescription) {
    this.description = description;
    this.accounts.set(REFERENCE_ACCOUNT, { ...description.reference, valid: true });
    this.accounts.set('upstream', { ...description.upstream, valid: true });
    for (const child of description.children) {
      this.accounts.set(pdAccount(child.name), { ram: 0, caps: 0, valid: false });
      this.children[child.name] = newChild();
    }
  }

  /* ------------------------------------------------------ the journal */

  /** A fresh transaction number. */
  begin(): number {
    const txn = this.nextTxn;
    this.nextTxn += 1;
    return txn;
  }

  /** Moves quota and journals it, whatever the balances and validity. */
  move(
    txn: number,
    from: string,
    to: string,
    resource: 'ram' | 'caps',
    amount: number,
    undo = false,
  ): void {
    this.account(from)[resource] -= amount;
    this.account(to)[resource] += amount;
    this.journal.push({ kind: 'move', step: this.step, txn, from, to, resource, amount, undo });
  }

  end(txn: number, outcome: 'commit' | 'rollback'): void {
    this.journal.push({ kind: 'end', step: this.step, txn, outcome });
  }

  /**
   * Carries out `transfers` as one committed transaction. Like the spec's
   * transfers, one with a missing or invalid side moves nothing.
   */
  transact(transfers: readonly Transfer[]): number {
    const txn = this.begin();
    for (const [from, to, amount] of transfers) {
      if (from === null || to === null || !this.account(from).valid || !this.account(to).valid) {
        continue;
      }
      for (const resource of ['ram', 'caps'] as const) {
        if (amount[resource] !== 0) {
          this.move(txn, from, to, resource, amount[resource]);
        }
      }
    }
    this.end(txn, 'commit');
    return txn;
  }

  /** Sets a balance without journalling it. */
  tamper(account: string, balance: Quota): void {
    Object.assign(this.account(account), balance);
  }

  balance(account: string): Quota {
    const { ram, caps } = this.account(account);
    return { ram, caps };
  }

  /* ------------------------------------------------------ children */

  /**
   * The child is constructed: its PD environment session is granted by a
   * local service and the policy funds the PD from `ref`, RAM and caps in
   * separate transactions.
   */
  construct(name: string): void {
    this.addPdSession(name);
    const account = pdAccount(name);
    this.account(account).valid = true;
    const quota = this.quotaOf(name);
    this.transact([[REFERENCE_ACCOUNT, account, { ram: quota.ram, caps: 0 }]]);
    this.transact([[REFERENCE_ACCOUNT, account, { ram: 0, caps: quota.caps }]]);
    this.setChild(name, { constructed: true });
  }

  /** The child's PD environment session (key `<child>:pd`), granted by a local service. */
  addPdSession(name: string): void {
    this.addSession({
      key: `${name}:pd`,
      client: name,
      clientId: 1,
      server: null,
      serverId: null,
      service: 'PD',
      serviceKind: 'local',
      serviceAccount: null,
      env: 'pd',
      label: name,
      args: 'ram_quota=0, cap_quota=0',
      phase: 'AVAILABLE',
      cap: true,
      donated: { ram: 0, caps: 0 },
      asyncClientNotify: true,
      callbacks: true,
    });
  }

  /**
   * The PD session closes: its balance goes to `ref`, the account becomes
   * invalid, the session goes.
   */
  closePd(name: string): void {
    const account = pdAccount(name);
    this.transact([[account, REFERENCE_ACCOUNT, this.balance(account)]]);
    this.account(account).valid = false;
    this.setChild(name, { pdClosed: true });
    if (this.sessions.has(`${name}:pd`)) {
      this.removeSession(`${name}:pd`);
    }
  }

  setChild(name: string, patch: Partial<ChildView>): void {
    this.children[name] = { ...(this.children[name] ?? newChild()), ...patch };
  }

  /* ------------------------------------------------------ sessions */

  addSession(session: SessionView): void {
    this.sessions.set(session.key, session);
    this.history[session.key] = [session.phase];
  }

  session(key: string): SessionView {
    const session = this.sessions.get(key);
    if (session === undefined) {
      throw new Error(`no session ${key}`);
    }
    return session;
  }

  updateSession(key: string, patch: Partial<SessionView>): void {
    const session = { ...this.session(key), ...patch };
    this.sessions.set(key, session);
    if (patch.phase !== undefined) {
      this.history[key]?.push(patch.phase);
    }
  }

  removeSession(key: string): void {
    this.session(key);
    this.sessions.delete(key);
    this.history[key]?.push('DESTROYED');
  }

  /* ------------------------------------------------------ observing */

  observe(): Observation {
    return structuredClone({
      step: this.step,
      accounts: Object.fromEntries(this.accounts),
      sessions: [...this.sessions.values()],
      history: this.history,
      children: this.children,
      wakeups: {},
      diagnostics: [],
      journal: this.journal,
    });
  }

  private account(name: string): Account {
    let account = this.accounts.get(name);
    if (account === undefined) {
      account = { ram: 0, caps: 0, valid: true };
      this.accounts.set(name, account);
    }
    return account;
  }

  private quotaOf(name: string): Quota {
    const child = this.description.children.find((c) => c.name === name);
    if (child === undefined) {
      throw new Error(`no child ${name} in the description`);
    }
    return child.quota;
  }
}

function newChild(): ChildView {
  return {
    constructed: false,
    active: false,
    startError: null,
    pdClosed: false,
    destroyed: false,
    exitValue: null,
    outstandingHeartbeats: 0,
    signals: { session: 0, yield: 0, resourceAvail: 0, heartbeat: 0 },
    yieldArgs: '',
    yieldResponses: 0,
    resourceRequests: [],
    announced: [],
  };
}
