/** Answers the first create under the id of a request that was never sent. */
import { honestly, runFake } from './fake.ts';

await runFake(async (request) => {
  if (request.method !== 'create') return honestly(request);
  return [JSON.stringify({ id: request.id + 1, result: { system: 's1' } })];
});
