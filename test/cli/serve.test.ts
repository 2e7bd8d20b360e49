import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect } from 'chai';
import { fakeCommand as fake, overlapping, running } from '../fakes/processes.ts';

const BIN = new URL('../../cli/bin.js', import.meta.url).pathname;
const ROOT = new URL('../../', import.meta.url).pathname;
/** Step timeout of the checks that must time out, in ms. */
const STEP_TIMEOUT = '400';
/** Longest a failing check may take: the step timeout, and starting tsx twice on a busy machine. */
const FAILING_CHECK_MS = 20_000;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Runs `child-spec` to its end, asynchronously, so that several runs can overlap. Never rejects. */
function childSpec(args: readonly string[], input?: string): Promise<Run> {
  const begun = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error) => resolve({ code: null, stdout, stderr: `${stderr}${error.message}`, ms: performance.now() - begun }));
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - begun }));
    child.stdin.end(input ?? '');
  });
}


function outDir(): string {
  return mkdtempSync(join(tmpdir(), 'child-spec-serve-'));
}

interface WrittenReport {
  readonly ok: boolean;
  readonly implementation: string;
  readonly failures: readonly { readonly reason: string; readonly details: readonly string[] }[];
}

function writtenReport(out: string): WrittenReport {
  const report: WrittenReport = JSON.parse(readFileSync(join(out, 'check.json'), 'utf8'));
  return report;
}


/** Exactly one line on standard error, `child-spec: ...`, and exit code 2. */
function expectUsageError(run: Run, mentions: string): void {
  expect(run.code, run.stderr).to.equal(2);
  const lines = run.stderr.trimEnd().split('\n');
  expect(lines, run.stderr).to.have.length(1);
  expect(lines[0]).to.match(/^child-spec: /);
  expect(lines[0]).to.include(mentions);
}

/**
 * The two full checks across a process boundary take longest. A root hook
 * starts them before the first test of the whole run, and they go on in the
 * background while mocha runs the other tests one at a time: on two cores
 * they take the one mocha leaves idle. The tests below wait for them.
 */
const FULL_CHECK_OUT = { serve: outDir(), python: outDir() };
let fullChecks: Promise<readonly [Run, Run]> | null = null;
before(() => {
  fullChecks = Promise.all([
    /* The reference is deterministic, and --repeat is tested on the fakes: one replay per path is enough here. */
    childSpec(['check', '--exec', `"${process.execPath}" cli/bin.js serve`, '--repeat', '1', '--json', '--out', FULL_CHECK_OUT.serve]),
    childSpec(['check', '--exec', 'python3 examples/python/child_impl.py', '--json', '--out', FULL_CHECK_OUT.python]),
  ]);
});

describe('cli: serve and check across a process boundary', () => {
  describe('child-spec serve', () => {
    it('answers each request line with one reply line on standard output, and exits 0 when its input ends', async () => {
      const requests = [
        { id: 1, method: 'hello', params: { version: 1 } },
        {
          id: 2,
          method: 'create',
          params: { description: { sessionCost: 0, reference: { ram: 10, caps: 1 }, upstream: { ram: 0, caps: 0 }, services: [], children: [] } },
        },
        { id: 3, method: 'apply', params: { system: 's1', operation: { op: 'heartbeat', child: 'nobody' } } },
        { id: 4, method: 'dispose', params: { system: 's1' } },
        { id: 5, method: 'observe', params: { system: 's1' } },
      ];
      const run = await childSpec(['serve'], requests.map((request) => `${JSON.stringify(request)}\n`).join(''));
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stderr).to.equal('');
      expect(run.stdout.trimEnd().split('\n').map((line) => JSON.parse(line))).to.deep.equal([
        { id: 1, result: { version: 1, name: 'reference' } },
        { id: 2, result: { system: 's1' } },
        { id: 3, error: { message: 'no child named nobody' } },
        { id: 4, result: null },
        { id: 5, error: { message: 'no system s1' } },
      ]);
    });

    it('stops with exit code 1 and one line on standard error at a line it cannot answer', async () => {
      const run = await childSpec(['serve'], 'not json\n');
      expect(run.code).to.equal(1);
      expect(run.stdout).to.equal('');
      expect(run.stderr).to.equal('child-spec serve: cannot answer line 1: the line is not JSON\n');
    });
  });

  describe('full checks across the process boundary (started with the run, side by side)', () => {
    const outs = FULL_CHECK_OUT;
    let serve: Run;
    let python: Run;
    before(async function () {
      this.timeout(600_000);
      if (fullChecks === null) throw new Error('the full checks were not started');
      [serve, python] = await fullChecks;
    });

    for (const [name, run] of [
      ['child-spec serve', () => serve],
      ['the Python example', () => python],
    ] as const) {
      it(`passes every path, with full coverage, on ${name}`, () => {
        const { code, stdout, stderr } = run();
        expect(code, stderr).to.equal(0);
        const summary: {
          ok: boolean;
          states: { covered: number; total: number };
          transitions: { covered: number; total: number };
          failures: unknown[];
        } = JSON.parse(stdout);
        expect(summary.failures).to.deep.equal([]);
        expect(summary.ok).to.equal(true);
        expect(summary.states.covered).to.equal(summary.states.total);
        expect(summary.transitions.covered).to.equal(summary.transitions.total);
      });
    }

    it('names the implementation by its hello in the report', () => {
      expect(writtenReport(outs.serve).implementation).to.equal('reference');
      expect(writtenReport(outs.python).implementation).to.equal('python-example');
    });
  });

  describe('check --exec on a misbehaving process', () => {
    const cases = [
      /* Hangs at the first create, the first request with the step timeout: a slow start cannot pass for the hang. */
      { fake: 'hang', args: ['create'], reason: `no reply to create within ${STEP_TIMEOUT} ms; the process was killed`, timeout: STEP_TIMEOUT },
      { fake: 'crash', reason: 'the implementation process exited with code 3 (stderr: fake: simulated crash at request 2 (create))' },
      { fake: 'garbage', reason: 'the implementation process wrote a line that is not JSON: "this is not JSON"' },
      { fake: 'wrongId', reason: 'the implementation process answered request 3 while request 2 was waiting' },
      { fake: 'wrongVersion', reason: 'the implementation speaks contract version 99, this checker speaks version 1' },
      { fake: 'schemaViolation', reason: '/result/accounts/ref/ram must be integer' },
      { fake: 'nondeterministic', reason: 'nondeterministic: replay 2 differs from replay 1 at step 1' },
    ];
    const outs = cases.map(() => outDir());
    let runs: Run[] = [];
    before(async () => {
      runs = await overlapping(
        cases.map(({ fake: name, args, timeout }, index) => () => {
          const out = outs[index] ?? outDir();
          const limit = timeout !== undefined ? ['--step-timeout', timeout] : [];
          const command = fake(name, ...(args ?? []));
          return childSpec(['check', '--exec', command, '--machine', 'session', '--path', 'session#1', ...limit, '--quiet', '--out', out]);
        }),
      );
    });

    for (const [index, { fake: name, reason }] of cases.entries()) {
      it(`fails in one line on ${name}, with exit code 1, and writes the reports`, () => {
        const out = outs[index] ?? '';
        const run = runs[index];
        if (run === undefined) throw new Error('the check did not run');
        expect(run.code, run.stderr).to.equal(1);
        expect(run.ms).to.be.below(FAILING_CHECK_MS);
        const [failure] = writtenReport(out).failures;
        expect(failure?.reason).to.include(reason);
        expect(failure?.reason).to.not.include('\n');
        expect(run.stdout).to.include(reason);
        expect(readFileSync(join(out, 'check.md'), 'utf8')).to.match(/^# child-spec check: FAILED/);
      });
    }

    describe('whose grandchild left the process group and holds the pipes', () => {
      const grandchildren: number[] = [];
      after(() => {
        for (const pid of grandchildren) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            /* gone already */
          }
        }
      });

      const leaving = [
        { mode: 'hang', reason: `no reply to create within ${STEP_TIMEOUT} ms; the process was killed` },
        { mode: 'crash', reason: 'the implementation process exited with code 3 (stderr: fake: crashing, the grandchild holds the pipes)' },
      ];
      for (const { mode, reason } of leaving) {
        it(`ends the check on ${mode} with exit code 1 while the grandchild still runs`, async () => {
          const out = outDir();
          const pidFile = join(out, 'grandchild.pid');
          const command = fake('leaveGroup', pidFile, mode);
          const run = await childSpec(['check', '--exec', command, '--machine', 'session', '--step-timeout', STEP_TIMEOUT, '--quiet', '--out', out]);
          const grandchild = Number(readFileSync(pidFile, 'utf8'));
          grandchildren.push(grandchild);
          expect(run.code, run.stderr).to.equal(1);
          /* The grandchild sleeps 20 s: a checker that waited for the pipes to close would end only after it. */
          expect(running(grandchild), 'the check waited for the grandchild').to.equal(true);
          expect(run.ms).to.be.below(FAILING_CHECK_MS);
          expect(writtenReport(out).failures[0]?.reason).to.include(reason);
        });
      }
    });

    it('ends quickly on SIGTERM: kills the process, writes the reports and exits 1', async () => {
      const out = outDir();
      const pidFile = join(out, 'fake.pid');
      const begun = performance.now();
      const checker = spawn(
        process.execPath,
        [BIN, 'check', '--exec', fake('hang', 'apply', pidFile), '--machine', 'session', '--step-timeout', '60000', '--quiet', '--out', out],
        { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stderr = '';
      checker.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const exited = new Promise<number | null>((resolve) => checker.on('close', (code) => resolve(code)));
      while (!existsSync(pidFile) || readFileSync(pidFile, 'utf8') === '') {
        expect(performance.now() - begun, 'the fake did not start hanging').to.be.below(FAILING_CHECK_MS);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const fakePid = Number(readFileSync(pidFile, 'utf8'));
      const signalled = performance.now();
      checker.kill('SIGTERM');
      const code = await exited;
      expect(code, stderr).to.equal(1);
      expect(performance.now() - signalled).to.be.below(5000);
      expect(stderr).to.include('child-spec: interrupted by SIGTERM');
      expect(running(fakePid)).to.equal(false);
      expect(writtenReport(out).failures[0]?.reason).to.include('the check was interrupted by SIGTERM; the process was killed');
    });
  });

  describe('check --impl', () => {
    it('checks the implementation a TypeScript module exports by default', async () => {
      const out = outDir();
      const run = await childSpec(['check', '--impl', 'test/fakes/module/referenceDefault.ts', '--machine', 'session', '--path', 'session#30', '--quiet', '--out', out]);
      expect(run.code, run.stderr).to.equal(0);
      expect(writtenReport(out)).to.include({ ok: true, implementation: 'reference-as-module' });
    });

    it('fails a module whose calls do not return within the step timeout, once and then at once', async () => {
      const out = outDir();
      const run = await childSpec(['check', '--impl', 'test/fakes/module/hangs.ts', '--machine', 'session', '--step-timeout', STEP_TIMEOUT, '--quiet', '--out', out]);
      expect(run.code).to.equal(1);
      expect(run.ms).to.be.below(FAILING_CHECK_MS);
      const [first, second] = writtenReport(out).failures;
      expect(first?.reason).to.equal(`observing the new system failed: observe did not return within ${STEP_TIMEOUT} ms`);
      expect(second?.reason).to.include('not run, since the implementation failed earlier');
    });
  });

  describe('usage errors', () => {
    const cases: readonly { readonly args: readonly string[]; readonly mentions: string }[] = [
      { args: ['--impl', 'test/fakes/module/missing.ts'], mentions: 'cannot use --impl test/fakes/module/missing.ts: no such file' },
      { args: ['--impl', 'test/fakes/module/syntaxError.mjs'], mentions: 'cannot use --impl test/fakes/module/syntaxError.mjs: test/fakes/module/syntaxError.mjs does not load' },
      { args: ['--impl', 'test/fakes/module/wrongExport.ts'], mentions: 'exports no ImplementationUnderTest' },
      { args: ['--impl', 'x.ts', '--exec', 'python3 x.py'], mentions: '--impl and --exec exclude each other' },
      { args: ['--exec', 'no-such-program-child-spec --flag'], mentions: 'spawn no-such-program-child-spec ENOENT' },
      { args: ['--exec', ''], mentions: 'the command is empty' },
      { args: ['--step-timeout', '0'], mentions: "--step-timeout takes a whole number from 1 to 2147483647, not '0'" },
      { args: ['--repeat', 'twice'], mentions: "--repeat takes a positive integer, not 'twice'" },
    ];
    let runs: Run[] = [];
    before(async () => {
      runs = await overlapping(cases.map(({ args }) => () => childSpec(['check', ...args])));
    });

    for (const [index, { args, mentions }] of cases.entries()) {
      it(`rejects check ${args.join(' ')} in one line with exit code 2`, () => {
        const run = runs[index];
        if (run === undefined) throw new Error('the check did not run');
        expectUsageError(run, mentions);
      });
    }

    it('rejects serve --impl of a module that does not load', async () => {
      expectUsageError(await childSpec(['serve', '--impl', 'test/fakes/module/wrongExport.ts']), 'exports no ImplementationUnderTest');
    });
  });
});

