/**
 * What `child-spec report` reads: the check report `check.json` that
 * `child-spec check` writes, and, when present, the fault-catalog verdict
 * `mutants.json` that `child-spec mutants` writes beside it. Both are
 * checked for the fields the report shows before they are used.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { INVARIANT_IDS } from '../invariants/index.ts';
import type { CheckReport } from '../models/check.ts';
import { MISUSE_OUTCOMES } from '../models/misuse.ts';
import { FAILURE_KINDS } from '../models/replay.ts';
import { misfit, type Shape } from './shape.ts';

/** One faulty variant as the fault catalog's run left it. */
export interface FaultCatalogResult {
  readonly name: string;
  /** Whether the checker caught the variant. */
  readonly killed: boolean;
  /** The check that caught it (`state`, `result`, `invariant:<id>`, …); null when it survived. */
  readonly by: string | null;
  /** Steps of the first failing path; 0 when it survived. */
  readonly steps: number;
  readonly ms: number;
  readonly description?: string;
  readonly expected?: string;
  readonly path?: string | null;
}

/** The fault catalog's verdict: `{"total","killed","variants":[…]}`. */
export interface FaultCatalogReport {
  readonly total: number;
  readonly killed: number;
  readonly variants: readonly FaultCatalogResult[];
}

export interface ReportInput {
  readonly check: CheckReport;
  /** Null when no `mutants.json` lies beside `check.json`. */
  readonly mutants: FaultCatalogReport | null;
  /** The files read. */
  readonly sources: readonly string[];
}

/** The input cannot be used: missing, not JSON, or not of the expected shape. The message says which. */
export class ReportInputError extends Error {}

const COUNT: Shape = { fields: { covered: 'number', total: 'number' } };
const STRINGS: Shape = { arrayOf: 'string' };

const STEP_SHAPE: Shape = {
  fields: {
    index: 'number',
    event: 'string',
    operations: STRINGS,
    expectedState: 'string',
    expectedResult: 'string',
    result: 'string',
    observed: 'string',
  },
};

const FAILURE_SHAPE: Shape = {
  fields: {
    path: 'string',
    machine: 'string',
    title: 'string',
    kind: { oneOf: FAILURE_KINDS },
    step: 'number',
    reason: 'string',
    invariant: 'string?',
    details: STRINGS,
    trace: { arrayOf: STEP_SHAPE },
    replay: 'string',
    transitions: STRINGS,
  },
  optional: ['transitions'],
};

const MACHINE_SHAPE: Shape = {
  fields: {
    name: 'string',
    paths: 'number',
    passed: 'number',
    steps: 'number',
    abstractStates: 'number',
    coverage: {
      fields: {
        states: COUNT,
        transitions: COUNT,
        uncoveredStates: STRINGS,
        uncoveredTransitions: STRINGS,
        coveredTransitions: STRINGS,
      },
    },
    results: { arrayOf: { fields: { path: 'string', title: 'string', ok: 'boolean', ms: 'number' } } },
  },
};

const CHECK_SHAPE: Shape = {
  fields: {
    ok: 'boolean',
    paths: 'number',
    steps: 'number',
    states: COUNT,
    transitions: COUNT,
    invariantChecks: 'number',
    failures: { arrayOf: FAILURE_SHAPE },
    implementation: 'string',
    machines: { arrayOf: MACHINE_SHAPE },
    invariants: { fields: Object.fromEntries(INVARIANT_IDS.map((id): [string, Shape] => [id, 'number'])) },
    misuse: {
      fields: {
        cases: 'number',
        passed: 'number',
        notSent: 'number',
        results: { arrayOf: { fields: { id: 'string', title: 'string', outcome: { oneOf: MISUSE_OUTCOMES }, ms: 'number' } } },
      },
    },
    scenarios: {
      fields: {
        cases: 'number',
        passed: 'number',
        steps: 'number',
        results: { arrayOf: { fields: { id: 'string', title: 'string', ok: 'boolean', ms: 'number' } } },
      },
    },
    ms: 'number',
  },
  /* a check that ran no misuse cases or scenarios (`--machine`, a path), or one written before they existed, has none */
  optional: ['misuse', 'scenarios'],
};

const MUTANTS_SHAPE: Shape = {
  fields: {
    total: 'number',
    killed: 'number',
    variants: {
      arrayOf: {
        fields: {
          name: 'string',
          killed: 'boolean',
          by: 'string?',
          steps: 'number',
          ms: 'number',
          description: 'string',
          expected: 'string',
          path: 'string?',
        },
        optional: ['description', 'expected', 'path'],
      },
    },
  },
};

function isCheckReport(value: unknown): value is CheckReport {
  return misfit(value, CHECK_SHAPE) === null;
}

function isFaultCatalogReport(value: unknown): value is FaultCatalogReport {
  return misfit(value, MUTANTS_SHAPE) === null;
}

/**
 * Reads `check.json`, and `mutants.json` if it exists, from `directory`.
 * Throws `ReportInputError` when `check.json` is missing, or either file is
 * not JSON or lacks a field the report shows.
 */
export async function readReportInput(directory: string): Promise<ReportInput> {
  const checkFile = join(directory, 'check.json');
  const checkText = await readOptional(checkFile);
  if (checkText === null) {
    throw new ReportInputError(`no check report at ${checkFile}: run \`child-spec check\` first`);
  }
  const check = parse(checkFile, checkText);
  if (!isCheckReport(check)) {
    const where = misfit(check, CHECK_SHAPE);
    throw new ReportInputError(`${checkFile} is not a check report of this child-spec (${where}): run \`child-spec check\` again`);
  }

  const mutantsFile = join(directory, 'mutants.json');
  const mutantsText = await readOptional(mutantsFile);
  if (mutantsText === null) return { check, mutants: null, sources: [checkFile] };
  const mutants = parse(mutantsFile, mutantsText);
  if (!isFaultCatalogReport(mutants)) {
    const where = misfit(mutants, MUTANTS_SHAPE);
    throw new ReportInputError(`${mutantsFile} is not a fault-catalog report (${where}): run \`child-spec mutants\` again`);
  }
  return { check, mutants, sources: [checkFile, mutantsFile] };
}

/** The file's text, or null when it does not exist; other read errors are thrown as they are. */
async function readOptional(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return null;
    if (error instanceof Error && 'code' in error && error.code === 'EISDIR') {
      throw new ReportInputError(`${file} is a directory, not a report: move it away, or run \`child-spec check\` with another --out`);
    }
    throw error;
  }
}

function parse(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ReportInputError(`${file} is not JSON: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
