/**
 * `loadImplementation` loads a module written as ESM wherever it lives: in a
 * package whose package.json has no `"type": "module"`, or under no
 * package.json at all, as `.ts` or `.js`; a TypeScript syntax error says
 * where it is, in one line.
 *
 * Under mocha, `--import tsx` also registers tsx's CommonJS hooks (in worker
 * threads too), which the command line does not: test/cli/implScope.test.ts
 * runs these cases the way users meet them.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect } from 'chai';

import { firstLine, loadImplementation, type LoadResult } from '../../models/loadImplementation.ts';
import { loadsAsModule, packageScope, usesModuleSyntax, withoutCommonJsBridge } from '../../models/moduleFormat.ts';

const REFERENCE = new URL('../../impl/reference.ts', import.meta.url).pathname;

/** A module that re-exports the reference implementation, imported by absolute path, as `name`. */
function referenceAs(name: string): string {
  return `import { referenceImplementation } from ${JSON.stringify(REFERENCE)};\nexport const implementation = { ...referenceImplementation, name: ${JSON.stringify(name)} };\n`;
}

/** A new directory under the system's temporary one with these files (path → text). */
function directoryWith(files: Readonly<Record<string, string>>): string {
  const directory = mkdtempSync(join(tmpdir(), 'child-spec-load-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(directory, path, '..'), { recursive: true });
    writeFileSync(join(directory, path), text);
  }
  return directory;
}

function loadedName(result: LoadResult): string {
  if (result.kind !== 'loaded') throw new Error(`not loaded: ${result.reason}`);
  return result.implementation.name;
}

function reason(result: LoadResult): string {
  if (result.kind !== 'failed') throw new Error(`loaded ${result.file}`);
  return result.reason;
}

const COMMONJS_PACKAGE = JSON.stringify({ name: 'an-ordinary-package' });

describe('models/loadImplementation', () => {
  describe('a module written as ESM outside "type": "module"', () => {
    it('loads a .ts module in a package without "type"', async () => {
      const directory = directoryWith({ 'package.json': COMMONJS_PACKAGE, 'impl.ts': referenceAs('mine') });
      expect(loadedName(await loadImplementation('impl.ts', directory))).to.equal('mine');
    });

    it('loads a .ts module in a package that declares "type": "commonjs"', async () => {
      const directory = directoryWith({ 'package.json': JSON.stringify({ type: 'commonjs' }), 'impl.ts': referenceAs('declared') });
      expect(loadedName(await loadImplementation(join(directory, 'impl.ts')))).to.equal('declared');
    });

    it('loads a .js module in a package without "type"', async () => {
      const directory = directoryWith({ 'package.json': COMMONJS_PACKAGE, 'impl.js': referenceAs('plain') });
      expect(loadedName(await loadImplementation('impl.js', directory))).to.equal('plain');
    });

    it('loads a .ts module under no package.json at all', async function () {
      const directory = directoryWith({ 'impl.ts': referenceAs('homeless') });
      /* a package.json somewhere above the temporary directory would make this another case */
      if (packageScope(join(directory, 'impl.ts')) !== null) this.skip();
      expect(loadedName(await loadImplementation('impl.ts', directory))).to.equal('homeless');
    });

    it('loads what it imports by relative path as ESM too, and a CommonJS file as CommonJS', async () => {
      const directory = directoryWith({
        'package.json': COMMONJS_PACKAGE,
        'src/helper.ts': `import { referenceImplementation } from ${JSON.stringify(REFERENCE)};\nexport function named(name: string) { return { ...referenceImplementation, name }; }\n`,
        'src/legacy.js': "module.exports = { suffix: '-and-legacy' };\n",
        'src/impl.ts': "import legacy from './legacy.js';\nimport { named } from './helper.js';\nexport default named('helped' + legacy.suffix);\n",
      });
      expect(loadedName(await loadImplementation('src/impl.ts', directory))).to.equal('helped-and-legacy');
    });
  });

  it('names the file, line and esbuild message of a TypeScript syntax error in one line', async () => {
    const directory = directoryWith({ 'package.json': COMMONJS_PACKAGE, 'broken.ts': 'export default {\n  name: "x",\n  create( {\n};\n' });
    const said = reason(await loadImplementation('broken.ts', directory));
    expect(said).to.not.include('\n');
    expect(said).to.match(/^broken\.ts does not load: Transform failed with 1 error: .*broken\.ts:4:\d+: ERROR: Expected "\)" but found ";"$/);
  });

  describe('usesModuleSyntax', () => {
    it('sees import and export statements and import.meta', () => {
      for (const source of [
        "import x from 'y';",
        "import { a,\n  b } from 'y';",
        "import * as y from 'y';",
        "import 'side-effect';",
        "import type { T } from './t.ts';",
        "import x, { y } from 'z';",
        'export const a = 1;',
        'export default {};',
        "export * from './a.ts';",
        'export { a };',
        'export interface I {}',
        'const here = import.meta.url;',
      ]) {
        expect(usesModuleSyntax(source), source).to.equal(true);
      }
    });

    it('does not take CommonJS, TypeScript’s CommonJS forms or commented-out statements for ESM', () => {
      for (const source of [
        "module.exports = require('y');",
        "import x = require('y');",
        'export = x;',
        "const y = await import('y');",
        "// import x from 'y';",
        "/*\n * export default {};\n */",
        "const important = 'imported';",
      ]) {
        expect(usesModuleSyntax(source), source).to.equal(false);
      }
    });
  });

  describe('loadsAsModule', () => {
    it('makes CommonJS-resolved .ts and typeless .js files with ESM syntax ESM, and nothing else', () => {
      const directory = directoryWith({
        'package.json': COMMONJS_PACKAGE,
        'esm.ts': 'export const a = 1;\n',
        'esm.js': 'export const a = 1;\n',
        'cjs.ts': 'module.exports = 1;\n',
        'node_modules/dependency/index.js': 'export const a = 1;\n',
        'declared/package.json': JSON.stringify({ type: 'commonjs' }),
        'declared/esm.js': 'export const a = 1;\n',
        'declared/esm.ts': 'export const a = 1;\n',
      });
      const at = (path: string): string => join(directory, path);
      expect(loadsAsModule(at('esm.ts'), 'commonjs')).to.equal(true);
      expect(loadsAsModule(at('esm.js'), 'commonjs')).to.equal(true);
      expect(loadsAsModule(at('declared/esm.ts'), 'commonjs')).to.equal(true);
      expect(loadsAsModule(at('esm.ts'), 'module')).to.equal(false);
      expect(loadsAsModule(at('cjs.ts'), 'commonjs')).to.equal(false);
      expect(loadsAsModule(at('node_modules/dependency/index.js'), 'commonjs')).to.equal(false);
      expect(loadsAsModule(at('declared/esm.js'), 'commonjs')).to.equal(false);
      expect(loadsAsModule(at('missing.ts'), 'commonjs')).to.equal(false);
    });

    it('sees the file behind the URL tsx gives a module it takes for CommonJS', () => {
      const bridged = 'file:///p/src/helper.ts%3Ftsx-commonjs-export-preparse=1?tsx-commonjs-export-preparse=1&tsx-commonjs-virtual-query=1';
      expect(withoutCommonJsBridge(bridged).href).to.equal('file:///p/src/helper.ts');
      const namespaced = 'file:///p/impl.ts%3Fnamespace=abc?tsx-namespace=abc&tsx-commonjs-virtual-query=1';
      expect(withoutCommonJsBridge(namespaced).href).to.equal('file:///p/impl.ts?tsx-namespace=abc');
      expect(withoutCommonJsBridge('file:///p/odd%3Fname.ts').href).to.equal('file:///p/odd%3Fname.ts');
    });
  });

  describe('firstLine', () => {
    it('is the first non-empty line, trimmed', () => {
      expect(firstLine(new Error('\n  boom  \nat somewhere'))).to.equal('boom');
      expect(firstLine('plain')).to.equal('plain');
      expect(firstLine(new Error(''))).to.equal('unknown error');
    });

    it('takes the next line along when the first only announces it', () => {
      const esbuild = new Error('Transform failed with 1 error:\n/p/impl.ts:4:1: ERROR: Expected ")" but found ";"\n');
      expect(firstLine(esbuild)).to.equal('Transform failed with 1 error: /p/impl.ts:4:1: ERROR: Expected ")" but found ";"');
    });
  });
});
