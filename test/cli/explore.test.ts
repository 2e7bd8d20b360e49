import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect } from 'chai';

import { childSpecOn, expectOneLineError, type Run } from './run.ts';

function childSpec(args: readonly string[], variant?: string): Run {
  return childSpecOn(variant, args);
}

function configFile(content: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'child-spec-explore-')), 'config.json');
  writeFileSync(file, content);
  return file;
}

describe('cli explore', () => {
  it('explores a configuration from a file, flags overriding it, with progress and a summary', () => {
    const file = configFile(JSON.stringify({ clients: 1, sessions: 2, servers: ['local', 'child'] }));
    const run = childSpec(['explore', '--config', file, '--sessions', '1']);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stderr).to.include('child-spec explore');
    expect(run.stderr).to.match(/explore: \d+ states expanded, \d+ distinct, queue 0, \d+ transitions, depth \d+, \d+ states\/s/);
    expect(run.stdout).to.match(/^distinct states 24, transitions \d+, depth \d+, [\d.]+ s \(\d+ states\/s\), heap [\d.]+ MiB \(\d+ bytes\/state\)\n/);
    expect(run.stdout).to.match(/stuck states: \d+: \d+ the seed's quirk/);
    expect(run.stdout).to.match(/PASSED\n$/);
  });

  it('prints its verdict as JSON', () => {
    const run = childSpec(['explore', '--clients', '1', '--sessions', '1', '--json']);
    expect(run.code, run.stderr).to.equal(0);
    const verdict: unknown = JSON.parse(run.stdout);
    expect(verdict).to.include({ ok: true, complete: true, distinct: 24, failure: null });
  });

  it('fails on a faulty implementation with the shortest trace and the command that repeats the search', () => {
    const run = childSpec(['explore', '--impl', 'test/models/fuzzVariant.ts', '--clients', '1', '--sessions', '1', '--quiet'], 'session-cost-kept');
    expect(run.code, run.stderr).to.equal(1);
    expect(run.stdout).to.match(/^FAILED explore, shortest failing trace \(1 steps\)\n/);
    expect(run.stdout).to.include('failed at step 1 (invariant): invariant returned-to-owner broken');
    expect(run.stdout).to.include('replay: child-spec explore --impl test/models/fuzzVariant.ts --clients 1 --servers local,child --sessions 1');
  });

  it('rejects bad input in one line with exit code 2', () => {
    expectOneLineError(childSpec(['explore', '--servers', 'local,remote']), "unknown server kind 'remote'");
    expectOneLineError(childSpec(['explore', '--clients', '0']), "--clients takes a positive integer, not '0'");
    expectOneLineError(childSpec(['explore', '--config', configFile('{"clients": 2, "colour": "red"}')]), "unknown key 'colour'");
    expectOneLineError(childSpec(['explore', '--config', configFile('clients: 2')]), 'is not JSON');
    expectOneLineError(childSpec(['explore', '--config', '/no/such/config.json']), 'cannot read --config /no/such/config.json');
  });
});
