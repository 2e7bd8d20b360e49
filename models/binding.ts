/**
 * A binding ties a statechart to an implementation: which system a path runs
 * on, which operations each machine event stands for, and what the machine's
 * state means for the implementation's observation.
 */
import type { AnyMachineSnapshot, AnyStateMachine, EventObject } from 'xstate';

import type { CallResult, Observation, Operation, SystemDescription } from '../impl/contract.ts';
import type { MachineStep } from './transitions.ts';

export interface Binding<TEvent extends EventObject> {
  /** The machine's name on the command line and in reports. */
  readonly name: string;
  readonly machine: AnyStateMachine;
  /** Every event the explorer may send; those the machine cannot take in a state are filtered out. */
  readonly events: readonly TEvent[];
  /**
   * Which paths to generate: `transitions` takes every transition definition
   * and reaches every abstract state; `edges` also sends every enabled event
   * in every abstract state, for machines whose context changes what a
   * transition does on the implementation.
   */
  readonly cover: 'transitions' | 'edges';
  /** The identity of a state for traversal: its value and the part of the context that matters. */
  stateKey(snapshot: AnyMachineSnapshot): string;
  /** The system a path runs on; the path's events may choose it. */
  describe(events: readonly TEvent[]): SystemDescription;
  /** Starts binding one path; the run keeps what it learns (session keys, server IDs). */
  start(): BindingRun<TEvent>;
}

/** What an event stands for on the implementation, resolved against the latest observation. */
export type Resolution =
  | { readonly ok: true; readonly operations: readonly Operation[] }
  | { readonly ok: false; readonly reason: string };

export interface StepCheck<TEvent extends EventObject> {
  readonly event: TEvent;
  readonly before: Observation;
  readonly after: Observation;
  readonly machine: MachineStep<AnyMachineSnapshot>;
  /** The result of the event's last operation: the call the machine's result speaks of. */
  readonly result: CallResult;
}

export interface BindingRun<TEvent extends EventObject> {
  resolve(event: TEvent, observation: Observation): Resolution;
  /** Mismatches between the machine and the implementation after a step, as sentences. */
  check(step: StepCheck<TEvent>): readonly string[];
  /** The part of the observation worth showing in a trace for this machine. */
  describeObservation(observation: Observation): string;
}

/** Shows an event as `type(value, value)`. */
export function formatEvent(event: EventObject): string {
  const values = Object.entries(event)
    .filter(([key]) => key !== 'type')
    .map(([, value]) => String(value));
  return values.length > 0 ? `${event.type}(${values.join(', ')})` : event.type;
}

/** Shows a call result compactly. */
export function formatResult(result: CallResult): string {
  switch (result.kind) {
    case 'cap':
      return result.valid ? 'cap' : 'invalid cap';
    case 'error':
      return `error ${result.error}`;
    case 'upgrade':
      return `upgrade ${result.result}`;
    case 'close':
      return `close ${result.result}`;
    case 'args':
      return `args "${result.args}"`;
    case 'count':
      return `count ${result.value}`;
    case 'none':
      return 'none';
  }
}

/** Deep equality of two call results. */
export function sameResult(a: CallResult, b: CallResult): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
