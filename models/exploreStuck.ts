/**
 * Stuck states: explored states from which no cooperation of clients and
 * servers leads back to a system without sessions, so that some session
 * can never leave its phase and the quota it holds never comes back to its
 * owner.
 *
 * Limitation: stuck is judged by one notion of cooperation, and only after
 * a search that completed. Cooperation is every step but those that kill a
 * server (`destroy` or `closeAllSessions` of a serving child, which end
 * every session it serves) and server answers that do not answer what the
 * session asks for (the server answers `CREATE_REQUESTED` with a cap or a
 * refusal, `UPGRADE_REQUESTED` with `ok`, `CLOSE_REQUESTED` with `closed`).
 * Clients may close, ask for caps and be destroyed.
 *
 * The seed has one such leak, and it is expected: a session whose server
 * refuses it (`SERVICE_DENIED`, `INSUFFICIENT_*`) after its client let go
 * of it — closed it, or was destroyed while it waited — is never reverted,
 * since only the client's `sessionCap` or `close` reverts a failed session
 * and the client no longer holds its ID. Its quota stays at the server
 * until the server dies. A stuck state with such an orphan is reported as
 * this quirk; a stuck state without one is a failure.
 */
import type { Phase } from '../impl/contract.ts';
import { answersPhase, formatAction, type Action } from './exploreActions.ts';
import type { WorldState } from './exploreWorld.ts';
import { sessionName } from './exploreWorld.ts';

/** What the analysis found. */
export interface StuckSummary {
  /** Whether the search completed, so that stuck states could be told. */
  readonly analysed: boolean;
  /** Stuck states in all. */
  readonly states: number;
  /** Stuck states explained by an orphaned failed session (the seed's quirk). */
  readonly quirks: number;
  /** Stuck states without that explanation: failures. */
  readonly unexpected: number;
  /** The nearest stuck state of each kind, with the path to it. */
  readonly examples: readonly StuckExample[];
}

export interface StuckExample {
  readonly kind: 'quirk' | 'unexpected';
  readonly depth: number;
  readonly path: readonly string[];
  /** The sessions of the state, as `key phase (client status) at service`. */
  readonly sessions: readonly string[];
}

/** What the analysis needs of the explored graph. */
export interface StuckGraph {
  readonly size: number;
  readonly quiet: readonly boolean[];
  readonly orphans: ReadonlyMap<number, readonly string[]>;
  readonly cooperative: readonly (readonly number[])[];
  readonly expanded: readonly boolean[];
  readonly depths: readonly number[];
  pathTo(id: number): Action[];
}

const FAILED: readonly Phase[] = ['SERVICE_DENIED', 'INSUFFICIENT_RAM_QUOTA', 'INSUFFICIENT_CAP_QUOTA'];

/** Whether `action`, taken in `world`, is cooperation: it neither kills a server nor answers out of turn. */
export function cooperative(world: WorldState, action: Action): boolean {
  switch (action.kind) {
    case 'child':
      return !(
        (action.action === 'destroy' || action.action === 'closeAllSessions') &&
        world.names.servers.includes(action.child)
      );
    case 'answer': {
      const view = world.observation.sessions.find(
        (session) => session.server === action.server && session.serverId === action.serverId,
      );
      return view !== undefined && answersPhase(view.phase, action.response);
    }
    case 'session':
    case 'sessionCap':
    case 'close':
    case 'upgrade':
    case 'sessionSigh':
    case 'startChild':
      return true;
  }
}

/** The failed sessions in `world` whose client no longer holds their ID, described. */
export function orphans(world: WorldState): string[] {
  const found: string[] = [];
  for (const track of world.sessions.values()) {
    const phase = FAILED.find((failed) => failed === track.state.value);
    if (phase !== undefined && track.state.context.client !== 'present') {
      found.push(`${sessionName(track)} ${phase} (client ${track.state.context.client})`);
    }
  }
  return found;
}

/** The sessions of `world`, described. */
function sessionsOf(world: WorldState): string[] {
  return [...world.sessions.values()].map(
    (track) => `${sessionName(track)} ${track.state.value} (client ${track.state.context.client})`,
  );
}

/**
 * Finds the stuck states of a completed search: those from which no
 * cooperative path leads to a quiet state. `worldOf` rebuilds a state's
 * world, for the examples.
 */
export async function analyseStuck(
  graph: StuckGraph,
  worldOf: (id: number) => Promise<WorldState>,
): Promise<StuckSummary> {
  const reaches = canReachQuiet(graph);
  let quirks = 0;
  let unexpected = 0;
  const first: { quirk: number | null; unexpected: number | null } = { quirk: null, unexpected: null };
  for (let id = 0; id < graph.size; id += 1) {
    if (reaches[id] || !graph.expanded[id]) continue;
    const kind = graph.orphans.has(id) ? 'quirk' : 'unexpected';
    if (kind === 'quirk') quirks += 1;
    else unexpected += 1;
    first[kind] ??= id;
  }
  const examples: StuckExample[] = [];
  for (const kind of ['unexpected', 'quirk'] as const) {
    const id = first[kind];
    if (id === null) continue;
    examples.push({
      kind,
      depth: graph.depths[id] ?? 0,
      path: graph.pathTo(id).map(formatAction),
      sessions: sessionsOf(await worldOf(id)),
    });
  }
  return { analysed: true, states: quirks + unexpected, quirks, unexpected, examples };
}

/**
 * Backwards from the quiet states over the cooperative steps. States not
 * expanded (their steps unknown) count as reaching quiet, so that a
 * bounded search reports no more than it knows.
 */
function canReachQuiet(graph: StuckGraph): boolean[] {
  const predecessors: number[][] = Array.from({ length: graph.size }, () => []);
  graph.cooperative.forEach((targets, source) => {
    for (const target of targets) predecessors[target]?.push(source);
  });
  const reaches = Array.from({ length: graph.size }, (_, id) => (graph.quiet[id] ?? false) || !graph.expanded[id]);
  const queue = reaches.flatMap((reached, id) => (reached ? [id] : []));
  for (let head = 0; head < queue.length; head += 1) {
    const id = queue[head] ?? 0;
    for (const source of predecessors[id] ?? []) {
      if (reaches[source]) continue;
      reaches[source] = true;
      queue.push(source);
    }
  }
  return reaches;
}
