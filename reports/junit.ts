/**
 * The report of a check as JUnit XML, the format CI systems read test
 * results from: one test suite per statechart with one test case per path,
 * a failing path's trace as its failure; a suite of the misuse cases, when
 * the check ran them, and one of the scenarios; a failing test case per state or transition no path
 * covered; and, when the fault catalog was run, a suite with one test case
 * per faulty variant that fails when the variant survived.
 */
import type { FailureReport, MachineReport } from '../models/check.ts';
import type { MisuseCaseResult } from '../models/misuse.ts';
import type { ScenarioResult } from '../models/scenarios.ts';
import { failureTrace } from './checkReport.ts';
import type { FaultCatalogReport, FaultCatalogResult, ReportInput } from './reportInput.ts';
import { escapeXml as esc } from './xml.ts';

/** The JUnit XML document of a check (and fault-catalog) run. */
export function junitXml(input: ReportInput): string {
  const { check, mutants } = input;
  const failures = new Map(check.failures.map((failure) => [failure.path, failure]));
  const suites = check.machines.map((machine) => machineSuite(machine, failures));
  if (check.misuse) suites.push(misuseSuite(check.misuse.results, failures));
  if (check.scenarios) suites.push(scenarioSuite(check.scenarios.results, failures));
  const uncovered = check.failures.filter((failure) => failure.kind === 'coverage');
  if (uncovered.length > 0) suites.push(coverageSuite(uncovered));
  if (mutants) suites.push(faultSuite(mutants));
  const counted = countOf(check.failures);
  const survivors = mutants ? mutants.total - mutants.killed : 0;
  const tests = check.paths + (check.misuse?.cases ?? 0) + (check.scenarios?.cases ?? 0) + uncovered.length + (mutants?.total ?? 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="child-spec check (${esc(check.implementation)})" tests="${tests}" failures="${counted.failures + survivors}" ` +
      `errors="${counted.errors}" time="${seconds(check.ms)}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

function machineSuite(machine: MachineReport, failures: ReadonlyMap<string, FailureReport>): string {
  const own = machine.results.flatMap((result) => failures.get(result.path) ?? []);
  const counted = countOf(own);
  const time = machine.results.reduce((sum, result) => sum + result.ms, 0);
  const cases = machine.results.map((result) => {
    const open = `    <testcase classname="child-spec.${esc(machine.name)}" name="${esc(`${result.path} ${result.title}`)}" time="${seconds(result.ms)}"`;
    const failure = failures.get(result.path);
    if (failure) return `${open}>\n${failureElement(failure)}\n    </testcase>`;
    if (!result.ok) return `${open}>\n      <failure message="failed" type="failed"/>\n    </testcase>`;
    return `${open}/>`;
  });
  return [
    `  <testsuite name="${esc(machine.name)}" tests="${machine.paths}" failures="${machine.paths - machine.passed - counted.errors}" ` +
      `errors="${counted.errors}" skipped="0" time="${seconds(time)}">`,
    ...cases,
    '  </testsuite>',
  ].join('\n');
}

/** A scripted case as a suite shows it: skipped, with why, or run. */
interface ScriptedCase {
  readonly id: string;
  readonly title: string;
  readonly ms: number;
  readonly skipped: string | null;
}

/** One test case per misuse case: failed with its failure, skipped when the process protocol could not carry it. */
function misuseSuite(results: readonly MisuseCaseResult[], failures: ReadonlyMap<string, FailureReport>): string {
  const cases = results.map((result) => ({ ...result, skipped: result.outcome === 'notSent' ? 'the process protocol cannot carry this misuse' : null }));
  return scriptedSuite('misuse', cases, failures);
}

/** One test case per scenario, failed with its failure. */
function scenarioSuite(results: readonly ScenarioResult[], failures: ReadonlyMap<string, FailureReport>): string {
  return scriptedSuite('scenario', results.map((result) => ({ ...result, skipped: null })), failures);
}

/** A suite of scripted cases, each failed with its failure (found by its id) or skipped with its reason. */
function scriptedSuite(name: string, results: readonly ScriptedCase[], failures: ReadonlyMap<string, FailureReport>): string {
  const counted = countOf(results.flatMap((result) => failures.get(result.id) ?? []));
  const skipped = results.filter((result) => result.skipped !== null).length;
  const time = results.reduce((sum, result) => sum + result.ms, 0);
  const cases = results.map((result) => {
    const open = `    <testcase classname="child-spec.${name}" name="${esc(`${result.id} ${result.title}`)}" time="${seconds(result.ms)}"`;
    const failure = failures.get(result.id);
    if (failure) return `${open}>\n${failureElement(failure)}\n    </testcase>`;
    if (result.skipped !== null) return `${open}>\n      <skipped message="${esc(result.skipped)}"/>\n    </testcase>`;
    return `${open}/>`;
  });
  return [
    `  <testsuite name="${name}" tests="${results.length}" failures="${counted.failures}" errors="${counted.errors}" skipped="${skipped}" time="${seconds(time)}">`,
    ...cases,
    '  </testsuite>',
  ].join('\n');
}

/** One failing test case per state or transition no path covered. */
function coverageSuite(uncovered: readonly FailureReport[]): string {
  const cases = uncovered.map(
    (failure) =>
      `    <testcase classname="child-spec.coverage" name="${esc(`${failure.machine}: ${failure.reason}`)}" time="0">\n${failureElement(failure)}\n    </testcase>`,
  );
  return [`  <testsuite name="coverage" tests="${uncovered.length}" failures="${uncovered.length}" errors="0" skipped="0" time="0">`, ...cases, '  </testsuite>'].join('\n');
}

/** A wrong state, result or invariant is a failure; an implementation that crashed or could not be driven is an error. */
function failureElement(failure: FailureReport): string {
  const element = failure.kind === 'implementation' ? 'error' : 'failure';
  const type = failure.invariant ? `invariant:${failure.invariant}` : failure.kind;
  return `      <${element} message="${esc(failure.reason)}" type="${esc(type)}">${esc(failureTrace(failure).join('\n'))}</${element}>`;
}

function faultSuite(mutants: FaultCatalogReport): string {
  const time = mutants.variants.reduce((sum, variant) => sum + variant.ms, 0);
  return [
    `  <testsuite name="fault catalog" tests="${mutants.total}" failures="${mutants.total - mutants.killed}" errors="0" skipped="0" time="${seconds(time)}">`,
    ...mutants.variants.map(faultCase),
    '  </testsuite>',
  ].join('\n');
}

function faultCase(variant: FaultCatalogResult): string {
  const name = variant.description ? `${variant.name}: ${variant.description}` : variant.name;
  const open = `    <testcase classname="child-spec.mutants" name="${esc(name)}" time="${seconds(variant.ms)}"`;
  if (variant.killed) return `${open}/>`;
  const message = `survived: no path of the check caught this fault${variant.expected ? ` (expected: ${variant.expected})` : ''}`;
  return `${open}>\n      <failure message="${esc(message)}" type="survived"/>\n    </testcase>`;
}

function countOf(failures: readonly FailureReport[]): { failures: number; errors: number } {
  const errors = failures.filter((failure) => failure.kind === 'implementation').length;
  return { failures: failures.length - errors, errors };
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}
