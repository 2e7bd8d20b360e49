import { mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import { InvalidArgumentError, Option } from 'commander';

import { MACHINE_NAMES, type MachineName } from '../../models/registry.ts';
import { chartOf } from '../../reports/chart.ts';
import {
  DIAGRAM_EXTENSIONS,
  DIAGRAM_FORMATS,
  isDiagramFormat,
  renderDiagram,
  type DiagramFormat,
} from '../../reports/diagram.ts';
import { EXIT, type ExitCode } from '../exitCodes.ts';
import { machineOption, UsageError, type CommandModule } from '../usage.ts';

interface DiagramFlags {
  readonly machine?: MachineName[];
  readonly format: DiagramFormat;
  readonly out?: string;
}

/** Formats that can go to standard output for several machines at once: text, one diagram after the other. */
const CONCATENABLE: readonly DiagramFormat[] = ['mermaid', 'dot'];

/** `child-spec diagram`: each statechart as Mermaid, DOT, SVG, SCXML or its XState JSON. */
export const diagramCommand: CommandModule = (program, context) => {
  program
    .command('diagram')
    .description('draw the statecharts: Mermaid, Graphviz DOT, SVG (Graphviz in WebAssembly), SCXML, or XState JSON')
    .addOption(machineOption())
    .addOption(
      new Option('-f, --format <format>', `one of ${DIAGRAM_FORMATS.join(', ')}`).argParser(formatName).makeOptionMandatory(),
    )
    .option(
      '-o, --out <file>',
      'write to this file instead of standard output; with several machines (or a path ending in /) a directory ' +
        'that gets one <machine>.<ext> per machine. svg, scxml and json of several machines need --out or a single --machine',
    )
    .action(async (flags: DiagramFlags) => {
      context.exit(await diagram(flags));
    });
};

function formatName(value: string): DiagramFormat {
  if (!isDiagramFormat(value)) throw new InvalidArgumentError(`unknown format '${value}': choose ${DIAGRAM_FORMATS.join(', ')}`);
  return value;
}

async function diagram(flags: DiagramFlags): Promise<ExitCode> {
  const machines = flags.machine && flags.machine.length > 0 ? [...new Set(flags.machine)] : [...MACHINE_NAMES];
  if (flags.out === undefined) return toStandardOutput(machines, flags.format);
  if (flags.out.trim() === '') throw new UsageError('--out needs a file or folder name; leave it out to print to standard output');

  const intoDirectory = machines.length > 1 || flags.out.endsWith('/') || (await isDirectory(flags.out));
  for (const name of machines) {
    const file = intoDirectory ? join(flags.out, `${name}.${DIAGRAM_EXTENSIONS[flags.format]}`) : flags.out;
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, await renderDiagram(chartOf(name), flags.format));
    process.stdout.write(`${file}\n`);
  }
  return EXIT.passed;
}

async function toStandardOutput(machines: readonly MachineName[], format: DiagramFormat): Promise<ExitCode> {
  if (machines.length > 1 && !CONCATENABLE.includes(format)) {
    throw new UsageError(`${format} of several machines needs --out <directory> or one --machine (${MACHINE_NAMES.join(', ')})`);
  }
  const drawn = await Promise.all(machines.map((name) => renderDiagram(chartOf(name), format)));
  process.stdout.write(drawn.join('\n'));
  return EXIT.passed;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return false;
    throw error;
  }
}
