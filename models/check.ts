/**
 * `check`: every generated path of every statechart, replayed on an
 * implementation under test, with coverage of the machines' states and
 * transitions and a count of invariant checks.
 *
 * Silent: progress is reported through a callback, the verdict as data.
 */
import { createActor, type EventObject } from 'xstate';

import type { ImplementationUnderTest } from '../impl/contract.ts';
import { noChecks } from '../invariants/check-table.ts';
import { INVARIANT_IDS, type InvariantId } from '../invariants/index.ts';
import type { Binding } from './binding.ts';
import { MACHINE_NAMES, withBinding, type MachineName } from './registry.ts';
import { checkMisuse, isMisuseId, type MisuseReport } from './misuse.ts';
import { checkScenarios, isScenarioId, type ScenarioReport } from './scenarios.ts';
import { generatePaths, type GeneratedPaths, type ModelPath } from './paths.ts';
import { replayPath, type FailureKind, type PathResult, type StepRecord } from './replay.ts';
import { Coverage, type CoverageSummary } from './transitions.ts';

export interface CheckOptions {
  readonly implementation: ImplementationUnderTest;
  /** Machines to check; all when empty. */
  readonly machines?: readonly MachineName[];
  /** Replay only this path (`machine#n`), or run only this misuse case (`misuse#n`) or scenario (`scenario#n`). */
  readonly pathId?: string;
  /**
   * Whether a full check (no `machines`, no `pathId`) also runs the scripted
   * cases after the paths: the misuse cases of `models/misuse.ts` and the
   * scenarios of `models/scenarios.ts` (default true).
   */
  readonly scripted?: boolean;
  /** How to replay one path on the command line, given its id. */
  readonly replayCommand?: (pathId: string) => string;
  readonly onProgress?: (progress: CheckProgress) => void;
  /**
   * How many times each path is replayed (default 1); every replay after the
   * first must observe exactly what the first did (see `ReplayOptions`).
   */
  readonly repeat?: number;
  /**
   * Stop at the first failing path: the report then holds that one failure,
   * and only the machines and paths run until then. For judging faulty
   * implementations, where one failure is the verdict.
   */
  readonly stopAtFirstFailure?: boolean;
}

export type CheckProgress =
  | { readonly kind: 'machine'; readonly machine: string; readonly paths: number }
  | { readonly kind: 'path'; readonly machine: string; readonly done: number; readonly total: number; readonly ok: boolean };

export interface FailureReport {
  readonly path: string;
  readonly machine: string;
  readonly title: string;
  readonly kind: FailureKind;
  readonly step: number;
  readonly reason: string;
  readonly invariant: string | null;
  readonly details: readonly string[];
  readonly trace: readonly StepRecord[];
  readonly replay: string;
  /**
   * Ids of the machine transitions the failing step took (`TransitionInfo.id`),
   * for reports to mark them; empty for step 0, absent from failures built
   * outside `runCheck`.
   */
  readonly transitions?: readonly string[];
}

export interface MachineReport {
  readonly name: string;
  /** Paths replayed: all selected ones, or those up to the first failure with `stopAtFirstFailure`. */
  readonly paths: number;
  readonly passed: number;
  readonly steps: number;
  readonly abstractStates: number;
  readonly coverage: CoverageSummary;
  readonly results: readonly { readonly path: string; readonly title: string; readonly ok: boolean; readonly ms: number }[];
}

/** The summary `--json` prints, field for field. */
export interface CheckSummary {
  readonly ok: boolean;
  readonly paths: number;
  readonly steps: number;
  readonly states: { readonly covered: number; readonly total: number };
  readonly transitions: { readonly covered: number; readonly total: number };
  readonly invariantChecks: number;
  readonly failures: readonly FailureReport[];
}

/** What the misuse cases found, as `MisuseReport` has it; their failures are among the check's. */
export type MisuseSummary = Omit<MisuseReport, 'failures'>;

/** What the scenarios found; their failures are among the check's, their invariant checks among its counts. */
export type ScenarioSummary = Omit<ScenarioReport, 'failures' | 'invariants'>;

/** The summary and what reports show beyond it. */
export interface CheckReport extends CheckSummary {
  readonly implementation: string;
  readonly machines: readonly MachineReport[];
  /** The misuse cases, when the check ran them; their failures are among `failures`. */
  readonly misuse?: MisuseSummary;
  /** The scenarios, when the check ran them; their failures are among `failures`. */
  readonly scenarios?: ScenarioSummary;
  /** The elementary checks each invariant made, over every path; they add up to `invariantChecks`. */
  readonly invariants: Readonly<Record<InvariantId, number>>;
  readonly ms: number;
}

/** Runs the check; never throws for a faulty implementation, only for misuse of its options. */
export async function runCheck(options: CheckOptions): Promise<CheckReport> {
  const started = performance.now();
  /* `--path misuse#n` runs that misuse case and no machine's paths, `--path scenario#n` that scenario */
  const misuseCaseId = options.pathId !== undefined && isMisuseId(options.pathId) ? options.pathId : undefined;
  const scenarioId = options.pathId !== undefined && isScenarioId(options.pathId) ? options.pathId : undefined;
  const names = misuseCaseId !== undefined || scenarioId !== undefined ? [] : chosen(options.machines);
  const replayCommand = options.replayCommand ?? ((pathId: string) => `child-spec check --path ${pathId}`);
  const machines: MachineReport[] = [];
  const failures: FailureReport[] = [];
  let invariantChecks = 0;
  const invariants = noChecks();

  for (const name of names) {
    if (options.stopAtFirstFailure && failures.length > 0) break;
    const report = await withGenerated(name, (binding, generated) =>
      checkMachine(binding, generated, options, (result) => {
        invariantChecks += result.invariantChecks;
        for (const id of INVARIANT_IDS) invariants[id] += result.invariantCounts[id];
        if (result.failure) failures.push(failureReport(result, replayCommand(result.path.id)));
      }),
    );
    machines.push(report);
  }

  /* A full check passes only if its paths covered every state and transition. */
  const complete = options.pathId === undefined && !options.stopAtFirstFailure;
  if (complete) failures.push(...machines.flatMap(coverageFailures));

  let misuse: MisuseReport | null = null;
  if (runsMisuse(options) && !(options.stopAtFirstFailure && failures.length > 0)) {
    misuse = await checkMisuse(options.implementation, {
      ...(misuseCaseId !== undefined ? { caseId: misuseCaseId } : {}),
      replayCommand,
      ...(options.stopAtFirstFailure ? { stopAtFirstFailure: true } : {}),
    });
    failures.push(...misuse.failures);
  }

  let scenarios: ScenarioReport | null = null;
  if (runsScenarios(options) && !(options.stopAtFirstFailure && failures.length > 0)) {
    scenarios = await checkScenarios(options.implementation, {
      ...(scenarioId !== undefined ? { scenarioId } : {}),
      replayCommand,
      ...(options.stopAtFirstFailure ? { stopAtFirstFailure: true } : {}),
    });
    failures.push(...scenarios.failures);
    for (const id of INVARIANT_IDS) {
      invariants[id] += scenarios.invariants[id];
      invariantChecks += scenarios.invariants[id];
    }
  }

  const sum = (pick: (report: MachineReport) => number): number => machines.reduce((total, report) => total + pick(report), 0);
  const paths = sum((report) => report.paths);
  return {
    ok: failures.length === 0 && (paths > 0 || (misuse?.cases ?? 0) > 0 || (scenarios?.cases ?? 0) > 0),
    paths,
    steps: sum((report) => report.steps),
    states: { covered: sum((report) => report.coverage.states.covered), total: sum((report) => report.coverage.states.total) },
    transitions: {
      covered: sum((report) => report.coverage.transitions.covered),
      total: sum((report) => report.coverage.transitions.total),
    },
    invariantChecks,
    failures,
    implementation: options.implementation.name,
    machines,
    ...(misuse !== null ? { misuse: { cases: misuse.cases, passed: misuse.passed, notSent: misuse.notSent, results: misuse.results } satisfies MisuseSummary } : {}),
    ...(scenarios !== null
      ? { scenarios: { cases: scenarios.cases, passed: scenarios.passed, steps: scenarios.steps, results: scenarios.results } satisfies ScenarioSummary }
      : {}),
    invariants,
    ms: performance.now() - started,
  };
}

/** Misuse cases run in a full check (no machines, no path chosen), and alone for `--path misuse#n`. */
function runsMisuse(options: CheckOptions): boolean {
  if (options.pathId !== undefined) return isMisuseId(options.pathId);
  return fullCheck(options);
}

/** Scenarios run in a full check too, and alone for `--path scenario#n`. */
function runsScenarios(options: CheckOptions): boolean {
  if (options.pathId !== undefined) return isScenarioId(options.pathId);
  return fullCheck(options);
}

function fullCheck(options: CheckOptions): boolean {
  return (options.machines ?? []).length === 0 && options.scripted !== false;
}

async function checkMachine<TEvent extends EventObject>(
  binding: Binding<TEvent>,
  generated: GeneratedPaths<TEvent>,
  options: CheckOptions,
  onResult: (result: PathResult) => void,
): Promise<MachineReport> {
  const selected = options.pathId ? generated.paths.filter((path) => path.id === options.pathId) : generated.paths;
  options.onProgress?.({ kind: 'machine', machine: binding.name, paths: selected.length });

  const coverage = new Coverage(generated.shape);
  coverage.recordInitial(createActor(binding.machine).getSnapshot());
  const results: MachineReport['results'][number][] = [];
  let passed = 0;
  let steps = 0;
  for (const path of selected) {
    const result = await replayPath(binding, generated.shape, path, options.implementation, { repeat: options.repeat ?? 1 });
    for (const step of result.machineSteps) coverage.record(step);
    steps += result.steps.length;
    if (result.ok) passed += 1;
    results.push({ path: path.id, title: path.title, ok: result.ok, ms: result.ms });
    onResult(result);
    options.onProgress?.({ kind: 'path', machine: binding.name, done: results.length, total: selected.length, ok: result.ok });
    if (!result.ok && options.stopAtFirstFailure) break;
  }

  return {
    name: binding.name,
    paths: results.length,
    passed,
    steps,
    abstractStates: generated.abstractStates,
    coverage: coverage.summary(),
    results,
  };
}

/** One failure per state or transition of a machine that no replayed path covered. */
export function coverageFailures(machine: MachineReport): FailureReport[] {
  const { uncoveredStates, uncoveredTransitions } = machine.coverage;
  const missed = [
    ...uncoveredStates.map((id) => `state ${id}`),
    ...uncoveredTransitions.map((id) => `transition ${id}`),
  ];
  return missed.map((what) => ({
    path: machine.name,
    machine: machine.name,
    title: `coverage of the ${machine.name} chart`,
    kind: 'coverage',
    step: 0,
    reason: `no generated path covers ${what}`,
    invariant: null,
    details: [],
    trace: [],
    replay: `child-spec check --machine ${machine.name}`,
  }));
}

function failureReport(result: PathResult, replay: string): FailureReport {
  const failure = result.failure;
  if (!failure) throw new Error('failureReport needs a failed path');
  return {
    path: result.path.id,
    machine: result.path.machine,
    title: result.path.title,
    kind: failure.kind,
    step: failure.step,
    reason: failure.reason,
    invariant: failure.invariant,
    details: failure.details,
    trace: result.steps,
    replay,
    transitions: (result.machineSteps[failure.step - 1]?.transitions ?? []).map((info) => info.id),
  };
}

/** The paths of the named machines, without running them. */
export function listPaths(machines?: readonly MachineName[]): ModelPath<EventObject>[] {
  return chosen(machines).flatMap((name) => withGenerated(name, (_, generated) => [...generated.paths]));
}

/** Something that hands a machine's binding and its generated paths to `use`. */
type GeneratedMachine = <R>(
  use: <TEvent extends EventObject>(binding: Binding<TEvent>, generated: GeneratedPaths<TEvent>) => R,
) => R;

/**
 * The generated paths of each machine, made once per process: generation is
 * deterministic and takes seconds for the child chart, which a run over many
 * implementations (`child-spec mutants`) would otherwise pay for each one.
 */
const generatedMachines = new Map<MachineName, GeneratedMachine>();

/** Hands the named machine's binding and its generated paths to `use`. */
function withGenerated<R>(
  name: MachineName,
  use: <TEvent extends EventObject>(binding: Binding<TEvent>, generated: GeneratedPaths<TEvent>) => R,
): R {
  let known = generatedMachines.get(name);
  if (known === undefined) {
    known = withBinding(name, (binding): GeneratedMachine => {
      const generated = generatePaths(binding);
      return (inner) => inner(binding, generated);
    });
    generatedMachines.set(name, known);
  }
  return known(use);
}

function chosen(machines: readonly MachineName[] | undefined): readonly MachineName[] {
  return machines && machines.length > 0 ? machines : MACHINE_NAMES;
}
