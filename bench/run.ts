/**
 * The benchmarks, measured in one run and printed as one table: `check`
 * against bare replay, `fuzz` steps per second, `explore` states per second
 * and bytes per state, and how explored states grow with clients and
 * sessions. Headed by the machine they were taken on.
 *
 * Run: npm run bench
 */
import { performance } from 'node:perf_hooks';

import { benchCheck } from './check.ts';
import { benchExplore } from './explore.ts';
import { benchFuzz } from './fuzz.ts';
import { machineInfo, row } from './machine.ts';

const started = performance.now();
const machine = machineInfo();
const sections: [string, () => Promise<string[]>][] = [
  ['check', benchCheck],
  ['fuzz', benchFuzz],
  ['explore', benchExplore],
];

process.stdout.write(
  `child-spec bench: node ${machine.node}, ${process.platform}/${process.arch}, ${machine.processors} processors (nproc), ${machine.cpu}\n`,
);
for (const [name, measure] of sections) {
  process.stdout.write(`\n${name}\n${(await measure()).join('\n')}\n`);
}
process.stdout.write(`\n${row('whole benchmark', `${((performance.now() - started) / 1000).toFixed(0)} s`)}\n`);
