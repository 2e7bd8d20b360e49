/**
 * Benchmark of `explore`: distinct states per second and bytes per state
 * on the default configuration, and how distinct states and time grow with
 * clients and sessions per client (services: one local, one child).
 */
import { DEFAULT_EXPLORE_CONFIG, runExplore, type ExploreConfig, type ExploreReport } from '../models/explore.ts';
import { row } from './machine.ts';

function config(clients: number, sessions: number, symmetry = true): ExploreConfig {
  return {
    ...DEFAULT_EXPLORE_CONFIG,
    shape: { ...DEFAULT_EXPLORE_CONFIG.shape, clients, sessionsPerClient: sessions },
    symmetry,
  };
}

/** The growth table's rows: clients, sessions per client, symmetry. */
const GROWTH: readonly [number, number, boolean][] = [
  [1, 1, true],
  [1, 2, true],
  [1, 3, true],
  [2, 1, true],
  [2, 1, false],
  [3, 1, true],
  [2, 2, true],
];

function tableRow(clients: number, sessions: number, symmetry: boolean, report: ExploreReport): string {
  const cells = [
    String(clients),
    String(sessions),
    symmetry ? 'yes' : 'no',
    String(report.distinct),
    String(report.transitions),
    String(report.depth),
    (report.ms / 1000).toFixed(1),
    (report.distinct / (report.ms / 1000)).toFixed(0),
    String(report.stuck.quirks),
  ];
  return `| ${cells.join(' | ')} |`;
}

/** Measures `explore` on the reference; returns the lines: figures, then a Markdown table. */
export async function benchExplore(): Promise<string[]> {
  const lines: string[] = [];
  const table = [
    '| clients | sessions each | symmetry | distinct states | transitions | depth | seconds | states/s | stuck (quirk) |',
    '|---:|---:|:---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const [clients, sessions, symmetry] of GROWTH) {
    const report = await runExplore({ config: config(clients, sessions, symmetry) });
    table.push(tableRow(clients, sessions, symmetry, report));
    if (clients === 2 && sessions === 2 && symmetry) {
      lines.push(
        row('explore 2 clients x 2 sessions: distinct states', `${report.distinct} (${report.complete ? 'complete' : 'INCOMPLETE'}, ${report.ok ? 'passed' : 'FAILED'})`),
        row('explore: transitions', String(report.transitions)),
        row('explore: distinct states per second', (report.distinct / (report.ms / 1000)).toFixed(0)),
        row('explore: transitions per second', (report.transitions / (report.ms / 1000)).toFixed(0)),
        row('explore: bytes per state (kept heap / states)', String(report.bytesPerState)),
      );
    }
  }
  return [...lines, '', ...table];
}
