/**
 * A statechart's XState definition as JSON: `machine.definition`, the
 * machine's own serialisable form, with what XState leaves out of it added
 * back so that nothing of the chart's shape is lost: each state node's
 * eventless transitions (`always`), and the guards that are functions
 * (XState's `and`, `or`, `not`), written as their names
 * (`clientPresent and funded`), as `machineShape` names them.
 */
import type { AnyStateNode } from 'xstate';

import { guardName } from '../models/transitions.ts';
import type { Chart } from './chart.ts';

/** The JSON text of `chart`'s machine definition, indented by two spaces. */
export function machineJsonOf(chart: Chart): string {
  return `${JSON.stringify(definitionOf(chart.machine.root), namedGuards, 2)}\n`;
}

/** A state node's definition with its `always` transitions and its children's full definitions. */
function definitionOf(node: AnyStateNode): Record<string, unknown> {
  const { states: _children, ...definition } = node.definition;
  const states = Object.fromEntries(Object.entries(node.states).map(([key, child]) => [key, definitionOf(child)]));
  const always = node.always?.map((transition) => transition.toJSON());
  return { ...definition, ...(always ? { always } : {}), states };
}

/** JSON.stringify replacer: a guard function becomes its readable name instead of vanishing. */
function namedGuards(key: string, value: unknown): unknown {
  if (key === 'guard' && typeof value === 'function') return guardName(value);
  return value;
}
