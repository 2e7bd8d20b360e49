/**
 * Every step enabled in a state, for a bounded vocabulary: which request
 * sizes, which answers services give, which responses serving children
 * send, and which of the child machine's events (heartbeats, yields,
 * closing all sessions, destruction) take part. `explore` takes them all
 * in every state it reaches.
 */
import type { UpstreamAnswer } from '../impl/contract.ts';
import { answersPhase, type Action, type ChildAction, type ServerAnswer } from './exploreActions.ts';
import { plan, type Plan } from './explorePlan.ts';
import { UNROUTED_SERVICE, type Level } from './exploreSystem.ts';
import type { WorldState } from './exploreWorld.ts';

/** The vocabulary of steps. */
export interface Vocabulary {
  /** Request sizes clients ask for. */
  readonly levels: readonly Level[];
  /** What local and parent services answer requests (local ones only the first four kinds), and upstream upgrades. */
  readonly answers: readonly UpstreamAnswer[];
  /** What serving children answer. */
  readonly responses: readonly ServerAnswer[];
  /** Whether servers also answer what a session's phase does not ask for (a cap to a close, `ok` to a request, …). */
  readonly outOfTurn: boolean;
  /** Whether clients upgrade sessions (with quota they have, and with more than they have). */
  readonly upgrades: boolean;
  /** Whether clients install a session signal handler (once each). */
  readonly sigh: boolean;
  /** Whether clients request a service no route leads to. */
  readonly unrouted: boolean;
  /** The child machine's events every child takes part in. */
  readonly childActions: readonly ChildAction[];
}

/** An enabled step with its plan. */
export interface Enabled {
  readonly action: Action;
  readonly plan: Plan;
}

/** Every step of `vocabulary` that is enabled in `world`, in a fixed order. */
export function enabledSteps(world: WorldState, vocabulary: Vocabulary): Enabled[] {
  const enabled: Enabled[] = [];
  for (const action of candidates(world, vocabulary)) {
    const planned = plan(world, action);
    if (planned) enabled.push({ action, plan: planned });
  }
  return enabled;
}

function candidates(world: WorldState, vocabulary: Vocabulary): Action[] {
  const { names } = world;
  const clients = names.late === null ? names.clients : [...names.clients, names.late];
  const actions: Action[] = [];
  for (const client of clients) {
    for (const id of names.ids) actions.push(...sessionSteps(world, vocabulary, client, id));
    if (vocabulary.sigh && !world.sighs.has(client)) actions.push({ kind: 'sessionSigh', client, valid: true });
  }
  for (const view of world.observation.sessions) {
    if (view.server === null || view.serverId === null) continue;
    for (const response of vocabulary.responses) {
      if (!vocabulary.outOfTurn && !answersPhase(view.phase, response)) continue;
      actions.push({ kind: 'answer', server: view.server, serverId: view.serverId, response });
    }
  }
  for (const child of [...names.servers, ...clients]) {
    for (const action of vocabulary.childActions) actions.push({ kind: 'child', child, action });
  }
  if (names.late !== null) actions.push({ kind: 'startChild', child: names.late });
  return actions;
}

/**
 * The steps of `client` with `id`: calls on the session that holds it, or
 * new requests under it while the client has fewer sessions than it has
 * IDs (sessions it let go of that still wait for their server count too).
 */
function sessionSteps(world: WorldState, vocabulary: Vocabulary, client: string, id: number): Action[] {
  const held = world.observation.sessions.some((view) => view.client === client && view.clientId === id);
  const sessions = [...world.sessions.values()].filter((track) => track.client === client).length;
  const [firstService] = world.names.services;
  const calls: Action[] = [
    { kind: 'sessionCap', client, id },
    { kind: 'close', client, id },
    ...upgradeSteps(world, vocabulary, client, id),
  ];
  if (held) {
    /* a second request under the same ID conflicts; one suffices */
    const conflict: Action[] = firstService
      ? [{ kind: 'session', client, id, service: firstService.name, level: 'small', answer: 'ok' }]
      : [];
    return [...conflict, ...calls];
  }
  if (sessions >= world.names.ids.length) return calls;
  const services = [...world.names.services.map((service) => service.name), ...(vocabulary.unrouted ? [UNROUTED_SERVICE] : [])];
  const requests: Action[] = services.flatMap((service) => {
    const info = world.names.services.find((each) => each.name === service);
    const answers: readonly UpstreamAnswer[] = info && info.kind !== 'child' ? vocabulary.answers : ['ok'];
    return vocabulary.levels.flatMap((level) =>
      answers.map((answer): Action => ({ kind: 'session', client, id, service, level, answer })),
    );
  });
  /* calls with an ID let go of reach the session last held under it, if any */
  return [...requests, ...calls];
}

function upgradeSteps(world: WorldState, vocabulary: Vocabulary, client: string, id: number): Action[] {
  if (!vocabulary.upgrades) return [];
  const view = world.observation.sessions.find((session) => session.client === client && session.clientId === id);
  const answers: readonly UpstreamAnswer[] = view?.serviceKind === 'parent' ? vocabulary.answers : ['ok'];
  return [
    ...answers.map((answer): Action => ({ kind: 'upgrade', client, id, funded: true, answer })),
    { kind: 'upgrade', client, id, funded: false, answer: 'ok' },
  ];
}
