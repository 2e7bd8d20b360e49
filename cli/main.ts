/**
 * `child-spec`: the command line. The only part of the project that prints;
 * each command lives in `cli/commands/` and turns results into text and an
 * exit code, leaving the work to the library.
 */
import { readFileSync } from 'node:fs';

import { Command, CommanderError } from 'commander';

import { checkCommand } from './commands/check.ts';
import { diagramCommand } from './commands/diagram.ts';
import { exploreCommand } from './commands/explore.ts';
import { fuzzCommand } from './commands/fuzz.ts';
import { mutantsCommand } from './commands/mutants.ts';
import { pathsCommand } from './commands/paths.ts';
import { reportCommand } from './commands/report.ts';
import { serveCommand } from './commands/serve.ts';
import { EXIT, type ExitCode } from './exitCodes.ts';
import { UsageError, type CommandModule } from './usage.ts';

/** Every command, in the order `--help` lists them. */
const COMMANDS: readonly CommandModule[] = [
  checkCommand,
  pathsCommand,
  fuzzCommand,
  exploreCommand,
  mutantsCommand,
  serveCommand,
  diagramCommand,
  reportCommand,
];

function version(): string {
  const manifest: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  return typeof manifest === 'object' && manifest !== null && 'version' in manifest ? String(manifest.version) : '0.0.0';
}

/** Runs `child-spec` with `args`; returns the exit code. */
export async function main(args: readonly string[]): Promise<ExitCode> {
  let exitCode: ExitCode = EXIT.passed;
  const program = new Command('child-spec')
    .description('Executable specification and conformance checker of the Genode parent/child session protocol')
    .version(version(), '-V, --version')
    .showSuggestionAfterError(true);
  for (const register of COMMANDS) register(program, { exit: (code) => (exitCode = code) });

  /* Commander's own messages are replaced by one line in reportError, for every command. */
  for (const command of [program, ...program.commands]) {
    command.exitOverride().configureOutput({ writeErr: () => undefined, outputError: () => undefined });
  }

  stopQuietlyWhenTheReaderLeaves();
  try {
    if (args.length === 0) throw new UsageError('no command given: try `child-spec check` or `child-spec --help`');
    await program.parseAsync([...args], { from: 'user' });
    return exitCode;
  } catch (error) {
    return reportError(error);
  }
}

/** A reader that stops early (`child-spec paths | head`) is no error: stop without a word. */
function stopQuietlyWhenTheReaderLeaves(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') process.stderr.write(`child-spec: cannot write the output (${error.code ?? error.message})\n`);
    process.exit(error.code === 'EPIPE' ? EXIT.passed : EXIT.failed);
  });
}

function reportError(error: unknown): ExitCode {
  if (error instanceof CommanderError) {
    if (['commander.helpDisplayed', 'commander.version'].includes(error.code)) return EXIT.passed;
    if (error.code === 'commander.help') {
      if (error.exitCode === 0) return EXIT.passed;
      process.stderr.write('child-spec: no help for an unknown command (see child-spec --help)\n');
      return EXIT.usage;
    }
    const message = error.message.replace(/^error: /, '').split('\n')[0] ?? error.message;
    process.stderr.write(`child-spec: ${message} (see child-spec --help)\n`);
    return EXIT.usage;
  }
  if (error instanceof UsageError) {
    process.stderr.write(`child-spec: ${error.message}\n`);
    return EXIT.usage;
  }
  if (isFileError(error)) {
    const why = FILE_ERRORS[error.code] ?? error.code;
    process.stderr.write(`child-spec: cannot ${error.syscall} ${error.path}: ${why}; choose another path\n`);
    return EXIT.usage;
  }
  /* A defect of child-spec itself: still one line, with the stack only on request. */
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  process.stderr.write(`child-spec: internal error: ${message} (set CHILD_SPEC_DEBUG=1 for the stack, and please report it)\n`);
  if (process.env['CHILD_SPEC_DEBUG'] !== undefined && error instanceof Error) process.stderr.write(`${error.stack ?? ''}\n`);
  return EXIT.failed;
}

/** The file-system errors a wrong path gives, in words. */
const FILE_ERRORS: Readonly<Record<string, string>> = {
  EEXIST: 'a file of that name is in the way',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EISDIR: 'it is a directory',
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
};

/** A file-system error that names the path and the call that failed (`EEXIST`, `ENOTDIR`, `EACCES`, ...). */
function isFileError(error: unknown): error is NodeJS.ErrnoException & { syscall: string; path: string; code: string } {
  if (!(error instanceof Error)) return false;
  const { syscall, path, code } = error as NodeJS.ErrnoException;
  return typeof syscall === 'string' && typeof path === 'string' && typeof code === 'string';
}

/* Run directly (`tsx cli/main.ts …`, as `npm start` does): same as the installed bin. */
if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await main(process.argv.slice(2));
}
