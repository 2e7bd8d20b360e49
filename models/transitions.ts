/**
 * The transitions and states of a statechart, enumerated from its definition,
 * and the record of which ones a run has taken.
 *
 * `createTestModel` collapses self-loops and counts states by their
 * serialised snapshot, so coverage is computed here from the machine's own
 * definition: every transition definition (each guarded branch of an `on`
 * or `always` separately) and every state node.
 */
import {
  createActor,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type AnyStateNode,
  type AnyTransitionDefinition,
  type EventObject,
  type StateValue,
} from 'xstate';

export interface TransitionInfo {
  /** Stable and readable: `source --event [guard]--> target`, with a branch index. */
  readonly id: string;
  readonly source: string;
  readonly event: string;
  readonly guard: string | null;
  readonly targets: readonly string[];
}

export interface MachineShape {
  /** Ids of every state node but the root, parents before children. */
  readonly states: readonly string[];
  /** The state value that each state node id stands for, for `snapshot.matches`. */
  readonly values: ReadonlyMap<string, StateValue>;
  readonly transitions: readonly TransitionInfo[];
  /** Looks up the info for a definition object taken at run time. */
  readonly infoOf: ReadonlyMap<AnyTransitionDefinition, TransitionInfo>;
}

/** Enumerates every state node and transition definition of `machine`. */
export function machineShape(machine: AnyStateMachine): MachineShape {
  const states: string[] = [];
  const values = new Map<string, StateValue>();
  const transitions: TransitionInfo[] = [];
  const infoOf = new Map<AnyTransitionDefinition, TransitionInfo>();

  const visit = (node: AnyStateNode): void => {
    if (node !== machine.root) {
      states.push(node.id);
      values.set(node.id, valueOfPath(node.path));
    }
    const groups: [string, readonly AnyTransitionDefinition[]][] = [...node.transitions.entries()];
    if (node.always) groups.push(['(always)', node.always]);
    for (const [event, definitions] of groups) {
      definitions.forEach((definition, index) => {
        const info = describe(node, event, definition, index);
        transitions.push(info);
        infoOf.set(definition, info);
      });
    }
    for (const child of Object.values(node.states)) visit(child);
  };
  visit(machine.root);

  return { states, values, transitions, infoOf };
}

function valueOfPath(path: readonly string[]): StateValue {
  const [head, ...rest] = path;
  if (head === undefined) return {};
  return rest.length === 0 ? head : { [head]: valueOfPath(rest) };
}

function describe(
  node: AnyStateNode,
  event: string,
  definition: AnyTransitionDefinition,
  index: number,
): TransitionInfo {
  const targets = (definition.target ?? []).map((target) => target.id);
  const guard = guardName(definition.guard);
  const shownTargets = targets.length > 0 ? targets.join(',') : '(self)';
  return {
    id: `${node.id} --${event}${guard ? ` [${guard}]` : ''}#${index}--> ${shownTargets}`,
    source: node.id,
    event,
    guard,
    targets,
  };
}

/** A readable name for a guard: its type, its parameters, and what `and`/`not` combine. */
export function guardName(guard: unknown): string | null {
  if (guard === undefined || guard === null) return null;
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') {
    const check = guard as { check?: unknown; guards?: unknown; name?: string };
    if (Array.isArray(check.guards)) {
      const parts = check.guards.map((part) => guardName(part) ?? '?');
      return parts.length === 1 ? `not ${parts[0]}` : parts.join(' and ');
    }
    return check.name || 'inline';
  }
  if (typeof guard === 'object' && 'type' in guard) {
    const { type, params } = guard as { type: unknown; params?: unknown };
    const shownParams =
      params && typeof params === 'object'
        ? `(${Object.values(params).map((value) => String(value)).join(', ')})`
        : '';
    return `${String(type)}${shownParams}`;
  }
  return 'inline';
}

/** What one event did to the machine: the transitions taken and the states entered, in order. */
export interface MachineStep<TSnapshot> {
  readonly snapshot: TSnapshot;
  readonly transitions: readonly TransitionInfo[];
  readonly entered: readonly string[];
}

/**
 * Runs `machine` from `from` (or its initial state) through `event` and
 * reports each microstep: the transitions taken and the state nodes entered.
 * Pure: the actor is started and stopped within the call.
 */
export function takeStep(
  machine: AnyStateMachine,
  shape: MachineShape,
  from: AnyMachineSnapshot | undefined,
  event: EventObject,
): MachineStep<AnyMachineSnapshot> {
  const transitions: TransitionInfo[] = [];
  const entered: string[] = [];
  let sending = false;
  let before = new Set<string>();

  const actor = createActor(machine, {
    ...(from ? { snapshot: from } : {}),
    inspect: (inspection) => {
      if (!sending || inspection.type !== '@xstate.microstep') return;
      if (!isMachineSnapshot(inspection.snapshot)) return;
      for (const definition of inspection._transitions) {
        const info = shape.infoOf.get(definition);
        if (info) transitions.push(info);
      }
      const now = activeNodes(shape, inspection.snapshot);
      for (const id of now) if (!before.has(id)) entered.push(id);
      before = now;
    },
  });
  actor.start();
  before = activeNodes(shape, actor.getSnapshot());
  sending = true;
  actor.send(event);
  sending = false;
  const snapshot = actor.getSnapshot();
  actor.stop();

  return { snapshot, transitions, entered };
}

/**
 * Runs a machine through a path one event at a time with a single actor,
 * reporting each step as `takeStep` does. Cheaper than `takeStep` per event.
 */
export class MachineRunner {
  private readonly actor;
  private transitions: TransitionInfo[] = [];
  private entered: string[] = [];
  private active: Set<string>;
  private sending = false;

  constructor(machine: AnyStateMachine, private readonly shape: MachineShape) {
    this.actor = createActor(machine, {
      inspect: (inspection) => {
        if (!this.sending || inspection.type !== '@xstate.microstep') return;
        if (!isMachineSnapshot(inspection.snapshot)) return;
        for (const definition of inspection._transitions) {
          const info = shape.infoOf.get(definition);
          if (info) this.transitions.push(info);
        }
        const now = activeNodes(shape, inspection.snapshot);
        for (const id of now) if (!this.active.has(id)) this.entered.push(id);
        this.active = now;
      },
    });
    this.actor.start();
    this.active = activeNodes(shape, this.actor.getSnapshot());
  }

  get snapshot(): AnyMachineSnapshot {
    return this.actor.getSnapshot();
  }

  send(event: EventObject): MachineStep<AnyMachineSnapshot> {
    this.transitions = [];
    this.entered = [];
    this.sending = true;
    this.actor.send(event);
    this.sending = false;
    return { snapshot: this.actor.getSnapshot(), transitions: this.transitions, entered: this.entered };
  }

  stop(): void {
    this.actor.stop();
  }
}

function isMachineSnapshot(snapshot: unknown): snapshot is AnyMachineSnapshot {
  return typeof snapshot === 'object' && snapshot !== null && 'matches' in snapshot && 'value' in snapshot;
}

/** Ids of every active state node of a machine snapshot, parents included. */
export function activeNodes(shape: MachineShape, snapshot: AnyMachineSnapshot): Set<string> {
  const active = new Set<string>();
  for (const [id, value] of shape.values) if (snapshot.matches(value)) active.add(id);
  return active;
}

/** Accumulates which states and transitions a run has covered. */
export class Coverage {
  private readonly states = new Set<string>();
  private readonly transitions = new Set<string>();

  constructor(private readonly shape: MachineShape) {}

  record(step: MachineStep<AnyMachineSnapshot>): void {
    for (const info of step.transitions) this.transitions.add(info.id);
    for (const id of step.entered) this.states.add(id);
    for (const id of activeNodes(this.shape, step.snapshot)) this.states.add(id);
  }

  recordInitial(snapshot: AnyMachineSnapshot): void {
    for (const id of activeNodes(this.shape, snapshot)) this.states.add(id);
  }

  summary(): CoverageSummary {
    const uncoveredStates = this.shape.states.filter((id) => !this.states.has(id));
    const uncoveredTransitions = this.shape.transitions
      .map((info) => info.id)
      .filter((id) => !this.transitions.has(id));
    return {
      states: { covered: this.shape.states.length - uncoveredStates.length, total: this.shape.states.length },
      transitions: {
        covered: this.shape.transitions.length - uncoveredTransitions.length,
        total: this.shape.transitions.length,
      },
      uncoveredStates,
      uncoveredTransitions,
      coveredTransitions: [...this.transitions],
    };
  }
}

export interface CoverageSummary {
  readonly states: { readonly covered: number; readonly total: number };
  readonly transitions: { readonly covered: number; readonly total: number };
  readonly uncoveredStates: readonly string[];
  readonly uncoveredTransitions: readonly string[];
  readonly coveredTransitions: readonly string[];
}
