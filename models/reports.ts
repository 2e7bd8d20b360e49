/**
 * What the parent reported during one call, compared by level: the seed's
 * warnings and errors are observable (spec §6) but their wording is not part
 * of the contract, so only their levels are.
 */
import type { Observation } from '../impl/contract.ts';
import type { ReportLevel } from '../machines/reportLevel.ts';

/**
 * A sentence if the diagnostics added between `before` and `after` do not
 * match `expected`: none at all for `none`, else at least one, all of that level.
 */
export function checkReports(expected: ReportLevel, before: Observation, after: Observation): string[] {
  const added = after.diagnostics.slice(before.diagnostics.length);
  const shown = added.map((diagnostic) => `${diagnostic.level}: ${diagnostic.message}`).join('; ');
  if (expected === 'none') {
    return added.length === 0 ? [] : [`the parent reported ${shown}, the machine expects nothing reported`];
  }
  if (added.length === 0) return [`the parent reported nothing, the machine expects a ${expected}`];
  return added.every((diagnostic) => diagnostic.level === expected)
    ? []
    : [`the parent reported ${shown}, the machine expects only a ${expected}`];
}
