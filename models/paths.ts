/**
 * Test paths from a statechart: the shortest path to every state, extended
 * so that every transition definition is taken at least once, or (for an
 * `edges` binding) so that every enabled event is sent in every state.
 *
 * The adjacency comes from `createTestModel` (xstate/graph) with guarded-out
 * events filtered; the shortest paths are found by a breadth-first search
 * over it. A path is kept when it reaches a state or takes a transition no
 * earlier path did, and dropped when it is a prefix of a longer kept path.
 *
 * Limitation: a session path drives one session of one client, a child path
 * one child; several clients, late answers interleaved with deaths, and
 * exhaustive exploration are the business of `fuzz` and `explore`.
 */
import type { AnyMachineSnapshot, EventObject } from 'xstate';
import { createActor } from 'xstate';
import { adjacencyMapToArray, createTestModel } from 'xstate/graph';

import { formatEvent, type Binding } from './binding.ts';
import { activeNodes, machineShape, takeStep, type MachineShape } from './transitions.ts';

export interface ModelPath<TEvent extends EventObject> {
  /** `machine#n`, stable for a given statechart. */
  readonly id: string;
  readonly machine: string;
  readonly events: readonly TEvent[];
  /** The event chain, as a test title. */
  readonly title: string;
}

export interface GeneratedPaths<TEvent extends EventObject> {
  readonly paths: readonly ModelPath<TEvent>[];
  readonly shape: MachineShape;
  /** Abstract states the traversal reached (serialised snapshots). */
  readonly abstractStates: number;
}

interface Reached<TEvent extends EventObject> {
  readonly snapshot: AnyMachineSnapshot;
  readonly events: readonly TEvent[];
}

/** Generates the transition-covering paths of a binding's machine. */
export function generatePaths<TEvent extends EventObject>(binding: Binding<TEvent>): GeneratedPaths<TEvent> {
  const shape = machineShape(binding.machine);
  const model = createTestModel(binding.machine, {
    events: [...binding.events],
    filterEvents: (snapshot, event) => snapshot.can(event),
    serializeState: (snapshot) => binding.stateKey(snapshot),
  });
  const edges = new Map<string, { event: TEvent; state: AnyMachineSnapshot }[]>();
  for (const { state, event, nextState } of adjacencyMapToArray(model.getAdjacencyMap())) {
    const key = binding.stateKey(state);
    const from = edges.get(key) ?? [];
    from.push({ event, state: nextState });
    edges.set(key, from);
  }

  /* breadth-first: the shortest event sequence to each abstract state */
  const initial = createActor(binding.machine).getSnapshot();
  const reached = new Map<string, Reached<TEvent>>([[binding.stateKey(initial), { snapshot: initial, events: [] }]]);
  const queue = [binding.stateKey(initial)];
  for (let key = queue.shift(); key !== undefined; key = queue.shift()) {
    const here = reached.get(key);
    if (!here) continue;
    for (const { event, state } of edges.get(key) ?? []) {
      const next = binding.stateKey(state);
      if (reached.has(next)) continue;
      reached.set(next, { snapshot: state, events: [...here.events, event] });
      queue.push(next);
    }
  }

  /* every enabled event in every state, or each extension that covers something new */
  const candidates =
    binding.cover === 'edges'
      ? [...reached.entries()].flatMap(([key, here]) =>
          (edges.get(key) ?? []).map(({ event }) => [...here.events, event]),
        )
      : transitionCover(binding, shape, reached, edges);

  /* and the shortest path to every abstract state, so that each context is visited once */
  for (const here of reached.values()) if (here.events.length > 0) candidates.push([...here.events]);

  const kept = dropPrefixes(candidates);
  const paths = kept.map((events, index) => ({
    id: `${binding.name}#${index + 1}`,
    machine: binding.name,
    events,
    title: events.map(formatEvent).join(' → '),
  }));
  return { paths, shape, abstractStates: reached.size };
}

/** Extensions of shortest paths that each reach a state node or take a transition not covered before. */
function transitionCover<TEvent extends EventObject>(
  binding: Binding<TEvent>,
  shape: MachineShape,
  reached: ReadonlyMap<string, Reached<TEvent>>,
  edges: ReadonlyMap<string, readonly { event: TEvent }[]>,
): TEvent[][] {
  const coveredStates = new Set<string>();
  const coveredTransitions = new Set<string>();
  const candidates: TEvent[][] = [];
  for (const [key, here] of reached) {
    for (const { event } of edges.get(key) ?? []) {
      const step = takeStep(binding.machine, shape, here.snapshot, event);
      const newStates = [...step.entered, ...activeNodes(shape, step.snapshot)].filter((id) => !coveredStates.has(id));
      const newTransitions = step.transitions.filter((info) => !coveredTransitions.has(info.id));
      if (newStates.length === 0 && newTransitions.length === 0) continue;
      const events = [...here.events, event];
      for (const id of newStates) coveredStates.add(id);
      for (const info of newTransitions) coveredTransitions.add(info.id);
      candidates.push(events);
      markPrefix(binding, shape, events, coveredStates, coveredTransitions);
    }
  }
  return candidates;
}

/** Marks what the events before the last one cover, so that later candidates do not repeat it. */
function markPrefix<TEvent extends EventObject>(
  binding: Binding<TEvent>,
  shape: MachineShape,
  events: readonly TEvent[],
  states: Set<string>,
  transitions: Set<string>,
): void {
  let snapshot: AnyMachineSnapshot | undefined;
  for (const event of events) {
    const step = takeStep(binding.machine, shape, snapshot, event);
    for (const id of step.entered) states.add(id);
    for (const info of step.transitions) transitions.add(info.id);
    snapshot = step.snapshot;
  }
}

/** Keeps the paths that are not a prefix of another kept path, longest first, then in order. */
function dropPrefixes<TEvent extends EventObject>(candidates: readonly TEvent[][]): TEvent[][] {
  const keyOf = (events: readonly TEvent[]): string => events.map((event) => JSON.stringify(event)).join('\n');
  const byLength = [...candidates].sort((a, b) => b.length - a.length);
  const keptKeys: string[] = [];
  const kept = new Set<TEvent[]>();
  for (const events of byLength) {
    const key = keyOf(events);
    if (keptKeys.some((longer) => longer === key || longer.startsWith(`${key}\n`))) continue;
    keptKeys.push(key);
    kept.add(events);
  }
  return candidates.filter((events) => kept.has(events));
}
