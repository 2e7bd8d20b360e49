/**
 * Readable, multi-line rendering of a violation for reports and test failures.
 */

import type { Quota } from '../impl/contract.ts';
import type { Violation } from './violation.ts';

/**
 * Renders a violation on several lines: the invariant with step and label,
 * the message, then one line per account with its observed and, where known,
 * expected balance, in aligned columns.
 */
export function formatViolation(violation: Violation): string {
  const rows = violation.accounts.map((balance) => ({
    name: balance.account,
    observed: `observed ${formatAmounts(balance.observed)}`,
    expected: balance.expected === null ? '' : `expected ${formatAmounts(balance.expected)}`,
  }));
  const nameWidth = Math.max(0, ...rows.map((row) => row.name.length));
  const observedWidth = Math.max(0, ...rows.map((row) => row.observed.length));

  const lines = [
    `${violation.invariant} after operation ${violation.step} of the system (${violation.label})`,
    `  ${violation.message}`,
  ];
  for (const row of rows) {
    const line = `  ${row.name.padEnd(nameWidth)}  ${row.observed.padEnd(observedWidth)}  ${row.expected}`;
    lines.push(line.trimEnd());
  }

  return lines.join('\n');
}

function formatAmounts(q: Quota): string {
  return `ram ${q.ram}, caps ${q.caps}`;
}
