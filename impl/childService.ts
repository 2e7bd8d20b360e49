import type { Account } from './account.ts';
import type { IdSpace } from './idSpace.ts';
import type { Service } from './service.ts';
import type { SessionState } from './sessionState.ts';

/** The serving child as a child service sees it. */
export interface ServerEndpoint {
  readonly name: string;
  /** The server's PD account, which donated quota goes to. */
  readonly account: Account;
  /** The server's ID space of the sessions it serves. */
  readonly serverIds: IdSpace<SessionState>;
}

/**
 * A service implemented by another child (`Child_service`, an async
 * service). A request gets an ID in the server's ID space and waits; the
 * server answers later with `deliverSessionCap` and `sessionResponse`.
 * Wake-ups are counted for the observation.
 */
export class ChildService implements Service {
  readonly kind = 'child';
  private wakeups = 0;

  constructor(
    readonly name: string,
    private readonly endpoint: ServerEndpoint,
  ) {}

  get account(): Account {
    return this.endpoint.account;
  }

  get accountName(): string {
    return this.endpoint.account.name;
  }

  get server(): string {
    return this.endpoint.name;
  }

  /** Wake-ups so far. */
  get wakeupCount(): number {
    return this.wakeups;
  }

  /** Queues the request at the server; the phase stays as it is. */
  initiateRequest(session: SessionState): void {
    if (session.idAtServer === null) {
      session.assignServerId(this.endpoint.serverIds);
    }
    session.asyncClientNotify = true;
  }

  wakeup(): void {
    this.wakeups += 1;
  }
}
