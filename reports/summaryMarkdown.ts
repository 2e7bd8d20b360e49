/**
 * A short Markdown summary of a check for pull requests: the verdict, a
 * line per statechart, the invariants' check counts, the fault catalog's
 * verdict, and the first failures with the commands that replay them. The
 * HTML report beside it has everything else.
 */
import { INVARIANTS } from '../invariants/index.ts';
import type { ReportInput } from './reportInput.ts';
import { counted } from './wording.ts';

/** Failures listed in the summary; the HTML report has all of them. */
const LISTED_FAILURES = 10;

/** The Markdown summary; `htmlName` is the HTML report's file name, linked at the end. */
export function reportMarkdown(input: ReportInput, htmlName: string): string {
  const { check, mutants } = input;
  const lines = [
    `## child-spec check: ${check.ok ? 'passed' : '**FAILED**'}`,
    '',
    `Implementation \`${check.implementation}\`: ${count(check.paths)} paths, ${count(check.steps)} steps, ` +
      `${count(check.invariantChecks)} invariant checks, ${counted(check.failures.length, 'failure', 'failures', count(check.failures.length))}, ${(check.ms / 1000).toFixed(1)} s.`,
    '',
    '| machine | paths | passed | states | transitions |',
    '|---|---:|---:|---:|---:|',
    ...check.machines.map(
      (machine) =>
        `| ${machine.name} | ${count(machine.paths)} | ${count(machine.passed)} | ` +
        `${machine.coverage.states.covered}/${machine.coverage.states.total} | ` +
        `${machine.coverage.transitions.covered}/${machine.coverage.transitions.total} |`,
    ),
    '',
    `Invariant checks: ${INVARIANTS.map((invariant) => `\`${invariant.id}\` ${count(check.invariants[invariant.id])}`).join(', ')}.`,
  ];
  if (check.misuse) {
    const { cases, passed, notSent } = check.misuse;
    lines.push('', `Misuse: ${passed} of ${cases - notSent} cases refused${notSent > 0 ? ` (${notSent} not sent: the process protocol cannot carry them)` : ''}.`);
  }
  if (check.scenarios) {
    lines.push('', `Scenarios: ${check.scenarios.passed} of ${check.scenarios.cases} passed.`);
  }
  if (mutants) {
    const survivors = mutants.variants.filter((variant) => !variant.killed).map((variant) => `\`${variant.name}\``);
    lines.push(
      '',
      `Fault catalog: ${mutants.killed} of ${mutants.total} faulty variants caught` +
        `${survivors.length > 0 ? `; survived: ${survivors.join(', ')}` : ''}.`,
    );
  }
  if (check.failures.length > 0) {
    lines.push('', '### Failures', '');
    for (const failure of check.failures.slice(0, LISTED_FAILURES)) {
      lines.push(`- \`${failure.path}\` step ${failure.step} (${failure.kind}): ${failure.reason} — replay \`${failure.replay}\``);
    }
    if (check.failures.length > LISTED_FAILURES) lines.push(`- … and ${check.failures.length - LISTED_FAILURES} more`);
  }
  lines.push('', `The full report, with the statecharts coloured by coverage and every trace: \`${htmlName}\`.`);
  return `${lines.join('\n')}\n`;
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}
