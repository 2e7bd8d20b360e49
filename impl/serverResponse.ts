import type { SessionResponse } from './contract.ts';
import { unitName } from './callResult.ts';
import type { Child } from './child.ts';
import type { SessionState } from './sessionState.ts';
import { Transaction, move } from './transfer.ts';

/**
 * `sessionResponse(id, response)`, called by a serving child with its
 * server-side ID (`Child::session_response`). `closed` ends the session:
 * through the client's closed callback, or, if the client vanished, by
 * returning the quota from the server to the reference account only. A
 * denial or insufficient quota marks the creation as failed, from any phase,
 * and tells the client. `ok` completes a pending upgrade and is ignored in
 * any other phase. An unknown ID is warned about.
 */
export function respondToSession(server: Child, id: number, response: SessionResponse): void {
  const session = server.serverIds.lookup(id);
  if (session === undefined) {
    server.parent.diagnostics.warning('unexpected session response for unknown session');
    return;
  }

  switch (response) {
    case 'closed':
      session.enter('CLOSED');
      if (session.closedCallback !== null) {
        session.closedCallback.sessionClosed(session);
      } else {
        returnQuotaOfVanishedClient(server, session);
      }
      return;
    case 'denied':
      session.enter('SERVICE_DENIED');
      session.readyCallback?.sessionReady(session);
      return;
    case 'insufficientRam':
      session.enter('INSUFFICIENT_RAM_QUOTA');
      session.readyCallback?.sessionReady(session);
      return;
    case 'insufficientCaps':
      session.enter('INSUFFICIENT_CAP_QUOTA');
      session.readyCallback?.sessionReady(session);
      return;
    case 'ok':
      if (session.phase === 'UPGRADE_REQUESTED') {
        session.enter('CAP_HANDED_OUT');
        // Stryker disable next-line OptionalChaining: Only `closeAllSessions` clears the ready callback, and it first takes every such session out of its client's ID space and out of UPGRADE_REQUESTED for good.
        session.readyCallback?.sessionReady(session);
      }
      return;
  }
}

/**
 * The client is gone, so its quota cannot go back to it: the donated quota
 * moves from the server to the reference account, in one transaction, and
 * the state is destroyed.
 */
function returnQuotaOfVanishedClient(server: Child, session: SessionState): void {
  const reference = server.policy.referenceAccount;
  const service = session.service.account;
  const refund = Transaction.begin(server.parent.journal, server.parent.diagnostics);
  const result = refund.transferAll([
    move(session.donatedRamQuota, service, reference),
    move(session.donatedCapQuota, service, reference),
  ]);
  if (result.kind === 'quotaExceeded') {
    refund.rollback();
    // Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral: The amount only words the warning, and the contract exposes a diagnostic's level, not its words.
    const amount = result.resource === 'ram' ? session.donatedRamQuota : session.donatedCapQuota;
    server.parent.diagnostics.warning(
      `${server.name} failed to return session ${unitName(result.resource)} quota (${amount})`,
    );
  } else {
    refund.commit();
  }
  session.destroy();
}

/**
 * `deliverSessionCap(id)`, called by a serving child with its server-side
 * ID (`Child::deliver_session_cap`). Only a session in `CREATE_REQUESTED`
 * takes the cap. If its client vanished meanwhile, the session goes straight
 * to `CLOSE_REQUESTED` so that the server winds it down; otherwise it
 * becomes `AVAILABLE` and the client is told. Unknown IDs are ignored.
 */
export function deliverSessionCap(server: Child, id: number): void {
  const session = server.serverIds.lookup(id);
  if (session === undefined || session.phase !== 'CREATE_REQUESTED') {
    return;
  }
  // Stryker disable next-line ConditionalExpression,BlockStatement: A session is given its cap only as it leaves CREATE_REQUESTED for AVAILABLE, and no session ever enters CREATE_REQUESTED again, so one still in it has no cap.
  if (session.cap) {
    server.parent.diagnostics.error(`${server.name}: attempt to assign session cap twice`);
    return;
  }
  if (!session.clientExists()) {
    session.enter('CLOSE_REQUESTED');
    session.service.initiateRequest(session);
    return;
  }
  session.cap = true;
  session.enter('AVAILABLE');
  // Stryker disable next-line OptionalChaining: Only `closeAllSessions` clears the ready callback, and it discards the client ID of a session still CREATE_REQUESTED, which then takes the vanished-client branch above.
  session.readyCallback?.sessionReady(session);
}
