/**
 * Mutation testing of the checker: every variant of the catalog is loaded
 * and checked like an implementation under test, stopping at its first
 * failing path. A variant the checker fails is *killed*; one it passes
 * *survives*, which shows a gap in the checker.
 *
 * Silent: progress is reported through a callback, the verdict as data;
 * `writeMutantsReport` writes it for the reports.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { runCheck, type CheckReport, type FailureReport } from '../models/check.ts';
import type { FailureKind } from '../models/replay.ts';
import { VARIANTS, type Variant } from './catalog.ts';
import { loadVariant } from './load.ts';

/** How checking one variant ended. */
export interface MutantResult {
  readonly name: string;
  readonly description: string;
  /** The file under `impl/` its patch changes. */
  readonly file: string;
  /** Whether the checker failed it. */
  readonly killed: boolean;
  /**
   * The check that caught it: `state`, `result`, `implementation`, or
   * `invariant:<id>`; null when it survived.
   */
  readonly by: string | null;
  /** The check the catalog expects to catch it, in the same form. */
  readonly expected: string;
  /** Steps of the first failing path up to and including the failing one; 0 when it survived. */
  readonly steps: number;
  /** The first failing path (`machine#n`) and what was wrong there; null when it survived. */
  readonly path: string | null;
  readonly reason: string | null;
  /** Paths replayed until the first failure (all of them for a survivor). */
  readonly paths: number;
  /** Loading the variant and checking it, in whole milliseconds. */
  readonly ms: number;
}

/**
 * The result of a mutants run, as `reports/out/mutants.json` holds it:
 *
 * ```json
 * {
 *   "total": 20, "killed": 20, "ms": 31250,
 *   "variants": [
 *     { "name": "session-cost-kept",
 *       "description": "the session cost is not returned to the client on close",
 *       "file": "sessionClose.ts", "killed": true,
 *       "by": "invariant:returned-to-owner", "expected": "invariant:returned-to-owner",
 *       "steps": 1, "path": "session#1", "reason": "invariant returned-to-owner broken: …",
 *       "paths": 1, "ms": 413 }
 *   ]
 * }
 * ```
 *
 * `by` and `expected` are `state`, `result`, `implementation` or
 * `invariant:<id>` (`by` is null for a survivor, whose `steps` is 0 and
 * `path` and `reason` null). Times are whole milliseconds. `child-spec mutants
 * --json` prints the subset `total`, `killed` and, per variant, `name`,
 * `killed`, `by`, `steps`, `ms`.
 */
export interface MutantsReport {
  readonly total: number;
  readonly killed: number;
  readonly variants: readonly MutantResult[];
  readonly ms: number;
}

export type MutantsProgress =
  | { readonly kind: 'start'; readonly index: number; readonly total: number; readonly variant: string }
  | { readonly kind: 'done'; readonly index: number; readonly total: number; readonly result: MutantResult };

export interface MutantsOptions {
  /** The variants to check; the whole catalog when absent. */
  readonly variants?: readonly Variant[];
  readonly onProgress?: (progress: MutantsProgress) => void;
}

/**
 * Checks every variant, one after the other. Throws `PatchError` when a
 * variant's patch no longer matches its file exactly once: the catalog, not
 * the checker, is then out of date.
 */
export async function runMutants(options: MutantsOptions = {}): Promise<MutantsReport> {
  const started = performance.now();
  const variants = options.variants ?? VARIANTS;
  const results: MutantResult[] = [];
  for (const [index, variant] of variants.entries()) {
    const total = variants.length;
    options.onProgress?.({ kind: 'start', index, total, variant: variant.name });
    const result = await checkVariant(variant);
    results.push(result);
    options.onProgress?.({ kind: 'done', index, total, result });
  }
  return {
    total: results.length,
    killed: results.filter((result) => result.killed).length,
    variants: results,
    ms: Math.round(performance.now() - started),
  };
}

/** Loads one variant and checks it up to its first failing path. */
export async function checkVariant(variant: Variant): Promise<MutantResult> {
  const started = performance.now();
  const implementation = await loadVariant(variant);
  const report = await runCheck({
    implementation,
    stopAtFirstFailure: true,
    replayCommand: (pathId) => `child-spec mutants --variant ${variant.name} (path ${pathId})`,
  });
  return resultOf(variant, report, Math.round(performance.now() - started));
}

function resultOf(variant: Variant, report: CheckReport, ms: number): MutantResult {
  const [failure] = report.failures;
  const expected = checkLabel(variant.caughtBy.kind, variant.caughtBy.invariant ?? null);
  const { name, description, file } = variant;
  const common = { name, description, file, expected, paths: report.paths, ms };
  if (failure === undefined) {
    return { ...common, killed: false, by: null, steps: 0, path: null, reason: null };
  }
  return { ...common, killed: true, ...caughtBy(failure) };
}

function caughtBy(failure: FailureReport): Pick<MutantResult, 'by' | 'steps' | 'path' | 'reason'> {
  return {
    by: checkLabel(failure.kind, failure.invariant),
    steps: failure.step,
    path: failure.path,
    reason: failure.reason,
  };
}

/** `state`, `result`, `implementation`, or `invariant:<id>`. */
export function checkLabel(kind: FailureKind, invariant: string | null): string {
  return kind === 'invariant' && invariant !== null ? `invariant:${invariant}` : kind;
}

/** The fields `child-spec mutants --json` prints, field for field. */
export function mutantsSummary(report: MutantsReport): {
  readonly total: number;
  readonly killed: number;
  readonly variants: readonly Pick<MutantResult, 'name' | 'killed' | 'by' | 'steps' | 'ms'>[];
} {
  return {
    total: report.total,
    killed: report.killed,
    variants: report.variants.map(({ name, killed, by, steps, ms }) => ({ name, killed, by, steps, ms })),
  };
}

/** Writes `mutants.json` (see `MutantsReport`) into `directory`; returns its path. */
export async function writeMutantsReport(report: MutantsReport, directory: string): Promise<string> {
  await mkdir(directory, { recursive: true });
  const file = join(directory, 'mutants.json');
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}
