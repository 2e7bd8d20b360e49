import { InvalidArgumentError } from 'commander';
import pc from 'picocolors';

import type { ImplementationUnderTest } from '../../impl/contract.ts';
import { traceLines } from '../../models/exploreRun.ts';
import { describeShape } from '../../models/exploreSystem.ts';
import { ReplayMismatch, runFuzz, validReplay, type FuzzProgress, type FuzzReport } from '../../models/fuzz.ts';
import { ProcessImplementation } from '../../models/processImplementation.ts';
import { EXIT, type ExitCode } from '../exitCodes.ts';
import { startModule } from '../startModule.ts';
import { implementationFlag, positiveInteger, timeoutOptions, UsageError, type CommandModule } from '../usage.ts';

/** Defaults: enough runs to find the catalog's faults in seconds; `--runs 10000` for a long search. */
const DEFAULT_RUNS = 1000;
const DEFAULT_MAX_COMMANDS = 40;

interface FuzzFlags {
  readonly runs: number;
  readonly maxCommands: number;
  readonly seed?: number;
  readonly replay?: string;
  readonly impl?: string;
  readonly exec?: string;
  readonly stepTimeout: number;
  readonly startTimeout: number;
  readonly json?: boolean;
  readonly quiet?: boolean;
}

/**
 * The first run a replay may start at, excluded: fast-check reaches run n by
 * drawing the n runs before it, about a second per million, and a search
 * that long (hours at fuzz's speed) does not happen, so a larger number is
 * a mistyped path, not one to wait for.
 */
const MAX_REPLAY_RUN = 10_000_000;

function seedValue(value: string): number {
  const parsed = Number(value);
  if (!/^-?[0-9]+$/.test(value) || !Number.isSafeInteger(parsed) || Math.abs(parsed) > 0x7fffffff) {
    throw new InvalidArgumentError(`--seed takes an integer of at most 31 bits, not '${value}'`);
  }
  return parsed;
}

/** `child-spec fuzz`: random runs of whole systems, shrunk to minimal counterexamples. */
export const fuzzCommand: CommandModule = (program, context) => {
  const [stepTimeout, startTimeout] = timeoutOptions();
  program
    .command('fuzz')
    .description(
      'random runs of whole systems (1 to 4 clients, local, parent and child services, late answers, deaths), checked against a machine per session and per child and every invariant after every step; a failure shrinks to a minimal protocol trace',
    )
    .option('-n, --runs <n>', 'random runs to make', positiveInteger('--runs'), DEFAULT_RUNS)
    .option('--max-commands <n>', 'most steps per run', positiveInteger('--max-commands'), DEFAULT_MAX_COMMANDS)
    .option('--seed <n>', 'seed of the random runs (default: random, printed)', seedValue)
    .option('--replay <path>', 'replay one failure: the path a failure report prints (with its --seed and --max-commands)')
    .option('--impl <module>', 'fuzz the ImplementationUnderTest this JavaScript or TypeScript module exports (default export or `implementation`)')
    .option('--exec <command>', 'fuzz the implementation this command starts, over the process protocol of docs/implementing.md')
    .addOption(stepTimeout)
    .addOption(startTimeout)
    .option('--json', 'print only the verdict, as JSON, on standard output')
    .option('-q, --quiet', 'print no progress')
    .action(async (flags: FuzzFlags) => {
      context.exit(await fuzz(flags));
    });
};

async function fuzz(flags: FuzzFlags): Promise<ExitCode> {
  if (flags.replay !== undefined && !validReplay(flags.replay)) {
    throw new UsageError(`--replay takes the path a failure report prints (numbers joined by ':', then '@' and the commands' path), not '${flags.replay}'`);
  }
  if (flags.replay !== undefined && flags.seed === undefined) throw new UsageError('--replay needs the --seed of the failure it replays');
  const replayRun = flags.replay?.split(':')[0] ?? '0';
  if (Number(replayRun) >= MAX_REPLAY_RUN) {
    throw new UsageError(`--replay starts at run ${replayRun}, but a failure report's path starts below ${MAX_REPLAY_RUN}: copy the path from the report`);
  }
  const talk = !flags.json && !flags.quiet;
  const subject = await implementationSubject(flags);
  const name = subject?.implementation.name ?? 'reference';
  if (talk) process.stderr.write(`${pc.bold('child-spec fuzz')}: ${name} implementation\n`);

  let report: FuzzReport;
  try {
    report = await runFuzz({
      runs: flags.runs,
      maxCommands: flags.maxCommands,
      ...(flags.seed === undefined ? {} : { seed: flags.seed }),
      ...(flags.replay === undefined ? {} : { replay: flags.replay }),
      ...(subject ? { implementation: subject.implementation } : {}),
      replayCommand: (seed, path) => replayCommand(flags, seed, path),
      ...(talk ? { onProgress: fuzzProgress(process.stderr, flags.runs) } : {}),
    });
  } catch (error) {
    if (error instanceof ReplayMismatch) throw new UsageError(error.message);
    throw error;
  } finally {
    await subject?.release();
  }
  if (talk && process.stderr.isTTY) process.stderr.write('\n');
  process.stdout.write(flags.json ? `${JSON.stringify(fuzzJson(report))}\n` : renderFuzz(report, flags.replay));
  return report.ok ? EXIT.passed : EXIT.failed;
}

/** The command line that replays a failure on the same implementation. */
function replayCommand(flags: FuzzFlags, seed: number, path: string): string {
  return `child-spec fuzz${implementationFlag(flags)} --seed ${seed} --max-commands ${flags.maxCommands} --replay '${path}'`;
}

/** What `--json` prints: the verdict, and the failure with its trace. */
function fuzzJson(report: FuzzReport): unknown {
  const failure = report.failure;
  return {
    ok: report.ok,
    implementation: report.implementation,
    seed: report.seed,
    runs: report.runs,
    commands: report.commands,
    ms: Math.round(report.ms),
    failure: failure
      ? {
          kind: failure.failure.kind,
          step: failure.failure.step,
          reason: failure.failure.reason,
          invariant: failure.failure.invariant,
          details: failure.failure.details,
          system: describeShape(failure.shape),
          path: failure.path,
          steps: failure.trace,
          replay: failure.replay,
        }
      : null,
  };
}

function renderFuzz(report: FuzzReport, replay: string | undefined): string {
  const seconds = report.ms / 1000;
  const rate = seconds > 0 ? Math.round(report.commands / seconds) : 0;
  const lines = [
    `runs ${report.runs}, steps ${report.commands}, ${seconds.toFixed(1)} s (${rate} steps/s), seed ${report.seed}`,
  ];
  if (replay !== undefined && report.ok) lines.push(`the replayed run '${replay}' passes: what failed there holds now`);
  const failure = report.failure;
  if (failure) {
    lines.unshift(
      pc.red(`FAILED fuzz, seed ${failure.seed}, path ${failure.path}`),
      `  system: ${describeShape(failure.shape)}; ${failure.actions.length} step(s), shrunk from ${failure.shrunkSteps}`,
      ...traceLines(failure.failure, failure.trace),
      `  replay: ${failure.replay}`,
      '',
    );
  }
  lines.push(report.ok ? pc.green('PASSED') : pc.red('FAILED'));
  return `${lines.join('\n')}\n`;
}

/** Progress on standard error: one line rewritten on a terminal, a line per tenth of the runs elsewhere. */
function fuzzProgress(stream: NodeJS.WriteStream, runs: number): (progress: FuzzProgress) => void {
  let tenth = 0;
  return (progress) => {
    const rate = progress.ms > 0 ? Math.round(progress.commands / (progress.ms / 1000)) : 0;
    const line = `  fuzz: ${progress.phase}, ${progress.runs} runs, ${progress.commands} steps, ${rate} steps/s`;
    if (stream.isTTY) {
      stream.write(`\r${line}\u001b[K`);
      return;
    }
    const reached = Math.floor((10 * progress.runs) / runs);
    if (progress.phase !== 'searching' || reached > tenth) {
      tenth = reached;
      stream.write(`${line}\n`);
    }
  };
}

/* ------------------------------------------------------------ the implementation under test */

/** An implementation named on the command line, and how to let go of it. */
export interface Subject {
  readonly implementation: ImplementationUnderTest;
  release(): Promise<void>;
}

/**
 * The implementation `--impl` or `--exec` names, guarded by the step
 * timeout; null for the reference, which `fuzz` and `explore` drive
 * through its synchronous core. An `--impl` module runs in a worker thread,
 * terminated when a call hangs or the command ends; an `--exec` process is
 * killed when the command ends, however it ends.
 *
 * Limitation: `check` keeps its own, fuller version of this (an interrupt
 * kills the process and still writes reports); moving it to a module of
 * `cli/` would let all three share it.
 */
export async function implementationSubject(flags: {
  readonly impl?: string;
  readonly exec?: string;
  readonly stepTimeout: number;
  readonly startTimeout: number;
}): Promise<Subject | null> {
  if (flags.impl !== undefined && flags.exec !== undefined) throw new UsageError('--impl and --exec exclude each other: choose one');
  if (flags.impl !== undefined) return startModule(flags.impl, flags);
  if (flags.exec === undefined) return null;
  const command = flags.exec;
  const spawned = ProcessImplementation.spawn({ command, stepTimeoutMs: flags.stepTimeout, startTimeoutMs: flags.startTimeout });
  if (spawned.kind === 'notStarted') throw new UsageError(`cannot run --exec ${JSON.stringify(command)}: ${spawned.reason}`);
  const implementation = spawned.implementation;
  const onExit = (): void => implementation.killNow();
  process.on('exit', onExit);
  const release = async (): Promise<void> => {
    await implementation.close();
    process.off('exit', onExit);
  };
  const handshake = await implementation.handshake();
  if (handshake.kind === 'notStarted') {
    await release();
    throw new UsageError(`cannot run --exec ${JSON.stringify(command)}: ${handshake.reason}`);
  }
  return { implementation, release };
}
