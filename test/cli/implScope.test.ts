/**
 * `check --impl` and `serve --impl` on a module in an ordinary npm project
 * (a package.json without `"type": "module"`) that imports the reference
 * implementation by absolute path: it loads as ESM and passes; a syntax
 * error in it is one line that names where it is.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect } from 'chai';

import { childSpec, expectOneLineError } from './run.ts';

const BIN = new URL('../../cli/bin.js', import.meta.url).pathname;
const REFERENCE = new URL('../../impl/reference.ts', import.meta.url).pathname;
/** The process protocol's first request (docs/implementing.md). */
const HELLO = '{"id":1,"method":"hello","params":{"version":1}}\n';

/** A new CommonJS-scoped project directory: a package.json without "type", and `impl.ts` re-exporting the reference as `mine`. */
function commonJsProject(): string {
  const directory = mkdtempSync(join(tmpdir(), 'child-spec-cjs-'));
  writeFileSync(join(directory, 'package.json'), JSON.stringify({ name: 'x' }));
  writeFileSync(
    join(directory, 'impl.ts'),
    `import { referenceImplementation } from ${JSON.stringify(REFERENCE)};\nexport const implementation = { ...referenceImplementation, name: 'mine' };\n`,
  );
  return directory;
}

describe('cli --impl in a CommonJS package scope', () => {
  it('checks a .ts module of a package without "type": "module", and it passes', () => {
    const project = commonJsProject();
    const out = mkdtempSync(join(tmpdir(), 'child-spec-cjs-out-'));
    const run = childSpec('check', '--impl', join(project, 'impl.ts'), '--machine', 'session', '--quiet', '--out', out);
    expect(run.code, run.stderr).to.equal(0);
    const report: { ok: boolean; implementation: string } = JSON.parse(readFileSync(join(out, 'check.json'), 'utf8'));
    expect(report.ok).to.equal(true);
    expect(report.implementation).to.equal('mine');
  });

  it('serves a .ts module of a package without "type": "module"', () => {
    const project = commonJsProject();
    const served = spawnSync(process.execPath, [BIN, 'serve', '--impl', join(project, 'impl.ts')], {
      encoding: 'utf8',
      timeout: 120_000,
      input: HELLO,
    });
    expect(served.status, served.stderr).to.equal(0);
    expect(JSON.parse(served.stdout.trim())).to.deep.equal({ id: 1, result: { version: 1, name: 'mine' } });
  });

  it('serves a .js module of a package without "type" that imports a .ts helper by relative path', () => {
    const project = commonJsProject();
    writeFileSync(join(project, 'helper.ts'), readFileSync(join(project, 'impl.ts'), 'utf8').replace("'mine'", "'helped'"));
    /* not impl.js: tsx would load the impl.ts beside it instead */
    writeFileSync(join(project, 'entry.js'), "export { implementation } from './helper.js';\n");
    const served = spawnSync(process.execPath, [BIN, 'serve', '--impl', join(project, 'entry.js')], {
      encoding: 'utf8',
      timeout: 120_000,
      input: HELLO,
    });
    expect(served.status, served.stderr).to.equal(0);
    expect(JSON.parse(served.stdout.trim())).to.deep.equal({ id: 1, result: { version: 1, name: 'helped' } });
  });

  it('says to rename a .js module or change "type" when its package declares "type": "commonjs"', () => {
    const project = commonJsProject();
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'x', type: 'commonjs' }));
    const module = join(project, 'plain.js');
    writeFileSync(module, readFileSync(join(project, 'impl.ts'), 'utf8'));
    const run = childSpec('check', '--impl', module, '--machine', 'session', '--quiet');
    expectOneLineError(
      run,
      `${module} does not load: it is an ES module (import/export), but ${join(project, 'package.json')} declares "type": "commonjs": ` +
        'rename it to .mjs, or set "type": "module" in its package.json',
    );
  });

  it('rejects a module with a syntax error in one line that names the file and line', () => {
    const project = commonJsProject();
    const broken = join(project, 'broken.ts');
    writeFileSync(broken, 'export default {\n  name: "broken",\n  create( {\n};\n');
    const run = childSpec('check', '--impl', broken, '--machine', 'session', '--quiet');
    expectOneLineError(run, `cannot use --impl ${broken}: ${broken} does not load: Transform failed with 1 error: ${broken}:4:`);
    expect(run.stderr).to.include('ERROR: Expected ")" but found ";"');
  });
});
