/**
 * A statechart as a Graphviz DOT graph, optionally coloured by a check.
 *
 * A compound state is a cluster with a black dot for its initial state; a
 * parallel state is a cluster marked "parallel" whose regions are dashed
 * clusters; a final state has a double border. The transitions from one
 * state to another share an edge, whose label has a line `event [guard]`
 * per transition (`always [guard]` for an eventless one); each transition
 * without a target (which exits and enters nothing) is a line in its
 * state's box, under the state's name. Every such line carries the
 * transition's full id as tooltip and an element id (`a_<machine>-t<index>`
 * in the SVG); edges carry a class naming their transitions' statuses, so
 * that reports and tests can find them.
 */
import type { TransitionInfo } from '../models/transitions.ts';
import { isInternal, isWithin, transitionLabel, type Chart, type ChartState } from './chart.ts';
import { STATUS_COLOURS, type Highlight, type TransitionStatus } from './highlight.ts';
import { escapeXml } from './xml.ts';

const FONT = 'Helvetica';
const STATE_FILL = '#f6f8fa';
const UNCOVERED_STATE_FILL = '#fff1e0';
const CLUSTER_FILL = '#ffffff';
const REGION_FILL = '#fbfbfc';

/** The DOT source of `chart`; coloured by `highlight` when given. */
export function dotOf(chart: Chart, highlight?: Highlight): string {
  return new DotWriter(chart, highlight).graph();
}

/** The element id a transition's edge or row has in the SVG: unique within a page of several machines. */
export function transitionElementId(chart: Chart, info: TransitionInfo): string {
  return `${chart.name}-t${chart.transitions.indexOf(info)}`;
}

class DotWriter {
  constructor(
    private readonly chart: Chart,
    private readonly highlight: Highlight | undefined,
  ) {}

  graph(): string {
    const lines = [
      `digraph ${quote(this.chart.name)} {`,
      `  graph [compound=true, rankdir=TB, nodesep=0.15, ranksep=0.3, mclimit=4, remincross=true, fontname=${quote(FONT)}, fontsize=13, ` +
        `labelloc=t, labeljust=l, label=<<B>${escapeXml(this.chart.name)}</B>>, bgcolor="transparent", id=${quote(`${this.chart.name}-graph`)}];`,
      `  node [fontname=${quote(FONT)}, fontsize=11];`,
      `  edge [fontname=${quote(FONT)}, fontsize=9, arrowsize=0.7];`,
      ...this.contents(this.chart.root, 1),
      ...this.edges().map((line) => `  ${line}`),
      '}',
    ];
    return `${lines.join('\n')}\n`;
  }

  /** The nodes and clusters inside `state` (the root or a compound, parallel or region state). */
  private contents(state: ChartState, depth: number): string[] {
    const pad = '  '.repeat(depth);
    const lines: string[] = [];
    if (state.initial) {
      const dot = initialNodeOf(state);
      lines.push(
        `${pad}${quote(dot)} [shape=point, width=0.13, color="#24292f", label=""];`,
        `${pad}${quote(dot)} -> ${quote(state.initial)} [color="#57606a", arrowsize=0.6];`,
      );
    }
    for (const child of state.children) {
      if (child.children.length > 0) lines.push(...this.cluster(child, state.kind === 'parallel', depth));
      else lines.push(`${pad}${this.node(child)}`);
    }
    return lines;
  }

  private cluster(state: ChartState, isRegion: boolean, depth: number): string[] {
    const pad = '  '.repeat(depth);
    const uncovered = this.highlight?.uncoveredStates.has(state.id) ?? false;
    const style = isRegion ? 'rounded,dashed,filled' : 'rounded,filled';
    const title = state.kind === 'parallel' ? `<B>${escapeXml(state.key)}</B> <I>(parallel)</I>` : `<B>${escapeXml(state.key)}</B>`;
    return [
      `${pad}subgraph ${quote(clusterOf(state.id))} {`,
      `${pad}  graph [label=<${this.box(title, state, false)}>, style=${quote(style)}, ` +
        `color=${quote(uncovered ? STATUS_COLOURS.uncovered : '#57606a')}, fillcolor=${quote(isRegion ? REGION_FILL : CLUSTER_FILL)}, ` +
        `id=${quote(this.stateElementId(state))}, class=${quote(stateClass(state, uncovered))}];`,
      ...this.contents(state, depth + 1),
      `${pad}}`,
    ];
  }

  /** An atomic or final state: a box with its name and its transitions without target. */
  private node(state: ChartState): string {
    const uncovered = this.highlight?.uncoveredStates.has(state.id) ?? false;
    const attributes = [
      `id=${quote(this.stateElementId(state))}`,
      `class=${quote(stateClass(state, uncovered))}`,
      `tooltip=${quote(state.id)}`,
    ];
    if (state.kind === 'final') {
      attributes.push(
        'shape=box',
        `style=${quote(uncovered ? 'rounded,filled,dashed' : 'rounded,filled')}`,
        'peripheries=2',
        `fillcolor=${quote(uncovered ? UNCOVERED_STATE_FILL : STATE_FILL)}`,
        `color=${quote(uncovered ? STATUS_COLOURS.uncovered : '#24292f')}`,
        `label=<<B>${escapeXml(state.key)}</B>>`,
      );
    } else {
      attributes.push('shape=plain', `label=<${this.box(`<B>${escapeXml(state.key)}</B>`, state, true, uncovered)}>`);
    }
    return `${quote(state.id)} [${attributes.join(', ')}];`;
  }

  /**
   * The HTML-like table of a state: its title, then a row per transition
   * without target. `framed` draws the table's own rounded border (atomic
   * states); a cluster has its own.
   */
  private box(title: string, state: ChartState, framed: boolean, uncovered = false): string {
    const rows = state.transitions.filter(isInternal).map((info) => this.labelLine(info));
    const border = framed
      ? `BORDER="1" STYLE="ROUNDED${uncovered ? ',DASHED' : ''}" COLOR=${attribute(uncovered ? STATUS_COLOURS.uncovered : '#24292f')}`
      : 'BORDER="0"';
    const fill = framed ? ` BGCOLOR=${attribute(uncovered ? UNCOVERED_STATE_FILL : STATE_FILL)}` : '';
    const separator = rows.length > 0 && framed ? '<HR/>' : '';
    return (
      `<TABLE ${border}${fill} CELLBORDER="0" CELLSPACING="0" CELLPADDING="2">` +
      `<TR><TD CELLPADDING="4">${title}</TD></TR>${separator}${rows.join('')}</TABLE>`
    );
  }

  /**
   * One edge per pair of states that transitions lead between, labelled
   * with a line per transition: fewer, shorter edges than one per
   * transition, each line still coloured by its own transition's status.
   */
  private edges(): string[] {
    const groups = new Map<string, { source: string; target: string; infos: TransitionInfo[] }>();
    for (const info of this.chart.transitions) {
      for (const target of info.targets) {
        const key = `${info.source} ${target}`;
        const group = groups.get(key) ?? { source: info.source, target, infos: [] };
        group.infos.push(info);
        groups.set(key, group);
      }
    }
    return [...groups.values()].map((group, index) => this.edge(group.source, group.target, group.infos, index));
  }

  private edge(sourceId: string, targetId: string, infos: readonly TransitionInfo[], index: number): string {
    const source = this.stateOf(sourceId);
    const destination = this.stateOf(targetId);
    const statuses = [...new Set(infos.map((info) => this.statusOf(info) ?? 'plain'))];
    const colours = statuses.map((status) => STATUS_COLOURS[status]);
    const lines = infos.map((info) => this.labelLine(info, true));
    const attributes = [
      `label=<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">${lines.join('')}</TABLE>>`,
      `id=${quote(`${this.chart.name}-e${index}`)}`,
      `class=${quote(['transition', ...statuses.filter((status) => status !== 'plain')].join(' '))}`,
      `tooltip=${quote(infos.map((info) => info.id).join('\n'))}`,
      `color=${quote(colours.join(':'))}`,
    ];
    if (statuses.includes('failed')) attributes.push('penwidth=2.6');
    if (statuses.length === 1 && statuses[0] === 'uncovered') attributes.push('style=dashed');
    if (source.children.length > 0 && !isWithin(targetId, source.id)) attributes.push(`ltail=${quote(clusterOf(source.id))}`);
    if (destination.children.length > 0 && !isWithin(sourceId, destination.id)) {
      attributes.push(`lhead=${quote(clusterOf(destination.id))}`);
    }
    return `${quote(anchorOf(source))} -> ${quote(anchorOf(destination))} [${attributes.join(', ')}];`;
  }

  /**
   * A transition as a row of a label: coloured by its status, with its id as
   * tooltip. `split` puts the guard on a line of its own, which keeps edge
   * labels narrow and so the layout compact.
   */
  private labelLine(info: TransitionInfo, split = false): string {
    const status = this.statusOf(info);
    const colour = STATUS_COLOURS[status ?? 'plain'];
    const text = split && info.guard
      ? `${escapeXml(transitionLabel({ ...info, guard: null }))}<BR ALIGN="LEFT"/>  [${escapeXml(info.guard)}]<BR ALIGN="LEFT"/>`
      : escapeXml(transitionLabel(info));
    const shown = status === 'failed' ? `<B>${text}</B>` : status === 'uncovered' ? `<I>${text}</I>` : text;
    return (
      `<TR><TD ALIGN="LEFT" ID=${attribute(transitionElementId(this.chart, info))} ` +
      `TOOLTIP=${attribute(info.id)}><FONT POINT-SIZE="9" COLOR=${attribute(colour)}>${shown}</FONT></TD></TR>`
    );
  }

  private statusOf(info: TransitionInfo): TransitionStatus | undefined {
    return this.highlight?.transitions.get(info.id);
  }

  private stateOf(id: string): ChartState {
    const state = this.chart.states.find((candidate) => candidate.id === id);
    if (!state) throw new Error(`transition to or from unknown state ${id}`);
    return state;
  }

  private stateElementId(state: ChartState): string {
    return `${this.chart.name}-s-${state.id}`;
  }
}

function stateClass(state: ChartState, uncovered: boolean): string {
  return `state ${state.kind}${uncovered ? ' uncovered' : ''}`;
}

/** The node an edge to or from a state is drawn at: the state itself, or a node inside its cluster. */
function anchorOf(state: ChartState): string {
  if (state.children.length === 0) return state.id;
  if (state.initial) return initialNodeOf(state);
  const [first] = state.children;
  if (!first) return state.id;
  return anchorOf(first);
}

function initialNodeOf(state: ChartState): string {
  return `${state.id}.(initial)`;
}

function clusterOf(id: string): string {
  return `cluster_${id}`;
}

/** An attribute value inside an HTML-like label. */
function attribute(text: string): string {
  return `"${escapeXml(text)}"`;
}

/** A DOT double-quoted string. */
function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}
