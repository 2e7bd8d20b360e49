/**
 * A statechart as the diagram writers see it: the tree of its state nodes,
 * each with its kind, its initial child and the transitions defined on it.
 * Every writer (Mermaid, DOT, SCXML) draws from this one reading of the
 * machine's definition, and the transitions are those of `machineShape`, so
 * their ids are the ones coverage records.
 */
import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';

import { withBinding, type MachineName } from '../models/registry.ts';
import { machineShape, type TransitionInfo } from '../models/transitions.ts';

/** What a state node is: a leaf, one of several children, all children at once, or an end. */
export type StateKind = 'atomic' | 'compound' | 'parallel' | 'final' | 'history';

/** One state node of a chart. */
export interface ChartState {
  /** The machine's own id, e.g. `child.active.heartbeat.outstanding0`. */
  readonly id: string;
  /** The name within its parent, e.g. `outstanding0`. */
  readonly key: string;
  readonly kind: StateKind;
  /** The id of the child entered first, for a compound state; null otherwise. */
  readonly initial: string | null;
  readonly children: readonly ChartState[];
  /** The transitions defined on this node (every `on` and `always` branch), in definition order. */
  readonly transitions: readonly TransitionInfo[];
}

/** A whole statechart: its root node (the machine) and every node and transition below it. */
export interface Chart {
  readonly name: string;
  readonly machine: AnyStateMachine;
  readonly root: ChartState;
  /** Every state node but the root, parents before children. */
  readonly states: readonly ChartState[];
  readonly transitions: readonly TransitionInfo[];
  /** The machine's own definition of each transition, by transition id: its guard object, actions, … */
  readonly definitions: ReadonlyMap<string, AnyTransitionDefinition>;
}

/** The event name `machineShape` gives eventless transitions. */
export const ALWAYS_EVENT = '(always)';

/** Reads the chart of the machine checked under `name`. */
export function chartOf(name: MachineName): Chart {
  return chartOfMachine(name, withBinding(name, (binding) => binding.machine));
}

/** Reads the chart of any XState machine, named `name` in diagrams. */
export function chartOfMachine(name: string, machine: AnyStateMachine): Chart {
  const shape = machineShape(machine);
  const bySource = new Map<string, TransitionInfo[]>();
  for (const info of shape.transitions) {
    const list = bySource.get(info.source) ?? [];
    list.push(info);
    bySource.set(info.source, list);
  }
  const definitions = new Map<string, AnyTransitionDefinition>();
  for (const [definition, info] of shape.infoOf) definitions.set(info.id, definition);
  const root = readNode(machine.root, bySource);
  return { name, machine, root, states: descendants(root), transitions: shape.transitions, definitions };
}

function readNode(node: AnyStateNode, bySource: ReadonlyMap<string, readonly TransitionInfo[]>): ChartState {
  const initialTarget = node.type === 'compound' ? node.initial.target[0] : undefined;
  return {
    id: node.id,
    key: node.key,
    kind: node.type,
    initial: initialTarget ? initialTarget.id : null,
    children: Object.values(node.states).map((child) => readNode(child, bySource)),
    transitions: bySource.get(node.id) ?? [],
  };
}

/** Every node below `state`, parents before children. */
export function descendants(state: ChartState): ChartState[] {
  return state.children.flatMap((child) => [child, ...descendants(child)]);
}

/** Whether a transition stays in its state: no target, so nothing is exited or entered. */
export function isInternal(info: TransitionInfo): boolean {
  return info.targets.length === 0;
}

/** Whether a transition is eventless (an `always` branch). */
export function isAlways(info: TransitionInfo): boolean {
  return info.event === ALWAYS_EVENT;
}

/** How diagrams label a transition: `event [guard]`, with `always` for an eventless one. */
export function transitionLabel(info: TransitionInfo): string {
  const event = isAlways(info) ? 'always' : info.event;
  return info.guard ? `${event} [${info.guard}]` : event;
}

/** The path of state keys from below the root to the node with `id`, e.g. `['active', 'heartbeat']`. */
export function keyPath(chart: Chart, id: string): string[] {
  const prefix = `${chart.root.id}.`;
  return id.startsWith(prefix) ? id.slice(prefix.length).split('.') : [];
}

/** Whether the node `inner` is `outer` or lies inside it. */
export function isWithin(inner: string, outer: string): boolean {
  return inner === outer || inner.startsWith(`${outer}.`);
}
