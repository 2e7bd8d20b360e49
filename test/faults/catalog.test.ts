import { existsSync } from 'node:fs';

import { expect } from 'chai';

import { findVariant, VARIANTS, type Variant } from '../../faults/catalog.ts';
import { loadVariant, occurrences, PatchError, patchSource, referenceSource } from '../../faults/load.ts';
import { INVARIANT_IDS } from '../../invariants/index.ts';

const sample: Variant = {
  name: 'sample',
  description: 'a sample patch',
  file: 'sessionClose.ts',
  find: 'return CLOSE_PENDING;',
  replace: 'return CLOSE_DONE;',
  caughtBy: { kind: 'result' },
};

describe('faults/catalog', () => {
  it('holds at least fifteen variants with unique kebab-case names', () => {
    expect(VARIANTS.length).to.be.at.least(15);
    const names = VARIANTS.map((variant) => variant.name);
    expect(new Set(names).size).to.equal(names.length);
    for (const name of names) expect(name).to.match(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('describes each fault in one line', () => {
    for (const variant of VARIANTS) {
      expect(variant.description, variant.name).to.match(/^\S.*\S$/);
      expect(variant.description, variant.name).to.not.include('\n');
    }
  });

  it('expects each variant to be caught by a known check', () => {
    for (const variant of VARIANTS) {
      const { kind, invariant } = variant.caughtBy;
      expect(['state', 'result', 'invariant', 'implementation'], variant.name).to.include(kind);
      if (kind === 'invariant') expect(INVARIANT_IDS, variant.name).to.include(invariant);
      else expect(invariant, variant.name).to.equal(undefined);
    }
  });

  for (const variant of VARIANTS) {
    it(`patches impl/${variant.file} in exactly one place for ${variant.name}`, () => {
      expect(existsSync(new URL(`../../impl/${variant.file}`, import.meta.url)), variant.file).to.equal(true);
      const source = referenceSource(variant);
      expect(occurrences(variant, source)).to.equal(1);
      const patched = patchSource(variant, source);
      expect(patched).to.not.equal(source);
      expect(patched.length).to.equal(source.length - variant.find.length + variant.replace.length);
    });
  }

  it('finds a variant by its name', () => {
    expect(findVariant('session-cost-kept')?.file).to.equal('sessionClose.ts');
    expect(findVariant('no-such-variant')).to.equal(undefined);
  });
});

describe('faults/load', () => {
  it('refuses a patch whose text is missing', () => {
    expect(() => patchSource(sample, 'nothing to see')).to.throw(PatchError, 'found it 0 times');
  });

  it('refuses a patch whose text occurs twice', () => {
    const twice = 'return CLOSE_PENDING;\nreturn CLOSE_PENDING;\n';
    expect(() => patchSource(sample, twice)).to.throw(PatchError, 'found it 2 times');
  });

  it('replaces the one occurrence and nothing else', () => {
    expect(patchSource(sample, 'a;\nreturn CLOSE_PENDING;\nb;')).to.equal('a;\nreturn CLOSE_DONE;\nb;');
  });

  it('fails loudly when a patch no longer matches impl/', async () => {
    const stale: Variant = { ...sample, name: 'stale', find: 'text that impl/ does not have' };
    let error: unknown = null;
    try {
      await loadVariant(stale);
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(PatchError);
    expect(String(error)).to.include('variant stale: expected its text once in impl/sessionClose.ts');
  });

  it('loads a patched copy under the variant name, leaving the reference as it was', async () => {
    const implementation = await loadVariant(sample);
    expect(implementation.name).to.equal('sample');
    expect(occurrences(sample, referenceSource(sample))).to.equal(1);
  });
});
