import { listPaths } from '../../models/check.ts';
import type { MachineName } from '../../models/registry.ts';
import { EXIT } from '../exitCodes.ts';
import { machineOption, type CommandModule } from '../usage.ts';

interface PathsFlags {
  readonly machine?: MachineName[];
  readonly json?: boolean;
}

/** `child-spec paths`: the generated test paths, titled by their event chains. */
export const pathsCommand: CommandModule = (program, context) => {
  program
    .command('paths')
    .description('list the generated test paths, titled by their event chains')
    .addOption(machineOption())
    .option('--json', 'print the paths as JSON')
    .action((flags: PathsFlags) => {
      const all = listPaths(flags.machine);
      if (flags.json) {
        const shown = all.map(({ id, machine, events, title }) => ({ id, machine, events, title }));
        process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
      } else {
        for (const path of all) process.stdout.write(`${path.id.padEnd(12)} ${path.title}\n`);
        process.stdout.write(`${all.length} paths\n`);
      }
      context.exit(EXIT.passed);
    });
};
