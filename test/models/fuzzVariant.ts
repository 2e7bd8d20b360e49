/**
 * Faulty variants of the reference implementation for the fuzz and
 * explore tests, which run them in a separate process so that a variant
 * that loops for ever (close-keeps-client-id does, in `closeAllSessions`)
 * is stopped by a timeout instead of stopping the tests.
 *
 * As a module that `--impl` loads, it exports the variant named by the
 * environment variable `CHILD_SPEC_VARIANT`. Run as a script with variant
 * names, a seed and a number of runs, it fuzzes each variant in turn and
 * prints one JSON line per variant: what caught it, the trace, and whether
 * the trace is minimal (no single step can be removed with the run still
 * failing).
 */
import { findVariant } from '../../faults/catalog.ts';
import { loadVariant } from '../../faults/load.ts';
import type { ImplementationUnderTest } from '../../impl/contract.ts';
import { replayActions, traceLines } from '../../models/exploreRun.ts';
import { runFuzz } from '../../models/fuzz.ts';

async function variantNamed(name: string): Promise<ImplementationUnderTest> {
  const variant = findVariant(name);
  if (!variant) throw new Error(`no variant named '${name}' in faults/catalog.ts`);
  return loadVariant(variant);
}

/** Fuzzes one variant and checks that its shrunk trace is minimal. */
async function fuzzVariant(name: string, seed: number, runs: number): Promise<unknown> {
  const implementation = await variantNamed(name);
  const report = await runFuzz({ runs, maxCommands: 40, seed, implementation });
  const failure = report.failure;
  if (!failure) return { variant: name, caught: false, runs: report.runs };
  const removable: number[] = [];
  for (const [index] of failure.actions.entries()) {
    const shorter = failure.actions.filter((_, at) => at !== index);
    const replayed = await replayActions(failure.shape, shorter, implementation, false);
    if (replayed.failure) removable.push(index + 1);
  }
  return {
    variant: name,
    caught: true,
    runs: report.runs,
    kind: failure.failure.kind,
    invariant: failure.failure.invariant,
    reason: failure.failure.reason,
    steps: failure.actions.length,
    removable,
    trace: [...traceLines(failure.failure, failure.trace), `  replay: ${failure.replay}`].join('\n'),
  };
}

const [, script, ...args] = process.argv;
const runAsScript = script !== undefined && import.meta.url.endsWith(script.split('/').pop() ?? '\0');
if (runAsScript) {
  const [seed, runs, ...names] = args;
  for (const name of names) {
    process.stdout.write(`${JSON.stringify(await fuzzVariant(name, Number(seed), Number(runs)))}\n`);
  }
}

/** The variant `--impl` loads, when there is one to load. */
const named = process.env.CHILD_SPEC_VARIANT;
export default named === undefined ? null : await variantNamed(named);
