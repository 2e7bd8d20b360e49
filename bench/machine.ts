/**
 * The machine a benchmark runs on, as the README reports it: processors
 * (`nproc`), Node.js version, CPU model (from /proc/cpuinfo).
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

export interface MachineInfo {
  readonly processors: number;
  readonly node: string;
  readonly cpu: string;
}

/** The CPU model, or `unknown` where /proc/cpuinfo does not say. */
function cpuModel(): string {
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    return /^model name\s*:\s*(.+)$/m.exec(info)?.[1]?.trim() ?? 'unknown';
  } catch (error) {
    return `unknown (${error instanceof Error ? error.message : String(error)})`;
  }
}

export function machineInfo(): MachineInfo {
  return { processors: availableParallelism(), node: process.version, cpu: cpuModel() };
}

/** One line of a benchmark table: a label and its figure. */
export function row(name: string, value: string): string {
  return `${name.padEnd(48)} ${value}`;
}
