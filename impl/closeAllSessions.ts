import { ENV_SESSION_IDS } from './contract.ts';
import type { Child } from './child.ts';
import { closeSessionState, isEnvSessionId, revertQuotaAndDestroy } from './sessionClose.ts';

/** The order in which the seed drops the environment sessions' client IDs. */
const ENV_DISCARD_ORDER = ['cpu', 'pd', 'log', 'binary', 'linker'] as const;

/** The client ID of any non-environment CPU session of the child, lowest first, or 0 if none. */
function anyCpuSessionId(child: Child): number {
  for (const [id, session] of child.idSpace.ascending()) {
    if (session.service.name === 'CPU' && !isEnvSessionId(id)) {
      return id;
    }
  }
  return 0;
}

/**
 * Reverts and destroys every session `child` serves to others, on the
 * child's own account: the server's PD gets the donated quota plus the
 * session cost back from the reference account, the clients get nothing.
 */
function revertServedSessions(child: Child): void {
  for (
    let session = child.serverIds.any();
    session !== undefined;
    session = child.serverIds.any()
  ) {
    revertQuotaAndDestroy(child, session);
  }
}

/**
 * `close_all_sessions`, in the seed's order (the 19.x one, with the PD
 * closed before the remaining sessions), on a kernel that supports eager
 * child destruction:
 *
 * 1. close the child's non-environment CPU sessions (a CPU session with
 *    client ID 0 is missed here, as in the seed, and closed in step 6);
 * 2. destruct the initial thread, then the CPU environment session;
 * 3. revert the sessions the child serves to others, on its own account;
 * 4. ask the LOG, binary, linker and PD environment sessions to close; the
 *    PD's balance returns to the reference account;
 * 5. drop the client IDs of the environment sessions (whatever session uses
 *    IDs 1–5);
 * 6. close every remaining session with its callbacks cleared.
 *
 * Where the seed takes "any" session (`apply_any`), the lowest ID is taken;
 * each session is handled on its own, so the order only shows in the journal.
 */
export function closeAllSessions(child: Child): void {
  for (let id = anyCpuSessionId(child); id !== 0; id = anyCpuSessionId(child)) {
    child.close(id);
  }

  child.destructInitialThread();
  child.env.cpu.destruct();

  revertServedSessions(child);

  child.env.log.close();
  child.env.binary.close();
  child.env.linker?.close();
  child.closePdSession();

  for (const env of ENV_DISCARD_ORDER) {
    child.idSpace.lookup(ENV_SESSION_IDS[env])?.discardIdAtClient();
  }

  for (let session = child.idSpace.any(); session !== undefined; session = child.idSpace.any()) {
    session.closedCallback = null;
    session.readyCallback = null;
    closeSessionState(child, session);
  }
}
