/**
 * The steps `fuzz` and `explore` take on a whole system, by name: a
 * client's call, a server's answer, a child-chart event of a child, the
 * construction of a child built late. `explorePlan.ts` says what each
 * stands for.
 */
import { ENV_SESSION_IDS, SESSION_RESPONSES, type Operation, type Phase, type UpstreamAnswer } from '../impl/contract.ts';
import { YIELD_ARGS, type ChildEvent } from '../machines/child.ts';
import { ANNOUNCED, EXIT_VALUE, UNROUTED_SERVICE, type Level } from './exploreSystem.ts';

/** How a serving child answers a request: it delivers the cap, or responds. */
export const SERVER_ANSWERS = ['cap', ...SESSION_RESPONSES] as const;
export type ServerAnswer = (typeof SERVER_ANSWERS)[number];

/** The answers a server gives to what a session in each phase asks of it: a request, an upgrade, a close. */
const FITTING_ANSWERS: Readonly<Partial<Record<Phase, readonly ServerAnswer[]>>> = {
  CREATE_REQUESTED: ['cap', 'denied', 'insufficientRam', 'insufficientCaps'],
  UPGRADE_REQUESTED: ['ok'],
  CLOSE_REQUESTED: ['closed'],
};

/** Whether `answer` answers what a session in `phase` asks its server for. */
export function answersPhase(phase: Phase, answer: ServerAnswer): boolean {
  return FITTING_ANSWERS[phase]?.includes(answer) ?? false;
}

/** The calls of a child and the parent's actions on it that the child machine speaks of. */
export const CHILD_ACTIONS = [
  'heartbeatSigh',
  'heartbeatResponse',
  'yieldSigh',
  'yieldSighInvalid',
  'yieldRequest',
  'yieldResponse',
  'resourceAvailSigh',
  'resourceAvailSighInvalid',
  'resourceRequest',
  'announce',
  'closeEnvSession',
  'exit',
  'heartbeat',
  'skippedHeartbeats',
  'yield',
  'notifyResourceAvail',
  'closeAllSessions',
  'destroy',
] as const;
export type ChildAction = (typeof CHILD_ACTIONS)[number];

/** The child actions that are the parent's, not the child's own calls. */
const PARENT_ACTIONS: ReadonlySet<ChildAction> = new Set([
  'heartbeat',
  'skippedHeartbeats',
  'yield',
  'notifyResourceAvail',
  'closeAllSessions',
  'destroy',
]);

/** One step on a whole system. */
export type Action =
  /** A client requests a session; `answer` is what a local or parent service answers. */
  | {
      readonly kind: 'session';
      readonly client: string;
      readonly id: number;
      readonly service: string;
      readonly level: Level;
      readonly answer: UpstreamAnswer;
    }
  | { readonly kind: 'sessionCap' | 'close'; readonly client: string; readonly id: number }
  /** A client upgrades a session; `answer` is what a parent service's upstream answers. */
  | {
      readonly kind: 'upgrade';
      readonly client: string;
      readonly id: number;
      readonly funded: boolean;
      readonly answer: UpstreamAnswer;
    }
  /** A client installs (`valid`) or removes its session signal handler. */
  | { readonly kind: 'sessionSigh'; readonly client: string; readonly valid: boolean }
  /** A serving child answers the request it knows under `serverId`. */
  | { readonly kind: 'answer'; readonly server: string; readonly serverId: number; readonly response: ServerAnswer }
  | { readonly kind: 'child'; readonly child: string; readonly action: ChildAction }
  | { readonly kind: 'startChild'; readonly child: string };

/** An action as one line of a protocol trace. */
export function formatAction(action: Action): string {
  switch (action.kind) {
    case 'session': {
      const call = `${action.client}: session(${action.id}, ${action.service}, ${action.level})`;
      return action.service.startsWith('Child') || action.service === UNROUTED_SERVICE
        ? call
        : `${call}, ${action.service} answers ${action.answer}`;
    }
    case 'sessionCap':
    case 'close':
      return `${action.client}: ${action.kind}(${action.id})`;
    case 'upgrade': {
      const call = `${action.client}: upgrade(${action.id}, ${action.funded ? 'funded' : 'unfunded'})`;
      return action.answer === 'ok' ? call : `${call}, upstream answers ${action.answer}`;
    }
    case 'sessionSigh':
      return `${action.client}: sessionSigh(${action.valid ? 'valid' : 'invalid'})`;
    case 'answer':
      return action.response === 'cap'
        ? `${action.server}: deliverSessionCap(#${action.serverId})`
        : `${action.server}: sessionResponse(#${action.serverId}, ${action.response})`;
    case 'child':
      return PARENT_ACTIONS.has(action.action)
        ? `parent: ${action.action === 'destroy' ? 'destroyChild' : action.action}(${action.child})`
        : `${action.child}: ${action.action}`;
    case 'startChild':
      return `parent: startChild(${action.child})`;
  }
}

/** The operation a child action stands for. */
export function childOperation(child: string, action: ChildAction): Operation {
  switch (action) {
    case 'heartbeatSigh':
    case 'yieldSigh':
    case 'resourceAvailSigh':
      return { op: action, child, valid: true };
    case 'yieldSighInvalid':
      return { op: 'yieldSigh', child, valid: false };
    case 'resourceAvailSighInvalid':
      return { op: 'resourceAvailSigh', child, valid: false };
    case 'heartbeatResponse':
    case 'yieldRequest':
    case 'yieldResponse':
    case 'heartbeat':
    case 'skippedHeartbeats':
    case 'notifyResourceAvail':
    case 'closeAllSessions':
      return { op: action, child };
    case 'resourceRequest':
      return { op: 'resourceRequest', child, args: 'ram_quota=16384' };
    case 'yield':
      return { op: 'yield', child, args: YIELD_ARGS };
    case 'announce':
      return { op: 'announce', child, service: ANNOUNCED };
    case 'closeEnvSession':
      return { op: 'close', child, id: ENV_SESSION_IDS.log };
    case 'exit':
      return { op: 'exit', child, value: EXIT_VALUE };
    case 'destroy':
      return { op: 'destroyChild', child };
  }
}

/** The child machine's event for a child action. */
export function childEvent(action: ChildAction): ChildEvent {
  switch (action) {
    case 'announce':
      return { type: 'announce', valid: true };
    case 'closeEnvSession':
      return { type: 'closeEnvSession', env: 'log' };
    default:
      return { type: action };
  }
}
