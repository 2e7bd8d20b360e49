/**
 * Benchmark of `fuzz`: steps (commands taken) per second on the reference
 * implementation's synchronous core, as `child-spec fuzz` runs it, and
 * through the asynchronous contract, as an `--impl` module would be run.
 */
import { referenceImplementation } from '../impl/reference.ts';
import { runFuzz, type FuzzReport } from '../models/fuzz.ts';
import { row } from './machine.ts';

const SEED = 20261203;

function rates(report: FuzzReport): string {
  const seconds = report.ms / 1000;
  return (
    `${(report.commands / seconds).toFixed(0)} steps/s, ${(report.runs / seconds).toFixed(0)} runs/s ` +
    `(${report.runs} runs, ${report.commands} steps, ${report.ms.toFixed(0)} ms, ${report.ok ? 'passed' : 'FAILED'})`
  );
}

/** Measures `fuzz` on the reference; returns the table's lines. */
export async function benchFuzz(): Promise<string[]> {
  /*
   * A run first, so that neither measured run pays for warming up the JIT
   * and the machine-step cache; each measured run has its own seed, so that
   * neither finds its very steps cached by the other.
   */
  await runFuzz({ runs: 1000, maxCommands: 40, seed: SEED });
  const direct = await runFuzz({ runs: 2000, maxCommands: 40, seed: SEED + 1 });
  const contract = await runFuzz({ runs: 2000, maxCommands: 40, seed: SEED + 2, implementation: referenceImplementation });
  return [
    row('fuzz: synchronous reference', rates(direct)),
    row('fuzz: reference through the contract', rates(contract)),
    row('fuzz: steps per run', (direct.commands / direct.runs).toFixed(1)),
  ];
}
