/**
 * Builds a faulty implementation from a variant of the catalog: copies
 * `impl/` to a temporary folder, applies the variant's patch to the copy,
 * and loads the copy's reference implementation under the variant's name.
 *
 * A patch whose text no longer occurs exactly once in its file is an error
 * (`PatchError`), so that a refactoring of `impl/` that invalidates a
 * variant fails loudly instead of checking the reference under a new name.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import type { ImplementationUnderTest } from '../impl/contract.ts';
import type { Variant } from './catalog.ts';

const IMPL = new URL('../impl/', import.meta.url);

/** A variant's patch does not match its file exactly once. */
export class PatchError extends Error {}

/** How often the variant's text occurs in `source`. */
export function occurrences(variant: Variant, source: string): number {
  return source.split(variant.find).length - 1;
}

/** `source` with the variant's patch applied; throws `PatchError` unless the text occurs exactly once. */
export function patchSource(variant: Variant, source: string): string {
  const count = occurrences(variant, source);
  if (count !== 1) {
    throw new PatchError(
      `variant ${variant.name}: expected its text once in impl/${variant.file}, found it ${count} times`,
    );
  }
  const index = source.indexOf(variant.find);
  return source.slice(0, index) + variant.replace + source.slice(index + variant.find.length);
}

/** The reference source of the file a variant patches. */
export function referenceSource(variant: Variant): string {
  return readFileSync(new URL(variant.file, IMPL), 'utf8');
}

/**
 * Loads `variant` as an implementation under test named after it. The
 * temporary copy is removed once its modules are loaded (they import each
 * other statically, so nothing is read from it later). Throws `PatchError`
 * if the patch no longer applies.
 */
export async function loadVariant(variant: Variant): Promise<ImplementationUnderTest> {
  const patched = patchSource(variant, referenceSource(variant));
  const copy = mkdtempSync(join(tmpdir(), `child-spec-${variant.name}-`));
  try {
    cpSync(IMPL, copy, { recursive: true });
    writeFileSync(join(copy, variant.file), patched);
    /* Outside the project, the copy needs its own word that its files are ES modules. */
    writeFileSync(join(copy, 'package.json'), '{ "type": "module" }\n');
    /* The copy has the reference's exports, whatever its patch changed inside. */
    const copied: typeof import('../impl/reference.ts') = await import(
      pathToFileURL(join(copy, 'reference.ts')).href
    );
    return { ...copied.referenceImplementation, name: variant.name };
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

