/**
 * The shadow book's rules for sessions: what moves when a session appears,
 * is upgraded, or is destroyed, after the seed (`session`, `upgrade`,
 * `_revert_quota_and_destroy`, `session_response`, `close_all_sessions`)
 * and the environment sessions of spec §5.
 */

import {
  REFERENCE_ACCOUNT,
  closed,
  pdAccount,
  type Phase,
  type Quota,
  type SessionView,
} from '../impl/contract.ts';
import { formatQuota, isZero, minus, NO_QUOTA, plus } from './quota.ts';
import type { Leg, ShadowAccounts } from './shadow-accounts.ts';

/** A payment by the parent, RAM and caps as two transactions. */
export function payFromReference(
  book: ShadowAccounts,
  text: string,
  to: string | null,
  quota: Quota,
): void {
  book.transactEach(text, [{ from: REFERENCE_ACCOUNT, to, amount: quota }]);
}

/** A new session: quota from the client to the parent, the forwarded part on to the service. */
export function appear(book: ShadowAccounts, session: SessionView, cost: number): void {
  const text = `${describeSession(session)} appeared`;
  if (session.env === null) {
    book.transact(`${text}, paid by its client`, [
      {
        from: pdAccount(session.client),
        to: REFERENCE_ACCOUNT,
        amount: withCost(session.donated, cost),
      },
      { from: REFERENCE_ACCOUNT, to: session.serviceAccount, amount: session.donated },
    ]);
    return;
  }

  // The parent pays an env session other than PD at a child service itself (spec §5).
  const paid = session.env === 'pd' && session.serviceKind === 'child' ? NO_QUOTA : session.donated;
  payFromReference(book, `${text}, paid by the parent`, session.serviceAccount, paid);
}

/**
 * An upgrade: the extra quota goes from the client (the parent for env
 * sessions) to the service.
 */
export function grow(book: ShadowAccounts, before: SessionView, session: SessionView): void {
  const extra = minus(session.donated, before.donated);
  if (isZero(extra)) {
    return;
  }

  const text = `${describeSession(session)} was upgraded by ${formatQuota(extra)}`;
  const toService: Leg = { from: REFERENCE_ACCOUNT, to: session.serviceAccount, amount: extra };
  if (session.env !== null) {
    book.transact(text, [toService]);
    return;
  }

  book.transact(text, [
    { from: pdAccount(session.client), to: REFERENCE_ACCOUNT, amount: extra },
    toService,
  ]);
}

/** The ways the seed disposes of a session's quota when it destroys the session. */
export type Disposal =
  /** `_revert_quota_and_destroy` in the server's `close_all_sessions`. */
  | { readonly kind: 'revertOnServer'; readonly server: string }
  /** `session_response(SESSION_CLOSED)` without a closed callback. */
  | { readonly kind: 'releaseToParent' }
  /** `_revert_quota_and_destroy` in the client's context. */
  | { readonly kind: 'revertToClient' }
  /** An env session destroyed with its connection, without a close. */
  | { readonly kind: 'dropWithConnection' };

/**
 * How the session's quota went, from who could have destroyed it in the
 * phase `last` it was destroyed in.
 */
export function disposalOf(
  session: SessionView,
  last: Phase,
  dying: ReadonlySet<string>,
): Disposal {
  const { server } = session;

  // `close_all_sessions` of the server reverts its sessions on its own account.
  if (server !== null && dying.has(server)) {
    return { kind: 'revertOnServer', server };
  }

  // Env sessions have no closed callback; one not closed went with its connection.
  if (session.env !== null) {
    return { kind: last === 'CLOSED' ? 'releaseToParent' : 'dropWithConnection' };
  }

  // Only the server's `close_all_sessions` (run again, its PD closed before
  // this step) destroys a request that is not closed; without callbacks the
  // client cannot have done it either. A failed one could be the client's.
  if (server !== null && (!closed(last) || (!session.callbacks && last !== 'CLOSED'))) {
    return { kind: 'revertOnServer', server };
  }

  return { kind: session.callbacks ? 'revertToClient' : 'releaseToParent' };
}

/**
 * A destroyed session, its quota disposed of the way the seed does it.
 * `heldUpstream` is what upstream holds of a parent-service session, which
 * is less than its donated quota after an upgrade upstream refused.
 */
export function disappear(
  book: ShadowAccounts,
  session: SessionView,
  disposal: Disposal,
  cost: number,
  heldUpstream: Quota = session.donated,
): void {
  const text = describeSession(session);
  const fromService: Leg = {
    from: session.serviceAccount,
    to: REFERENCE_ACCOUNT,
    amount: session.serviceKind === 'parent' ? heldUpstream : session.donated,
  };
  const withCostTo = (account: string): Leg => ({
    from: REFERENCE_ACCOUNT,
    to: account,
    amount: withCost(session.donated, cost),
  });

  switch (disposal.kind) {
    case 'revertOnServer':
      book.transact(`${text} was reverted on its dying server ${disposal.server}`, [
        fromService,
        withCostTo(pdAccount(disposal.server)),
      ]);
      return;
    case 'releaseToParent': {
      // Without a closed callback, `session_response` only withdraws the quota from the server.
      const why = session.env !== null ? 'an environment session' : 'its callbacks cleared';
      book.transact(`${text} was released to the parent (${why})`, [fromService]);
      return;
    }
    case 'revertToClient':
      // `_revert_quota_and_destroy`; a closed client PD makes the return a no-op.
      book.transact(`${text} was reverted to its client`, [
        fromService,
        withCostTo(pdAccount(session.client)),
      ]);
      return;
    case 'dropWithConnection':
      book.transact(`${text} was destroyed with its environment connection`, []);
      return;
  }
}

/** Donated quota plus the session cost (RAM, bytes) the parent kept for the meta data. */
export function withCost(donated: Quota, cost: number): Quota {
  return plus(donated, { ram: cost, caps: 0 });
}

/** `session s1 (client a, service Log at b, CAP_HANDED_OUT)`, for messages. */
export function describeSession(session: SessionView): string {
  const where = serviceWhere(session);
  const env = session.env === null ? '' : `, env ${session.env}`;
  return `session ${session.key} (client ${session.client}, service ${session.service}${where}${env}, ${session.phase})`;
}

function serviceWhere(session: SessionView): string {
  switch (session.serviceKind) {
    case 'local':
      return ' (local)';
    case 'parent':
      return ' (upstream)';
    case 'child':
      return ` at ${session.server ?? 'an unknown server'}`;
  }
}
