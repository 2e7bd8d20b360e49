/**
 * The fast-check command model of `fuzz`: random choices that become steps
 * (`Action`s) on a whole system once resolved against its current state.
 *
 * A choice names clients, session slots, services and requests by index;
 * resolving takes each index modulo what exists now (the clients, the
 * requests servers hold), so that a choice always means something, and a
 * choice whose step no machine can take is not enabled (`check` is false)
 * and is skipped. Every command checks the machines and every invariant
 * after its step, and throws `FuzzStepFailure` on the first failure.
 */
import fc from 'fast-check';

import { PROCESS_OUTCOMES, UPSTREAM_ANSWERS, type Phase, type UpstreamAnswer } from '../impl/contract.ts';
import { ENV_MODES } from '../machines/child.ts';
import { SERVER_ANSWERS, type Action, type ChildAction, type ServerAnswer } from './exploreActions.ts';
import { plan } from './explorePlan.ts';
import type { AsyncRun, StepFailure, StepOutcome, StepRecord, SyncRun } from './exploreRun.ts';
import { LEVELS, UNROUTED_SERVICE, type Level, type SystemShape } from './exploreSystem.ts';
import type { WorldState } from './exploreWorld.ts';

/** A random choice, by index; `resolveChoice` turns it into a step. */
export type Choice =
  | {
      readonly kind: 'request';
      readonly client: number;
      readonly slot: number;
      /** An index into the services. */
      readonly service: number;
      /** Whether to ask for a service no route leads to instead. */
      readonly unrouted: boolean;
      readonly level: Level;
      readonly answer: UpstreamAnswer;
    }
  | { readonly kind: 'call'; readonly call: 'sessionCap' | 'close'; readonly client: number; readonly slot: number }
  | {
      readonly kind: 'upgrade';
      readonly client: number;
      readonly slot: number;
      readonly funded: boolean;
      readonly answer: UpstreamAnswer;
    }
  | { readonly kind: 'sigh'; readonly client: number; readonly valid: boolean }
  /**
   * A serving child answers one of the requests servers hold (`pick` among
   * them); `fit` answers what the session's phase asks for (a cap to a
   * request, `ok` to an upgrade, `closed` to a close).
   */
  | { readonly kind: 'answer'; readonly pick: number; readonly response: ServerAnswer | 'fit' }
  | { readonly kind: 'child'; readonly child: number; readonly action: ChildAction }
  | { readonly kind: 'start' };

/**
 * The child machine's events by protocol, so that each protocol is chosen
 * often enough for its sequences (handler, event, query) to come about on
 * one child within a run.
 */
const CHILD_PROTOCOLS: readonly (readonly ChildAction[])[] = [
  ['heartbeatSigh', 'heartbeat', 'heartbeatResponse', 'skippedHeartbeats'],
  ['yieldSigh', 'yieldSighInvalid', 'yield', 'yieldRequest', 'yieldResponse'],
  ['resourceAvailSigh', 'resourceAvailSighInvalid', 'notifyResourceAvail', 'resourceRequest'],
  ['announce', 'exit', 'closeEnvSession'],
  ['closeAllSessions', 'destroy'],
];

const index = fc.nat({ max: 7 });

/** The answer a server gives to what a session in each phase asks of it. */
const FITTING_ANSWER: Readonly<Partial<Record<Phase, ServerAnswer>>> = {
  CREATE_REQUESTED: 'cap',
  UPGRADE_REQUESTED: 'ok',
  CLOSE_REQUESTED: 'closed',
};

/** Requests and answers are the bulk of a run; the rest comes now and then. */
function choiceArbitraries(): fc.Arbitrary<Choice>[] {
  const request = fc.record({
    kind: fc.constant('request' as const),
    client: index,
    slot: index,
    service: index,
    unrouted: fc.constantFrom(false, false, false, false, false, false, false, true),
    level: fc.constantFrom(...LEVELS.filter((level) => level !== 'invalid'), 'small', 'small', 'invalid'),
    answer: fc.constantFrom(...UPSTREAM_ANSWERS, 'ok', 'ok'),
  });
  const call = fc.record({
    kind: fc.constant('call' as const),
    call: fc.constantFrom('sessionCap' as const, 'sessionCap' as const, 'close' as const),
    client: index,
    slot: index,
  });
  const upgrade = fc.record({
    kind: fc.constant('upgrade' as const),
    client: index,
    slot: index,
    funded: fc.constantFrom(true, true, true, false),
    answer: fc.constantFrom(...UPSTREAM_ANSWERS, 'ok', 'ok'),
  });
  const sigh = fc.record({ kind: fc.constant('sigh' as const), client: index, valid: fc.constantFrom(true, true, true, false) });
  const answer = fc.record({
    kind: fc.constant('answer' as const),
    pick: index,
    response: fc.constantFrom<ServerAnswer | 'fit'>('fit', 'fit', 'fit', ...SERVER_ANSWERS),
  });
  const child = (actions: readonly ChildAction[]) =>
    fc.record({ kind: fc.constant('child' as const), child: index, action: fc.constantFrom(...actions) });
  const [heartbeat, ...protocols] = CHILD_PROTOCOLS.map(child);
  const start = fc.constant({ kind: 'start' as const });
  if (!heartbeat) return [request, answer, call, upgrade, sigh, start];
  return [request, request, request, answer, answer, answer, call, call, upgrade, upgrade, sigh, heartbeat, heartbeat, ...protocols, start];
}

/** Shapes of systems: 1 to 4 clients, 1 to 3 services, 1 to 3 sessions per client, perhaps a late child. */
export function shapeArbitrary(): fc.Arbitrary<SystemShape> {
  const late = fc.record({ env: fc.constantFrom(...ENV_MODES), process: fc.constantFrom(...PROCESS_OUTCOMES, 'ok', 'ok') });
  return fc
    .record({
      clients: fc.constantFrom(1, 1, 2, 2, 3, 4),
      services: fc.array(fc.constantFrom('child' as const, 'child' as const, 'local' as const, 'parent' as const), {
        minLength: 1,
        maxLength: 3,
      }),
      sessionsPerClient: fc.constantFrom(1, 2, 2, 3),
      late: fc.option(late, { nil: null, freq: 2 }),
    })
    .map((shape): SystemShape => (shape.late?.env === 'child' && !shape.services.includes('child') ? { ...shape, late: { ...shape.late, env: 'local' } } : shape));
}

function pickFrom<T>(items: readonly T[], at: number): T | undefined {
  return items.length === 0 ? undefined : items[at % items.length];
}

/** The step a choice stands for in `world`, or null when it names nothing there. */
export function resolveChoice(world: WorldState, choice: Choice): Action | null {
  const { names } = world;
  const clients = names.late === null ? names.clients : [...names.clients, names.late];
  switch (choice.kind) {
    case 'request': {
      const client = pickFrom(clients, choice.client);
      const id = pickFrom(names.ids, choice.slot);
      const service = choice.unrouted ? UNROUTED_SERVICE : pickFrom(names.services, choice.service)?.name;
      if (client === undefined || id === undefined || service === undefined) return null;
      const info = names.services.find((each) => each.name === service);
      const answer = info && info.kind !== 'child' ? choice.answer : 'ok';
      return { kind: 'session', client, id, service, level: choice.level, answer };
    }
    case 'call':
    case 'upgrade':
    case 'sigh': {
      const client = pickFrom(clients, choice.client);
      if (client === undefined) return null;
      if (choice.kind === 'sigh') return { kind: 'sessionSigh', client, valid: choice.valid };
      /* an ID the client has used, if any, so that calls mostly reach a session */
      const used = names.ids.filter((id) => [...world.sessions.values()].some((track) => track.client === client && track.id === id));
      const id = pickFrom(used.length > 0 ? used : names.ids, choice.slot);
      if (id === undefined) return null;
      if (choice.kind === 'call') return { kind: choice.call, client, id };
      /* upstream's answer matters only to a session at a parent service */
      const held = world.observation.sessions.find((view) => view.client === client && view.clientId === id);
      const answer = held?.serviceKind === 'parent' ? choice.answer : 'ok';
      return { kind: 'upgrade', client, id, funded: choice.funded, answer };
    }
    case 'answer': {
      const held = world.observation.sessions
        .filter((view) => view.server !== null && view.serverId !== null)
        .sort((a, b) => (a.server ?? '').localeCompare(b.server ?? '') || (a.serverId ?? 0) - (b.serverId ?? 0));
      const view = pickFrom(held, choice.pick);
      if (!view || view.server === null || view.serverId === null) return null;
      const response = choice.response === 'fit' ? FITTING_ANSWER[view.phase] : choice.response;
      return response ? { kind: 'answer', server: view.server, serverId: view.serverId, response } : null;
    }
    case 'child': {
      const child = pickFrom([...names.servers, ...clients], choice.child);
      return child === undefined ? null : { kind: 'child', child, action: choice.action };
    }
    case 'start':
      return names.late === null ? null : { kind: 'startChild', child: names.late };
  }
}

/** A choice's step that is enabled in `world`, or null. */
function enabledAction(world: WorldState, choice: Choice): Action | null {
  const action = resolveChoice(world, choice);
  return action && plan(world, action) ? action : null;
}

/** The failure of a command's step: what fast-check shrinks. */
export class FuzzStepFailure extends Error {
  override readonly name = 'FuzzStepFailure';

  constructor(readonly failure: StepFailure) {
    super(`step ${failure.step} (${failure.kind}): ${failure.reason}`);
  }
}

/** What commands run on: the system with its machines and ledger, and the steps taken. */
export interface FuzzModel<TRun> {
  readonly run: TRun;
  /** The steps taken, in order. */
  readonly executed: Action[];
  /** The taken steps' records, when a trace is wanted. */
  readonly records: StepRecord[] | null;
}

/** Commands have nothing but the model to act on. */
export type FuzzReal = Record<string, never>;

function conclude(model: FuzzModel<unknown>, action: Action, outcome: StepOutcome): void {
  if (outcome.kind === 'disabled') return;
  model.executed.push(action);
  if (outcome.record) model.records?.push(outcome.record);
  if (outcome.failure) throw new FuzzStepFailure(outcome.failure);
}

/** A command on the synchronous reference implementation. */
class SyncCommand implements fc.Command<FuzzModel<SyncRun>, FuzzReal> {
  constructor(readonly choice: Choice) {}

  check(model: Readonly<FuzzModel<SyncRun>>): boolean {
    return enabledAction(model.run.world, this.choice) !== null;
  }

  run(model: FuzzModel<SyncRun>): void {
    const action = resolveChoice(model.run.world, this.choice);
    if (action) conclude(model, action, model.run.step(action, model.records !== null));
  }

  toString(): string {
    return formatChoice(this.choice);
  }
}

/** A command on any implementation, through its asynchronous contract. */
class AsyncCommand implements fc.AsyncCommand<FuzzModel<AsyncRun>, FuzzReal> {
  constructor(readonly choice: Choice) {}

  check(model: Readonly<FuzzModel<AsyncRun>>): boolean {
    return enabledAction(model.run.world, this.choice) !== null;
  }

  async run(model: FuzzModel<AsyncRun>): Promise<void> {
    const action = resolveChoice(model.run.world, this.choice);
    if (action) conclude(model, action, await model.run.step(action, model.records !== null));
  }

  toString(): string {
    return formatChoice(this.choice);
  }
}

/** Commands for the synchronous reference. */
export function syncCommands(maxCommands: number, replayPath?: string): fc.Arbitrary<Iterable<fc.Command<FuzzModel<SyncRun>, FuzzReal>>> {
  const arbitraries = choiceArbitraries().map((arbitrary) => arbitrary.map((choice) => new SyncCommand(choice)));
  return fc.commands(arbitraries, { maxCommands, size: 'max', ...(replayPath === undefined ? {} : { replayPath }) });
}

/** Commands for any implementation. */
export function asyncCommands(
  maxCommands: number,
  replayPath?: string,
): fc.Arbitrary<Iterable<fc.AsyncCommand<FuzzModel<AsyncRun>, FuzzReal>>> {
  const arbitraries = choiceArbitraries().map((arbitrary) => arbitrary.map((choice) => new AsyncCommand(choice)));
  return fc.commands(arbitraries, { maxCommands, size: 'max', ...(replayPath === undefined ? {} : { replayPath }) });
}

/** A choice as fast-check prints it. */
export function formatChoice(choice: Choice): string {
  const { kind, ...rest } = choice;
  return `${kind}(${Object.values(rest).map(String).join(', ')})`;
}
