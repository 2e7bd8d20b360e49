/**
 * The diagram formats of a statechart, by the names the command line uses,
 * and the one function that draws a chart in any of them.
 */
import type { Chart } from './chart.ts';
import { dotOf } from './dot.ts';
import type { Highlight } from './highlight.ts';
import { machineJsonOf } from './machineJson.ts';
import { mermaidOf } from './mermaid.ts';
import { scxmlOf } from './scxml.ts';
import { svgOf } from './svg.ts';

export const DIAGRAM_FORMATS = ['mermaid', 'dot', 'svg', 'scxml', 'json'] as const;
export type DiagramFormat = (typeof DIAGRAM_FORMATS)[number];

export function isDiagramFormat(name: string): name is DiagramFormat {
  return DIAGRAM_FORMATS.some((known) => known === name);
}

/** The file name extension of each format. */
export const DIAGRAM_EXTENSIONS: Readonly<Record<DiagramFormat, string>> = {
  mermaid: 'mmd',
  dot: 'dot',
  svg: 'svg',
  scxml: 'scxml',
  json: 'json',
};

/** `chart` in `format`, ending in a newline. `highlight` colours the DOT and SVG drawings. */
export async function renderDiagram(chart: Chart, format: DiagramFormat, highlight?: Highlight): Promise<string> {
  switch (format) {
    case 'mermaid':
      return mermaidOf(chart);
    case 'dot':
      return dotOf(chart, highlight);
    case 'svg':
      return svgOf(dotOf(chart, highlight));
    case 'scxml':
      return scxmlOf(chart);
    case 'json':
      return machineJsonOf(chart);
  }
}
