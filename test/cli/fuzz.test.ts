import { expect } from 'chai';

import { childSpecOn, expectOneLineError, type Run } from './run.ts';

const VARIANT = 'test/models/fuzzVariant.ts';

function childSpec(args: readonly string[], variant?: string): Run {
  return childSpecOn(variant, args);
}

/** The command a failure report says replays it, as arguments (the quoted path unquoted). */
function replayArguments(stdout: string): string[] {
  const line = stdout.split('\n').find((each) => each.trim().startsWith('replay: child-spec fuzz'));
  if (!line) throw new Error(`no replay line in:\n${stdout}`);
  const words = line.trim().replace(/^replay: child-spec /, '').split(' ');
  return words.map((word) => word.replace(/^'(.*)'$/, '$1'));
}

describe('cli fuzz', () => {
  it('passes on the reference and prints its verdict as JSON', () => {
    const run = childSpec(['fuzz', '--runs', '100', '--seed', '3', '--json']);
    expect(run.code, run.stderr).to.equal(0);
    const verdict: unknown = JSON.parse(run.stdout);
    expect(verdict).to.include({ ok: true, implementation: 'reference', seed: 3, runs: 100, failure: null });
    expect(verdict).to.have.all.keys('ok', 'implementation', 'seed', 'runs', 'commands', 'ms', 'failure');
  });

  it('reports progress on standard error and the verdict on standard output', () => {
    const run = childSpec(['fuzz', '--runs', '50', '--seed', '3']);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stderr).to.match(/child-spec fuzz.*: reference implementation\n/);
    expect(run.stderr).to.match(/fuzz: searching, \d+ runs, \d+ steps, \d+ steps\/s/);
    expect(run.stdout).to.match(/^runs 50, steps \d+, [\d.]+ s \(\d+ steps\/s\), seed 3\n.*PASSED/s);
  });

  it('fails on a faulty implementation with a minimal trace, and its replay command reproduces it', () => {
    const run = childSpec(['fuzz', '--impl', VARIANT, '--seed', '7', '--quiet'], 'session-cost-kept');
    expect(run.code, run.stderr).to.equal(1);
    expect(run.stdout).to.match(/^FAILED fuzz, seed 7, path \d+(:\d+)*@\S+\n {2}system: .+; \d+ step\(s\), shrunk from \d+\n/);
    expect(run.stdout).to.include('(invariant): invariant returned-to-owner broken');
    expect(run.stdout).to.match(/replay: child-spec fuzz --impl test\/models\/fuzzVariant.ts --seed 7 --max-commands 40 --replay '.+'/);

    const replay = childSpec([...replayArguments(run.stdout), '--quiet'], 'session-cost-kept');
    expect(replay.code, replay.stderr).to.equal(1);
    const failedAt = (stdout: string): string | undefined => stdout.split('\n').find((line) => line.includes('failed at step'));
    expect(failedAt(replay.stdout)).to.equal(failedAt(run.stdout));
  });

  it('rejects bad input in one line with exit code 2', () => {
    expectOneLineError(childSpec(['fuzz', '--runs', 'many']), "--runs takes a positive integer, not 'many'");
    expectOneLineError(childSpec(['fuzz', '--seed', '1', '--replay', 'somewhere']), '--replay takes the path a failure report prints');
    expectOneLineError(childSpec(['fuzz', '--replay', '1:2:3']), '--replay needs the --seed');
    expectOneLineError(childSpec(['fuzz', '--seed', '1', '--replay', '999999999999:1@A']), '--replay starts at run 999999999999, but a failure report');
    expectOneLineError(childSpec(['fuzz', '--impl', 'no/such/module.ts']), 'cannot use --impl no/such/module.ts: no such file');
  });

  it('rejects in one line a replay path that does not belong to the seed', () => {
    for (const replay of ['1:2@ZZZZ', '99999:0@A']) {
      expectOneLineError(childSpec(['fuzz', '--quiet', '--seed', '1', '--replay', replay]), `cannot replay '${replay}'`);
    }
  });

  it('replays one run only, and says when it passes', () => {
    const run = childSpec(['fuzz', '--quiet', '--seed', '1', '--replay', '5@']);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.include("the replayed run '5@' passes");
    expect(Number(/^runs (\d+)/.exec(run.stdout)?.[1])).to.be.below(10);
  });
});
