/**
 * What a check did to each part of a statechart, for colouring its diagram:
 * which transitions the generated paths took, which they never took, and
 * which the failing step of a failing path took; which states they never
 * entered.
 */
import type { FailureReport, MachineReport } from '../models/check.ts';

/** A transition's standing after a check; `failed` wins over `covered`. */
export type TransitionStatus = 'covered' | 'uncovered' | 'failed';

/** The colouring of one machine's diagram. */
export interface Highlight {
  /** Status by transition id (`TransitionInfo.id`); transitions not listed are drawn plain. */
  readonly transitions: ReadonlyMap<string, TransitionStatus>;
  /** Ids of the state nodes no path entered. */
  readonly uncoveredStates: ReadonlySet<string>;
}

/** The colouring of `machine`'s diagram from its coverage and the failures of the whole check. */
export function highlightOf(machine: MachineReport, failures: readonly FailureReport[]): Highlight {
  const transitions = new Map<string, TransitionStatus>();
  for (const id of machine.coverage.coveredTransitions) transitions.set(id, 'covered');
  for (const id of machine.coverage.uncoveredTransitions) transitions.set(id, 'uncovered');
  for (const failure of failures) {
    if (failure.machine !== machine.name) continue;
    for (const id of failure.transitions ?? []) transitions.set(id, 'failed');
  }
  return { transitions, uncoveredStates: new Set(machine.coverage.uncoveredStates) };
}

/** The colours of the statuses, shared by the diagrams and the report's legend. */
export const STATUS_COLOURS: Readonly<Record<TransitionStatus | 'plain', string>> = {
  covered: '#1a7f37',
  uncovered: '#b35900',
  failed: '#cf222e',
  plain: '#24292f',
};
