/**
 * A faulty variant of the reference implementation as a module that
 * `--impl` loads: the catalog entry named by the environment variable
 * `CHILD_SPEC_VARIANT`. The fuzz and explore tests run each variant in a
 * separate `child-spec` process through it, so that a variant that loops
 * for ever is stopped by a timeout instead of stopping the tests.
 */
import { findVariant } from '../../faults/catalog.ts';
import { loadVariant } from '../../faults/load.ts';

const name = process.env.CHILD_SPEC_VARIANT ?? '';
const variant = findVariant(name);
if (!variant) throw new Error(`no variant named '${name}' in faults/catalog.ts`);

export default await loadVariant(variant);
