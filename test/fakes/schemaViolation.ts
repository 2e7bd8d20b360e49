/** Answers every observe with an observation whose reference account holds "lots" of RAM. */
import { honestly, runFake, withResult } from './fake.ts';

await runFake(async (request) => {
  if (request.method !== 'observe') return honestly(request);
  const line = withResult(await request.honest(), (result) => ({
    ...(typeof result === 'object' && result !== null ? result : {}),
    accounts: { ref: { ram: 'lots', caps: 1, valid: true } },
  }));
  return [line];
});
