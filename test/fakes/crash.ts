/** Answers honestly until request number N (default 2, the first create), then dies with exit code 3. */
import { honestly, runFake } from './fake.ts';

const at = Number(process.argv[2] ?? '2');

await runFake(async (request) => {
  if (request.count < at) return honestly(request);
  process.stderr.write('fake: starting to crash\n');
  process.stderr.write(`fake: simulated crash at request ${request.count} (${request.method})\n`);
  process.exit(3);
});
