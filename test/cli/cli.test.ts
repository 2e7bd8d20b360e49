import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect } from 'chai';

import { MISUSE_CASES } from '../../models/misuse.ts';
import { SCENARIOS } from '../../models/scenarios.ts';

const BIN = new URL('../../cli/bin.js', import.meta.url).pathname;

function childSpec(...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function expectOneLineError(run: ReturnType<typeof childSpec>, mentions: string): void {
  expect(run.code).to.equal(2);
  expect(run.stdout).to.equal('');
  const lines = run.stderr.trimEnd().split('\n');
  expect(lines, run.stderr).to.have.length(1);
  expect(lines[0]).to.match(/^child-spec: /);
  expect(lines[0]).to.include(mentions);
}

describe('cli', () => {
  it('rejects an unknown command in one line with exit code 2', () => {
    expectOneLineError(childSpec('chek'), "unknown command 'chek'");
  });

  it('rejects an unknown flag in one line with exit code 2', () => {
    expectOneLineError(childSpec('check', '--fast'), "unknown option '--fast'");
  });

  it('rejects an unknown machine name in one line with exit code 2', () => {
    expectOneLineError(childSpec('check', '--machine', 'sesion'), "unknown machine 'sesion'");
  });

  it('rejects an unknown path id in one line with exit code 2', () => {
    expectOneLineError(childSpec('check', '--path', 'session#99999'), "no path 'session#99999'");
  });

  it('rejects help for an unknown command in one line with exit code 2', () => {
    expectOneLineError(childSpec('help', 'bogus'), 'no help for an unknown command');
  });

  it('rejects an output folder it cannot create before doing any work', () => {
    expectOneLineError(childSpec('check', '--path', 'session#1', '--out', '/proc/child-spec'), 'cannot create --out folder');
    expectOneLineError(childSpec('check', '--path', 'session#1', '--out', 'README.md/sub'), 'cannot use --out folder');
    expectOneLineError(childSpec('check', '--path', 'session#1', '--out', ''), '--out needs a folder name');
  });

  it('rejects a timeout longer than a timer can wait, which would fire at once', () => {
    for (const command of ['check', 'fuzz', 'explore']) {
      expectOneLineError(childSpec(command, '--step-timeout', '2147483648'), '--step-timeout takes a whole number from 1 to 2147483647');
      expectOneLineError(childSpec(command, '--start-timeout', '99999999999'), '--start-timeout takes a whole number from 1 to 2147483647');
    }
  });

  it('turns a path it cannot write into one line naming the path and why', () => {
    const out = mkdtempSync(join(tmpdir(), 'child-spec-'));
    expectOneLineError(childSpec('diagram', '-f', 'dot', '-o', 'README.md/charts/'), 'cannot mkdir README.md/charts');
    expectOneLineError(childSpec('diagram', '-f', 'dot', '-o', 'README.md/charts/'), 'a part of the path is a file, not a directory');
    expect(childSpec('diagram', '-m', 'session', '-f', 'dot', '-o', join(out, 'session.dot')).code).to.equal(0);
    expectOneLineError(childSpec('diagram', '-f', 'dot', '-o', join(out, 'session.dot')), 'a file of that name is in the way');
  });

  it('refuses an empty diagram --out, and a check.json that is a directory, in one line with exit code 2', () => {
    expectOneLineError(childSpec('diagram', '-f', 'dot', '-o', ''), '--out needs a file or folder name');
    const dir = mkdtempSync(join(tmpdir(), 'child-spec-'));
    mkdirSync(join(dir, 'check.json'));
    expectOneLineError(childSpec('report', '--in', dir), 'check.json is a directory, not a report');
  });

  it('says when a path belongs to a chart that --machine leaves out', () => {
    expectOneLineError(childSpec('check', '--machine', 'child', '--path', 'session#1'), 'belongs to the session chart');
  });

  it('stops quietly when the reader of its output leaves early', () => {
    const result = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" paths | head -n 1; exit "\${PIPESTATUS:-0}"`], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(result.stdout).to.match(/^session#1 /);
    expect(result.stderr).to.equal('');
  });

  it('asks for a command when given none', () => {
    expectOneLineError(childSpec(), 'no command given');
  });

  it('prints exactly the summary fields with --json and exits 0 when the reference passes', () => {
    const out = mkdtempSync(join(tmpdir(), 'child-spec-'));
    const run = childSpec('check', '--json', '--out', out);
    expect(run.code, run.stderr).to.equal(0);
    const summary: unknown = JSON.parse(run.stdout);
    expect(summary).to.have.all.keys('ok', 'paths', 'steps', 'states', 'transitions', 'invariantChecks', 'failures');
    expect(summary).to.include({ ok: true });
    const { states, transitions, failures } = summary as {
      states: { covered: number; total: number };
      transitions: { covered: number; total: number };
      failures: unknown[];
    };
    expect(states.covered).to.equal(states.total);
    expect(transitions.covered).to.equal(transitions.total);
    expect(failures).to.deep.equal([]);
    const written: unknown = JSON.parse(readFileSync(join(out, 'check.json'), 'utf8'));
    expect(written).to.include({ ok: true, implementation: 'reference' });
    expect(written).to.have.nested.property('misuse.cases', MISUSE_CASES.length);
    expect(written).to.have.nested.property('misuse.passed', MISUSE_CASES.length);
    expect(written).to.have.nested.property('misuse.notSent', 0);
    expect(written).to.have.nested.property('misuse.results').with.length(MISUSE_CASES.length);
    expect(written).to.have.nested.property('scenarios.passed', SCENARIOS.length);
    expect(written).to.have.nested.property('scenarios.results').with.length(SCENARIOS.length);
    expect(readFileSync(join(out, 'check.md'), 'utf8')).to.match(/^# child-spec check: passed/);
  });

  it('replays a single path named on the command line', () => {
    const out = mkdtempSync(join(tmpdir(), 'child-spec-'));
    const run = childSpec('check', '--path', 'session#1', '--json', '--out', out);
    expect(run.code, run.stderr).to.equal(0);
    expect(JSON.parse(run.stdout)).to.include({ ok: true, paths: 1 });
  });

  it('runs a single misuse case named on the command line, with the same summary fields', () => {
    const out = mkdtempSync(join(tmpdir(), 'child-spec-'));
    const run = childSpec('check', '--path', 'misuse#1', '--json', '--out', out);
    expect(run.code, run.stderr).to.equal(0);
    const summary: unknown = JSON.parse(run.stdout);
    expect(summary).to.have.all.keys('ok', 'paths', 'steps', 'states', 'transitions', 'invariantChecks', 'failures');
    expect(summary).to.include({ ok: true, paths: 0, steps: 0 });
    const text = childSpec('check', '--path', 'misuse#1', '--out', out);
    expect(text.stdout).to.match(/^ {2}misuse +1 case +1 refused$/m);
  });

  it('runs a single scenario named on the command line', () => {
    const out = mkdtempSync(join(tmpdir(), 'child-spec-'));
    const run = childSpec('check', '--path', 'scenario#1', '--out', out);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/^ {2}scenario +1 case +1 passed +\d+ steps$/m);
    expect(run.stdout).to.not.match(/misuse/);
  });

  it('rejects an unknown scenario, and a scenario with --machine, in one line with exit code 2', () => {
    expectOneLineError(childSpec('check', '--path', 'scenario#0'), "no scenario 'scenario#0'");
    expectOneLineError(childSpec('check', '--machine', 'child', '--path', 'scenario#1'), "'scenario#1' is a scenario, which --machine leaves out");
  });

  it('rejects an unknown misuse case, and a misuse case with --machine, in one line with exit code 2', () => {
    expectOneLineError(childSpec('check', '--path', 'misuse#0'), "no misuse case 'misuse#0'");
    expectOneLineError(childSpec('check', '--machine', 'session', '--path', 'misuse#1'), "'misuse#1' is a misuse case, which --machine leaves out");
  });

  it('lists paths as text and as JSON', () => {
    const text = childSpec('paths', '--machine', 'session');
    expect(text.code).to.equal(0);
    expect(text.stdout).to.match(/^session#1 +\w+/m);
    const json = childSpec('paths', '--json');
    const paths = JSON.parse(json.stdout) as { id: string; machine: string; events: unknown[] }[];
    expect(paths.map((path) => path.machine)).to.include.members(['session', 'child']);
    expect(paths.every((path) => path.events.length > 0)).to.equal(true);
  });
});
