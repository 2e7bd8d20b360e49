/**
 * A statechart as a Mermaid `stateDiagram-v2`, the diagram language that
 * common code hosts render inside Markdown.
 *
 * Compound states are composite states with their `[*]` start; a parallel
 * state's regions are separated by `--`; a final state leads to `[*]`.
 * Transitions with a target are arrows labelled `event [guard]` (an
 * eventless one `always [guard]`), those between the same two states merged
 * into one arrow with a line per transition. Transitions without a target
 * (which exit and enter nothing) are written inside their state's box as its
 * description, one line each; a composite state's own are a loop on it.
 */
import {
  isInternal,
  isWithin,
  keyPath,
  transitionLabel,
  type Chart,
  type ChartState,
} from './chart.ts';
import type { TransitionInfo } from '../models/transitions.ts';

/** The Mermaid source of `chart`, ending in a newline. */
export function mermaidOf(chart: Chart): string {
  const writer = new MermaidWriter(chart);
  const lines = ['---', `title: ${chart.name}`, '---', 'stateDiagram-v2', ...writer.scope(chart.root, 1)];
  return `${lines.join('\n')}\n`;
}

/** One arrow of the diagram: every transition from `source` to `target`. */
interface Arrow {
  readonly source: string;
  readonly target: string;
  readonly labels: string[];
}

/**
 * Text safe in a Mermaid label: the characters Mermaid's state-diagram
 * grammar reads as syntax (`;` ends a statement, `:` starts a label, `#`
 * starts an entity, `<` and `>` are markup) written as its entity codes.
 */
function mermaidText(text: string): string {
  return text.replace(/[#;:<>]/g, (character) => `#${character.charCodeAt(0)};`);
}

class MermaidWriter {
  /** Arrows by the id of the state whose block they are written in. */
  private readonly arrowsIn = new Map<string, Arrow[]>();

  constructor(private readonly chart: Chart) {
    const arrows = new Map<string, Arrow>();
    for (const info of chart.transitions) {
      if (isInternal(info) && !this.isComposite(info.source)) continue;
      for (const target of isInternal(info) ? [info.source] : info.targets) {
        const key = `${info.source} ${target}`;
        const arrow = arrows.get(key) ?? this.newArrow(info, target);
        arrow.labels.push(mermaidText(transitionLabel(info)));
        arrows.set(key, arrow);
      }
    }
  }

  /** The lines inside the block of `state` (the root or a composite state), indented by `depth`. */
  scope(state: ChartState, depth: number): string[] {
    const pad = '  '.repeat(depth);
    const lines: string[] = [];
    if (state.initial) lines.push(`${pad}[*] --> ${this.idOf(state.initial)}`);
    for (const child of state.children) lines.push(...this.declaration(child, depth));
    lines.push(...this.arrowLines(state, depth));
    return lines;
  }

  /** A state's declaration within its parent's block: name, description or nested block, end marker. */
  private declaration(state: ChartState, depth: number): string[] {
    const pad = '  '.repeat(depth);
    const id = this.idOf(state.id);
    // The name is the box's first line: a description alone would take its place.
    const lines = [`${pad}state "${state.key}" as ${id}`];
    if (state.kind === 'compound') {
      lines[0] += ' {';
      lines.push(...this.scope(state, depth + 1), `${pad}}`);
    } else if (state.kind === 'parallel') {
      lines[0] += ' {';
      state.children.forEach((region, index) => {
        if (index > 0) lines.push(`${pad}  --`);
        lines.push(...this.declaration(region, depth + 1));
      });
      lines.push(`${pad}}`);
    } else {
      for (const info of state.transitions.filter(isInternal)) {
        lines.push(`${pad}${id} : ${mermaidText(transitionLabel(info))}`);
      }
    }
    if (state.kind === 'final') lines.push(`${pad}${id} --> [*]`);
    return lines;
  }

  private arrowLines(state: ChartState, depth: number): string[] {
    const pad = '  '.repeat(depth);
    return (this.arrowsIn.get(state.id) ?? []).map(
      (arrow) => `${pad}${this.idOf(arrow.source)} --> ${this.idOf(arrow.target)} : ${arrow.labels.join('<br/>')}`,
    );
  }

  private newArrow(info: TransitionInfo, target: string): Arrow {
    const arrow: Arrow = { source: info.source, target, labels: [] };
    const scope = this.commonScope(info.source, target);
    const list = this.arrowsIn.get(scope) ?? [];
    list.push(arrow);
    this.arrowsIn.set(scope, list);
    return arrow;
  }

  /**
   * The innermost compound node strictly containing both ends, where the
   * arrow is written: after the declarations of that block, so that every
   * state stays in the block its declaration put it in. Never inside a
   * parallel state, where Mermaid would take the arrow as part of the last
   * region and move its ends there.
   */
  private commonScope(source: string, target: string): string {
    let scope = this.chart.root.id;
    for (const state of this.chart.states) {
      if (state.kind !== 'compound') continue;
      const containsBoth = isWithin(source, state.id) && isWithin(target, state.id);
      const strictly = source !== state.id && target !== state.id;
      if (containsBoth && strictly && state.id.length > scope.length) scope = state.id;
    }
    return scope;
  }

  private isComposite(id: string): boolean {
    return this.chart.states.some((state) => state.id === id && state.children.length > 0);
  }

  /** A Mermaid id for a state: its key path joined by `__`, unique and free of dots. */
  idOf(id: string): string {
    return keyPath(this.chart, id).join('__');
  }
}
