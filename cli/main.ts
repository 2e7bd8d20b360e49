/**
 * `child-spec`: the command line. The only module that prints; it turns
 * results into text and exit codes and leaves the work to the library.
 */
import { readFileSync } from 'node:fs';

import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import pc from 'picocolors';

import { referenceImplementation } from '../impl/reference.ts';
import { listPaths, runCheck, type CheckReport } from '../models/check.ts';
import { isMachineName, MACHINE_NAMES, type MachineName } from '../models/registry.ts';
import { failureTrace, summaryOf, writeCheckReports } from '../reports/checkReport.ts';
import { EXIT, type ExitCode } from './exitCodes.ts';
import { progressReporter } from './progress.ts';

const DEFAULT_OUT = 'reports/out';
/** Failures shown in full in the text output; the reports hold all of them. */
const SHOWN_FAILURES = 5;

/** A command line that cannot run; its message is the one line the user sees. */
class UsageError extends Error {}

interface CheckFlags {
  readonly machine?: MachineName[];
  readonly path?: string;
  readonly json?: boolean;
  readonly quiet?: boolean;
  readonly out: string;
}

interface PathsFlags {
  readonly machine?: MachineName[];
  readonly json?: boolean;
}

function version(): string {
  const manifest: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  return typeof manifest === 'object' && manifest !== null && 'version' in manifest ? String(manifest.version) : '0.0.0';
}

/** Parses `--machine a,b` (repeatable) into known machine names. */
function machineList(value: string, previous: MachineName[] | undefined): MachineName[] {
  const names = value.split(',').map((name) => name.trim()).filter((name) => name.length > 0);
  for (const name of names) {
    if (!isMachineName(name)) {
      throw new InvalidArgumentError(`unknown machine '${name}': choose ${MACHINE_NAMES.join(' or ')}`);
    }
  }
  return [...(previous ?? []), ...names.filter(isMachineName)];
}

function machineOption(): Option {
  return new Option('-m, --machine <names>', `machines to use, comma-separated (${MACHINE_NAMES.join(', ')}); default all`).argParser(
    machineList,
  );
}

/** Runs `child-spec` with `args`; returns the exit code. */
export async function main(args: readonly string[]): Promise<ExitCode> {
  let exitCode: ExitCode = EXIT.passed;
  const program = new Command('child-spec')
    .description('Executable specification and conformance checker of the Genode parent/child session protocol')
    .version(version(), '-V, --version')
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, outputError: () => undefined })
    .showSuggestionAfterError(true);

  program
    .command('check')
    .description('replay every generated path of the statecharts on the reference implementation, checking every quota invariant after every step')
    .addOption(machineOption())
    .option('-p, --path <id>', 'replay only this path (as listed by `child-spec paths`, e.g. session#12)')
    .option('--json', 'print only the summary, as JSON, on standard output')
    .option('-q, --quiet', 'print no progress')
    .option('-o, --out <dir>', 'where check.json and check.md go', DEFAULT_OUT)
    .exitOverride()
    .action(async (flags: CheckFlags) => {
      exitCode = await check(flags);
    });

  program
    .command('paths')
    .description('list the generated test paths, titled by their event chains')
    .addOption(machineOption())
    .option('--json', 'print the paths as JSON')
    .exitOverride()
    .action((flags: PathsFlags) => {
      exitCode = paths(flags);
    });

  for (const command of program.commands) command.configureOutput({ writeErr: () => undefined, outputError: () => undefined });

  try {
    if (args.length === 0) throw new UsageError('no command given: try `child-spec check` or `child-spec --help`');
    await program.parseAsync([...args], { from: 'user' });
    return exitCode;
  } catch (error) {
    return reportError(error);
  }
}

function reportError(error: unknown): ExitCode {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') {
      return EXIT.passed;
    }
    const message = error.message.replace(/^error: /, '').split('\n')[0] ?? error.message;
    process.stderr.write(`child-spec: ${message} (see child-spec --help)\n`);
    return EXIT.usage;
  }
  if (error instanceof UsageError) {
    process.stderr.write(`child-spec: ${error.message}\n`);
    return EXIT.usage;
  }
  throw error;
}

async function check(flags: CheckFlags): Promise<ExitCode> {
  const talk = !flags.json && !flags.quiet;
  const implementation = referenceImplementation;
  if (flags.path !== undefined && !listPaths(flags.machine).some((path) => path.id === flags.path)) {
    throw new UsageError(`no path '${flags.path}': run \`child-spec paths\` to list them`);
  }
  if (talk) process.stderr.write(`${pc.bold('child-spec check')}: ${implementation.name} implementation\n`);

  const report = await runCheck({
    implementation,
    machines: flags.machine ?? [],
    ...(flags.path !== undefined ? { pathId: flags.path } : {}),
    replayCommand: (pathId) => `child-spec check --path ${pathId}`,
    ...(talk ? { onProgress: progressReporter(process.stderr) } : {}),
  });
  const written = await writeCheckReports(report, flags.out);

  if (flags.json) {
    process.stdout.write(`${JSON.stringify(summaryOf(report))}\n`);
  } else {
    process.stdout.write(renderCheck(report, written));
  }
  return report.ok ? EXIT.passed : EXIT.failed;
}

function renderCheck(report: CheckReport, written: readonly string[]): string {
  const lines: string[] = [];
  for (const failure of report.failures.slice(0, SHOWN_FAILURES)) {
    lines.push(pc.red(`FAILED ${failure.path}`), ...failureTrace(failure), '');
  }
  if (report.failures.length > SHOWN_FAILURES) {
    lines.push(`… and ${report.failures.length - SHOWN_FAILURES} more failures, all in ${written.join(' and ')}`, '');
  }
  for (const machine of report.machines) {
    const { states, transitions } = machine.coverage;
    lines.push(
      `  ${machine.name.padEnd(8)} ${String(machine.paths).padStart(4)} paths  ${String(machine.passed).padStart(4)} passed  ` +
        `${String(machine.steps).padStart(5)} steps  states ${states.covered}/${states.total}  transitions ${transitions.covered}/${transitions.total}`,
    );
  }
  lines.push(
    `paths ${report.paths}, steps ${report.steps}, states ${report.states.covered}/${report.states.total}, ` +
      `transitions ${report.transitions.covered}/${report.transitions.total}, invariant checks ${report.invariantChecks}, ` +
      `failures ${report.failures.length}, ${(report.ms / 1000).toFixed(1)} s`,
    `reports: ${written.join(', ')}`,
    report.ok ? pc.green('PASSED') : pc.red('FAILED'),
  );
  return `${lines.join('\n')}\n`;
}

function paths(flags: PathsFlags): ExitCode {
  const all = listPaths(flags.machine);
  if (flags.json) {
    const shown = all.map((path) => ({ id: path.id, machine: path.machine, events: path.events, title: path.title }));
    process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
  } else {
    for (const path of all) process.stdout.write(`${path.id.padEnd(12)} ${path.title}\n`);
    process.stdout.write(`${all.length} paths\n`);
  }
  return EXIT.passed;
}

/* Run directly (`tsx cli/main.ts …`, as `npm start` does): same as the installed bin. */
if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await main(process.argv.slice(2));
}
