import { expect } from 'chai';

import { runCheck, type CheckReport } from '../../models/check.ts';
import { ProcessImplementation } from '../../models/processImplementation.ts';
import { fakeCommand, overlapping, running } from '../fakes/processes.ts';

/** Step timeout of these checks, in ms: short, so that a hang costs little. */
const STEP_TIMEOUT_MS = 400;
/** What a check may cost beyond the step timeout: starting a tsx process on a busy machine, the paths failing after it. */
const SLACK_MS = 15_000;
/** Generous for the fakes that must not time out while several start side by side. */
const PATIENT_MS = 10_000;

interface Scenario {
  /** The fake and its arguments. */
  readonly fake: readonly string[];
  readonly pathId?: string;
  readonly repeat?: number;
  readonly stepTimeoutMs?: number;
  /** Interrupt the process before the check. */
  readonly interrupt?: boolean;
}

interface Outcome {
  readonly report: CheckReport;
  readonly name: string;
  readonly failure: string | null;
  readonly pid: number | undefined;
  readonly ms: number;
}

/** Starts the fake, checks the session chart (or one path of it) on it, and closes it. */
async function checkOn(scenario: Scenario): Promise<Outcome> {
  const begun = performance.now();
  const [name = 'honest', ...args] = scenario.fake;
  const started = await ProcessImplementation.start({
    command: fakeCommand(name, ...args),
    stepTimeoutMs: scenario.stepTimeoutMs ?? PATIENT_MS,
    startTimeoutMs: SLACK_MS,
  });
  if (started.kind === 'notStarted') throw new Error(`${name} did not start: ${started.reason}`);
  const implementation = started.implementation;
  const pid = implementation.pid;
  if (scenario.interrupt === true) implementation.interrupt('SIGINT');
  try {
    const report = await runCheck({
      implementation,
      machines: ['session'],
      ...(scenario.pathId !== undefined ? { pathId: scenario.pathId } : {}),
      repeat: scenario.repeat ?? 2,
    });
    return { report, name: implementation.name, failure: implementation.failure, pid, ms: performance.now() - begun };
  } finally {
    await implementation.close();
  }
}

function firstFailure(outcome: Outcome | undefined): CheckReport['failures'][number] {
  const failure = outcome?.report.failures[0];
  if (failure === undefined) throw new Error('the check did not fail');
  return failure;
}

const SCENARIOS = {
  honest: { fake: ['honest'], pathId: 'session#1' },
  /* Hangs at the first create: every request before it (hello) has the start timeout, so a slow start cannot pass for the hang. */
  hang: { fake: ['hang', 'create'], pathId: 'session#1', stepTimeoutMs: STEP_TIMEOUT_MS },
  crash: { fake: ['crash'], pathId: 'session#1' },
  garbage: { fake: ['garbage'], pathId: 'session#1' },
  wrongId: { fake: ['wrongId'], pathId: 'session#1' },
  schemaViolation: { fake: ['schemaViolation'], pathId: 'session#1' },
  wrongVersion: { fake: ['wrongVersion'], pathId: 'session#1' },
  nondeterministic: { fake: ['nondeterministic'], pathId: 'session#1' },
  nondeterministicOnce: { fake: ['nondeterministic'], pathId: 'session#1', repeat: 1 },
  crashMidCheck: { fake: ['crash', '60'] },
  interrupted: { fake: ['honest'], pathId: 'session#1', interrupt: true },
} as const satisfies Record<string, Scenario>;

type ScenarioName = keyof typeof SCENARIOS;

describe('models/processImplementation', () => {
  const outcomes = new Map<ScenarioName, Outcome>();
  before(async () => {
    const names = Object.keys(SCENARIOS).filter((name): name is ScenarioName => name in SCENARIOS);
    const results = await overlapping(names.map((name) => () => checkOn(SCENARIOS[name])));
    names.forEach((name, index) => {
      const outcome = results[index];
      if (outcome !== undefined) outcomes.set(name, outcome);
    });
  });
  const outcome = (name: ScenarioName): Outcome | undefined => outcomes.get(name);

  it('passes a path on an honest process, takes its name from hello, and reaps the process when closed', () => {
    const honest = outcome('honest');
    expect(honest?.report.failures.map((failure) => failure.reason)).to.deep.equal([]);
    expect(honest?.report.ok).to.equal(true);
    expect(honest?.name).to.equal('reference');
    expect(honest?.failure).to.equal(null);
    expect(running(honest?.pid)).to.equal(false);
  });

  it('fails a step that gets no reply within the step timeout, and kills the process', () => {
    expect(firstFailure(outcome('hang')).reason).to.equal(
      `building the system failed: no reply to create within ${STEP_TIMEOUT_MS} ms; the process was killed`,
    );
    expect(outcome('hang')?.ms).to.be.below(STEP_TIMEOUT_MS + SLACK_MS);
    expect(running(outcome('hang')?.pid)).to.equal(false);
  });

  it('fails on a process that exits, with its exit code and the tail of its standard error', () => {
    const failure = firstFailure(outcome('crash'));
    expect(failure.reason).to.equal(
      'building the system failed: the implementation process exited with code 3 (stderr: fake: simulated crash at request 2 (create))',
    );
    expect(failure.details).to.deep.equal([
      'stderr of the implementation process:',
      '  fake: starting to crash',
      '  fake: simulated crash at request 2 (create)',
    ]);
  });

  it('fails on a reply that is not JSON', () => {
    expect(firstFailure(outcome('garbage')).reason).to.equal(
      'building the system failed: the implementation process wrote a line that is not JSON: "this is not JSON"',
    );
  });

  it('fails on a reply to another request', () => {
    expect(firstFailure(outcome('wrongId')).reason).to.equal(
      'building the system failed: the implementation process answered request 3 while request 2 was waiting',
    );
  });

  it('fails on a reply that does not fit its schema, and goes on with the same process', () => {
    expect(firstFailure(outcome('schemaViolation')).reason).to.equal(
      'observing the new system failed: the reply to observe does not fit schemas/observe.reply.schema.json: /result/accounts/ref/ram must be integer',
    );
    expect(outcome('schemaViolation')?.failure).to.equal(null);
  });

  it('fails on a process that speaks another contract version, and stops it', () => {
    const reason = 'the implementation speaks contract version 99, this checker speaks version 1';
    expect(firstFailure(outcome('wrongVersion')).reason).to.equal(`building the system failed: ${reason}`);
    expect(outcome('wrongVersion')?.failure).to.equal(reason);
    expect(running(outcome('wrongVersion')?.pid)).to.equal(false);
  });

  it('fails a path that a second replay answers differently', () => {
    expect(firstFailure(outcome('nondeterministic')).reason).to.equal(
      'nondeterministic: replay 2 differs from replay 1 at step 1: the observation at .diagnostics[0]: ' +
        '{"step":1,"level":"warning","message":"fake: only every other time"} in replay 2, nothing in replay 1',
    );
  });

  it('replays each path only once with repeat 1, and so cannot see that nondeterminism', () => {
    expect(outcome('nondeterministicOnce')?.report.ok).to.equal(true);
  });

  it('fails the remaining paths at once after the process died mid-check', () => {
    const report = outcome('crashMidCheck')?.report;
    if (report === undefined) throw new Error('no report');
    /* Failures of single paths; a check may also report what the paths that ran left uncovered. */
    const [first, ...rest] = report.failures.filter((failure) => /#\d+$/.test(failure.path));
    expect(first?.reason).to.match(/the implementation process exited with code 3 \(stderr: fake: simulated crash at request 60 \(\w+\)\)$/);
    expect(report.machines[0]?.passed, 'the paths before the crash pass').to.be.greaterThan(0);
    expect(rest.length).to.be.greaterThan(100);
    for (const failure of rest) {
      expect(failure.reason).to.match(/ failed: not run, since the implementation process failed earlier: the implementation process exited with code 3/);
    }
    expect(outcome('crashMidCheck')?.ms).to.be.below(SLACK_MS);
  });

  it('kills the process when interrupted, and fails what is still to come at once', () => {
    expect(firstFailure(outcome('interrupted')).reason).to.equal(
      'building the system failed: the check was interrupted by SIGINT; the process was killed',
    );
    expect(running(outcome('interrupted')?.pid)).to.equal(false);
  });

  it('does not start a program that does not exist', async () => {
    const result = await ProcessImplementation.start({ command: 'no-such-program-child-spec', stepTimeoutMs: 1000, startTimeoutMs: 1000 });
    expect(result).to.deep.equal({
      kind: 'notStarted',
      reason: 'the implementation process could not be started: spawn no-such-program-child-spec ENOENT',
    });
  });

  it('does not start an empty command', async () => {
    const result = await ProcessImplementation.start({ command: '  ', stepTimeoutMs: 1000, startTimeoutMs: 1000 });
    expect(result).to.deep.equal({ kind: 'notStarted', reason: 'the command is empty' });
  });
});
