/**
 * `--impl` modules run in a worker thread: a synchronous busy loop, in a
 * call or at import time, and a worker that exits, end in a one-line reason
 * and a non-zero exit within the timeouts instead of hanging the checker.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect } from 'chai';

import { childSpec, expectOneLineError, type Run } from './run.ts';

const STEP_TIMEOUT = '500';
const START_TIMEOUT = '3000';
/** Longest a failing run may take: a timeout, and starting tsx in two threads on a busy machine. */
const FAILING_RUN_MS = 20_000;

interface WrittenReport {
  readonly ok: boolean;
  readonly failures: readonly { readonly reason: string }[];
}

/** Runs `child-spec` and measures how long it took. */
function timed(args: readonly string[]): Run & { readonly ms: number } {
  const begun = performance.now();
  const run = childSpec(...args);
  return { ...run, ms: performance.now() - begun };
}

/** A check of the session paths on `module`, with the reasons of its first two failures. */
function failingCheck(module: string): { run: Run; ms: number; reasons: readonly string[] } {
  const out = mkdtempSync(join(tmpdir(), 'child-spec-worker-'));
  const run = timed(['check', '--impl', module, '--machine', 'session', '--step-timeout', STEP_TIMEOUT, '--quiet', '--out', out]);
  const report: WrittenReport = JSON.parse(readFileSync(join(out, 'check.json'), 'utf8'));
  expect(report.ok).to.equal(false);
  return { run, ms: run.ms, reasons: report.failures.slice(0, 2).map((failure) => failure.reason) };
}

describe('cli --impl in a worker thread', () => {
  it('fails a check whose apply spins in a busy loop, once and then at once', () => {
    const { run, ms, reasons } = failingCheck('test/fakes/module/busyApply.ts');
    expect(run.code, run.stderr).to.equal(1);
    expect(ms).to.be.below(FAILING_RUN_MS);
    expect(reasons[0]).to.match(/ failed: apply did not return within 500 ms$/);
    expect(reasons[1]).to.include('not run, since the implementation failed earlier: apply did not return within 500 ms');
    expect(run.stdout).to.include('the implementation failed: apply did not return within 500 ms');
  });

  it('fails a check whose create spins in a busy loop', () => {
    const { run, ms, reasons } = failingCheck('test/fakes/module/busyCreate.ts');
    expect(run.code, run.stderr).to.equal(1);
    expect(ms).to.be.below(FAILING_RUN_MS);
    expect(reasons[0]).to.equal('building the system failed: create did not return within 500 ms');
  });

  it('fails a check whose worker exits in apply, with the exit code as the reason', () => {
    const { run, reasons } = failingCheck('test/fakes/module/exitsInApply.ts');
    expect(run.code, run.stderr).to.equal(1);
    expect(reasons[0]).to.match(/ failed: the implementation's worker exited with code 3$/);
    expect(reasons[1]).to.include("not run, since the implementation failed earlier: the implementation's worker exited with code 3");
  });

  it('rejects a module that spins at import time in one line once the start timeout is over', () => {
    const run = timed(['check', '--impl', 'test/fakes/module/busyImport.ts', '--start-timeout', START_TIMEOUT, '--quiet']);
    expect(run.ms).to.be.below(FAILING_RUN_MS);
    expectOneLineError(run, `cannot use --impl test/fakes/module/busyImport.ts: test/fakes/module/busyImport.ts did not load within ${START_TIMEOUT} ms`);
  });

  it('fails fuzz on a busy apply instead of hanging', () => {
    const run = timed(['fuzz', '--impl', 'test/fakes/module/busyApply.ts', '--step-timeout', STEP_TIMEOUT, '--seed', '1', '--quiet']);
    expect(run.code, run.stderr).to.equal(1);
    expect(run.ms).to.be.below(FAILING_RUN_MS);
    expect(run.stdout).to.include('apply did not return within 500 ms');
  });

  it('fails explore on a busy create instead of hanging', () => {
    const run = timed(['explore', '--impl', 'test/fakes/module/busyCreate.ts', '--step-timeout', STEP_TIMEOUT, '--clients', '1', '--sessions', '1', '--quiet']);
    expect(run.code, run.stderr).to.equal(1);
    expect(run.ms).to.be.below(FAILING_RUN_MS);
    expect(run.stdout).to.include('create did not return within 500 ms');
  });
});
