import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect } from 'chai';

import { mutantsExitCode, renderMutants } from '../../cli/commands/mutants.ts';
import { EXIT } from '../../cli/exitCodes.ts';
import { VARIANTS } from '../../faults/catalog.ts';
import type { MutantResult, MutantsReport } from '../../faults/mutants.ts';

const BIN = new URL('../../cli/bin.js', import.meta.url).pathname;

function childSpec(...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
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

function plain(text: string): string {
  return text.replace(/\x1b\[[0-9;]*m/g, '');
}

const killed: MutantResult = {
  name: 'session-cost-kept',
  description: 'the session cost is not returned to the client on close',
  file: 'sessionClose.ts',
  killed: true,
  by: 'invariant:returned-to-owner',
  expected: 'invariant:returned-to-owner',
  steps: 1,
  path: 'session#1',
  reason: 'invariant returned-to-owner broken',
  paths: 1,
  ms: 412,
};

const survivor: MutantResult = {
  ...killed,
  name: 'close-without-wakeup',
  killed: false,
  by: null,
  steps: 0,
  path: null,
  reason: null,
  paths: 1695,
  ms: 9120,
};

describe('cli mutants', () => {
  it('lists every variant with its fault', () => {
    const run = childSpec('mutants', '--list');
    expect(run.code, run.stderr).to.equal(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).to.have.length(VARIANTS.length + 1);
    for (const [index, variant] of VARIANTS.entries()) {
      expect(lines[index]).to.match(new RegExp(`^${variant.name} +${variant.description.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    }
    expect(lines.at(-1)).to.equal(`${VARIANTS.length} variants`);
  });

  it('checks one variant and prints its row of the table, the totals and the verdict', () => {
    const out = mkdtempSync(join(tmpdir(), 'child-spec-'));
    const run = childSpec('mutants', '--variant', 'session-cost-kept', '--out', out);
    expect(run.code, run.stderr).to.equal(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).to.match(/^variant +caught +by +steps +ms$/);
    expect(lines[1]).to.match(/^session-cost-kept +yes +invariant:returned-to-owner +1 +\d+$/);
    expect(lines[2]).to.match(/^1 variant, 1 killed, 0 survived, \d+\.\d s$/);
    expect(lines[3]).to.equal(`report: ${join(out, 'mutants.json')}`);
    expect(lines[4]).to.equal('ALL KILLED');
    expect(run.stderr).to.match(/\[1\/1\] session-cost-kept: killed by invariant:returned-to-owner at step \d+ of session#\d+/);
    expect(existsSync(join(out, 'mutants.json'))).to.equal(true);
  });

  it('prints exactly the verdict fields with --json, and nothing on standard error', () => {
    const out = mkdtempSync(join(tmpdir(), 'child-spec-'));
    const run = childSpec('mutants', '--variant', 'request-unacknowledged', '--json', '--out', out);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stderr).to.equal('');
    const verdict: unknown = JSON.parse(run.stdout);
    expect(verdict).to.have.all.keys('total', 'killed', 'variants');
    expect(verdict).to.include({ total: 1, killed: 1 });
    expect(verdict).to.have.property('variants').with.length(1);
    expect(verdict).to.have.nested.property('variants[0]').that.has.all.keys('name', 'killed', 'by', 'steps', 'ms');
    expect(verdict).to.nested.include({
      'variants[0].name': 'request-unacknowledged',
      'variants[0].killed': true,
      'variants[0].by': 'invariant:atomic-transaction',
      'variants[0].steps': 1,
    });
    const written: unknown = JSON.parse(readFileSync(join(out, 'mutants.json'), 'utf8'));
    expect(written).to.nested.include({
      'variants[0].name': 'request-unacknowledged',
      'variants[0].file': 'sessionRequest.ts',
    });
    expect(written).to.have.nested.property('variants[0].path').that.matches(/^session#\d+$/);
  });

  it('rejects an unknown variant in one line with exit code 2', () => {
    expectOneLineError(childSpec('mutants', '--variant', 'no-such-fault'), "unknown variant 'no-such-fault'");
  });

  it('rejects --variant without a name in one line with exit code 2', () => {
    expectOneLineError(childSpec('mutants', '--variant'), "option '--variant <name>' argument missing");
  });

  it('rejects an unknown flag and a stray argument in one line with exit code 2', () => {
    expectOneLineError(childSpec('mutants', '--fast'), "unknown option '--fast'");
    expectOneLineError(childSpec('mutants', 'session-cost-kept'), 'too many arguments');
  });

  describe('the verdict', () => {
    const report = (variants: MutantResult[]): MutantsReport => ({
      total: variants.length,
      killed: variants.filter((variant) => variant.killed).length,
      variants,
      ms: 9532,
    });

    it('exits 0 only when every variant is killed', () => {
      expect(mutantsExitCode(report([killed]))).to.equal(EXIT.passed);
      expect(mutantsExitCode(report([killed, survivor]))).to.equal(EXIT.failed);
      expect(mutantsExitCode(report([]))).to.equal(EXIT.failed);
    });

    it('marks a survivor in the table and names it in the verdict', () => {
      const lines = plain(renderMutants(report([killed, survivor]), 'out/mutants.json')).trimEnd().split('\n');
      expect(lines[2]).to.match(/^close-without-wakeup +NO +- +- +9120$/);
      expect(lines[3]).to.equal('2 variants, 1 killed, 1 survived, 9.5 s');
      expect(lines[5]).to.equal('SURVIVED: close-without-wakeup');
    });
  });
});
