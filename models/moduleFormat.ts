/**
 * Which format an `--impl` module (and each module it imports) loads in:
 * one written with `import`/`export` loads as ESM wherever it lives, not
 * only under a package.json with `"type": "module"`. `loadImplementation`
 * registers this file as module customization hooks (`resolve`) in the
 * thread that loads the module, after tsx's.
 *
 * tsx's ESM hooks, which are all the command line registers, give a `.ts`
 * file (and a `.js` one) in a package without `"type": "module"` the format
 * `commonjs` and leave it to Node's CommonJS loader, which, without tsx's
 * CommonJS hooks, neither strips its types nor can require it: it fails as
 * "Cannot require() ES Module … in a cycle" whatever is in the file. These
 * hooks make such a file `module` when its text uses ESM syntax, so tsx
 * compiles it as ESM and it imports the project's ESM modules as they are.
 */
import { readFileSync } from 'node:fs';
import type { ResolveHook } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package.json that decides a file's package scope, and the `"type"` it declares (undefined when it declares none). */
export interface PackageScope {
  readonly packageJson: string;
  readonly type: string | undefined;
}

/** Extensions with no module format of their own in Node (`.ts`, `.tsx`, `.jsx`), and `.js`, whose format the package scope decides. */
const SCOPED_EXTENSIONS = new Set(['.ts', '.tsx', '.jsx', '.js']);

/**
 * An `import` or `export` statement at the start of a line, or `import.meta`.
 * Not `import x = require(…)` nor `export = …`, TypeScript's CommonJS forms,
 * nor `import(…)`, which CommonJS has too.
 */
const MODULE_SYNTAX =
  /^[ \t]*(?:import[ \t]*(?:[*{"'`]|type\b|[\w$]+[ \t]*(?:,|from\b))|export[ \t]*(?:[*{]|(?:default|const|let|var|function|async|class|type|interface|enum|declare|abstract|namespace)\b))|\bimport\.meta\b/m;

/** Whether `source` (JavaScript or TypeScript) is written as an ES module: it has an `import` or `export` statement, or uses `import.meta`. */
export function usesModuleSyntax(source: string): boolean {
  return MODULE_SYNTAX.test(source);
}

/** The nearest package.json above `file` and the `"type"` it declares, or null if there is none. */
export function packageScope(file: string): PackageScope | null {
  let directory = dirname(file);
  for (;;) {
    const packageJson = join(directory, 'package.json');
    let text: string | undefined;
    try {
      text = readFileSync(packageJson, 'utf8');
    } catch {
      text = undefined;
    }
    if (text !== undefined) return { packageJson, type: declaredType(text) };
    const parent = dirname(directory);
    if (parent === directory) return null;
    directory = parent;
  }
}

function declaredType(packageJsonText: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(packageJsonText);
    if (typeof parsed === 'object' && parsed !== null && 'type' in parsed && typeof parsed.type === 'string') return parsed.type;
  } catch {
    /* Node itself rejects a package.json that does not parse; which format we pick does not matter then */
  }
  return undefined;
}

/**
 * Whether the file at `file`, which the loaders before these hooks resolved
 * to `format`, is to load as ESM instead: it resolved to CommonJS, lies
 * outside node_modules, ends in `.ts`, `.tsx` or `.jsx` (or in `.js` with
 * no `"type"` in its package scope) and uses ESM syntax.
 */
export function loadsAsModule(file: string, format: string | null | undefined): boolean {
  if (format !== 'commonjs' && format !== 'commonjs-typescript') return false;
  const extension = extname(file);
  if (!SCOPED_EXTENSIONS.has(extension)) return false;
  /* packages are Node's business: their authors chose their formats */
  if (file.split(/[\\/]/).includes('node_modules')) return false;
  /* Node detects the format of such a `.js` file by its syntax itself; tsx makes it CommonJS. An explicit "type": "commonjs" stays as declared */
  if (extension === '.js' && packageScope(file)?.type !== undefined) return false;
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch {
    return false;
  }
  return usesModuleSyntax(source);
}

/** The query parameters tsx adds to the URL of a module it resolved to CommonJS, for its CommonJS bridge only. */
const TSX_COMMONJS_VIRTUAL_QUERY = 'tsx-commonjs-virtual-query';
const TSX_COMMONJS_PARAMETERS = [TSX_COMMONJS_VIRTUAL_QUERY, 'tsx-commonjs-export-preparse'];

/**
 * `url` without what tsx adds to the URL of a module it takes for CommonJS:
 * its bridge's parameters, and the copy of the query that it appends to the
 * path as `%3F…` when it sets `tsx-commonjs-virtual-query`.
 */
export function withoutCommonJsBridge(url: string): URL {
  const clean = new URL(url);
  if (clean.searchParams.has(TSX_COMMONJS_VIRTUAL_QUERY)) {
    const copied = clean.pathname.toLowerCase().lastIndexOf('%3f');
    if (copied !== -1 && !clean.pathname.slice(copied).includes('/')) clean.pathname = clean.pathname.slice(0, copied);
  }
  for (const parameter of TSX_COMMONJS_PARAMETERS) clean.searchParams.delete(parameter);
  return clean;
}

/** The `resolve` hook: resolves as the loaders before it do, then makes a file that `loadsAsModule` ESM. */
export const resolve: ResolveHook = async (specifier, context, nextResolve) => {
  const resolved = await nextResolve(specifier, context);
  /* a require() keeps its CommonJS meaning */
  if (context.conditions.includes('require') && !context.conditions.includes('import')) return resolved;
  if (!resolved.url.startsWith('file:')) return resolved;
  const url = withoutCommonJsBridge(resolved.url);
  if (!loadsAsModule(fileURLToPath(url), resolved.format)) return resolved;
  /* tsx's load hook compiles a `.ts` file resolved to `module` as ESM, and takes a `.js` one as it is */
  return { ...resolved, url: url.href, format: 'module' };
};
