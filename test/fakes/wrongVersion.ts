/** Says it speaks contract version 99. */
import { honestly, runFake } from './fake.ts';

await runFake(async (request) =>
  request.method === 'hello' ? [JSON.stringify({ id: request.id, result: { version: 99, name: 'from-the-future' } })] : honestly(request),
);
