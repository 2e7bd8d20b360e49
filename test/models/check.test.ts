import { expect } from 'chai';

import { referenceImplementation } from '../../impl/reference.ts';
import { runCheck, type CheckReport } from '../../models/check.ts';
import { failureTrace } from '../../reports/checkReport.ts';
import { loadVariant } from '../broken/load.ts';
import { VARIANTS } from '../broken/variants.ts';

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
  });

  for (const variant of VARIANTS) {
    describe(`on the broken variant ${variant.name} (${variant.description})`, () => {
      let report: CheckReport;
      before(async () => {
        report = await runCheck({ implementation: await loadVariant(variant) });
      });

      it(`fails, caught by ${variant.caughtBy.invariant ?? variant.caughtBy.kind}`, () => {
        expect(report.ok).to.equal(false);
        const caught = report.failures.filter(
          (failure) =>
            failure.kind === variant.caughtBy.kind &&
            (variant.caughtBy.invariant === undefined || failure.invariant === variant.caughtBy.invariant),
        );
        expect(caught, report.failures.map((failure) => `${failure.kind} ${failure.invariant}: ${failure.reason}`).join('\n')).to.not.be.empty;
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
