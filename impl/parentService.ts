import type { UpstreamAnswer } from './contract.ts';
import { Account } from './account.ts';
import type { AnswerQueue } from './answerQueue.ts';
import type { Diagnostics } from './diagnostics.ts';
import type { Service } from './service.ts';
import type { SessionState } from './sessionState.ts';
import type { Upstream } from './upstream.ts';

/**
 * A service the parent forwards to its own parent (`Parent_service`). It
 * answers at once. Creation opens a session upstream (parent-side ID,
 * forwarded quota from the reference account to upstream); what upstream
 * answers comes from the answer queue. `outOfRam`/`outOfCaps`, and a real
 * shortage at the reference account, become `SERVICE_DENIED`.
 *
 * An upgrade takes an answer too: `outOfRam`/`outOfCaps` (or a shortage)
 * only log a warning and move nothing upstream, any other answer moves the
 * upgrade; either way the phase becomes `CAP_HANDED_OUT`. A close returns
 * what upstream holds and releases the parent-side ID.
 */
export class ParentService implements Service {
  readonly kind = 'parent';
  readonly account: Account;
  readonly server = null;

  constructor(
    readonly name: string,
    private readonly upstream: Upstream,
    private readonly answers: AnswerQueue,
    private readonly diagnostics: Diagnostics,
  ) {
    // Stryker disable next-line StringLiteral: The account never gets a capability, so it never appears in a journal entry or among the observed accounts, and its name shows nowhere.
    this.account = Account.withoutCapability(`parent:${name}`);
  }

  get accountName(): string {
    return this.upstream.account.name;
  }

  initiateRequest(session: SessionState): void {
    switch (session.phase) {
      case 'CREATE_REQUESTED':
        this.create(session);
        return;
      case 'UPGRADE_REQUESTED':
        this.upgrade(session);
        return;
      case 'CLOSE_REQUESTED':
        this.close(session);
        return;
      // Stryker disable next-line StringLiteral: These phases only return, and a phase that matches no case leaves the switch and returns all the same.
      case 'SERVICE_DENIED':
      // Stryker disable next-line StringLiteral: These phases only return, and a phase that matches no case leaves the switch and returns all the same.
      case 'INSUFFICIENT_RAM_QUOTA':
      // Stryker disable next-line StringLiteral: These phases only return, and a phase that matches no case leaves the switch and returns all the same.
      case 'INSUFFICIENT_CAP_QUOTA':
      // Stryker disable next-line StringLiteral: These phases only return, and a phase that matches no case leaves the switch and returns all the same.
      case 'AVAILABLE':
      // Stryker disable next-line StringLiteral: These phases only return, and a phase that matches no case leaves the switch and returns all the same.
      case 'CAP_HANDED_OUT':
      // Stryker disable next-line StringLiteral,ConditionalExpression: These phases only return, and a phase that matches no case leaves the switch and returns all the same.
      case 'CLOSED':
        return;
    }
  }

  wakeup(): void {}

  private create(session: SessionState): void {
    const id = this.upstream.open();
    session.idAtParent = id;
    const answer = this.answers.next();
    if (answer === 'ok') {
      const donation = this.upstream.donate(id, session.donatedRamQuota, session.donatedCapQuota);
      if (donation.kind === 'transferred') {
        session.cap = true;
        session.enter('AVAILABLE');
        return;
      }
    }
    this.upstream.release(id);
    session.idAtParent = null;
    session.enter(refusal(answer));
  }

  private upgrade(session: SessionState): void {
    const id = session.idAtParent;
    // Stryker disable next-line ConditionalExpression,BlockStatement: Only a session in CAP_HANDED_OUT is upgraded, and a parent-service session gets there only with a parent-side ID, which it keeps until its close.
    if (id === null) {
      this.diagnostics.error(`invalid parent-session state: ${session}`);
    } else {
      this.donateUpgrade(id, session);
    }
    session.confirmUpgrade();
    session.enter('CAP_HANDED_OUT');
  }

  private donateUpgrade(id: number, session: SessionState): void {
    const answer = this.answers.next();
    switch (answer) {
      // Stryker disable next-line ConditionalExpression: Falling through to 'outOfCaps' only changes the wording of the same warning, and the contract exposes a diagnostic's level, not its words.
      case 'outOfRam':
        this.diagnostics.warning('RAM quota exceeded while upgrading parent session');
        return;
      case 'outOfCaps':
        this.diagnostics.warning('cap quota exceeded while upgrading parent session');
        return;
      case 'ok':
      case 'denied':
      case 'insufficientRam':
      case 'insufficientCaps': {
        const donation = this.upstream.donate(id, session.ramUpgrade, session.capUpgrade);
        // Stryker disable next-line ConditionalExpression,StringLiteral,BlockStatement: `upgrade` moved the same amounts from the client to the reference account earlier in this call (the move on to this service's capability-less account is a no-op), so the reference account always covers them.
        if (donation.kind === 'quotaExceeded') {
          // Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral: Never reached (see above), and the unit only words the warning.
          const unit = donation.resource === 'ram' ? 'RAM' : 'cap';
          this.diagnostics.warning(`${unit} quota exceeded while upgrading parent session`);
        }
        return;
      }
    }
  }

  private close(session: SessionState): void {
    // Stryker disable next-line ConditionalExpression: Only a live session is asked to close, and a live parent-service session holds its parent-side ID until this close.
    if (session.idAtParent !== null) {
      this.upstream.close(session.idAtParent);
      session.idAtParent = null;
    }
    session.enter('CLOSED');
  }
}

/** The phase a refused creation ends in; an 'ok' that could not be paid is a denial. */
function refusal(
  answer: UpstreamAnswer,
): 'SERVICE_DENIED' | 'INSUFFICIENT_RAM_QUOTA' | 'INSUFFICIENT_CAP_QUOTA' {
  switch (answer) {
    case 'insufficientRam':
      return 'INSUFFICIENT_RAM_QUOTA';
    case 'insufficientCaps':
      return 'INSUFFICIENT_CAP_QUOTA';
    case 'ok':
    case 'denied':
    case 'outOfRam':
    case 'outOfCaps':
      return 'SERVICE_DENIED';
  }
}
