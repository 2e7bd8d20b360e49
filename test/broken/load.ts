/**
 * Builds a broken copy of the reference implementation: copies `impl/` to a
 * temporary folder, applies the variant's patch, and loads the copy.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import type { ImplementationUnderTest } from '../../impl/contract.ts';
import type { Variant } from './variants.ts';

const IMPL = new URL('../../impl/', import.meta.url);

/** Loads `variant`; throws if its patch no longer matches the reference exactly once. */
export async function loadVariant(variant: Variant): Promise<ImplementationUnderTest> {
  const copy = mkdtempSync(join(tmpdir(), `child-spec-${variant.name}-`));
  cpSync(IMPL, copy, { recursive: true });

  const file = join(copy, variant.file);
  const source = readFileSync(file, 'utf8');
  const occurrences = source.split(variant.find).length - 1;
  if (occurrences !== 1) {
    throw new Error(`variant ${variant.name}: expected its text once in impl/${variant.file}, found it ${occurrences} times`);
  }
  writeFileSync(file, source.replace(variant.find, variant.replace));

  const module: { referenceImplementation: ImplementationUnderTest } = await import(
    pathToFileURL(join(copy, 'reference.ts')).href
  );
  return { ...module.referenceImplementation, name: variant.name };
}
