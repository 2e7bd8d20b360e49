/**
 * Progress of a check on standard error: a bar per machine on a terminal,
 * a line per machine and per tenth of its paths elsewhere (CI logs).
 */
import { SingleBar, Presets } from 'cli-progress';

import type { CheckProgress } from '../models/check.ts';

export function progressReporter(stream: NodeJS.WriteStream): (progress: CheckProgress) => void {
  return stream.isTTY ? barReporter(stream) : lineReporter(stream);
}

function barReporter(stream: NodeJS.WriteStream): (progress: CheckProgress) => void {
  let bar: SingleBar | null = null;
  let failed = 0;
  return (progress) => {
    if (progress.kind === 'machine') {
      bar?.stop();
      failed = 0;
      bar = new SingleBar(
        { stream, format: `  ${progress.machine.padEnd(8)} [{bar}] {value}/{total} paths, {failed} failed`, hideCursor: true },
        Presets.shades_classic,
      );
      bar.start(progress.paths, 0, { failed });
      if (progress.paths === 0) bar.stop();
      return;
    }
    if (!progress.ok) failed += 1;
    bar?.update(progress.done, { failed });
    if (progress.done === progress.total) bar?.stop();
  };
}

function lineReporter(stream: NodeJS.WriteStream): (progress: CheckProgress) => void {
  return (progress) => {
    if (progress.kind === 'machine') {
      stream.write(`  ${progress.machine}: ${progress.paths} paths\n`);
      return;
    }
    const tenth = Math.max(1, Math.ceil(progress.total / 10));
    if (progress.done % tenth === 0 || progress.done === progress.total) {
      stream.write(`  ${progress.machine}: ${progress.done}/${progress.total}\n`);
    }
  };
}
