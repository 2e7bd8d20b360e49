/**
 * Answers honestly until the first request of a method (default `apply`),
 * which it never answers; it keeps running. With a second argument it
 * writes its pid to that file when it starts hanging.
 */
import { writeFileSync } from 'node:fs';

import { honestly, runFake } from './fake.ts';

const [method = 'apply', pidFile] = process.argv.slice(2);

await runFake(async (request) => {
  if (request.method !== method) return honestly(request);
  if (pidFile !== undefined) writeFileSync(pidFile, String(process.pid));
  return [];
});
