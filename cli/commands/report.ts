import { prepareOutDir } from '../outDir.ts';
import { readReportInput, ReportInputError, type ReportInput } from '../../reports/reportInput.ts';
import { writeReport } from '../../reports/report.ts';
import { EXIT, type ExitCode } from '../exitCodes.ts';
import { UsageError, type CommandModule } from '../usage.ts';

const DEFAULT_DIRECTORY = 'reports/out';

interface ReportFlags {
  readonly in: string;
  readonly out: string;
  readonly junit?: string;
}

/** `child-spec report`: the HTML report, Markdown summary and JUnit XML of the last check. */
export const reportCommand: CommandModule = (program, context) => {
  program
    .command('report')
    .description(
      'turn the last check (check.json, and mutants.json if there) into report.html (statecharts coloured by coverage, ' +
        'traces, invariants, fault catalog, paths; needs no network) and report.md beside it, and JUnit XML with --junit',
    )
    .option('-i, --in <dir>', 'where check.json (and mutants.json) are', DEFAULT_DIRECTORY)
    .option('-o, --out <dir>', 'where report.html and report.md go', DEFAULT_DIRECTORY)
    .option('--junit <file>', 'also write JUnit XML here: a test case per path (and per faulty variant)')
    .action(async (flags: ReportFlags) => {
      context.exit(await report(flags));
    });
};

async function report(flags: ReportFlags): Promise<ExitCode> {
  const input = await readInput(flags.in);
  await prepareOutDir(flags.out);
  const written = await writeReport(input, { out: flags.out, ...(flags.junit !== undefined ? { junit: flags.junit } : {}) });
  for (const file of written) process.stdout.write(`${file}\n`);
  return EXIT.passed;
}

/** The check (and fault-catalog) report; a missing or unusable one is the user's to fix, so a usage error. */
async function readInput(directory: string): Promise<ReportInput> {
  try {
    return await readReportInput(directory);
  } catch (error) {
    if (error instanceof ReportInputError) throw new UsageError(error.message, { cause: error });
    throw error;
  }
}
