/**
 * The report of a check as one self-contained HTML page: the verdict and
 * its figures, each statechart drawn with its transitions coloured by what
 * the check did to them, the failure traces, the invariants with their check
 * counts, the fault catalog's verdict, coverage, and every path with its
 * result. Styles and the one small script are inline and the diagrams are
 * inline SVG, so the page needs no network and no other file.
 *
 * Pure: the diagrams come in already drawn (see `reports/report.ts`).
 */
import { INVARIANTS } from '../invariants/index.ts';
import type { FailureReport, MachineReport, MisuseSummary } from '../models/check.ts';
import type { StepRecord } from '../models/replay.ts';
import { STATUS_COLOURS } from './highlight.ts';
import type { FaultCatalogReport, ReportInput } from './reportInput.ts';
import { escapeXml as esc } from './xml.ts';

/** One machine's drawing for the page. */
export interface MachineDiagram {
  readonly machine: string;
  /** Inline SVG, coloured by the check; null when the machine is not known to this child-spec. */
  readonly svg: string | null;
  /** Transition ids the check report names that the current machine does not have (a stale report). */
  readonly unknownTransitions: readonly string[];
}

/** The whole page. */
export function reportHtml(input: ReportInput, diagrams: readonly MachineDiagram[]): string {
  const { check } = input;
  const verdict = check.ok ? 'passed' : 'FAILED';
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>child-spec report: ${verdict}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    header(input),
    summaryCards(input),
    diagramSection(diagrams, check.machines),
    failureSection(check.failures),
    invariantSection(input),
    faultSection(input.mutants),
    coverageSection(check.machines),
    pathSection(check.machines, check.failures),
    `<footer>Written by <code>child-spec report</code> from ${input.sources.map((source) => `<code>${esc(source)}</code>`).join(' and ')}.</footer>`,
    `<script>${SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function header(input: ReportInput): string {
  const { check } = input;
  const verdict = check.ok ? 'passed' : 'failed';
  return (
    `<header class="verdict ${verdict}"><h1>child-spec check <span class="badge">${verdict.toUpperCase()}</span></h1>` +
    `<p>Implementation <code>${esc(check.implementation)}</code> · ${number(check.paths)} paths · ${number(check.steps)} steps · ` +
    `${number(check.invariantChecks)} invariant checks · ${(check.ms / 1000).toFixed(1)} s</p>` +
    '<nav><a href="#diagrams">Statecharts</a><a href="#failures">Failures</a><a href="#invariants">Invariants</a>' +
    `${input.mutants ? '<a href="#faults">Fault catalog</a>' : ''}<a href="#coverage">Coverage</a><a href="#paths">Paths</a></nav></header>`
  );
}

function summaryCards(input: ReportInput): string {
  const { check, mutants } = input;
  const passed = check.machines.reduce((sum, machine) => sum + machine.passed, 0);
  const cards = [
    card('paths passed', `${number(passed)} / ${number(check.paths)}`, passed === check.paths),
    card('states covered', fraction(check.states.covered, check.states.total), check.states.covered === check.states.total),
    card(
      'transitions covered',
      fraction(check.transitions.covered, check.transitions.total),
      check.transitions.covered === check.transitions.total,
    ),
    card('invariant checks', number(check.invariantChecks), true),
    ...(check.misuse ? [misuseCard(check.misuse)] : []),
    ...(check.scenarios ? [card('scenarios passed', `${number(check.scenarios.passed)} / ${number(check.scenarios.cases)}`, check.scenarios.passed === check.scenarios.cases)] : []),
    card('failures', number(check.failures.length), check.failures.length === 0, '#failures'),
  ];
  if (mutants) cards.push(card('faults caught', `${mutants.killed} / ${mutants.total}`, mutants.killed === mutants.total, '#faults'));
  return `<section class="cards">${cards.join('')}</section>`;
}

/** The misuse cases refused of those sent; the ones the process protocol cannot carry are named apart. */
function misuseCard(misuse: MisuseSummary): string {
  const sent = misuse.cases - misuse.notSent;
  const label = misuse.notSent > 0 ? `misuse cases refused (${misuse.notSent} not sent)` : 'misuse cases refused';
  return card(label, `${number(misuse.passed)} / ${number(sent)}`, misuse.passed === sent);
}

function card(label: string, value: string, good: boolean, link?: string): string {
  const body = `<span class="value">${esc(value)}</span><span class="label">${esc(label)}</span>`;
  const inner = link ? `<a href="${link}">${body}</a>` : body;
  return `<div class="card ${good ? 'good' : 'bad'}">${inner}</div>`;
}

/* ------------------------------------------------------------ statecharts */

function diagramSection(diagrams: readonly MachineDiagram[], machines: readonly MachineReport[]): string {
  const figures = diagrams.map((diagram) =>
    machineFigure(diagram, machines.find((candidate) => candidate.name === diagram.machine)),
  );
  return `<section id="diagrams"><h2>Statecharts</h2>${legend()}${figures.join('')}</section>`;
}

function machineFigure(diagram: MachineDiagram, machine: MachineReport | undefined): string {
  const counts = machine
    ? ` <span class="figures">${number(machine.passed)} of ${number(machine.paths)} paths passed · ` +
      `states ${fraction(machine.coverage.states.covered, machine.coverage.states.total)} · ` +
      `transitions ${fraction(machine.coverage.transitions.covered, machine.coverage.transitions.total)}</span>`
    : '';
  const stale =
    diagram.unknownTransitions.length > 0
      ? `<p class="warning">The check report names ${diagram.unknownTransitions.length} transitions that the current ` +
        `${esc(diagram.machine)} chart does not have: it was written for an older machine. Run <code>child-spec check</code> again.</p>`
      : '';
  const drawing = diagram.svg
    ? `<div class="diagram" title="click to switch between fitting the page and full size">${diagram.svg}</div>`
    : `<p class="warning">No chart named ${esc(diagram.machine)} in this child-spec.</p>`;
  return `<figure id="chart-${esc(diagram.machine)}"><figcaption>${esc(diagram.machine)}${counts}</figcaption>${stale}${drawing}</figure>`;
}

function legend(): string {
  const line = (colour: string, dash: string, width: number): string =>
    `<svg width="34" height="10" aria-hidden="true"><line x1="1" y1="5" x2="33" y2="5" stroke="${colour}" stroke-width="${width}"${dash ? ` stroke-dasharray="${dash}"` : ''}/></svg>`;
  const box = (style: string): string => `<span class="swatch" style="${style}"></span>`;
  const items = [
    `${line(STATUS_COLOURS.covered, '', 1.5)} transition taken by a path`,
    `${line(STATUS_COLOURS.uncovered, '5 3', 1.5)} <i>transition no path took</i>`,
    `${line(STATUS_COLOURS.failed, '', 3)} <b>transition taken by the failing step of a failing path</b>`,
    `${box(`border: 1.5px dashed ${STATUS_COLOURS.uncovered}; background: #fff1e0`)} state no path entered`,
    `${box('border: 3px double #24292f')} final state`,
    `${box('border-radius: 50%; background: #24292f; width: 9px; height: 9px')} initial state`,
    `${box('border: 1.5px dashed #57606a; background: #fbfbfc')} region of a parallel state`,
  ];
  const notes =
    'Arrows are labelled <code>event [guard]</code>; <code>always</code> marks an eventless transition. ' +
    'Transitions without a target (they leave the state as it is) are listed inside their state, coloured alike. ' +
    'Hover over a transition for its id; click a chart to switch between fitting the page and full size.';
  return `<div class="legend"><ul>${items.map((item) => `<li>${item}</li>`).join('')}</ul><p>${notes}</p></div>`;
}

/* ------------------------------------------------------------ failures */

function failureSection(failures: readonly FailureReport[]): string {
  if (failures.length === 0) return '<section id="failures"><h2>Failures</h2><p class="ok">None: every path passed.</p></section>';
  return `<section id="failures"><h2>Failures (${failures.length})</h2>${failures.map(failureArticle).join('')}</section>`;
}

function failureArticle(failure: FailureReport): string {
  const details = failure.details.length > 0 ? `<pre class="details">${esc(failure.details.join('\n'))}</pre>` : '';
  const rows = failure.trace.map((step) => traceRow(step, step.index === failure.step)).join('');
  return (
    `<article class="failure" id="${failureAnchor(failure.path)}">` +
    `<h3><code>${esc(failure.path)}</code> ${esc(failure.title)}</h3>` +
    `<p class="reason">Failed at step ${failure.step} (${esc(failure.kind)}${failure.invariant ? `: ${esc(failure.invariant)}` : ''}): ${esc(failure.reason)}</p>` +
    details +
    '<table class="trace"><thead><tr><th>#</th><th>event</th><th>calls</th><th>machine expected</th><th>call returned</th><th>observed</th></tr></thead>' +
    `<tbody>${rows}</tbody></table>` +
    `<p class="replay">Replay: <code>${esc(failure.replay)}</code></p></article>`
  );
}

function traceRow(step: StepRecord, failing: boolean): string {
  const calls = step.operations.map((operation) => esc(operation)).join('<br>');
  return (
    `<tr${failing ? ' class="failing"' : ''}><td>${step.index}</td><td><code>${esc(step.event)}</code></td><td><code>${calls}</code></td>` +
    `<td>${esc(step.expectedState)}<br>${esc(step.expectedResult)}</td><td>${esc(step.result)}</td><td class="observed">${esc(step.observed)}</td></tr>`
  );
}

function failureAnchor(path: string): string {
  return `failure-${path.replace(/[^\w-]/g, '-')}`;
}

/* ------------------------------------------------------------ invariants and faults */

function invariantSection(input: ReportInput): string {
  const counts = input.check.invariants;
  const most = Math.max(1, ...INVARIANTS.map((invariant) => counts[invariant.id]));
  const broken = new Set(input.check.failures.map((failure) => failure.invariant));
  const rows = INVARIANTS.map((invariant) => {
    const count = counts[invariant.id];
    const bar = `<span class="bar" style="width: ${((100 * count) / most).toFixed(1)}%"></span>`;
    const state = broken.has(invariant.id) ? '<span class="tag bad">broken</span>' : '<span class="tag good">held</span>';
    return `<tr><td class="invariant"><code>${esc(invariant.id)}</code> ${state}</td><td>${esc(invariant.description)}</td><td class="number">${number(count)}</td><td class="barcell">${bar}</td></tr>`;
  });
  return (
    '<section id="invariants"><h2>Invariants</h2>' +
    '<p>Checked after every step of every path; a count is of elementary checks (accounts compared, moves replayed, journal entries, transactions, sessions).</p>' +
    '<table><thead><tr><th>invariant</th><th>what it says</th><th>checks</th><th></th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table></section>`
  );
}

function faultSection(mutants: FaultCatalogReport | null): string {
  if (!mutants) return '';
  const rows = mutants.variants.map(
    (variant) =>
      `<tr class="${variant.killed ? '' : 'survived'}"><td><code>${esc(variant.name)}</code></td><td>${esc(variant.description ?? '')}</td>` +
      `<td>${variant.killed ? '<span class="tag good">caught</span>' : '<span class="tag bad">survived</span>'}</td>` +
      `<td>${esc(variant.by ?? '–')}</td><td>${esc(variant.expected ?? '')}</td><td class="number">${variant.steps}</td><td class="number">${number(variant.ms)}</td></tr>`,
  );
  return (
    `<section id="faults"><h2>Fault catalog: ${mutants.killed} of ${mutants.total} faulty variants caught</h2>` +
    '<p>Each variant is the reference implementation with one fault; the checker must fail it (catch it).</p>' +
    '<table><thead><tr><th>variant</th><th>fault</th><th>verdict</th><th>caught by</th><th>expected</th><th>steps</th><th>ms</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table></section>`
  );
}

/* ------------------------------------------------------------ coverage and paths */

function coverageSection(machines: readonly MachineReport[]): string {
  const rows = machines.map((machine) => {
    const { states, transitions } = machine.coverage;
    return (
      `<tr><td>${esc(machine.name)}</td><td class="number">${number(machine.paths)}</td><td class="number">${number(machine.passed)}</td>` +
      `<td class="number">${number(machine.steps)}</td><td class="number">${fraction(states.covered, states.total)}</td>` +
      `<td class="number">${fraction(transitions.covered, transitions.total)}</td></tr>`
    );
  });
  const uncovered = machines.flatMap((machine) => [
    ...machine.coverage.uncoveredStates.map((id) => `<li>state <code>${esc(id)}</code></li>`),
    ...machine.coverage.uncoveredTransitions.map((id) => `<li>transition <code>${esc(id)}</code></li>`),
  ]);
  const list = uncovered.length > 0 ? `<h3>Not covered</h3><ul class="uncovered">${uncovered.join('')}</ul>` : '<p class="ok">Every state and every transition was covered.</p>';
  return (
    '<section id="coverage"><h2>Coverage</h2>' +
    '<table><thead><tr><th>machine</th><th>paths</th><th>passed</th><th>steps</th><th>states</th><th>transitions</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table>${list}</section>`
  );
}

function pathSection(machines: readonly MachineReport[], failures: readonly FailureReport[]): string {
  const failed = new Set(failures.map((failure) => failure.path));
  const blocks = machines.map((machine) => {
    const rows = machine.results.map((result) => {
      const verdict = result.ok
        ? '<span class="tag good">passed</span>'
        : failed.has(result.path)
          ? `<a class="tag bad" href="#${failureAnchor(result.path)}">failed</a>`
          : '<span class="tag bad">failed</span>';
      return `<tr><td><code>${esc(result.path)}</code></td><td>${esc(result.title)}</td><td>${verdict}</td><td class="number">${result.ms.toFixed(1)}</td></tr>`;
    });
    const open = machine.passed < machine.paths ? ' open' : '';
    return (
      `<details${open}><summary>${esc(machine.name)}: ${number(machine.paths)} paths, ${number(machine.passed)} passed</summary>` +
      '<table class="paths"><thead><tr><th>path</th><th>events</th><th>result</th><th>ms</th></tr></thead>' +
      `<tbody>${rows.join('')}</tbody></table></details>`
    );
  });
  return `<section id="paths"><h2>Paths</h2>${blocks.join('')}</section>`;
}

/* ------------------------------------------------------------ helpers */

function number(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

function fraction(covered: number, total: number): string {
  const percent = total === 0 ? '–' : `${((100 * covered) / total).toFixed(1)}%`;
  return `${number(covered)} / ${number(total)} (${percent})`;
}

const STYLE = `
:root { --fg: #24292f; --muted: #57606a; --line: #d0d7de; --good: ${STATUS_COLOURS.covered}; --bad: ${STATUS_COLOURS.failed}; --warn: ${STATUS_COLOURS.uncovered}; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1440px; padding: 0 24px 48px; font: 14px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: var(--fg); background: #fff; }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace; font-size: 12.5px; }
h1 { margin: 0; font-size: 24px; } h2 { margin: 32px 0 12px; font-size: 19px; border-bottom: 1px solid var(--line); padding-bottom: 4px; } h3 { font-size: 15px; }
header.verdict { margin: 0 -24px; padding: 18px 24px 10px; border-bottom: 4px solid var(--good); background: #f6fff8; }
header.verdict.failed { border-bottom-color: var(--bad); background: #fff6f6; }
header p { margin: 6px 0; color: var(--muted); }
.badge { display: inline-block; margin-left: 8px; padding: 2px 10px; border-radius: 12px; font-size: 15px; vertical-align: middle; color: #fff; background: var(--good); }
header.failed .badge { background: var(--bad); }
nav a { margin-right: 16px; color: #0969da; text-decoration: none; font-size: 13px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 18px 0 6px; }
.card { flex: 1 1 150px; border: 1px solid var(--line); border-left: 5px solid var(--good); border-radius: 6px; padding: 8px 12px; }
.card.bad { border-left-color: var(--bad); }
.card a { color: inherit; text-decoration: none; }
.card .value { display: block; font-size: 20px; font-weight: 600; }
.card .label { color: var(--muted); font-size: 12px; }
.legend { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; background: #fafbfc; font-size: 12.5px; }
.legend ul { display: flex; flex-wrap: wrap; gap: 4px 22px; margin: 0; padding: 0; list-style: none; }
.legend li { display: flex; align-items: center; gap: 6px; }
.legend p { margin: 6px 0 0; color: var(--muted); }
.swatch { display: inline-block; width: 26px; height: 14px; border-radius: 4px; }
figure { margin: 18px 0; } figcaption { font-weight: 600; font-size: 16px; margin-bottom: 6px; }
figcaption .figures { margin-left: 10px; font-weight: 400; font-size: 13px; color: var(--muted); }
td.invariant { white-space: nowrap; }
.diagram { border: 1px solid var(--line); border-radius: 6px; padding: 8px; overflow: auto; cursor: zoom-in; background: #fff; }
.diagram svg { display: block; max-width: 100%; height: auto; margin: 0 auto; }
.diagram.full { cursor: zoom-out; max-height: 90vh; }
.diagram.full svg { max-width: none; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; font-size: 13px; }
th, td { text-align: left; vertical-align: top; padding: 4px 8px; border-bottom: 1px solid #eaeef2; }
th { background: #f6f8fa; font-weight: 600; }
td.number { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.barcell { width: 18%; } .bar { display: block; height: 10px; border-radius: 3px; background: #8cc4a0; }
.tag { display: inline-block; padding: 0 7px; border-radius: 10px; font-size: 11.5px; color: #fff; text-decoration: none; }
.tag.good { background: var(--good); } .tag.bad { background: var(--bad); }
tr.survived td { background: #fff6f6; }
.failure { border: 1px solid #f5c2c7; border-left: 5px solid var(--bad); border-radius: 6px; padding: 4px 14px 8px; margin: 14px 0; }
.failure .reason { font-weight: 600; color: var(--bad); }
pre.details { background: #f6f8fa; padding: 8px; border-radius: 4px; overflow: auto; }
table.trace td.observed { color: var(--muted); font-size: 12px; }
table.trace tr.failing td { background: #ffebe9; }
.replay code { background: #f6f8fa; padding: 2px 6px; border-radius: 4px; }
.warning { border-left: 4px solid var(--warn); background: #fff8c5; padding: 6px 10px; }
.ok { color: var(--good); font-weight: 600; }
details { margin: 8px 0; } summary { cursor: pointer; font-weight: 600; }
table.paths td:nth-child(2) { font-size: 12px; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
`;

/** Clicking a chart switches it between fitting the page and its full size. */
const SCRIPT = `
for (const diagram of document.querySelectorAll('.diagram')) {
  diagram.addEventListener('click', () => diagram.classList.toggle('full'));
}
`;
