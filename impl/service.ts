import type { ServiceKind } from './contract.ts';
import type { Account } from './account.ts';
import type { SessionState } from './sessionState.ts';

/**
 * What a session is routed to (`Genode::Service`): a local service, a
 * parent service, or a service of another child.
 */
export interface Service {
  readonly name: string;
  readonly kind: ServiceKind;
  /**
   * The account donated quota is transferred to. Local and parent services
   * have one without capability, so the quota stays at the reference account.
   */
  readonly account: Account;
  /** The account donated quota ends up in, or null for a local service (for the observation). */
  readonly accountName: string | null;
  /** The serving child, for child services. */
  readonly server: string | null;
  /**
   * Handles the request the session's phase stands for (`initiate_request`):
   * creation, upgrade or close. Synchronous services change the phase at
   * once; a child service only queues the request.
   */
  initiateRequest(session: SessionState): void;
  /** Tells an asynchronous service that requests are pending; a no-op for the others. */
  wakeup(): void;
}
