/**
 * Answers honestly, except that in every second system it builds, each
 * observation after the first operation carries one warning more: a path
 * passes once and differs the second time.
 */
import { honestly, runFake, withResult } from './fake.ts';

const applied = new Set<string>();

function withWarning(result: unknown): unknown {
  if (typeof result !== 'object' || result === null || !('diagnostics' in result) || !Array.isArray(result.diagnostics)) return result;
  return { ...result, diagnostics: [...result.diagnostics, { step: 1, level: 'warning', message: 'fake: only every other time' }] };
}

await runFake(async (request) => {
  const system = request.system;
  if (system === null) return honestly(request);
  if (request.method === 'apply') applied.add(system);
  const even = Number(system.slice(1)) % 2 === 0;
  if (request.method !== 'observe' || !even || !applied.has(system)) return honestly(request);
  return [withResult(await request.honest(), withWarning)];
});
