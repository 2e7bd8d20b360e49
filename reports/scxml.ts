/**
 * A statechart as W3C SCXML, for other statechart tools to read.
 *
 * Compound states are `<state initial="…">`, parallel states `<parallel>`,
 * final states `<final>`. Every transition definition is one
 * `<transition>`, in the machine's order (which is SCXML's priority order
 * too): an eventless one (`always`) has no `event`, one without a target
 * (which exits and enters nothing, as in SCXML) has no `target`. A guard is
 * the `cond`, an ECMAScript expression that calls the guard by its name in
 * the machine (`clientPresent() && funded()`, `pending({ is: 'handOut' })`);
 * the functions themselves are the machine's, not part of the document.
 * Actions are left out: the machine's own actions are TypeScript.
 */
import type { Chart, ChartState } from './chart.ts';
import { isAlways } from './chart.ts';
import type { TransitionInfo } from '../models/transitions.ts';
import { escapeXml } from './xml.ts';

const SCXML_NAMESPACE = 'http://www.w3.org/2005/07/scxml';

/** The SCXML document of `chart`. */
export function scxmlOf(chart: Chart): string {
  const root = chart.root;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<!-- The ${escapeXml(chart.name)} statechart of genode-child-spec; guards are the machine's, called by name. -->`,
    `<scxml xmlns="${SCXML_NAMESPACE}" version="1.0" datamodel="ecmascript" name="${escapeXml(chart.name)}"` +
      `${root.initial ? ` initial="${escapeXml(root.initial)}"` : ''}>`,
    ...root.children.flatMap((child) => stateLines(chart, child, 1)),
    '</scxml>',
  ];
  return `${lines.join('\n')}\n`;
}

function stateLines(chart: Chart, state: ChartState, depth: number): string[] {
  const pad = '  '.repeat(depth);
  const element = elementOf(state);
  const initial = state.initial ? ` initial="${escapeXml(state.initial)}"` : '';
  const transitions = state.transitions.map((info) => `${pad}  ${transitionElement(chart, info)}`);
  const children = state.children.flatMap((child) => stateLines(chart, child, depth + 1));
  const open = `${pad}<${element} id="${escapeXml(state.id)}"${initial}`;
  if (transitions.length === 0 && children.length === 0) return [`${open}/>`];
  return [`${open}>`, ...transitions, ...children, `${pad}</${element}>`];
}

function elementOf(state: ChartState): 'state' | 'parallel' | 'final' {
  switch (state.kind) {
    case 'parallel':
      return 'parallel';
    case 'final':
      return 'final';
    case 'atomic':
    case 'compound':
    case 'history':
      return 'state';
  }
}

function transitionElement(chart: Chart, info: TransitionInfo): string {
  const attributes: string[] = [];
  if (!isAlways(info)) attributes.push(`event="${escapeXml(info.event)}"`);
  const guard = chart.definitions.get(info.id)?.guard;
  if (guard !== undefined) attributes.push(`cond="${escapeXml(guardExpression(guard))}"`);
  if (info.targets.length > 0) attributes.push(`target="${escapeXml(info.targets.join(' '))}"`);
  return `<transition ${attributes.join(' ')}/>`;
}

/**
 * A guard as an ECMAScript expression: a named guard is a call of that name
 * with its parameters, XState's `and`, `or` and `not` are `&&`, `||` and `!`.
 */
export function guardExpression(guard: unknown): string {
  if (typeof guard === 'string') return `${guard}()`;
  if (typeof guard === 'function') return combinedGuard(guard);
  if (typeof guard === 'object' && guard !== null && 'type' in guard) {
    const params = 'params' in guard && guard.params !== undefined ? literal(guard.params) : '';
    return `${String(guard.type)}(${params})`;
  }
  return 'inline()';
}

/** XState's higher-order guards are functions named `and`, `or` or `not` with their operands in `guards`. */
function combinedGuard(guard: Function): string {
  const operands: unknown[] = 'guards' in guard && Array.isArray(guard.guards) ? guard.guards : [];
  const shown = operands.map((operand) => (isJunction(operand) ? `(${guardExpression(operand)})` : guardExpression(operand)));
  switch (guard.name) {
    case 'and':
      return shown.join(' && ');
    case 'or':
      return shown.join(' || ');
    case 'not':
      return `!${shown[0] ?? 'inline()'}`;
    default:
      return `${guard.name || 'inline'}()`;
  }
}

/** Whether a guard is an `and` or `or`, which needs parentheses inside another expression. */
function isJunction(guard: unknown): boolean {
  return typeof guard === 'function' && (guard.name === 'and' || guard.name === 'or');
}

/** A JSON value as an ECMAScript literal with single-quoted strings, e.g. `{ is: 'handOut' }`. */
function literal(value: unknown): string {
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(([key, item]) => `${/^[A-Za-z_$][\w$]*$/.test(key) ? key : literal(key)}: ${literal(item)}`);
    return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
  }
  return String(value);
}
