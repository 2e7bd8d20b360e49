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

/** Parses a positive whole number for `option`, at most `max`. */
export function positiveInteger(option: string, max: number = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(parsed) || parsed < 1 || parsed > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? 'a positive integer' : `a whole number from 1 to ${max}`;
      throw new InvalidArgumentError(`${option} takes ${range}, not '${value}'`);
    }
    return parsed;
  };
}

/** The longest delay a Node.js timer can wait; a longer one fires at once. */
const MAX_TIMER_MS = 2_147_483_647;
const DEFAULT_STEP_TIMEOUT_MS = 5000;
const DEFAULT_START_TIMEOUT_MS = 10_000;

/** `--step-timeout` and `--start-timeout`, shared by the commands that take `--impl` or `--exec`. */
export function timeoutOptions(): [stepTimeout: Option, startTimeout: Option] {
  return [
    new Option('--step-timeout <ms>', 'longest wait for one reply of an --impl or --exec implementation')
      .argParser(positiveInteger('--step-timeout', MAX_TIMER_MS))
      .default(DEFAULT_STEP_TIMEOUT_MS),
    new Option('--start-timeout <ms>', 'longest wait for an --exec process to start and answer hello, or for an --impl module to load')
      .argParser(positiveInteger('--start-timeout', MAX_TIMER_MS))
      .default(DEFAULT_START_TIMEOUT_MS),
  ];
}

/** `value` as one word of a shell command line: as it is when that is safe, else in double quotes. */
export function shellWord(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : JSON.stringify(value);
}

/** The `--impl` or `--exec` flag that names the implementation again in a replay command line, with a leading space; empty for the reference. */
export function implementationFlag(flags: { readonly impl?: string; readonly exec?: string }): string {
  if (flags.exec !== undefined) return ` --exec ${shellWord(flags.exec)}`;
  if (flags.impl !== undefined) return ` --impl ${shellWord(flags.impl)}`;
  return '';
}
