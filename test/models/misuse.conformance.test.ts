/**
 * The misuse cases on the reference implementation as one test per case,
 * titled by the case. Part of the test command of mutation testing
 * (stryker.config.json), so that a mutant that lets misuse through, or
 * changes the system before refusing it, is killed by the case that
 * reaches it.
 */
import { expect } from 'chai';

import { referenceImplementation } from '../../impl/reference.ts';
import { checkMisuse, MISUSE_CASES } from '../../models/misuse.ts';
import { failureTrace } from '../../reports/checkReport.ts';

describe('conformance of the reference implementation: misuse cases', () => {
  for (const misuseCase of MISUSE_CASES) {
    it(`${misuseCase.id}: refuses ${misuseCase.title}`, async () => {
      const report = await checkMisuse(referenceImplementation, { caseId: misuseCase.id });
      const trace = report.failures.flatMap(failureTrace).join('\n');
      expect(report.failures, trace).to.deep.equal([]);
      expect(report.passed).to.equal(1);
    });
  }
});
