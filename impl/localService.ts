import type { UpstreamAnswer } from './contract.ts';
import { Account } from './account.ts';
import type { AnswerQueue } from './answerQueue.ts';
import type { Service } from './service.ts';
import type { SessionState } from './sessionState.ts';

/**
 * A service implemented inside the parent (`Local_service`). It answers at
 * once: its factory creates the session object or refuses as the answer
 * queue says; upgrades and closes always succeed. Its account has no
 * capability, so quota donated to it stays at the reference account.
 *
 * Only creation requests take an answer from the queue. `outOfRam` and
 * `outOfCaps` answers are taken as a denial, as for parent services.
 */
export class LocalService implements Service {
  readonly kind = 'local';
  readonly account: Account;
  readonly accountName = null;
  readonly server = null;

  constructor(
    readonly name: string,
    private readonly answers: AnswerQueue,
  ) {
    // Stryker disable next-line StringLiteral: The account never gets a capability, so it never appears in a journal entry or among the observed accounts, and its name shows nowhere.
    this.account = Account.withoutCapability(`local:${name}`);
  }

  initiateRequest(session: SessionState): void {
    switch (session.phase) {
      case 'CREATE_REQUESTED':
        this.create(session, this.answers.next());
        return;
      case 'UPGRADE_REQUESTED':
        session.enter('CAP_HANDED_OUT');
        session.confirmUpgrade();
        return;
      case 'CLOSE_REQUESTED':
        session.enter('CLOSED');
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

  private create(session: SessionState, answer: UpstreamAnswer): void {
    switch (answer) {
      case 'ok':
        session.cap = true;
        session.enter('AVAILABLE');
        return;
      case 'denied':
      case 'outOfRam':
      case 'outOfCaps':
        session.enter('SERVICE_DENIED');
        return;
      case 'insufficientRam':
        session.enter('INSUFFICIENT_RAM_QUOTA');
        return;
      case 'insufficientCaps':
        session.enter('INSUFFICIENT_CAP_QUOTA');
        return;
    }
  }
}
