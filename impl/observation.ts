import type { AccountView, ChildView, SessionView } from './contract.ts';
import type { Account } from './account.ts';
import type { Child } from './child.ts';
import type { SessionState } from './sessionState.ts';

/** What the checker sees of an account. */
export function accountView(account: Account): AccountView {
  return { ram: account.ramBalance.value, caps: account.capBalance.value, valid: account.valid };
}

/** What the checker sees of a session state. */
export function sessionView(session: SessionState): SessionView {
  const service = session.service;
  return {
    key: session.key,
    client: session.client,
    clientId: session.idAtClient,
    server: service.server,
    serverId: session.idAtServer,
    service: service.name,
    serviceKind: service.kind,
    serviceAccount: service.accountName,
    env: session.env,
    label: session.label,
    args: session.args,
    phase: session.phase,
    cap: session.cap,
    donated: { ram: session.donatedRamQuota.value, caps: session.donatedCapQuota.value },
    asyncClientNotify: session.asyncClientNotify,
    // Both callbacks are installed exactly when the closed one is: it is only ever installed with a
    // ready one (`requestSession`) and removed with it (`closeAllSessions`), and an environment
    // session has a ready callback alone.
    callbacks: session.closedCallback !== null,
  };
}

/** A child that has not been started yet. */
export const UNSTARTED_CHILD: ChildView = {
  constructed: false,
  active: false,
  startError: null,
  pdClosed: true,
  destroyed: false,
  exitValue: null,
  outstandingHeartbeats: 0,
  signals: { session: 0, yield: 0, resourceAvail: 0, heartbeat: 0 },
  yieldArgs: '',
  yieldResponses: 0,
  resourceRequests: [],
  announced: [],
};

/** What the checker sees of a constructed (possibly destroyed) child. */
export function childView(child: Child): ChildView {
  return {
    constructed: true,
    active: child.active,
    startError: child.startError,
    pdClosed: child.pdClosed,
    destroyed: child.destroyed,
    exitValue: child.policy.exitValue,
    outstandingHeartbeats: child.outstandingHeartbeats,
    signals: { ...child.signals },
    yieldArgs: child.yieldArgs,
    yieldResponses: child.policy.yieldResponses,
    resourceRequests: [...child.policy.resourceRequests],
    announced: [...child.policy.announced],
  };
}
