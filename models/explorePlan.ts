/**
 * What each step (`Action`) stands for: the operations sent to the
 * implementation, and the events it is to each session machine and child
 * machine it concerns.
 *
 * A step is planned against the latest observation and the machines'
 * states; a step that none of the machines can take there, or that
 * addresses nothing (an ID nobody holds, a server without requests, a
 * destroyed child), is not enabled and has no plan.
 */
import type { ChildEvent, EnvMode } from '../machines/child.ts';
import type { Refusal, SessionEvent } from '../machines/session.ts';
import { pdAccount, type Operation, type SessionView, type UpstreamAnswer } from '../impl/contract.ts';
import { BINARY_ANSWERS, BINARY_SERVICE } from './childPredicates.ts';
import { childEvent, childOperation, type Action } from './exploreActions.ts';
import {
  childStates,
  sessionStates,
  type ChildState,
  type MachineMove,
  type SessionState,
} from './exploreMachines.ts';
import { requestSpelling, type SpelledArgs } from './requestArgs.ts';
import {
  requestQuota,
  UNROUTED_SERVICE,
  UPGRADE,
  upgradeArgs,
  type ServiceInfo,
} from './exploreSystem.ts';
import type { SessionTrack, WorldState } from './exploreWorld.ts';

/** A session machine's step within a plan. */
export interface SessionMove {
  readonly key: string;
  readonly event: SessionEvent;
  readonly move: MachineMove<SessionState['snapshot'], SessionState['context']>;
}

/** A child machine's step within a plan. */
export interface ChildMove {
  readonly child: string;
  readonly event: ChildEvent;
  readonly move: MachineMove<ChildState['snapshot'], ChildState['context']>;
}

/** A request's new session machine: started in `idle`, with the client's signal handler if it has one. */
export interface RequestMove {
  readonly client: string;
  readonly id: number;
  readonly service: ServiceInfo;
  /** The request's argument string and what it means (`models/requestArgs.ts`). */
  readonly args: SpelledArgs;
  readonly event: SessionEvent;
  readonly move: MachineMove<SessionState['snapshot'], SessionState['context']>;
}

/** Whose expectation the call's result is compared with. */
export type ResultSource =
  | { readonly kind: 'session'; readonly key: string }
  | { readonly kind: 'request' }
  | { readonly kind: 'child'; readonly child: string }
  | { readonly kind: 'none' };

/** What an enabled action stands for. */
export interface Plan {
  readonly action: Action;
  readonly operations: readonly Operation[];
  readonly sessions: readonly SessionMove[];
  readonly children: readonly ChildMove[];
  readonly request: RequestMove | null;
  readonly resultOf: ResultSource;
  /** The set-up a `startChild` builds the child with, for the environment check. */
  readonly build: { readonly child: string; readonly env: EnvMode } | null;
}

const NO_PLAN = null;

function plain(action: Action, operations: readonly Operation[], resultOf: ResultSource): Omit<Plan, 'sessions' | 'children'> {
  return { action, operations, request: null, resultOf, build: null };
}

/**
 * The plan of `action` in `world`, or null when it is not enabled there.
 */
export function plan(world: WorldState, action: Action): Plan | null {
  switch (action.kind) {
    case 'session':
      return planRequest(world, action);
    case 'sessionCap':
    case 'close':
      return planSessionCall(world, action, action.kind === 'close' ? { type: 'close' } : { type: 'sessionCap' }, [
        { op: action.kind, child: action.client, id: action.id },
      ]);
    case 'upgrade':
      return planUpgrade(world, action);
    case 'sessionSigh':
      return planSessionSigh(world, action);
    case 'answer':
      return planAnswer(world, action);
    case 'child':
      return planChildAction(world, action);
    case 'startChild':
      return planStart(world, action);
  }
}

/* ------------------------------------------------------------ lookups */

function childState(world: WorldState, child: string): ChildState | undefined {
  return world.children.get(child)?.state;
}

function isActive(world: WorldState, child: string): boolean {
  return childState(world, child)?.top === 'active';
}

function inState(world: WorldState, child: string, state: 'sessionsClosed' | 'destroyed' | 'envPending'): boolean {
  return childState(world, child)?.top === state;
}

/** The tracked session that holds `id` in `client`'s ID space. */
function holder(world: WorldState, client: string, id: number): SessionTrack | undefined {
  const view = world.observation.sessions.find((session) => session.client === client && session.clientId === id);
  return view ? world.sessions.get(view.key) : undefined;
}

/** A session whose client let go of `id`: calls with the ID reach nothing, as the machine says for it. */
function staleHolder(world: WorldState, client: string, id: number): SessionTrack | undefined {
  const stale = [...world.sessions.values()].filter(
    (track) => track.client === client && track.id === id && track.state.context.client === 'idDiscarded',
  );
  return stale[stale.length - 1];
}

function serviceNamed(world: WorldState, name: string): ServiceInfo | undefined {
  return world.names.services.find((service) => service.name === name);
}

function balance(world: WorldState, child: string): { ram: number; caps: number } {
  const account = world.observation.accounts[pdAccount(child)];
  return account ? { ram: account.ram, caps: account.caps } : { ram: 0, caps: 0 };
}

function sessionMove(track: SessionTrack, event: SessionEvent): SessionMove | null {
  const move = sessionStates.step(track.state, event);
  return move ? { key: track.key, event, move } : null;
}

function childMove(world: WorldState, child: string, event: ChildEvent): ChildMove | null {
  const state = childState(world, child);
  const move = state ? childStates.step(state, event) : null;
  return move ? { child, event, move } : null;
}

/* ------------------------------------------------------------ the client's calls */

/** The event a request is to its session machine, in the order the parent checks a request. */
function requestEvent(world: WorldState, action: Extract<Action, { kind: 'session' }>): SessionEvent | 'conflict' | null {
  const refused = (reason: Refusal): SessionEvent => ({ type: 'sessionRefused', reason });
  if (action.level === 'invalid') return refused('invalidArgs');
  if (action.level === 'belowCost') return refused('belowSessionCost');
  const service = serviceNamed(world, action.service);
  if (!service || (service.server !== null && inState(world, service.server, 'destroyed'))) {
    return refused('routeDenied');
  }
  if (holder(world, action.client, action.id)) return 'conflict';
  const needed = requestQuota(world.shape, action.level);
  const owned = balance(world, action.client);
  if (owned.ram < needed.ram) return refused('outOfRam');
  if (owned.caps < needed.caps) return refused('outOfCaps');
  switch (service.kind) {
    case 'local': {
      const answer = action.answer;
      if (answer === 'outOfRam' || answer === 'outOfCaps') return NO_PLAN;
      return { type: 'session', service: 'local', answer };
    }
    case 'parent':
      return { type: 'session', service: 'parent', answer: action.answer };
    case 'child':
      return { type: 'session', service: 'child' };
  }
}

function planRequest(world: WorldState, action: Extract<Action, { kind: 'session' }>): Plan | null {
  const args = requestSpelling(world.shape, world.names, action.level, action.client, action.id);
  const request: Operation = {
    op: 'session',
    child: action.client,
    id: action.id,
    service: action.service,
    args: args.text,
  };

  /* a child whose sessions are all closed is refused whatever it asks */
  if (inState(world, action.client, 'sessionsClosed')) {
    const closed = childMove(world, action.client, { type: 'sessionAfterClose' });
    return closed ? { ...plain(action, [request], { kind: 'child', child: action.client }), sessions: [], children: [closed] } : NO_PLAN;
  }
  if (!isActive(world, action.client)) return NO_PLAN;

  const event = requestEvent(world, action);
  if (event === null) return NO_PLAN;
  if (event === 'conflict') {
    const track = holder(world, action.client, action.id);
    const conflict = track ? sessionMove(track, { type: 'sessionConflict' }) : null;
    return conflict
      ? { ...plain(action, [request], { kind: 'session', key: conflict.key }), sessions: [conflict], children: [] }
      : NO_PLAN;
  }

  /* a new session machine, with the client's signal handler if it installed one */
  const service = serviceNamed(world, action.service) ?? { name: action.service, kind: 'local', server: null };
  let start: SessionState = sessionStates.initial;
  if (world.sighs.has(action.client)) start = sessionStates.step(start, { type: 'sessionSigh' })?.next ?? start;
  const move = sessionStates.step(start, event);
  if (!move) return NO_PLAN;
  const synchronous = event.type === 'session' && event.service !== 'child';
  const operations: Operation[] = synchronous
    ? [{ op: 'setAnswers', service: action.service, answers: [action.answer] }, request]
    : [request];
  return {
    ...plain(action, operations, { kind: 'request' }),
    request: { client: action.client, id: action.id, service, args, event, move },
    sessions: [],
    children: [],
  };
}

/**
 * `sessionCap` or `close` of a session the client holds; with an ID it let
 * go of, to the machine of the session it last held it for.
 */
function planSessionCall(
  world: WorldState,
  action: Extract<Action, { kind: 'sessionCap' | 'close' | 'upgrade' }>,
  event: SessionEvent,
  operations: readonly Operation[],
): Plan | null {
  if (!isActive(world, action.client)) return NO_PLAN;
  const track = holder(world, action.client, action.id) ?? staleHolder(world, action.client, action.id);
  const move = track ? sessionMove(track, event) : null;
  return move ? { ...plain(action, operations, { kind: 'session', key: move.key }), sessions: [move], children: [] } : NO_PLAN;
}

function planUpgrade(world: WorldState, action: Extract<Action, { kind: 'upgrade' }>): Plan | null {
  const upgrade: Operation = {
    op: 'upgrade',
    child: action.client,
    id: action.id,
    args: upgradeArgs(world.shape, action.funded),
  };
  if (inState(world, action.client, 'sessionsClosed')) {
    const closed = childMove(world, action.client, { type: 'upgradeAfterClose' });
    return closed ? { ...plain(action, [upgrade], { kind: 'child', child: action.client }), sessions: [], children: [closed] } : NO_PLAN;
  }
  const track = holder(world, action.client, action.id) ?? staleHolder(world, action.client, action.id);
  if (!track) return NO_PLAN;

  /* only a session whose cap is handed out is paid for; the parent takes RAM first, then caps */
  const owned = balance(world, action.client);
  const handedOut = track.state.value === 'CAP_HANDED_OUT';
  const ramCovered = action.funded && owned.ram >= UPGRADE.ram;
  if (handedOut && ramCovered && owned.caps < UPGRADE.caps) return NO_PLAN;
  const parent = track.service.kind === 'parent';
  if (!parent && action.answer !== 'ok') return NO_PLAN;
  const refusedUpstream = handedOut && parent && ramCovered && (action.answer === 'outOfRam' || action.answer === 'outOfCaps');
  const event: SessionEvent =
    refusedUpstream && (action.answer === 'outOfRam' || action.answer === 'outOfCaps')
      ? { type: 'upgradeRefusedUpstream', answer: action.answer }
      : { type: 'upgrade', funded: ramCovered };
  const operations: Operation[] = parent
    ? [{ op: 'setAnswers', service: track.service.name, answers: [action.answer] }, upgrade]
    : [upgrade];
  return planSessionCall(world, action, event, operations);
}

function planSessionSigh(world: WorldState, action: Extract<Action, { kind: 'sessionSigh' }>): Plan | null {
  if (!isActive(world, action.client)) return NO_PLAN;
  const event: SessionEvent = action.valid ? { type: 'sessionSigh' } : { type: 'sessionSighInvalid' };
  const moves = [...world.sessions.values()]
    .filter((track) => track.client === action.client)
    .map((track) => sessionMove(track, event))
    .filter((move) => move !== null);
  return {
    ...plain(action, [{ op: 'sessionSigh', child: action.client, valid: action.valid }], { kind: 'none' }),
    sessions: moves,
    children: [],
  };
}

/* ------------------------------------------------------------ the server's answers */

function planAnswer(world: WorldState, action: Extract<Action, { kind: 'answer' }>): Plan | null {
  const { server, serverId, response } = action;
  if (!world.children.has(server) || inState(world, server, 'destroyed')) return NO_PLAN;
  const view = world.observation.sessions.find((session) => session.server === server && session.serverId === serverId);
  if (!view) return NO_PLAN;
  const operation: Operation =
    response === 'cap'
      ? { op: 'deliverSessionCap', child: server, id: serverId }
      : { op: 'sessionResponse', child: server, id: serverId, response };

  /* an environment session's answer is the child machine's business */
  if (view.env !== null) return planEnvAnswer(world, action, view, operation);

  const track = world.sessions.get(view.key);
  const event: SessionEvent = response === 'cap' ? { type: 'deliverSessionCap' } : { type: 'sessionResponse', response };
  const move = track ? sessionMove(track, event) : null;
  return move
    ? { ...plain(action, [operation], { kind: 'session', key: move.key }), sessions: [move], children: [] }
    : NO_PLAN;
}

function planEnvAnswer(world: WorldState, action: Action, view: SessionView, operation: Operation): Plan | null {
  if (action.kind !== 'answer' || view.env !== 'binary') return NO_PLAN;
  const event: ChildEvent | null =
    action.response === 'cap' ? { type: 'deliverEnvCap' } : action.response === 'denied' ? { type: 'denyEnv' } : null;
  const move = event ? childMove(world, view.client, event) : null;
  return move ? { ...plain(action, [operation], { kind: 'child', child: view.client }), sessions: [], children: [move] } : NO_PLAN;
}

/* ------------------------------------------------------------ the child machine's events */

/**
 * What closing all sessions of `child` does to the session machines: the
 * sessions it holds lose their client (`destroy` also reaches those it let
 * go of), and those it serves lose their server.
 */
function endOfLifeMoves(world: WorldState, child: string, destroy: boolean): SessionMove[] {
  const moves: SessionMove[] = [];
  for (const track of world.sessions.values()) {
    const status = track.state.context.client;
    if (track.client === child && (status === 'present' || (destroy && status === 'idDiscarded'))) {
      const move = sessionMove(track, { type: 'destroyClient' });
      if (move) moves.push(move);
    }
    if (track.service.server === child) {
      const move = sessionMove(track, { type: 'destroyServer' });
      if (move) moves.push(move);
    }
  }
  return moves;
}

/**
 * The children whose binary ROM session `server` serves, as their child
 * machines follow it: closing all of `server`'s sessions takes the session
 * with it (`envServerGone`).
 */
function envClients(world: WorldState, server: string): string[] {
  return world.observation.sessions.flatMap((view) => {
    if (view.server !== server || view.env === null) return [];
    const client = childState(world, view.client);
    return client !== undefined && client.context.envServer !== 'none' ? [view.client] : [];
  });
}

function planChildAction(world: WorldState, action: Extract<Action, { kind: 'child' }>): Plan | null {
  const endOfLife = action.action === 'destroy' || action.action === 'closeAllSessions';
  const move = childMove(world, action.child, childEvent(action.action));
  if (!move) return NO_PLAN;
  const sessions = endOfLife ? endOfLifeMoves(world, action.child, action.action === 'destroy') : [];
  const clients = endOfLife ? envClients(world, action.child) : [];
  const gone = clients.map((client) => childMove(world, client, { type: 'envServerGone' }));
  if (gone.some((each) => each === null)) return NO_PLAN;
  return {
    ...plain(action, [childOperation(action.child, action.action)], { kind: 'child', child: action.child }),
    sessions,
    children: [move, ...gone.filter((each) => each !== null)],
  };
}

function planStart(world: WorldState, action: Extract<Action, { kind: 'startChild' }>): Plan | null {
  const late = world.shape.late;
  if (!late || action.child !== world.names.late) return NO_PLAN;
  const server = world.names.servers[0];
  if (late.env === 'child' && (server === undefined || !isActive(world, server))) return NO_PLAN;
  const move = childMove(world, action.child, { type: 'build', env: late.env, process: late.process });
  if (!move) return NO_PLAN;
  const answers = BINARY_ANSWERS[late.env];
  const start: Operation = { op: 'startChild', child: action.child };
  const operations: Operation[] =
    answers.length > 0 ? [{ op: 'setAnswers', service: BINARY_SERVICE, answers }, start] : [start];
  return {
    ...plain(action, operations, { kind: 'child', child: action.child }),
    build: { child: action.child, env: late.env },
    sessions: [],
    children: [move],
  };
}
