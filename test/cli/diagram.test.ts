import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect } from 'chai';

import { childSpec, expectOneLineError } from './run.ts';

describe('cli: diagram', () => {
  it('prints every machine as Mermaid', () => {
    const run = childSpec('diagram', '--format', 'mermaid');
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout.match(/^stateDiagram-v2$/gm)).to.have.length(2);
    expect(run.stdout).to.include('title: session');
    expect(run.stdout).to.include('title: child');
  });

  it('prints one machine as SVG', () => {
    const run = childSpec('diagram', '--machine', 'session', '--format', 'svg');
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/^<\?xml/);
    expect(run.stdout).to.include('<svg');
    expect(run.stdout).to.include('CREATE_REQUESTED');
  });

  it('writes one file per machine into an --out directory', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'child-spec-diagram-')), 'charts');
    const run = childSpec('diagram', '--format', 'scxml', '--out', out);
    expect(run.code, run.stderr).to.equal(0);
    expect(readdirSync(out).sort()).to.deep.equal(['child.scxml', 'session.scxml']);
    expect(run.stdout.trimEnd().split('\n')).to.deep.equal([join(out, 'session.scxml'), join(out, 'child.scxml')]);
    expect(readFileSync(join(out, 'child.scxml'), 'utf8')).to.include('<parallel id="child.active">');
  });

  it('writes one machine to an --out file', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'child-spec-diagram-')), 'session.json');
    const run = childSpec('diagram', '-m', 'session', '-f', 'json', '-o', out);
    expect(run.code, run.stderr).to.equal(0);
    expect(JSON.parse(readFileSync(out, 'utf8'))).to.include({ id: 'session' });
  });

  it('refuses several machines as SVG on standard output in one line', () => {
    expectOneLineError(childSpec('diagram', '--format', 'svg'), 'svg of several machines needs --out');
  });

  it('refuses an unknown format in one line', () => {
    expectOneLineError(childSpec('diagram', '--format', 'png'), "unknown format 'png'");
  });

  it('asks for a format in one line', () => {
    expectOneLineError(childSpec('diagram'), "required option '-f, --format <format>'");
  });

  it('refuses an unknown machine in one line', () => {
    expectOneLineError(childSpec('diagram', '--format', 'dot', '--machine', 'parent'), "unknown machine 'parent'");
  });
});
