import { expect } from 'chai';

import { referenceImplementation } from '../../impl/reference.ts';
import { runCheck, type CheckReport } from '../../models/check.ts';
import { MISUSE_CASES } from '../../models/misuse.ts';
import { failureTrace } from '../../reports/checkReport.ts';
import { findVariant, type Variant } from '../../faults/catalog.ts';
import { loadVariant } from '../../faults/load.ts';

/** Faulty variants whose failure reports are shown here; `test/faults/` checks the whole catalog. */
const SHOWN_VARIANTS = ['session-cost-kept', 'upgrade-in-available', 'denied-quota-stays-with-server', 'close-returns-caps-only'];

function variantNamed(name: string): Variant {
  const variant = findVariant(name);
  if (!variant) throw new Error(`no variant ${name} in the catalog`);
  return variant;
}

describe('models/check', () => {
  describe('on the reference implementation', () => {
    let report: CheckReport;
    before(async () => {
      report = await runCheck({ implementation: referenceImplementation });
    });

    it('passes every generated path', () => {
      expect(report.failures.map((failure) => failure.reason)).to.deep.equal([]);
      expect(report.ok).to.equal(true);
      expect(report.paths).to.be.greaterThan(100);
    });

    it('covers every state and every transition of every machine', () => {
      for (const machine of report.machines) {
        expect(machine.coverage.uncoveredStates, machine.name).to.deep.equal([]);
        expect(machine.coverage.uncoveredTransitions, machine.name).to.deep.equal([]);
      }
      expect(report.states.covered).to.equal(report.states.total);
      expect(report.transitions.covered).to.equal(report.transitions.total);
    });

    it('checks the invariants after every step', () => {
      expect(report.invariantChecks).to.be.greaterThan(report.steps);
    });

    it('runs every misuse case after the paths, without counting them as paths', () => {
      expect(report.misuse).to.deep.include({ cases: MISUSE_CASES.length, passed: MISUSE_CASES.length, notSent: 0 });
      expect(report.misuse?.results.map((result) => result.id)).to.deep.equal(MISUSE_CASES.map((misuseCase) => misuseCase.id));
      expect(report.paths).to.equal(report.machines.reduce((sum, machine) => sum + machine.paths, 0));
    });
  });

  for (const variant of SHOWN_VARIANTS.map(variantNamed)) {
    describe(`on the faulty variant ${variant.name} (${variant.description})`, () => {
      let report: CheckReport;
      before(async () => {
        report = await runCheck({ implementation: await loadVariant(variant), stopAtFirstFailure: true });
      });

      it(`fails, caught first by ${variant.caughtBy.invariant ?? variant.caughtBy.kind}`, () => {
        expect(report.ok).to.equal(false);
        const [failure] = report.failures;
        expect(failure?.kind, failure?.reason).to.equal(variant.caughtBy.kind);
        if (variant.caughtBy.invariant !== undefined) expect(failure?.invariant).to.equal(variant.caughtBy.invariant);
      });

      it('stops at the first failing path when asked to', () => {
        expect(report.failures).to.have.length(1);
        const results = report.machines.flatMap((machine) => machine.results);
        expect(results.at(-1)).to.include({ path: report.failures[0]?.path, ok: false });
        expect(results.slice(0, -1).every((result) => result.ok)).to.equal(true);
        expect(report.paths).to.equal(results.length);
      });

      it('prints a readable trace with the broken invariant or state and the replay command', () => {
        const [failure] = report.failures;
        if (!failure) throw new Error('no failure to show');
        const trace = failureTrace(failure).join('\n');
        expect(trace).to.include(`failed at step ${failure.step}`);
        expect(trace).to.include(failure.reason);
        expect(trace).to.match(/expected .+\n\s+returned .+\n\s+observed .+/);
        expect(trace).to.include(`replay: child-spec check --path ${failure.path}`);
        if (failure.kind === 'invariant') expect(trace).to.include(`invariant ${failure.invariant} broken`);
      });
    });
  }
});

describe('models/check: coverage in the verdict', () => {
  it('turns every uncovered state and transition into a coverage failure', async () => {
    const { coverageFailures } = await import('../../models/check.ts');
    const failures = coverageFailures({
      name: 'session',
      paths: 1,
      passed: 1,
      steps: 1,
      abstractStates: 1,
      coverage: {
        states: { covered: 1, total: 2 },
        transitions: { covered: 1, total: 2 },
        uncoveredStates: ['session.orphan'],
        uncoveredTransitions: ['session.orphan --close#0--> session.destroyed'],
        coveredTransitions: [],
      },
      results: [],
    });
    expect(failures.map((failure) => [failure.kind, failure.reason])).to.deep.equal([
      ['coverage', 'no generated path covers state session.orphan'],
      ['coverage', 'no generated path covers transition session.orphan --close#0--> session.destroyed'],
    ]);
  });
});
