/**
 * The canonical key of an explored state: equal for states that behave
 * alike, so that `explore` visits each once.
 *
 * The key is built from the observation and the machines' states, without
 * what only grows or only names things: the session keys, the history, the
 * journal, the diagnostics, the step count, the signal and wake-up counters,
 * the records of announcements, yield responses and resource requests.
 * Server-side IDs are left out too: they count up for ever, and their order
 * only decides the order in which a dying server's sessions are reverted,
 * which the invariants do not depend on. So are client IDs: a client's IDs
 * are interchangeable (its routes and quota do not depend on them), so the
 * key says which sessions hold one, not which one. A call with an ID the
 * client let go of changes nothing, whichever session last had it. The machines' states stand for what the observation
 * does not show (installed signal handlers, the client's relation to each
 * session).
 *
 * Interchangeable clients (described alike but for their names) are
 * reduced by symmetry: each client's part of the key is written without its
 * name, and the parts are sorted, so that states that differ by a
 * permutation of the clients share a key.
 *
 * Limitation: the ledger's memory of past steps is not part of the key; two
 * states with the same key but reached by different paths are judged by
 * the ledger of the first path only.
 */
import { pdAccount, REFERENCE_ACCOUNT, UPSTREAM_ACCOUNT, type Observation, type SessionView } from '../impl/contract.ts';
import { childIdentity, sessionIdentity } from './exploreMachines.ts';
import type { SessionTrack, WorldState } from './exploreWorld.ts';

/** The canonical key of `world`; `symmetry` sorts the clients' parts. */
export function canonicalKey(world: WorldState, symmetry: boolean): string {
  const { observation, names } = world;
  const views = new Map(observation.sessions.map((view) => [view.key, view]));
  const sessionsOf = new Map<string, SessionTrack[]>();
  for (const track of world.sessions.values()) {
    const list = sessionsOf.get(track.client) ?? [];
    list.push(track);
    sessionsOf.set(track.client, list);
  }
  const part = (child: string): string => childPart(world, child, sessionsOf.get(child) ?? [], views);

  const clients = names.clients.map(part);
  if (symmetry) clients.sort();
  const servers = names.servers.map(part);
  const late = names.late === null ? '' : part(names.late);
  return [account(observation, REFERENCE_ACCOUNT), account(observation, UPSTREAM_ACCOUNT), ...servers, late, ...clients].join('\n');
}

function account(observation: Observation, name: string): string {
  const view = observation.accounts[name];
  return view ? `${view.ram}/${view.caps}${view.valid ? '' : '!'}` : '-';
}

/** One child's part of the key, without its name: its machine, account, handler, environment and sessions. */
function childPart(
  world: WorldState,
  child: string,
  sessions: readonly SessionTrack[],
  views: ReadonlyMap<string, SessionView>,
): string {
  const { observation } = world;
  const track = world.children.get(child);
  const view = observation.children[child];
  const status = view
    ? [view.constructed, view.active, view.startError, view.pdClosed, view.destroyed, view.exitValue, view.outstandingHeartbeats, view.yieldArgs]
    : [];
  const environment = observation.sessions
    .filter((session) => session.client === child && session.env !== null)
    .map((session) => `${session.env}:${session.phase}:${session.donated.ram}/${session.donated.caps}:${session.serverId !== null}`)
    .sort();
  const own = sessions.map((session) => sessionPart(session, views.get(session.key))).sort();
  return JSON.stringify([
    track ? childIdentity(track.state) : '-',
    status,
    account(observation, pdAccount(child)),
    world.sighs.has(child),
    environment,
    own,
  ]);
}

/**
 * A session's part: its machine state, its service, and what the
 * implementation shows of it, whether it holds a client ID but not which.
 */
function sessionPart(track: SessionTrack, view: SessionView | undefined): string {
  const shown = view
    ? [view.phase, view.clientId !== null, view.serverId !== null, view.donated.ram, view.donated.caps, view.cap, view.callbacks, view.asyncClientNotify]
    : ['gone'];
  return JSON.stringify([sessionIdentity(track.state), track.service.name, shown]);
}
