import { ENV_SESSION_IDS, alive } from './contract.ts';
import { CLOSE_DONE, CLOSE_PENDING, unitName } from './callResult.ts';
import type { CloseCallResult } from './callResult.ts';
import type { Child } from './child.ts';
import { creationFailed } from './phase.ts';
import type { SessionState } from './sessionState.ts';
import { Transaction, move } from './transfer.ts';

const ENV_IDS: ReadonlySet<number> = new Set(Object.values(ENV_SESSION_IDS));

/** Whether `id` is one of the fixed client IDs of the environment sessions (1–5). */
export function isEnvSessionId(id: number): boolean {
  return ENV_IDS.has(id);
}

/**
 * `close(id)` of the parent interface. The environment sessions' IDs are
 * refused and an unknown ID is ignored, both with *done*; otherwise see
 * `closeSessionState`.
 */
export function closeSession(child: Child, id: number): CloseCallResult {
  if (isEnvSessionId(id)) {
    return CLOSE_DONE;
  }
  const session = child.idSpace.lookup(id);
  return session === undefined ? CLOSE_DONE : closeSessionState(child, session);
}

/**
 * Closes one session of `child` (`Child::_close`). A failed creation is
 * reverted and destroyed at once (*done*). A live session is asked to close;
 * if its service closed it at once, it is reverted and destroyed (*done*).
 * Otherwise the client ID is released and the service woken (*pending*):
 * the server's `sessionResponse(closed)` finishes the close.
 */
export function closeSessionState(child: Child, session: SessionState): CloseCallResult {
  if (creationFailed(session.phase)) {
    revertQuotaAndDestroy(child, session);
    return CLOSE_DONE;
  }

  if (alive(session.phase)) {
    session.enter('CLOSE_REQUESTED');
    session.service.initiateRequest(session);
  }

  if (session.phase === 'CLOSED') {
    revertQuotaAndDestroy(child, session);
    return CLOSE_DONE;
  }

  session.discardIdAtClient();
  session.service.wakeup();
  return CLOSE_PENDING;
}

/**
 * Returns a session's quota and destroys it (`_revert_quota_and_destroy`),
 * in one transaction: the donated quota from the service to the reference
 * account, then the donated RAM plus the session cost and the donated caps
 * from the reference account to `child`'s PD. If any transfer exceeds its
 * donor's quota, all are undone and a warning is logged; the state is
 * destroyed either way.
 */
export function revertQuotaAndDestroy(child: Child, session: SessionState): void {
  const reference = child.policy.referenceAccount;
  const service = session.service.account;
  const ram = session.donatedRamQuota;
  const caps = session.donatedCapQuota;

  const revert = Transaction.begin(child.parent.journal, child.parent.diagnostics);
  const result = revert.transferAll([
    move(ram, service, reference),
    move(caps, service, reference),
    move(ram.plus(child.policy.sessionCost), reference, child.account),
    move(caps, reference, child.account),
  ]);
  if (result.kind === 'quotaExceeded') {
    revert.rollback();
    child.parent.diagnostics.warning(
      `${child.name}: could not revert session ${unitName(result.resource)} quota (${session})`,
    );
  } else {
    revert.commit();
  }

  session.destroy();
}
