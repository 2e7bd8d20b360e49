/** Test support: runs the installed `child-spec` entry point as a user would. */
import { spawnSync } from 'node:child_process';

import { expect } from 'chai';

const BIN = new URL('../../cli/bin.js', import.meta.url).pathname;

export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function childSpec(...args: string[]): Run {
  return childSpecOn(undefined, args);
}

/** Runs `child-spec` with the fault-catalog variant `variant` (by `CHILD_SPEC_VARIANT`) in place of the reference, if given. */
export function childSpecOn(variant: string | undefined, args: readonly string[]): Run {
  const env = variant === undefined ? process.env : { ...process.env, CHILD_SPEC_VARIANT: variant };
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000, env });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Exit code 2, nothing on standard output, and one line on standard error that starts `child-spec:` and mentions `mentions`. */
export function expectOneLineError(run: Run, mentions: string): void {
  expect(run.code, run.stderr).to.equal(2);
  expect(run.stdout).to.equal('');
  const lines = run.stderr.trimEnd().split('\n');
  expect(lines, run.stderr).to.have.length(1);
  expect(lines[0]).to.match(/^child-spec: /);
  expect(lines[0]).to.include(mentions);
}
