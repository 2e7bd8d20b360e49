import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect } from 'chai';

import { childSpec, expectOneLineError } from './run.ts';

describe('cli: report', () => {
  it('writes report.html and report.md after a check, and JUnit XML with --junit', () => {
    const directory = mkdtempSync(join(tmpdir(), 'child-spec-report-'));
    const check = childSpec('check', '--path', 'session#1', '--quiet', '--out', directory);
    expect(check.code, check.stderr).to.equal(0);
    const junit = join(directory, 'ci', 'junit.xml');
    const run = childSpec('report', '--in', directory, '--out', directory, '--junit', junit);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout.trimEnd().split('\n')).to.deep.equal([join(directory, 'report.html'), join(directory, 'report.md'), junit]);
    expect(readFileSync(join(directory, 'report.html'), 'utf8')).to.include('<title>child-spec report: passed</title>');
    expect(readFileSync(join(directory, 'report.md'), 'utf8')).to.match(/^## child-spec check: passed/);
    expect(readFileSync(junit, 'utf8')).to.include('<testcase classname="child-spec.session" name="session#1 ');
  });

  it('asks for a check first, in one line, when there is no check.json', () => {
    const directory = mkdtempSync(join(tmpdir(), 'child-spec-report-'));
    expectOneLineError(childSpec('report', '--in', directory, '--out', directory), 'run `child-spec check` first');
    expect(existsSync(join(directory, 'report.html'))).to.equal(false);
  });
});
