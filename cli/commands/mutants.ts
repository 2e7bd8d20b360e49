import { prepareOutDir } from '../outDir.ts';
import pc from 'picocolors';

import { findVariant, VARIANTS, type Variant } from '../../faults/catalog.ts';
import { PatchError } from '../../faults/load.ts';
import {
  mutantsSummary,
  runMutants,
  writeMutantsReport,
  type MutantResult,
  type MutantsProgress,
  type MutantsReport,
} from '../../faults/mutants.ts';
import { EXIT, type ExitCode } from '../exitCodes.ts';
import { UsageError, type CommandModule } from '../usage.ts';

const DEFAULT_OUT = 'reports/out';

interface MutantsFlags {
  readonly variant?: string;
  readonly list?: boolean;
  readonly json?: boolean;
  readonly quiet?: boolean;
  readonly out: string;
}

/** `child-spec mutants`: the checker against every faulty variant of the reference implementation. */
export const mutantsCommand: CommandModule = (program, context) => {
  program
    .command('mutants')
    .description(
      'check every variant of the catalog of faulty implementations; each must be caught (killed)',
    )
    .option('--variant <name>', 'check only this variant (as listed by --list)')
    .option('--list', 'list the variants and their faults, and check nothing')
    .option('--json', 'print only the verdict (with --list, the variants), as JSON, on standard output')
    .option('-q, --quiet', 'print no progress')
    .option('-o, --out <dir>', 'where mutants.json goes', DEFAULT_OUT)
    .action(async (flags: MutantsFlags) => {
      context.exit(flags.list ? list(flags) : await mutants(flags));
    });
};

/** `--list`: the variants' names and faults, as text or JSON; checks nothing. */
function list(flags: MutantsFlags): ExitCode {
  const shown = chosen(flags.variant);
  if (flags.json) {
    const entries = shown.map(({ name, description, file }) => ({ name, description, file }));
    process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
    return EXIT.passed;
  }
  const width = Math.max(...shown.map((variant) => variant.name.length));
  for (const variant of shown) process.stdout.write(`${variant.name.padEnd(width)}  ${variant.description}\n`);
  process.stdout.write(`${variantCount(shown.length)}\n`);
  return EXIT.passed;
}

/** Checks the chosen variants, writes `mutants.json`, and prints the table or the JSON verdict. */
async function mutants(flags: MutantsFlags): Promise<ExitCode> {
  const variants = chosen(flags.variant);
  await prepareOutDir(flags.out);
  const talk = !flags.json && !flags.quiet;
  if (talk) process.stderr.write(`${pc.bold('child-spec mutants')}: ${variantCount(variants.length)}\n`);

  let report: MutantsReport;
  try {
    report = await runMutants({ variants: variants, ...(talk ? { onProgress: progressLine } : {}) });
  } catch (error) {
    if (!(error instanceof PatchError)) throw error;
    process.stderr.write(`child-spec: ${error.message}: the catalog is out of date with impl/\n`);
    return EXIT.failed;
  }
  const written = await writeMutantsReport(report, flags.out);

  if (flags.json) {
    process.stdout.write(`${JSON.stringify(mutantsSummary(report))}\n`);
  } else {
    process.stdout.write(renderMutants(report, written));
  }
  return mutantsExitCode(report);
}

/** The named variant alone, or the whole catalog; an unknown name is a usage error. */
function chosen(name: string | undefined): readonly Variant[] {
  if (name === undefined) return VARIANTS;
  const variant = findVariant(name);
  if (variant === undefined) {
    throw new UsageError(`unknown variant '${name}': run \`child-spec mutants --list\` to list them`);
  }
  return [variant];
}

/** One line on standard error per variant checked. */
function progressLine(progress: MutantsProgress): void {
  if (progress.kind === 'start') return;
  const { index, total, result } = progress;
  const verdict = result.killed
    ? `killed by ${result.by} at step ${result.steps} of ${result.path}`
    : pc.red(`survived ${result.paths} paths`);
  process.stderr.write(`  [${index + 1}/${total}] ${result.name}: ${verdict} (${result.ms} ms)\n`);
}

/** Exit 0 only when every variant was killed (and there was one). */
export function mutantsExitCode(report: MutantsReport): ExitCode {
  return report.total > 0 && report.killed === report.total ? EXIT.passed : EXIT.failed;
}

/** The table of variants, the totals, where the report went, and the verdict. */
export function renderMutants(report: MutantsReport, written: string): string {
  const width = Math.max('variant'.length, ...report.variants.map((result) => result.name.length));
  const byWidth = Math.max('by'.length, ...report.variants.map((result) => (result.by ?? '-').length));
  const row = (name: string, caught: string, by: string, steps: string, ms: string): string =>
    `${name.padEnd(width)}  ${caught.padEnd(6)}  ${by.padEnd(byWidth)}  ${steps.padStart(5)}  ${ms.padStart(6)}`;
  const lines = [row('variant', 'caught', 'by', 'steps', 'ms')];
  for (const result of report.variants) lines.push(tableRow(result, row));

  const survivors = report.variants.filter((result) => !result.killed).map((result) => result.name);
  lines.push(
    `${variantCount(report.total)}, ${report.killed} killed, ${survivors.length} survived, ${(report.ms / 1000).toFixed(1)} s`,
    `report: ${written}`,
    survivors.length === 0 ? pc.green('ALL KILLED') : pc.red(`SURVIVED: ${survivors.join(', ')}`),
  );
  return `${lines.join('\n')}\n`;
}

function tableRow(
  result: MutantResult,
  row: (name: string, caught: string, by: string, steps: string, ms: string) => string,
): string {
  return result.killed
    ? row(result.name, 'yes', result.by ?? '-', String(result.steps), String(result.ms))
    : pc.red(row(result.name, 'NO', '-', '-', String(result.ms)));
}

/** `1 variant`, `20 variants`. */
function variantCount(count: number): string {
  return `${count} variant${count === 1 ? '' : 's'}`;
}
