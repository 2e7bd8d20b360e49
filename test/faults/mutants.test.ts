import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect } from 'chai';

import { findVariant, VARIANTS, type Variant } from '../../faults/catalog.ts';
import {
  checkLabel,
  checkVariant,
  mutantsSummary,
  runMutants,
  writeMutantsReport,
  type MutantResult,
  type MutantsProgress,
  type MutantsReport,
} from '../../faults/mutants.ts';

function variantNamed(name: string): Variant {
  const variant = findVariant(name);
  if (!variant) throw new Error(`no variant ${name} in the catalog`);
  return variant;
}

describe('faults/mutants', () => {
  describe('every variant of the catalog', () => {
    for (const variant of VARIANTS) {
      it(`kills ${variant.name} by ${checkLabel(variant.caughtBy.kind, variant.caughtBy.invariant ?? null)}`, async () => {
        const result = await checkVariant(variant);
        expect(result.killed, `${variant.name} survived ${result.paths} paths`).to.equal(true);
        expect(result.by, result.reason ?? '').to.equal(result.expected);
        expect(result.steps).to.be.at.least(1);
        expect(result.path).to.match(/^(session|child)#\d+$/);
      });
    }
  });

  describe('the gaps the catalog found', () => {
    it('catches a close that does not wake the serving child', async () => {
      const result = await checkVariant(variantNamed('close-without-wakeup'));
      expect(result.reason).to.equal('the call woke server/Child 0 time(s), the machine expects 1');
    });

    it('catches an environment session left at a serving child without waking it', async () => {
      const result = await checkVariant({
        name: 'env-request-not-woken',
        description: 'an environment session waiting for a serving child does not wake it',
        file: 'envConnection.ts',
        find: '    envService.wakeup();\n    return true;',
        replace: '    return true;',
        caughtBy: { kind: 'state' },
      });
      expect(result).to.include({ killed: true, by: 'state' });
      expect(result.reason).to.equal('the call woke server/ROM 0 time(s), the machine expects 1');
    });
  });

  describe('a run over variants', () => {
    const progress: MutantsProgress[] = [];
    let report: MutantsReport;
    before(async () => {
      const variants = ['session-cost-kept', 'request-unacknowledged'].map(variantNamed);
      report = await runMutants({ variants, onProgress: (event) => progress.push(event) });
    });

    it('counts the variants and the killed ones', () => {
      expect(report).to.include({ total: 2, killed: 2 });
      expect(report.variants.map((result) => result.name)).to.deep.equal(['session-cost-kept', 'request-unacknowledged']);
      expect(Number.isInteger(report.ms)).to.equal(true);
    });

    it('reports the start and the end of each variant, in order', () => {
      expect(progress.map((event) => `${event.kind} ${event.index}/${event.total}`)).to.deep.equal([
        'start 0/2',
        'done 0/2',
        'start 1/2',
        'done 1/2',
      ]);
    });

    it('sums up exactly the fields of --json', () => {
      const summary = mutantsSummary(report);
      expect(summary).to.have.all.keys('total', 'killed', 'variants');
      for (const variant of summary.variants) expect(variant).to.have.all.keys('name', 'killed', 'by', 'steps', 'ms');
    });

    it('writes mutants.json with the whole result', async () => {
      const out = mkdtempSync(join(tmpdir(), 'child-spec-mutants-'));
      const file = await writeMutantsReport(report, out);
      expect(file).to.equal(join(out, 'mutants.json'));
      const written: unknown = JSON.parse(readFileSync(file, 'utf8'));
      expect(written).to.deep.equal(JSON.parse(JSON.stringify(report)));
      const [first] = report.variants;
      expect(first).to.have.all.keys(
        'name', 'description', 'file', 'killed', 'by', 'expected', 'steps', 'path', 'reason', 'paths', 'ms',
      );
    });
  });

  describe('a variant that changes nothing observable', () => {
    let result: MutantResult;
    before(async () => {
      result = await checkVariant({
        name: 'comment-only',
        description: 'a comment reworded',
        file: 'sessionClose.ts',
        find: '/** Whether `id` is one of the fixed client IDs',
        replace: '/** Whether the ID `id` is one of the fixed client IDs',
        caughtBy: { kind: 'state' },
      });
    });

    it('survives every path, with nothing to blame', () => {
      expect(result).to.include({ killed: false, by: null, steps: 0, path: null, reason: null });
      expect(result.paths).to.be.greaterThan(1000);
    });
  });
});
