/**
 * The statecharts as pure step functions for the explorers: a machine state
 * is an immutable value (`MachineState`) that many explored systems share,
 * and a step from it is computed once per distinct state and event and
 * cached, since `fuzz` and `explore` take the same few hundred steps
 * millions of times.
 */
import { getMicrosteps, initialTransition, type SnapshotFrom } from 'xstate';

import { childMachine, type ChildContext, type ChildEvent } from '../machines/child.ts';
import { sessionMachine, type SessionContext, type SessionEvent } from '../machines/session.ts';

/** What the cache needs of a machine snapshot. */
interface Snapshot<TContext, TEvent> {
  readonly value: unknown;
  readonly context: TContext;
  can(event: TEvent): boolean;
}

/** A machine state with its identity: equal identities behave alike and expect alike. */
export interface MachineState<TSnapshot, TContext> {
  readonly snapshot: TSnapshot;
  readonly context: TContext;
  /** The state value as text: a phase for the session machine, JSON for the child machine. */
  readonly value: string;
  /** The top-level state: the phase, or the child's stage (`active`, `sessionsClosed`, …). */
  readonly top: string;
  /**
   * The state value and the whole context: the result, signal and wake-up
   * the context holds belong to the step that led here.
   */
  readonly id: string;
}

/** One step: the state reached and the state values entered on the way (the last one included), in order. */
export interface MachineMove<TSnapshot, TContext> {
  readonly next: MachineState<TSnapshot, TContext>;
  readonly values: readonly string[];
}

function valueText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * A statechart with a cache of its steps. States are interned by identity,
 * so that equal states are one object and each keeps its own steps.
 */
class CachedMachine<TSnapshot extends Snapshot<TContext, TEvent>, TContext, TEvent> {
  private readonly states = new Map<string, MachineState<TSnapshot, TContext>>();
  private readonly moves = new WeakMap<MachineState<TSnapshot, TContext>, Map<string, MachineMove<TSnapshot, TContext> | null>>();
  readonly initial: MachineState<TSnapshot, TContext>;

  constructor(
    initial: TSnapshot,
    private readonly microsteps: (snapshot: TSnapshot, event: TEvent) => TSnapshot[],
  ) {
    this.initial = this.state(initial);
  }

  /** The step `event` takes from `from`; null when the machine cannot take it there. */
  step(from: MachineState<TSnapshot, TContext>, event: TEvent): MachineMove<TSnapshot, TContext> | null {
    let known = this.moves.get(from);
    if (known === undefined) {
      known = new Map();
      this.moves.set(from, known);
    }
    const key = JSON.stringify(event);
    const cached = known.get(key);
    if (cached !== undefined) return cached;
    const move = from.snapshot.can(event) ? this.compute(from, event) : null;
    known.set(key, move);
    return move;
  }

  private compute(from: MachineState<TSnapshot, TContext>, event: TEvent): MachineMove<TSnapshot, TContext> | null {
    const snapshots = this.microsteps(from.snapshot, event);
    const last = snapshots[snapshots.length - 1];
    if (last === undefined) return null;

    /* the states entered: a microstep that stays in its state (actions only) enters none */
    const values: string[] = [];
    let previous = from.value;
    for (const snapshot of snapshots) {
      const value = valueText(snapshot.value);
      if (value !== previous) values.push(value);
      previous = value;
    }
    return { next: this.state(last), values };
  }

  private state(snapshot: TSnapshot): MachineState<TSnapshot, TContext> {
    const id = JSON.stringify([snapshot.value, snapshot.context]);
    const known = this.states.get(id);
    if (known) return known;
    const value = snapshot.value;
    const top = typeof value === 'object' && value !== null ? (Object.keys(value)[0] ?? '') : String(value);
    const state = { snapshot, context: snapshot.context, value: valueText(value), top, id };
    this.states.set(id, state);
    return state;
  }
}

type SessionSnapshot = SnapshotFrom<typeof sessionMachine>;
type ChildSnapshot = SnapshotFrom<typeof childMachine>;

export const sessionStates = new CachedMachine<SessionSnapshot, SessionContext, SessionEvent>(
  initialTransition(sessionMachine)[0],
  (snapshot, event) => getMicrosteps(sessionMachine, snapshot, event).map(([next]) => next),
);

export const childStates = new CachedMachine<ChildSnapshot, ChildContext, ChildEvent>(
  initialTransition(childMachine)[0],
  (snapshot, event) => getMicrosteps(childMachine, snapshot, event).map(([next]) => next),
);

export type SessionState = MachineState<SessionSnapshot, SessionContext>;
export type ChildState = MachineState<ChildSnapshot, ChildContext>;

/** The part of a session machine state that says how it behaves: for canonical keys. */
export function sessionIdentity(state: SessionState): string {
  const { service, client, sigh, pending } = state.context;
  return JSON.stringify([state.value, service, client, sigh, pending]);
}

/** The part of a child machine state that says how it behaves: for canonical keys. */
export function childIdentity(state: ChildState): string {
  const { env, process } = state.context;
  return JSON.stringify([state.value, env, process]);
}
