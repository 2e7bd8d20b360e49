import type { CallResult, Operation, OperationName, UpstreamAnswer } from './contract.ts';
import { NO_RESULT } from './callResult.ts';
import type { Child } from './child.ts';
import { UsageError } from './errors.ts';

/** What the operation handlers act on: the system, seen from outside. */
export interface OperationTarget {
  /** The constructed, not destroyed child `name`; throws `UsageError` otherwise. */
  child(name: string): Child;
  /**
   * Constructs a child whose description has `start: false`; throws
   * `UsageError` if it is unknown or already started.
   */
  startChild(name: string): void;
  /** Queues the answers of a local or parent service; `UsageError` for an unknown one. */
  setAnswers(service: string, answers: readonly UpstreamAnswer[]): void;
}

type OperationMap = { [O in Operation as O['op']]: O };

type Handler<K extends OperationName> = (
  target: OperationTarget,
  operation: OperationMap[K],
) => CallResult;

/** One handler per operation name. */
export type HandlerTable = { readonly [K in OperationName]: Handler<K> };

/** An ID from outside must be a non-negative integer. */
function checkedId(id: number): number {
  if (!Number.isSafeInteger(id) || id < 0) {
    throw new UsageError(`invalid ID ${id}`);
  }
  return id;
}

/** The parent-interface entry points, the server side and the parent's own actions, by name. */
export const OPERATION_HANDLERS: HandlerTable = {
  session: (target, op) => target.child(op.child).session(checkedId(op.id), op.service, op.args),
  sessionCap: (target, op) => target.child(op.child).sessionCap(checkedId(op.id)),
  upgrade: (target, op) => target.child(op.child).upgrade(checkedId(op.id), op.args),
  close: (target, op) => target.child(op.child).close(checkedId(op.id)),
  sessionSigh: (target, op) => target.child(op.child).sessionSigh(op.valid),
  announce: (target, op) => target.child(op.child).announce(op.service),
  exit: (target, op) => target.child(op.child).exit(op.value),
  yieldSigh: (target, op) => target.child(op.child).yieldSigh(op.valid),
  yieldRequest: (target, op) => target.child(op.child).yieldRequest(),
  yieldResponse: (target, op) => target.child(op.child).yieldResponse(),
  resourceAvailSigh: (target, op) => target.child(op.child).resourceAvailSigh(op.valid),
  resourceRequest: (target, op) => target.child(op.child).resourceRequest(op.args),
  heartbeatSigh: (target, op) => target.child(op.child).heartbeatSigh(op.valid),
  heartbeatResponse: (target, op) => target.child(op.child).heartbeatResponse(),
  deliverSessionCap: (target, op) => target.child(op.child).deliverSessionCap(checkedId(op.id)),
  sessionResponse: (target, op) =>
    target.child(op.child).sessionResponse(checkedId(op.id), op.response),
  yield: (target, op) => target.child(op.child).yield(op.args),
  notifyResourceAvail: (target, op) => target.child(op.child).notifyResourceAvail(),
  heartbeat: (target, op) => target.child(op.child).heartbeat(),
  skippedHeartbeats: (target, op) => target.child(op.child).skippedHeartbeats(),
  startChild: (target, op) => {
    target.startChild(op.child);
    return NO_RESULT;
  },
  closeAllSessions: (target, op) => target.child(op.child).closeAllSessions(),
  destroyChild: (target, op) => target.child(op.child).destroy(),
  setAnswers: (target, op) => {
    target.setAnswers(op.service, op.answers);
    return NO_RESULT;
  },
};

function run<K extends OperationName>(
  table: HandlerTable,
  target: OperationTarget,
  name: K,
  operation: OperationMap[K],
): CallResult {
  return table[name](target, operation);
}

/** Carries out `operation` through the handler table. Throws `UsageError` on misuse. */
export function dispatch(target: OperationTarget, operation: Operation): CallResult {
  return run(OPERATION_HANDLERS, target, operation.op, operation);
}
