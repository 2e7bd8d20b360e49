import pc from 'picocolors';

import { referenceImplementation } from '../../impl/reference.ts';
import { listPaths, runCheck, type CheckReport } from '../../models/check.ts';
import type { MachineName } from '../../models/registry.ts';
import { failureTrace, summaryOf, writeCheckReports } from '../../reports/checkReport.ts';
import { EXIT, type ExitCode } from '../exitCodes.ts';
import { progressReporter } from '../progress.ts';
import { machineOption, UsageError, type CommandModule } from '../usage.ts';

const DEFAULT_OUT = 'reports/out';
/** Failures shown in full in the text output; the reports hold all of them. */
const SHOWN_FAILURES = 5;

interface CheckFlags {
  readonly machine?: MachineName[];
  readonly path?: string;
  readonly json?: boolean;
  readonly quiet?: boolean;
  readonly out: string;
}

/** `child-spec check`: every generated path replayed with every invariant. */
export const checkCommand: CommandModule = (program, context) => {
  program
    .command('check')
    .description(
      'replay every generated path of the statecharts on the reference implementation, checking every quota invariant after every step',
    )
    .addOption(machineOption())
    .option('-p, --path <id>', 'replay only this path (as listed by `child-spec paths`, e.g. session#12)')
    .option('--json', 'print only the summary, as JSON, on standard output')
    .option('-q, --quiet', 'print no progress')
    .option('-o, --out <dir>', 'where check.json and check.md go', DEFAULT_OUT)
    .action(async (flags: CheckFlags) => {
      context.exit(await check(flags));
    });
};

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
