/** What the tests of process implementations ask about processes. */
import { readFileSync } from 'node:fs';

/**
 * Whether process `pid` runs: it exists and is not a zombie. A killed
 * grandchild is reparented to init, which may take its time to reap it, so
 * existence alone says too little.
 */
export function running(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  /* The state follows the command name, which is in parentheses and may itself contain them. */
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== 'Z' && state !== 'X';
}

/** How many jobs `overlapping` runs at a time: enough to keep two cores busy while each waits. */
export const OVERLAP = 4;

/** Runs `jobs` with at most `OVERLAP` at a time; the results keep the jobs' order. */
export async function overlapping<T>(jobs: readonly (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < jobs.length; index = next++) {
      const job = jobs[index];
      if (job !== undefined) results[index] = await job();
    }
  };
  await Promise.all(Array.from({ length: OVERLAP }, worker));
  return results;
}

/** The command line that runs fake `name` (`test/fakes/<name>.ts`) with `args`. */
export function fakeCommand(name: string, ...args: string[]): string {
  return ['node', '--import', 'tsx', `test/fakes/${name}.ts`, ...args].join(' ');
}
