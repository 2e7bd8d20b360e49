import { expect } from 'chai';

import type { CallResult, ImplementationUnderTest, Operation, SystemDescription, SystemUnderTest } from '../../impl/contract.ts';
import { referenceImplementation } from '../../impl/reference.ts';
import { runCheck } from '../../models/check.ts';
import { GuardedImplementation } from '../../models/guardedImplementation.ts';
import { checkMisuse, findMisuseCase, MISUSE_CASES, type MisuseCase } from '../../models/misuse.ts';
import { ProcessImplementation } from '../../models/processImplementation.ts';
import { wrappedReference } from '../fakes/wrappedReference.ts';

/** The case titled `title`; fails the test when the table has none. */
function caseTitled(title: string): MisuseCase {
  const found = MISUSE_CASES.find((misuseCase) => misuseCase.title === title);
  if (found === undefined) throw new Error(`no misuse case titled '${title}'`);
  return found;
}

/** The reference, but `onRefusal` decides what a refused `apply` does instead of rejecting. */
function refusingOtherwise(
  name: string,
  onRefusal: (operation: Operation, system: SystemUnderTest, error: unknown) => Promise<CallResult>,
): ImplementationUnderTest {
  return wrappedReference(name, (system) => ({
    apply: (operation) => system.apply(operation).catch((error: unknown) => onRefusal(operation, system, error)),
  }));
}

const STARTED_TWICE = caseTitled('startChild of a child started with the system');
const UNKNOWN_SERVICE = caseTitled('answers for a service that is not declared');
const NEGATIVE_COST = caseTitled('a description with a negative sessionCost');

/** Returns `none` instead of refusing `startChild` of a started child. */
const acceptsStartingTwice = refusingOtherwise('accepts-starting-twice', async (operation, _system, error) => {
  if (operation.op === 'startChild' && operation.child === 'server') return { kind: 'none' };
  throw error;
});

/** Refuses answers for an unknown service, but sends the server a heartbeat first. */
const mutatesBeforeRefusing = refusingOtherwise('mutates-before-refusing', async (operation, system, error) => {
  if (operation.op === 'setAnswers') await system.apply({ op: 'heartbeat', child: 'server' });
  throw error;
});

const NEGATIVE_ID = caseTitled('a session request with a negative ID');

/** Refuses the smallest ID, 0, as if it were negative: more than the contract calls misuse. */
const refusesIdZero: ImplementationUnderTest = {
  name: 'refuses-id-zero',
  async create(description) {
    const system = await referenceImplementation.create(description);
    return {
      apply: (operation) =>
        'id' in operation && operation.id === 0 ? Promise.reject(new Error('invalid ID 0')) : system.apply(operation),
      observe: () => system.observe(),
      dispose: () => system.dispose(),
    };
  },
};

/** Builds a system from a description with a negative session cost, as if it were 0. */
const acceptsNegativeCost: ImplementationUnderTest = {
  name: 'accepts-negative-cost',
  create: (description: SystemDescription) =>
    referenceImplementation.create(description.sessionCost < 0 ? { ...description, sessionCost: 0 } : description),
};

describe('models/misuse', () => {
  describe('the table', () => {
    it('numbers its cases misuse#1 on, each with a one-line title', () => {
      expect(MISUSE_CASES.map((misuseCase) => misuseCase.id)).to.deep.equal(MISUSE_CASES.map((_, index) => `misuse#${index + 1}`));
      for (const misuseCase of MISUSE_CASES) expect(misuseCase.title, misuseCase.id).to.match(/^[^\n]{10,100}$/);
      expect(new Set(MISUSE_CASES.map((misuseCase) => misuseCase.title)).size).to.equal(MISUSE_CASES.length);
    });

    it('covers every kind of misuse the contract lists', () => {
      const titles = MISUSE_CASES.map((misuseCase) => misuseCase.title).join('\n');
      const kinds = [
        /negative sessionCost/,
        /fractional sessionCost/,
        /reference account/,
        /upstream/,
        /child's quota/,
        /envQuota/,
        /declaring a service twice/,
        /declaring a child twice/,
        /undeclared local service/,
        /undeclared parent service/,
        /local service as a parent service/,
        /parent service as a local service/,
        /child that does not exist/,
        /server that does not exist/,
        /child not yet started/,
        /startChild of a child started/,
        /destroyed child/,
        /destroyed server/,
        /service that is not declared/,
        /negative ID/,
        /fractional ID/,
        /negative server ID/,
        /fractional server ID/,
      ];
      for (const kind of kinds) expect(titles).to.match(kind);
    });

    it('finds a case by its id', () => {
      expect(findMisuseCase('misuse#1')).to.equal(MISUSE_CASES[0]);
      expect(findMisuseCase('misuse#0')).to.equal(undefined);
    });
  });

  describe('on the reference implementation', () => {
    it('passes every case: each misuse is refused and leaves the observation as it was', async () => {
      const report = await checkMisuse(referenceImplementation);
      expect(report.failures.map((failure) => `${failure.path}: ${failure.reason}`)).to.deep.equal([]);
      expect(report).to.include({ cases: MISUSE_CASES.length, passed: MISUSE_CASES.length, notSent: 0 });
    });

    it('runs only the case it is given', async () => {
      const report = await checkMisuse(referenceImplementation, { caseId: STARTED_TWICE.id });
      expect(report.results.map((result) => result.id)).to.deep.equal([STARTED_TWICE.id]);
    });

    it('throws for a case id that names no case', async () => {
      let thrown: unknown = null;
      await checkMisuse(referenceImplementation, { caseId: 'misuse#0' }).catch((error: unknown) => (thrown = error));
      expect(String(thrown)).to.include("no misuse case 'misuse#0'");
    });
  });

  describe('on a faulty implementation', () => {
    it('fails a misuse that is accepted, as a wrong result naming the case and the call', async () => {
      const report = await checkMisuse(acceptsStartingTwice);
      expect(report.failures.map((failure) => failure.path)).to.deep.equal([STARTED_TWICE.id]);
      const [failure] = report.failures;
      expect(failure).to.include({ kind: 'result', machine: 'misuse', title: STARTED_TWICE.title, step: 1 });
      expect(failure?.reason).to.equal(
        `misuse accepted: apply(startChild("server")) returned none (${STARTED_TWICE.title}); it must be refused`,
      );
      expect(failure?.replay).to.equal(`child-spec check --path ${STARTED_TWICE.id}`);
      expect(report.passed).to.equal(MISUSE_CASES.length - 1);
    });

    it('fails a refused misuse that changed the system, as a state failure naming the first difference', async () => {
      const report = await checkMisuse(mutatesBeforeRefusing, { caseId: UNKNOWN_SERVICE.id });
      const [failure] = report.failures;
      expect(failure).to.include({ kind: 'state', path: UNKNOWN_SERVICE.id, step: 1 });
      expect(failure?.reason).to.equal('misuse refused, but the observation changed: at .step: 1 after, 0 before');
      expect(failure?.reason).to.not.include('\n');
      expect(failure?.trace.map((step) => step.operations)).to.deep.equal([['apply(setAnswers("Nowhere", ["denied"]))']]);
    });

    it('fails a malformed description that builds a system, at step 0', async () => {
      const report = await checkMisuse(acceptsNegativeCost, { caseId: NEGATIVE_COST.id });
      const [failure] = report.failures;
      expect(failure).to.include({ kind: 'result', step: 0 });
      expect(failure?.reason).to.equal(`misuse accepted: create built a system from ${NEGATIVE_COST.title}; it must be refused`);
    });

    it('fails a case whose legal set-up is refused, at that step of the set-up', async () => {
      const report = await checkMisuse(refusesIdZero);
      expect(report.failures.map((failure) => failure.path)).to.deep.equal([NEGATIVE_ID.id]);
      const [failure] = report.failures;
      expect(failure).to.include({ kind: 'implementation', step: 1 });
      expect(failure?.reason).to.match(/^the legal set-up session\("client", 0, .*\) failed: invalid ID 0$/);
    });

    it('fails a misuse the implementation hangs on as an implementation failure', async () => {
      const hangsOnMisuse: ImplementationUnderTest = {
        name: 'hangs-on-misuse',
        async create(description) {
          const system = await referenceImplementation.create(description);
          return {
            apply: (operation) => (operation.op === 'startChild' ? new Promise<CallResult>(() => {}) : system.apply(operation)),
            observe: () => system.observe(),
            dispose: () => system.dispose(),
          };
        },
      };
      const guarded = new GuardedImplementation(hangsOnMisuse, { stepTimeoutMs: 50 });
      const report = await checkMisuse(guarded, { caseId: STARTED_TWICE.id });
      const [failure] = report.failures;
      expect(failure).to.include({ kind: 'implementation', reason: 'apply(startChild("server")) failed: apply did not return within 50 ms' });
    });

    it('disposes of every system it builds, also in the cases that fail', async () => {
      let built = 0;
      let disposed = 0;
      const counting: ImplementationUnderTest = {
        name: 'counting',
        async create(description) {
          const system = await mutatesBeforeRefusing.create(description);
          built += 1;
          return {
            apply: (operation) => system.apply(operation),
            observe: () => system.observe(),
            dispose: async () => {
              disposed += 1;
              await system.dispose();
            },
          };
        },
      };
      const report = await checkMisuse(counting);
      expect(report.failures.length).to.be.greaterThan(0);
      expect(built).to.be.greaterThan(0);
      expect(disposed).to.equal(built);
    });

    it('never throws, whatever the implementation rejects with', async () => {
      const throwsStrings: ImplementationUnderTest = {
        name: 'throws-strings',
        create: () => Promise.reject('no systems today'),
      };
      const report = await checkMisuse(throwsStrings);
      const operationCases = MISUSE_CASES.filter((misuseCase) => misuseCase.misuse.kind === 'operation');
      expect(report.failures).to.have.length(operationCases.length);
      for (const failure of report.failures) expect(failure).to.include({ kind: 'implementation', step: 0 });
      expect(report.failures[0]?.reason).to.equal('building the system failed: no systems today');
    });
  });

  describe('across the process protocol', function () {
    this.timeout(30_000);

    it('takes an error reply for a refusal, and counts what the schemas forbid as not sent', async () => {
      const spawned = ProcessImplementation.spawn({ command: 'node cli/bin.js serve', stepTimeoutMs: 5000, startTimeoutMs: 10_000 });
      if (spawned.kind === 'notStarted') throw new Error(spawned.reason);
      const implementation = spawned.implementation;
      try {
        const handshake = await implementation.handshake();
        expect(handshake.kind).to.equal('started');
        const report = await checkMisuse(implementation);
        expect(report.failures.map((failure) => `${failure.path}: ${failure.reason}`)).to.deep.equal([]);
        const notSent = report.results.filter((result) => result.outcome === 'notSent').map((result) => result.title);
        expect(notSent.length).to.equal(report.notSent).and.to.be.greaterThan(0);
        for (const title of notSent) expect(title).to.match(/negative|fractional/);
        expect(report.passed + report.notSent).to.equal(MISUSE_CASES.length);
      } finally {
        await implementation.close();
      }
    });
  });

  describe('in a check', () => {
    it('runs one case for --path misuse#n, without any path, and fails the check when it fails', async () => {
      const passed = await runCheck({ implementation: referenceImplementation, pathId: STARTED_TWICE.id });
      expect(passed).to.include({ ok: true, paths: 0, steps: 0 });
      expect(passed.misuse).to.deep.include({ cases: 1, passed: 1, notSent: 0 });
      expect(passed.misuse?.results.map((result) => [result.id, result.outcome])).to.deep.equal([[STARTED_TWICE.id, 'refused']]);

      const failed = await runCheck({ implementation: acceptsStartingTwice, pathId: STARTED_TWICE.id });
      expect(failed.ok).to.equal(false);
      expect(failed.failures.map((failure) => failure.path)).to.deep.equal([STARTED_TWICE.id]);
    });

    it('runs no misuse case when machines are chosen', async () => {
      const report = await runCheck({ implementation: acceptsStartingTwice, machines: ['session'] });
      expect(report.misuse).to.equal(undefined);
      expect(report.ok).to.equal(true);
    });

    it('runs a chosen path without any misuse case', async () => {
      const report = await runCheck({ implementation: acceptsStartingTwice, pathId: 'session#1' });
      expect(report.misuse).to.equal(undefined);
      expect(report).to.include({ ok: true, paths: 1 });
    });
  });
});
