/**
 * Benchmark of `check`, measured in one run: paths and steps per second on
 * the reference implementation, and the overhead of checking (machine,
 * observation, invariants) over bare replay of the very same operations.
 */
import { performance } from 'node:perf_hooks';

import type { ImplementationUnderTest, Operation, SystemDescription } from '../impl/contract.ts';
import { referenceImplementation } from '../impl/reference.ts';
import { System } from '../impl/system.ts';
import { listPaths, runCheck } from '../models/check.ts';
import { row } from './machine.ts';

interface Recording {
  readonly description: SystemDescription;
  readonly operations: Operation[];
}

/** Wraps the reference so that every system built and every operation applied is recorded. */
function recording(into: Recording[]): ImplementationUnderTest {
  return {
    name: 'reference (recorded)',
    async create(description) {
      const record: Recording = { description, operations: [] };
      into.push(record);
      const system = await referenceImplementation.create(description);
      return {
        apply: async (operation) => {
          record.operations.push(operation);
          return system.apply(operation);
        },
        observe: () => system.observe(),
        dispose: () => system.dispose(),
      };
    },
  };
}

function bareReplay(recordings: readonly Recording[]): number {
  const started = performance.now();
  for (const { description, operations } of recordings) {
    const system = System.build(description);
    for (const operation of operations) system.apply(operation);
  }
  return performance.now() - started;
}

/** Measures `check` on the reference; returns the table's lines. */
export async function benchCheck(): Promise<string[]> {
  const generationStart = performance.now();
  const paths = listPaths();
  const generationMs = performance.now() - generationStart;

  const recordings: Recording[] = [];
  const heapBefore = process.memoryUsage().heapUsed;
  const checkStart = performance.now();
  /* no misuse cases or scenarios: the bare replay below replays the generated paths only */
  const report = await runCheck({ implementation: recording(recordings), scripted: false });
  const checkMs = performance.now() - checkStart;
  const heapAfter = process.memoryUsage().heapUsed;

  /* the bare replay runs twice and the faster counts, so that warm-up does not inflate the ratio */
  const bareMs = Math.min(bareReplay(recordings), bareReplay(recordings));
  const operations = recordings.reduce((total, record) => total + record.operations.length, 0);

  return [
    row('paths generated', `${paths.length} in ${generationMs.toFixed(0)} ms`),
    row('check: paths, steps, operations', `${report.paths}, ${report.steps}, ${operations}`),
    row('check: time', `${checkMs.toFixed(0)} ms (${report.ok ? 'passed' : 'FAILED'})`),
    row('check: paths per second', (report.paths / (checkMs / 1000)).toFixed(0)),
    row('check: steps per second', (report.steps / (checkMs / 1000)).toFixed(0)),
    row('check: invariant checks per second', (report.invariantChecks / (checkMs / 1000)).toFixed(0)),
    row('bare replay of the same operations: time', `${bareMs.toFixed(0)} ms`),
    row('bare replay: operations per second', (operations / (bareMs / 1000)).toFixed(0)),
    row('overhead of checking over bare replay', `${(checkMs / bareMs).toFixed(1)}x`),
    row('heap growth during check', `${((heapAfter - heapBefore) / 1024 / 1024).toFixed(1)} MiB`),
  ];
}
