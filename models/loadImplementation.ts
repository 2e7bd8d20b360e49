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
 *
 * A module written as ESM (`import`/`export`) loads as ESM wherever it
 * lives, also in a package whose package.json does not say
 * `"type": "module"`, or under no package.json at all: see
 * `models/moduleFormat.ts`, whose hooks this registers in the loading
 * thread. A file without import/export stays CommonJS there, and so does a
 * `.js` file whose package.json declares `"type": "commonjs"`, as Node has
 * it; if that one is ESM after all, the reason says to rename it or change
 * that `"type"`.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { register } from 'node:module';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import type { ImplementationUnderTest, SystemUnderTest } from '../impl/contract.ts';
import { packageScope, usesModuleSyntax } from './moduleFormat.ts';

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
  if (!existsSync(file)) return { kind: 'failed', reason: `no such file: ${file}` };
  if (!statSync(file).isFile()) return { kind: 'failed', reason: `${file} is a directory, not a module: name the module file in it` };

  /* Node would take it for CommonJS, as declared, and fail, after a warning of several lines on standard error: say so at once */
  if (extname(file) === '.js' && packageScope(file)?.type === 'commonjs') {
    const advice = esModuleAdvice(file);
    if (advice !== null) return { kind: 'failed', reason: `${specifier} does not load: ${advice}` };
  }

  registerModuleFormat();
  let module: unknown;
  try {
    module = await import(pathToFileURL(file).href);
  } catch (error) {
    const message = firstLine(error);
    const advice = ES_MODULE_AS_COMMONJS.test(message) ? esModuleAdvice(file) : null;
    return { kind: 'failed', reason: `${specifier} does not load: ${advice === null ? message : `${advice} (${message})`}` };
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

let moduleFormatRegistered = false;

/** Registers the hooks of `models/moduleFormat.ts` in this thread, once. */
function registerModuleFormat(): void {
  if (moduleFormatRegistered) return;
  moduleFormatRegistered = true;
  try {
    /* after tsx's (bin.js, implementationWorker.js, mocha's --import), so these run first and see what tsx resolved */
    register('./moduleFormat.ts', import.meta.url);
  } catch {
    /* without them a module in a CommonJS scope fails to load, and says so; one under "type": "module" still loads */
  }
}

/** Node's (and tsx's) ways of saying that an ES module was taken for CommonJS. */
const ES_MODULE_AS_COMMONJS = /Cannot use import statement outside a module|Unexpected token 'export'|require\(\) (?:of )?ES Module/;

/**
 * What to do about `file` if it is written as an ES module (import/export)
 * in a package scope that is not `"type": "module"`, in one line; null if
 * it is not.
 */
function esModuleAdvice(file: string): string | null {
  const extension = extname(file);
  if (extension === '.mjs' || extension === '.mts') return null;
  const scope = packageScope(file);
  if (scope?.type === 'module') return null;
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  if (!usesModuleSyntax(source)) return null;
  const renamed = extension === '.ts' || extension === '.tsx' ? '.mts' : '.mjs';
  const where =
    scope === null
      ? 'no package.json above it'
      : scope.type === undefined
        ? `${scope.packageJson} declares no "type"`
        : `${scope.packageJson} declares "type": ${JSON.stringify(scope.type)}`;
  return `it is an ES module (import/export), but ${where}: rename it to ${renamed}, or set "type": "module" in its package.json`;
}

function chosenExport(module: unknown): ImplementationUnderTest | null {
  if (typeof module !== 'object' || module === null) return null;
  if ('default' in module && isImplementation(module.default)) return module.default;
  if ('implementation' in module && isImplementation(module.implementation)) return module.implementation;
  return null;
}

/**
 * The first non-empty line of an error's message, and the line after it too
 * when the first only announces what follows (it ends in a colon).
 */
export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = message
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  const [first, second] = lines;
  if (first === undefined) return 'unknown error';
  /* esbuild, through tsx, says "Transform failed with 1 error:" and only on the next line where and what: "impl.ts:4:1: ERROR: Expected ..." */
  return first.endsWith(':') && second !== undefined ? `${first} ${second}` : first;
}
