import { referenceImplementation } from '../../impl/reference.ts';
import type { ImplementationUnderTest } from '../../impl/contract.ts';
import { loadImplementation } from '../../models/loadImplementation.ts';
import { serve } from '../../models/protocolServer.ts';
import { EXIT, type ExitCode } from '../exitCodes.ts';
import { UsageError, type CommandModule } from '../usage.ts';

interface ServeFlags {
  readonly impl?: string;
}

/**
 * `child-spec serve`: the reference implementation (or a module's) as a
 * process-protocol implementation, on standard input and output. Standard
 * output carries replies only; a line that cannot be answered is reported
 * on standard error and ends serving with exit code 1.
 */
export const serveCommand: CommandModule = (program, context) => {
  program
    .command('serve')
    .description(
      'answer process-protocol requests (docs/implementing.md) on standard input with the reference implementation, one reply per line on standard output, until the input ends',
    )
    .option('--impl <module>', 'serve the ImplementationUnderTest this JavaScript or TypeScript module exports instead of the reference')
    .action(async (flags: ServeFlags) => {
      context.exit(await serveAction(flags));
    });
};

async function serveAction(flags: ServeFlags): Promise<ExitCode> {
  const implementation = await chosenImplementation(flags);
  const outcome = await serve({ implementation, input: process.stdin, output: process.stdout });
  switch (outcome.kind) {
    case 'ended':
      return EXIT.passed;
    case 'badRequest':
      process.stderr.write(`child-spec serve: cannot answer line ${outcome.line}: ${outcome.problem}\n`);
      return EXIT.failed;
  }
}

async function chosenImplementation(flags: ServeFlags): Promise<ImplementationUnderTest> {
  if (flags.impl === undefined) return referenceImplementation;
  const loaded = await loadImplementation(flags.impl);
  if (loaded.kind === 'failed') throw new UsageError(`cannot use --impl ${flags.impl}: ${loaded.reason}`);
  return loaded.implementation;
}
