/**
 * Shared pieces of the command line: the error for a command line that
 * cannot run, machine-name parsing, and how a command reports its exit code.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';

import { isMachineName, MACHINE_NAMES, type MachineName } from '../models/registry.ts';
import type { ExitCode } from './exitCodes.ts';

/** A command line that cannot run; its message is the one line the user sees. */
export class UsageError extends Error {}

/** What a command module gets: where to report the exit code of its action. */
export interface CommandContext {
  exit(code: ExitCode): void;
}

/** A command of `child-spec`: adds itself, its options and its action to the program. */
export type CommandModule = (program: Command, context: CommandContext) => void;

/** Parses `--machine a,b` (repeatable) into known machine names, each once. */
function machineList(value: string, previous: MachineName[] | undefined): MachineName[] {
  const names = value.split(',').map((name) => name.trim());
  if (names.some((name) => name.length === 0)) {
    throw new InvalidArgumentError(`empty machine name in '${value}': choose ${MACHINE_NAMES.join(' or ')}`);
  }
  const known: MachineName[] = [...(previous ?? [])];
  for (const name of names) {
    if (!isMachineName(name)) {
      throw new InvalidArgumentError(`unknown machine '${name}': choose ${MACHINE_NAMES.join(' or ')}`);
    }
    if (!known.includes(name)) known.push(name);
  }
  return known;
}

/** `-m, --machine <names>`, shared by the commands that take machines. */
export function machineOption(): Option {
  return new Option(
    '-m, --machine <names>',
    `machines to use, comma-separated (${MACHINE_NAMES.join(', ')}); default all`,
  ).argParser(machineList);
}
