/**
 * Loads an implementation under test from a JavaScript or TypeScript module
 * (`child-spec check --impl <module>`): its default export, or else its
 * export named `implementation`, must be an `ImplementationUnderTest`: an
 * object with a string `name` and a `create` function.
 *
 * TypeScript modules load through tsx, which the command line runs under.
 * The commands load a module in a worker thread through
 * `models/workerImplementation.ts`, which calls this there (whose entry
 * registers tsx for the worker).
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import type { ImplementationUnderTest, SystemUnderTest } from '../impl/contract.ts';

/** How loading went: the implementation, or why there is none, in one line. */
export type LoadResult =
  | { readonly kind: 'loaded'; readonly implementation: ImplementationUnderTest; readonly file: string }
  | { readonly kind: 'failed'; readonly reason: string };

/** Whether `value` has the shape of an `ImplementationUnderTest`. */
export function isImplementation(value: unknown): value is ImplementationUnderTest {
  return (
    typeof value === 'object' &&
    value !== null &&
    'name' in value &&
    typeof value.name === 'string' &&
    'create' in value &&
    typeof value.create === 'function'
  );
}

/** Whether `value` has the shape of a `SystemUnderTest`. */
export function isSystemUnderTest(value: unknown): value is SystemUnderTest {
  return (
    typeof value === 'object' &&
    value !== null &&
    'apply' in value &&
    typeof value.apply === 'function' &&
    'observe' in value &&
    typeof value.observe === 'function' &&
    'dispose' in value &&
    typeof value.dispose === 'function'
  );
}

/** Loads the module at `specifier` (relative to `cwd`, or absolute). Never throws. */
export async function loadImplementation(specifier: string, cwd: string = process.cwd()): Promise<LoadResult> {
  const file = resolve(cwd, specifier);
  if (!existsSync(file) || !statSync(file).isFile()) return { kind: 'failed', reason: `no such file: ${file}` };

  let module: unknown;
  try {
    module = await import(pathToFileURL(file).href);
  } catch (error) {
    return { kind: 'failed', reason: `${specifier} does not load: ${firstLine(error)}` };
  }

  const exported = chosenExport(module);
  if (exported === null) {
    return {
      kind: 'failed',
      reason:
        `${specifier} exports no ImplementationUnderTest: expected a default export or an export named ` +
        '`implementation` with a string `name` and a `create` function',
    };
  }
  return { kind: 'loaded', implementation: exported, file };
}

function chosenExport(module: unknown): ImplementationUnderTest | null {
  if (typeof module !== 'object' || module === null) return null;
  if ('default' in module && isImplementation(module.default)) return module.default;
  if ('implementation' in module && isImplementation(module.implementation)) return module.implementation;
  return null;
}

/** The first non-empty line of an error's message. */
export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n').find((line) => line.trim().length > 0)?.trim() ?? 'unknown error';
}
