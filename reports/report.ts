/**
 * `child-spec report`'s work: draws each checked statechart coloured by the
 * check, and writes the HTML report with the Markdown summary beside it,
 * and JUnit XML where asked.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import type { MachineReport } from '../models/check.ts';
import { isMachineName } from '../models/registry.ts';
import { chartOf } from './chart.ts';
import { dotOf } from './dot.ts';
import { highlightOf } from './highlight.ts';
import { reportHtml, type MachineDiagram } from './html.ts';
import { junitXml } from './junit.ts';
import type { ReportInput } from './reportInput.ts';
import { reportMarkdown } from './summaryMarkdown.ts';
import { inlineSvg, svgOf } from './svg.ts';

export const HTML_NAME = 'report.html';
export const MARKDOWN_NAME = 'report.md';

export interface ReportOptions {
  /** The directory that gets `report.html` and `report.md`. */
  readonly out: string;
  /** Where JUnit XML goes; none when absent. */
  readonly junit?: string;
}

/** Writes the report files; returns their paths. */
export async function writeReport(input: ReportInput, options: ReportOptions): Promise<string[]> {
  const diagrams = await Promise.all(input.check.machines.map((machine) => machineDiagram(machine, input)));
  await mkdir(options.out, { recursive: true });
  const html = join(options.out, HTML_NAME);
  const markdown = join(options.out, MARKDOWN_NAME);
  await writeFile(html, reportHtml(input, diagrams));
  await writeFile(markdown, reportMarkdown(input, HTML_NAME));
  const written = [html, markdown];
  if (options.junit !== undefined) {
    await mkdir(dirname(options.junit), { recursive: true });
    await writeFile(options.junit, junitXml(input));
    written.push(options.junit);
  }
  return written;
}

/** One machine drawn with its coverage and the failures of the check. */
export async function machineDiagram(machine: MachineReport, input: ReportInput): Promise<MachineDiagram> {
  if (!isMachineName(machine.name)) return { machine: machine.name, svg: null, unknownTransitions: [] };
  const chart = chartOf(machine.name);
  const known = new Set(chart.transitions.map((info) => info.id));
  const highlight = highlightOf(machine, input.check.failures);
  const unknownTransitions = [...highlight.transitions.keys()].filter((id) => !known.has(id));
  const svg = inlineSvg(await svgOf(dotOf(chart, highlight)));
  return { machine: machine.name, svg, unknownTransitions };
}
