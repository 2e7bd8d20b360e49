/**
 * Arithmetic on quota pairs (RAM in bytes, capabilities as a count), as the
 * contract passes them: plain numbers in a `Quota`.
 */

import type { Quota } from '../impl/contract.ts';

/** One of the two resources a journal move carries. */
export type Resource = 'ram' | 'caps';

export const RESOURCES: readonly Resource[] = ['ram', 'caps'];

/** No RAM and no caps. */
export const NO_QUOTA: Quota = { ram: 0, caps: 0 };

/** The sum of two quotas, per resource. */
export function plus(a: Quota, b: Quota): Quota {
  return { ram: a.ram + b.ram, caps: a.caps + b.caps };
}

/** `a` less `b`, per resource; may be negative. */
export function minus(a: Quota, b: Quota): Quota {
  return { ram: a.ram - b.ram, caps: a.caps - b.caps };
}

/** `q` with `delta` added to one resource. */
export function adjusted(q: Quota, resource: Resource, delta: number): Quota {
  switch (resource) {
    case 'ram':
      return { ram: q.ram + delta, caps: q.caps };
    case 'caps':
      return { ram: q.ram, caps: q.caps + delta };
  }
}

/** Whether both resources are equal. */
export function sameQuota(a: Quota, b: Quota): boolean {
  return a.ram === b.ram && a.caps === b.caps;
}

/** Whether both resources are zero. */
export function isZero(q: Quota): boolean {
  return q.ram === 0 && q.caps === 0;
}

/** Whether either resource is below zero. */
export function isNegative(q: Quota): boolean {
  return q.ram < 0 || q.caps < 0;
}

/** A quota for messages: `ram 8192 B, caps 2`. */
export function formatQuota(q: Quota): string {
  return `ram ${q.ram} B, caps ${q.caps}`;
}
