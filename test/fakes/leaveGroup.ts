/**
 * Starts a grandchild that leaves the process group (`setsid`, as a daemon
 * does) but keeps the fake's standard output and error open, writes its
 * pid to the file given as first argument, and then answers honestly until
 * the first create. What it does then is the second argument: `hang`
 * (default) never answers; `crash` writes a line to standard error and
 * exits with code 3. The grandchild sleeps 20 s, so that a checker that
 * waits for the pipes to close hangs that long.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';

import { honestly, runFake } from './fake.ts';

const [pidFile, mode = 'hang'] = process.argv.slice(2);
if (pidFile === undefined) throw new Error('leaveGroup needs a file to write the pid of its grandchild to');

/* detached: the grandchild calls setsid(), so killing the fake's process group misses it. */
const grandchild = spawn('sleep', ['20'], { detached: true, stdio: ['ignore', 'inherit', 'inherit'] });
grandchild.unref();
writeFileSync(pidFile, String(grandchild.pid));

await runFake(async (request) => {
  if (request.method !== 'create') return honestly(request);
  if (mode === 'crash') {
    process.stderr.write('fake: crashing, the grandchild holds the pipes\n');
    process.exit(3);
  }
  return [];
});
