import { readFileSync } from 'node:fs';

import pc from 'picocolors';

import { PROCESS_OUTCOMES } from '../../impl/contract.ts';
import { ENV_MODES } from '../../machines/child.ts';
import type { ExploreConfig, ExploreProgress, ExploreReport } from '../../models/explore.ts';
import { runExplore } from '../../models/explore.ts';
import { configFlags, configFromJson, exploreConfig, type ConfigInput } from '../../models/exploreConfig.ts';
import { traceLines } from '../../models/exploreRun.ts';
import { describeShape } from '../../models/exploreSystem.ts';
import type { StuckSummary } from '../../models/exploreStuck.ts';
import { EXIT, type ExitCode } from '../exitCodes.ts';
import { implementationFlag, positiveInteger, timeoutOptions, UsageError, type CommandModule } from '../usage.ts';
import { implementationSubject } from './fuzz.ts';


interface ExploreFlags {
  readonly config?: string;
  readonly clients?: number;
  readonly servers?: string[];
  readonly sessions?: number;
  readonly quotaLevels?: number;
  readonly answers?: string[];
  readonly responses?: string[];
  readonly outOfTurn?: boolean;
  readonly upgrades?: boolean;
  readonly sigh?: boolean;
  readonly unrouted?: boolean;
  readonly childEvents?: string[];
  readonly late?: string;
  readonly lateProcess?: string;
  readonly maxStates?: number;
  readonly maxDepth?: number;
  readonly symmetry: boolean;
  readonly impl?: string;
  readonly exec?: string;
  readonly stepTimeout: number;
  readonly startTimeout: number;
  readonly json?: boolean;
  readonly quiet?: boolean;
}

/** `a,b,c` as a list; `none` as the empty list. */
function list(value: string): string[] {
  return value === 'none' ? [] : value.split(',').map((item) => item.trim());
}

/** `child-spec explore`: every reachable state of a bounded system, breadth first. */
export const exploreCommand: CommandModule = (program, context) => {
  const [stepTimeout, startTimeout] = timeoutOptions();
  program
    .command('explore')
    .description(
      'visit every state of a bounded system breadth first (interchangeable clients as one), checking every step against the machines and every invariant; report the shortest failing trace and the states where a session is stuck',
    )
    .option('--config <file>', 'a JSON file with any of the settings below (clients, servers, sessions, quotaLevels, answers, responses, outOfTurn, upgrades, sigh, unrouted, childEvents, late, lateProcess, maxStates, maxDepth, symmetry); flags override it')
    .option('--clients <n>', 'clients, alike but for their names (default 2)', positiveInteger('--clients'))
    .option('--servers <kinds>', 'the services clients use, comma-separated: local, parent, child, cpu (the parent\'s CPU service) (default local,child)', list)
    .option('--sessions <n>', 'sessions per client at a time (default 2)', positiveInteger('--sessions'))
    .option('--quota-levels <n>', 'request sizes: 1 small; 2 adds one larger than half a client owns; 3 below the session cost; 4 more caps than a client owns; 5 an invalid argument string (default 1)', positiveInteger('--quota-levels'))
    .option('--answers <list>', 'what local and parent services answer: ok, denied, insufficientRam, insufficientCaps, outOfRam, outOfCaps (default ok,denied)', list)
    .option('--responses <list>', 'what serving children answer: cap, ok, closed, denied, insufficientRam, insufficientCaps (default cap,ok,closed,denied)', list)
    .option('--out-of-turn', 'let servers also answer what a session does not ask for (a cap to a close, ...)')
    .option('--upgrades', 'let clients upgrade sessions')
    .option('--sigh', 'let clients install a session signal handler')
    .option('--unrouted', 'let clients request a service no route leads to')
    .option('--child-events <list>', "child-machine events every child takes part in, or 'none' (default destroy)", list)
    .option('--late <set-up>', `a child built by a step, set up as one of ${ENV_MODES.join(', ')} (child: its binary from the first serving child)`)
    .option('--late-process <outcome>', `how the late child's process start ends: ${PROCESS_OUTCOMES.join(', ')} (default ok)`)
    .option('--max-states <n>', 'stop once this many distinct states are known', positiveInteger('--max-states'))
    .option('--max-depth <n>', 'do not expand states this many steps from the start', positiveInteger('--max-depth'))
    .option('--no-symmetry', 'tell interchangeable clients apart')
    .option('--impl <module>', 'explore the ImplementationUnderTest this module exports (each state is rebuilt by replaying its path)')
    .option('--exec <command>', 'explore the implementation this command starts, over the process protocol')
    .addOption(stepTimeout)
    .addOption(startTimeout)
    .option('--json', 'print only the verdict, as JSON, on standard output')
    .option('-q, --quiet', 'print no progress')
    .action(async (flags: ExploreFlags) => {
      context.exit(await explore(flags));
    });
};

/** The configuration: the file's settings, then the flags'. */
function chosenConfig(flags: ExploreFlags): ExploreConfig {
  const fromFile = flags.config === undefined ? {} : readConfig(flags.config);
  const fromFlags: ConfigInput = {
    ...(flags.clients === undefined ? {} : { clients: flags.clients }),
    ...(flags.servers === undefined ? {} : { servers: flags.servers }),
    ...(flags.sessions === undefined ? {} : { sessions: flags.sessions }),
    ...(flags.quotaLevels === undefined ? {} : { quotaLevels: flags.quotaLevels }),
    ...(flags.answers === undefined ? {} : { answers: flags.answers }),
    ...(flags.responses === undefined ? {} : { responses: flags.responses }),
    ...(flags.outOfTurn === undefined ? {} : { outOfTurn: flags.outOfTurn }),
    ...(flags.upgrades === undefined ? {} : { upgrades: flags.upgrades }),
    ...(flags.sigh === undefined ? {} : { sigh: flags.sigh }),
    ...(flags.unrouted === undefined ? {} : { unrouted: flags.unrouted }),
    ...(flags.childEvents === undefined ? {} : { childEvents: flags.childEvents }),
    ...(flags.late === undefined ? {} : { late: flags.late }),
    ...(flags.lateProcess === undefined ? {} : { lateProcess: flags.lateProcess }),
    ...(flags.maxStates === undefined ? {} : { maxStates: flags.maxStates }),
    ...(flags.maxDepth === undefined ? {} : { maxDepth: flags.maxDepth }),
    ...(flags.symmetry ? {} : { symmetry: false }),
  };
  const result = exploreConfig({ ...fromFile, ...fromFlags });
  if (!result.ok) throw new UsageError(result.problem);
  return result.config;
}

function readConfig(file: string): ConfigInput {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --config ${file}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--config ${file} is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = configFromJson(json);
  if (!parsed.ok) throw new UsageError(`--config ${file}: ${parsed.problem}`);
  return parsed.input;
}

async function explore(flags: ExploreFlags): Promise<ExitCode> {
  const config = chosenConfig(flags);
  const talk = !flags.json && !flags.quiet;
  const subject = await implementationSubject(flags);
  const name = subject?.implementation.name ?? 'reference';
  if (talk) process.stderr.write(`${pc.bold('child-spec explore')}: ${name} implementation, ${describeConfig(config)}\n`);

  let report: ExploreReport;
  try {
    report = await runExplore({
      config,
      ...(subject ? { implementation: subject.implementation } : {}),
      ...(talk ? { onProgress: exploreProgress(process.stderr) } : {}),
    });
  } finally {
    await subject?.release();
  }
  if (talk && process.stderr.isTTY) process.stderr.write('\n');
  const replay = replayCommand(flags, config);
  process.stdout.write(flags.json ? `${JSON.stringify(exploreJson(report, replay))}\n` : renderExplore(report, replay));
  return report.ok ? EXIT.passed : EXIT.failed;
}

function replayCommand(flags: ExploreFlags, config: ExploreConfig): string {
  return `child-spec explore${implementationFlag(flags)} ${configFlags(config)}`;
}

function describeConfig(config: ExploreConfig): string {
  const { vocabulary } = config;
  return [
    describeShape(config.shape),
    `requests ${vocabulary.levels.join(' ')}`,
    `answers ${vocabulary.answers.join(' ')}`,
    `responses ${vocabulary.responses.join(' ')}${vocabulary.outOfTurn ? ' (also out of turn)' : ''}`,
    `child events ${vocabulary.childActions.join(' ') || 'none'}`,
    ...(vocabulary.upgrades ? ['upgrades'] : []),
    ...(vocabulary.sigh ? ['signal handlers'] : []),
  ].join('; ');
}

/** What `--json` prints. */
function exploreJson(report: ExploreReport, replay: string): unknown {
  return {
    ok: report.ok,
    complete: report.complete,
    implementation: report.implementation,
    distinct: report.distinct,
    transitions: report.transitions,
    depth: report.depth,
    ms: Math.round(report.ms),
    bytesPerState: report.bytesPerState,
    stuck: report.stuck,
    failure: report.failure
      ? { ...report.failure.failure, steps: report.failure.trace, replay }
      : null,
  };
}

function renderExplore(report: ExploreReport, replay: string): string {
  const seconds = report.ms / 1000;
  const rate = seconds > 0 ? Math.round(report.distinct / seconds) : 0;
  const lines: string[] = [];
  if (report.failure) {
    lines.push(pc.red(`FAILED explore, shortest failing trace (${report.failure.actions.length} steps)`));
    lines.push(...traceLines(report.failure.failure, report.failure.trace), `  replay: ${replay}`, '');
  }
  lines.push(
    `distinct states ${report.distinct}, transitions ${report.transitions}, depth ${report.depth}, ` +
      `${seconds.toFixed(1)} s (${rate} states/s), heap ${(report.heapBytes / 1024 / 1024).toFixed(1)} MiB (${report.bytesPerState} bytes/state)`,
  );
  lines.push(...stuckLines(report.stuck));
  if (!report.complete && !report.failure) lines.push(pc.yellow('INCOMPLETE: a bound (--max-states, --max-depth) stopped the search'));
  lines.push(report.ok ? pc.green('PASSED') : pc.red('FAILED'));
  return `${lines.join('\n')}\n`;
}

function stuckLines(stuck: StuckSummary): string[] {
  if (!stuck.analysed) return ['stuck states: not analysed (the search did not complete)'];
  if (stuck.states === 0) return ['stuck states: none'];
  const lines = [
    `stuck states: ${stuck.states}: ${stuck.quirks} the seed's quirk (a failed session whose client let go of it keeps its quota at the server)` +
      (stuck.unexpected > 0 ? `, ${pc.red(`${stuck.unexpected} unexpected`)}` : ''),
  ];
  for (const example of stuck.examples) {
    lines.push(`  nearest ${example.kind === 'quirk' ? 'quirk' : pc.red('unexpected')} stuck state, at depth ${example.depth}:`);
    for (const step of example.path) lines.push(`    ${step}`);
    for (const session of example.sessions) lines.push(`    leaves ${session}`);
  }
  return lines;
}

/** Progress on standard error: one line rewritten on a terminal, a line every few seconds elsewhere. */
function exploreProgress(stream: NodeJS.WriteStream): (progress: ExploreProgress) => void {
  let last = 0;
  return (progress) => {
    const rate = progress.ms > 0 ? Math.round(progress.distinct / (progress.ms / 1000)) : 0;
    const line =
      `  explore: ${progress.expanded} states expanded, ${progress.distinct} distinct, queue ${progress.queue}, ` +
      `${progress.transitions} transitions, depth ${progress.depth}, ${rate} states/s`;
    if (stream.isTTY) {
      stream.write(`\r${line}\u001b[K`);
      return;
    }
    if (progress.ms - last >= 5000 || progress.queue === 0) {
      last = progress.ms;
      stream.write(`${line}\n`);
    }
  };
}
