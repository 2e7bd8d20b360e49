/**
 * The reports of a check run: the JSON record and a Markdown page for people
 * and pull requests. Pure renderers plus one function that writes both.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { CheckReport, CheckSummary, FailureReport } from '../models/check.ts';
import { counted } from './wording.ts';

/** The summary fields, exactly as `check --json` prints them. */
export function summaryOf(report: CheckReport): CheckSummary {
  const { ok, paths, steps, states, transitions, invariantChecks, failures } = report;
  return { ok, paths, steps, states, transitions, invariantChecks, failures };
}

/** A failure as a readable protocol trace, one line per step. */
export function failureTrace(failure: FailureReport): string[] {
  const lines = [
    `${failure.path}  ${failure.title}`,
    `  failed at step ${failure.step} (${failure.kind}): ${failure.reason}`,
  ];
  for (const detail of failure.details) lines.push(`    ${detail}`);
  for (const step of failure.trace) {
    lines.push(`  ${String(step.index).padStart(2)}. ${step.event}`);
    for (const operation of step.operations) lines.push(`        call     ${operation}`);
    lines.push(`        expected ${step.expectedState}, ${step.expectedResult}`);
    lines.push(`        returned ${step.result}`);
    lines.push(`        observed ${step.observed}`);
  }
  lines.push(`  replay: ${failure.replay}`);
  return lines;
}

/** The Markdown page of a check run. */
export function checkMarkdown(report: CheckReport): string {
  const percent = (covered: number, total: number): string =>
    total === 0 ? '–' : `${((100 * covered) / total).toFixed(1)}%`;
  const lines = [
    `# child-spec check: ${report.ok ? 'passed' : 'FAILED'}`,
    '',
    `Implementation: \`${report.implementation}\`. ${report.paths} paths, ${report.steps} steps, ` +
      `${report.invariantChecks} invariant checks, ${counted(report.failures.length, 'failure')}, ${(report.ms / 1000).toFixed(1)} s.`,
    '',
    '| machine | paths | passed | steps | states | transitions |',
    '|---|---:|---:|---:|---:|---:|',
  ];
  for (const machine of report.machines) {
    const { states, transitions } = machine.coverage;
    lines.push(
      `| ${machine.name} | ${machine.paths} | ${machine.passed} | ${machine.steps} | ` +
        `${states.covered}/${states.total} (${percent(states.covered, states.total)}) | ` +
        `${transitions.covered}/${transitions.total} (${percent(transitions.covered, transitions.total)}) |`,
    );
  }
  if (report.misuse !== undefined) {
    const { cases, passed, notSent } = report.misuse;
    lines.push('', `Misuse: ${counted(cases, 'case')}, ${passed} refused${notSent > 0 ? `, ${notSent} not sent (the process protocol's schemas forbid them)` : ''}.`);
  }
  if (report.scenarios !== undefined) {
    const { cases, passed, steps } = report.scenarios;
    lines.push('', `Scenarios: ${counted(cases, 'case')}, ${passed} passed, ${counted(steps, 'step')}.`);
  }
  const uncovered = report.machines.flatMap((machine) => [
    ...machine.coverage.uncoveredStates.map((id) => `- state \`${id}\``),
    ...machine.coverage.uncoveredTransitions.map((id) => `- transition \`${id}\``),
  ]);
  if (uncovered.length > 0) lines.push('', '## Not covered', '', ...uncovered);
  if (report.failures.length > 0) {
    lines.push('', '## Failures');
    for (const failure of report.failures) lines.push('', '```', ...failureTrace(failure), '```');
  }
  return `${lines.join('\n')}\n`;
}

/** Writes `check.json` and `check.md` into `directory`; returns their paths. */
export async function writeCheckReports(report: CheckReport, directory: string): Promise<string[]> {
  await mkdir(directory, { recursive: true });
  const json = join(directory, 'check.json');
  const markdown = join(directory, 'check.md');
  await writeFile(json, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(markdown, checkMarkdown(report));
  return [json, markdown];
}
