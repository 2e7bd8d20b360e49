import pc from 'picocolors';

import type { ImplementationUnderTest } from '../../impl/contract.ts';
import { referenceImplementation } from '../../impl/reference.ts';
import { listPaths, runCheck, type CheckReport, type MisuseSummary, type ScenarioSummary } from '../../models/check.ts';
import { findMisuseCase, isMisuseId, MISUSE_CASES } from '../../models/misuse.ts';
import { findScenario, isScenarioId, SCENARIOS } from '../../models/scenarios.ts';
import { ProcessImplementation } from '../../models/processImplementation.ts';
import type { MachineName } from '../../models/registry.ts';
import { failureTrace, summaryOf, writeCheckReports } from '../../reports/checkReport.ts';
import { EXIT, type ExitCode } from '../exitCodes.ts';
import { progressReporter } from '../progress.ts';
import { prepareOutDir } from '../outDir.ts';
import { startModule } from '../startModule.ts';
import { implementationFlag, machineOption, positiveInteger, timeoutOptions, UsageError, type CommandModule } from '../usage.ts';

const DEFAULT_OUT = 'reports/out';
/** Failures shown in full in the text output; the reports hold all of them. */
const SHOWN_FAILURES = 5;
/** Defaults of the options that guard an implementation under test. */
const DEFAULT_REPEAT = 2;

interface CheckFlags {
  readonly machine?: MachineName[];
  readonly path?: string;
  readonly json?: boolean;
  readonly quiet?: boolean;
  readonly out: string;
  readonly impl?: string;
  readonly exec?: string;
  readonly stepTimeout: number;
  readonly startTimeout: number;
  readonly repeat: number;
}

/** The implementation a check runs on, and how to let go of it. */
interface Subject {
  readonly implementation: ImplementationUnderTest;
  /** Why the implementation became unusable during the check, in one line, if it did. */
  failure(): string | null;
  /** The signal that interrupted the check, if one did. */
  interruptedBy(): string | null;
  /** Ends what the subject started: stops and reaps the implementation's process. */
  release(): Promise<void>;
}

/** `child-spec check`: every generated path replayed with every invariant. */
export const checkCommand: CommandModule = (program, context) => {
  const [stepTimeout, startTimeout] = timeoutOptions();
  program
    .command('check')
    .description(
      'replay every generated path of the statecharts on the reference implementation (or the one --impl or --exec names), checking every quota invariant after every step',
    )
    .addOption(machineOption())
    .option('-p, --path <id>', 'replay only this path (as listed by `child-spec paths`, e.g. session#12), or run only this misuse case (misuse#3) or scenario (scenario#1)')
    .option('--json', 'print only the summary, as JSON, on standard output')
    .option('-q, --quiet', 'print no progress')
    .option('-o, --out <dir>', 'where check.json and check.md go', DEFAULT_OUT)
    .option('--impl <module>', 'check the ImplementationUnderTest that this JavaScript or TypeScript module exports (default export or `implementation`)')
    .option('--exec <command>', 'check the implementation this command starts, over the process protocol of docs/implementing.md (run without a shell)')
    .addOption(stepTimeout)
    .addOption(startTimeout)
    .option('--repeat <n>', 'replay every path n times; every replay must observe what the first did', positiveInteger('--repeat'), DEFAULT_REPEAT)
    .action(async (flags: CheckFlags) => {
      context.exit(await check(flags));
    });
};

/** A path id must name a generated path, of a chosen machine if `--machine` is given, or a misuse case or scenario without `--machine`. */
function checkPathId(pathId: string, machines: readonly MachineName[] | undefined): void {
  if (isMisuseId(pathId)) {
    if (findMisuseCase(pathId) === undefined) throw new UsageError(`no misuse case '${pathId}': there are misuse#1 to misuse#${MISUSE_CASES.length}`);
    if (machines && machines.length > 0) throw new UsageError(`'${pathId}' is a misuse case, which --machine leaves out`);
    return;
  }
  if (isScenarioId(pathId)) {
    if (findScenario(pathId) === undefined) throw new UsageError(`no scenario '${pathId}': there are scenario#1 to scenario#${SCENARIOS.length}`);
    if (machines && machines.length > 0) throw new UsageError(`'${pathId}' is a scenario, which --machine leaves out`);
    return;
  }
  const path = listPaths().find((known) => known.id === pathId);
  if (path === undefined) throw new UsageError(`no path '${pathId}': run \`child-spec paths\` to list them`);
  if (machines && machines.length > 0 && !machines.some((machine) => machine === path.machine)) {
    throw new UsageError(`path '${pathId}' belongs to the ${path.machine} chart, which --machine leaves out`);
  }
}

async function check(flags: CheckFlags): Promise<ExitCode> {
  const talk = !flags.json && !flags.quiet;
  if (flags.path !== undefined) checkPathId(flags.path, flags.machine);
  await prepareOutDir(flags.out);
  const subject = await chooseSubject(flags);
  const implementation = subject.implementation;
  if (talk) process.stderr.write(`${pc.bold('child-spec check')}: ${implementation.name} implementation\n`);

  let report: CheckReport;
  try {
    report = await runCheck({
      implementation,
      machines: flags.machine ?? [],
      ...(flags.path !== undefined ? { pathId: flags.path } : {}),
      replayCommand: (pathId) => replayCommand(flags, pathId),
      ...(talk ? { onProgress: progressReporter(process.stderr) } : {}),
      repeat: flags.repeat,
    });
  } finally {
    await subject.release();
  }
  const written = await writeCheckReports(report, flags.out);

  if (flags.json) {
    process.stdout.write(`${JSON.stringify(summaryOf(report))}\n`);
  } else {
    process.stdout.write(renderCheck(report, written, subject.failure()));
  }
  const interrupted = subject.interruptedBy();
  if (interrupted !== null) process.stderr.write(`child-spec: interrupted by ${interrupted}; the reports hold the paths run until then\n`);
  return report.ok ? EXIT.passed : EXIT.failed;
}

/** The command line that replays one path on the same implementation. */
function replayCommand(flags: CheckFlags, pathId: string): string {
  return `child-spec check${implementationFlag(flags)} --path ${pathId}`;
}

/** The reference, a module's implementation (`--impl`), or a process's (`--exec`). */
async function chooseSubject(flags: CheckFlags): Promise<Subject> {
  if (flags.impl !== undefined && flags.exec !== undefined) throw new UsageError('--impl and --exec exclude each other: choose one');
  if (flags.impl !== undefined) return moduleSubject(flags.impl, flags);
  if (flags.exec !== undefined) return processSubject(flags.exec, flags);
  return { implementation: referenceImplementation, failure: () => null, interruptedBy: () => null, release: async () => {} };
}

/** The module's implementation, in a worker thread that a hung call, or the end of the check, terminates. */
async function moduleSubject(module: string, flags: CheckFlags): Promise<Subject> {
  const { implementation, release } = await startModule(module, flags);
  return { implementation, failure: () => implementation.failure, interruptedBy: () => null, release };
}

/**
 * Starts the process and makes sure it dies with the check: an interrupt
 * (SIGINT, SIGTERM) kills it, so that the remaining paths fail at once and
 * the reports are still written; a second interrupt ends the checker; and
 * whatever way the checker exits, the process is killed.
 */
async function processSubject(command: string, flags: CheckFlags): Promise<Subject> {
  const spawned = ProcessImplementation.spawn({ command, stepTimeoutMs: flags.stepTimeout, startTimeoutMs: flags.startTimeout });
  if (spawned.kind === 'notStarted') throw new UsageError(`cannot run --exec ${JSON.stringify(command)}: ${spawned.reason}`);
  const implementation = spawned.implementation;

  let interruptedBy: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (interruptedBy !== null) {
      implementation.killNow();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
    interruptedBy = signal;
    implementation.interrupt(signal);
  };
  const onExit = (): void => implementation.killNow();
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal).on('exit', onExit);
  const release = async (): Promise<void> => {
    await implementation.close();
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal).off('exit', onExit);
  };

  const handshake = await implementation.handshake();
  if (handshake.kind === 'notStarted') {
    await release();
    throw new UsageError(`cannot run --exec ${JSON.stringify(command)}: ${handshake.reason}`);
  }
  return { implementation, failure: () => implementation.failure, interruptedBy: () => interruptedBy, release };
}

function renderCheck(report: CheckReport, written: readonly string[], implementationFailure: string | null): string {
  const lines: string[] = [];
  for (const failure of report.failures.slice(0, SHOWN_FAILURES)) {
    lines.push(pc.red(`FAILED ${failure.path}`), ...failureTrace(failure), '');
  }
  if (report.failures.length > SHOWN_FAILURES) {
    lines.push(`… and ${report.failures.length - SHOWN_FAILURES} more failures, all in ${written.join(' and ')}`, '');
  }
  if (implementationFailure !== null) lines.push(pc.red(`the implementation failed: ${implementationFailure}`), '');
  for (const machine of report.machines) {
    const { states, transitions } = machine.coverage;
    lines.push(
      `  ${machine.name.padEnd(8)} ${String(machine.paths).padStart(4)} paths  ${String(machine.passed).padStart(4)} passed  ` +
        `${String(machine.steps).padStart(5)} steps  states ${states.covered}/${states.total}  transitions ${transitions.covered}/${transitions.total}`,
    );
  }
  if (report.misuse !== undefined) lines.push(misuseLine(report.misuse));
  if (report.scenarios !== undefined) lines.push(scenarioLine(report.scenarios));
  lines.push(
    `paths ${report.paths}, steps ${report.steps}, states ${report.states.covered}/${report.states.total}, ` +
      `transitions ${report.transitions.covered}/${report.transitions.total}, invariant checks ${report.invariantChecks}, ` +
      `failures ${report.failures.length}, ${(report.ms / 1000).toFixed(1)} s`,
    `reports: ${written.join(', ')}`,
    report.ok ? pc.green('PASSED') : pc.red('FAILED'),
  );
  return `${lines.join('\n')}\n`;
}

/** The scenarios' line beside the machines': `scenario    3 cases     3 passed    14 steps`. */
function scenarioLine(scenarios: ScenarioSummary): string {
  return `  ${'scenario'.padEnd(8)} ${String(scenarios.cases).padStart(4)} ${scenarios.cases === 1 ? 'case ' : 'cases'}  ${String(scenarios.passed).padStart(4)} passed  ${String(scenarios.steps).padStart(5)} steps`;
}

/** The misuse cases' line beside the machines': `misuse     44 cases    44 refused`. */
function misuseLine(misuse: MisuseSummary): string {
  const notSent = misuse.notSent > 0 ? `  ${misuse.notSent} not sent (the process protocol's schemas forbid them)` : '';
  return `  ${'misuse'.padEnd(8)} ${String(misuse.cases).padStart(4)} ${misuse.cases === 1 ? 'case ' : 'cases'}  ${String(misuse.passed).padStart(4)} refused${notSent}`;
}
