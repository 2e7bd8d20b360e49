/**
 * Deliberately broken copies of the reference implementation. Each is the
 * reference with one behavioural fault, written as a patch of one place in
 * one file; `loadVariant` applies it to a fresh copy of `impl/`.
 */

export interface Variant {
  readonly name: string;
  /** The fault, in one line. */
  readonly description: string;
  /** The file under impl/ that carries the fault. */
  readonly file: string;
  /** Text that must occur exactly once in that file, and what replaces it. */
  readonly find: string;
  readonly replace: string;
  /** How the checker must catch it. */
  readonly caughtBy: { readonly kind: 'state' | 'result' | 'invariant'; readonly invariant?: string };
}

export const VARIANTS: readonly Variant[] = [
  {
    name: 'session-cost-kept',
    description: 'the session cost is not returned to the client on close',
    file: 'sessionClose.ts',
    find: 'move(ram.plus(child.policy.sessionCost), reference, child.account),',
    replace: 'move(ram, reference, child.account),',
    caughtBy: { kind: 'invariant', invariant: 'returned-to-owner' },
  },
  {
    name: 'upgrade-in-available',
    description: '`upgrade` is accepted in phase AVAILABLE',
    file: 'sessionUpgrade.ts',
    find: "if (session.phase !== 'CAP_HANDED_OUT') {",
    replace: "if (session.phase !== 'CAP_HANDED_OUT' && session.phase !== 'AVAILABLE') {",
    caughtBy: { kind: 'state' },
  },
  {
    name: 'denied-quota-stays-with-server',
    description: 'an asynchronous SERVICE_DENIED leaves the donated quota with the server',
    file: 'sessionClose.ts',
    find: 'move(ram, service, reference),\n    move(caps, service, reference),',
    replace:
      "...(session.phase === 'SERVICE_DENIED' ? [] : [move(ram, service, reference), move(caps, service, reference)]),",
    caughtBy: { kind: 'invariant', invariant: 'returned-to-owner' },
  },
  {
    name: 'close-returns-caps-only',
    description: 'a close returns the caps but not the RAM',
    file: 'sessionClose.ts',
    find: 'move(ram.plus(child.policy.sessionCost), reference, child.account),',
    replace: '',
    caughtBy: { kind: 'invariant', invariant: 'returned-to-owner' },
  },
];
