/**
 * The catalog of faulty implementations: variants of the reference
 * implementation, each with one behavioural fault that the seed's semantics
 * forbid, written as a patch of one place in one file of `impl/`.
 * `loadVariant` (`faults/load.ts`) applies a patch to a fresh copy of
 * `impl/`; `runMutants` (`faults/mutants.ts`) checks every variant.
 *
 * Each variant names how the checker is expected to catch it first: a state
 * mismatch, a wrong call result, or a broken invariant (and which). A
 * variant that the checker does not catch is a gap in the checker, not in
 * the catalog.
 */
import type { InvariantId } from '../invariants/index.ts';
import type { FailureKind } from '../models/replay.ts';

/** One faulty implementation: the reference with one patch. */
export interface Variant {
  /** Kebab-case, unique; the name `child-spec mutants --variant` takes. */
  readonly name: string;
  /** The fault, in one line. */
  readonly description: string;
  /** The file under `impl/` that carries the fault. */
  readonly file: string;
  /** Text that must occur exactly once in that file, and what replaces it. */
  readonly find: string;
  readonly replace: string;
  /** How the checker catches it: the kind of its first failure, and the invariant for `invariant`. */
  readonly caughtBy: { readonly kind: FailureKind; readonly invariant?: InvariantId };
}

export const VARIANTS: readonly Variant[] = [
  /* ------------------------------------------------ quota on close and revert */
  {
    name: 'session-cost-kept',
    description: 'the session cost is not returned to the client on close',
    file: 'sessionClose.ts',
    find: 'move(ram.plus(child.policy.sessionCost), reference, child.account),',
    replace: 'move(ram, reference, child.account),',
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
  {
    name: 'denied-quota-stays-with-server',
    description: 'an asynchronous SERVICE_DENIED leaves the donated quota with the server',
    file: 'sessionClose.ts',
    find: 'move(ram, service, reference),\n    move(caps, service, reference),',
    replace:
      "...(session.phase === 'SERVICE_DENIED'\n      ? []\n      : [move(ram, service, reference), move(caps, service, reference)]),",
    caughtBy: { kind: 'invariant', invariant: 'returned-to-owner' },
  },
  {
    name: 'closed-pd-stays-valid',
    description: 'a closed PD keeps its capability, so quota returned to the dead client reaches it',
    file: 'child.ts',
    find: '    refund.commit();\n    this.account.invalidate();\n',
    replace: '    refund.commit();\n',
    caughtBy: { kind: 'invariant', invariant: 'returned-to-owner' },
  },

  /* ------------------------------------------------ transactions */
  {
    name: 'rollback-keeps-first-transfer',
    description: "a rollback undoes every transfer of its transaction but the first, which leaks",
    file: 'transfer.ts',
    find: 'for (const transfer of [...this.transfers].reverse()) {',
    replace: 'for (const transfer of [...this.transfers].reverse().slice(0, -1)) {',
    caughtBy: { kind: 'invariant', invariant: 'atomic-transaction' },
  },
  {
    name: 'request-unacknowledged',
    description: "a session request's quota transfers are neither committed nor rolled back",
    file: 'sessionRequest.ts',
    find: '  donation.commit();\n',
    replace: '',
    caughtBy: { kind: 'invariant', invariant: 'atomic-transaction' },
  },

  /* ------------------------------------------------ upgrades */
  {
    name: 'upgrade-in-available',
    description: '`upgrade` is accepted in phase AVAILABLE',
    file: 'sessionUpgrade.ts',
    find: "if (session.phase !== 'CAP_HANDED_OUT') {",
    replace: "if (session.phase !== 'CAP_HANDED_OUT' && session.phase !== 'AVAILABLE') {",
    caughtBy: { kind: 'state' },
  },
  {
    name: 'upgrade-debits-service',
    description: "an upgrade's RAM is debited from the service's account instead of the client's PD",
    file: 'sessionUpgrade.ts',
    find: 'move(ramQuota, child.account, reference),',
    replace: 'move(ramQuota, service.account, reference),',
    caughtBy: { kind: 'invariant', invariant: 'quota-with-owner' },
  },
  {
    name: 'upgrade-not-recorded',
    description: "an upgrade moves the quota but does not add it to the session's donated quota",
    file: 'sessionUpgrade.ts',
    find: '  session.increaseDonatedQuota(ramQuota, capQuota);\n',
    replace: '',
    caughtBy: { kind: 'invariant', invariant: 'quota-with-owner' },
  },
  {
    name: 'upgrade-ok-ignored',
    description: "a server's `ok` to an upgrade leaves the session in UPGRADE_REQUESTED",
    file: 'serverResponse.ts',
    find: "        session.enter('CAP_HANDED_OUT');\n",
    replace: '',
    caughtBy: { kind: 'state' },
  },

  /* ------------------------------------------------ requests, IDs and servers */
  {
    name: 'session-after-pd-close',
    description: 'a session request of a child whose PD is closed is accepted',
    file: 'sessionRequest.ts',
    find: '|| !validSessionArgs(rawArgs) || child.pdClosed) {',
    replace: '|| !validSessionArgs(rawArgs)) {',
    caughtBy: { kind: 'result' },
  },
  {
    name: 'conflicting-id-accepted',
    description: 'a request under a client ID that is in use creates a second session',
    file: 'sessionState.ts',
    find: "    if (existing !== undefined) {\n      return { kind: 'conflictingId', existing };\n    }\n",
    replace: '',
    caughtBy: { kind: 'result' },
  },
  {
    name: 'close-keeps-client-id',
    description: "a pending close does not release the session's client ID",
    file: 'sessionClose.ts',
    find: '  session.discardIdAtClient();\n',
    replace: '',
    caughtBy: { kind: 'state' },
  },
  {
    name: 'close-without-wakeup',
    description: 'a pending close does not wake the serving child',
    file: 'sessionClose.ts',
    find: '  session.service.wakeup();\n  return CLOSE_PENDING;',
    replace: '  return CLOSE_PENDING;',
    caughtBy: { kind: 'state' },
  },
  {
    name: 'cap-after-client-closed',
    description:
      'a cap delivered after the client closed the request makes the session AVAILABLE instead of closing it',
    file: 'serverResponse.ts',
    find: '  if (!session.clientExists()) {',
    replace: '  if (session.readyCallback === null) {',
    caughtBy: { kind: 'state' },
  },
  {
    name: 'dying-server-keeps-sessions',
    description: "a dying server's `close_all_sessions` leaves the sessions it serves alive",
    file: 'closeAllSessions.ts',
    find: '  revertServedSessions(child);\n',
    replace: '',
    caughtBy: { kind: 'state' },
  },

  /* ------------------------------------------------ signals and the small protocols */
  {
    name: 'ready-signal-missing',
    description: 'an asynchronous answer submits no session signal to the client',
    file: 'child.ts',
    find: 'this.sessionSighValid && session.asyncClientNotify',
    replace: 'this.sessionSighValid && !session.asyncClientNotify',
    caughtBy: { kind: 'state' },
  },
  {
    name: 'yield-signalled-twice',
    description: 'a yield request is signalled to the child twice',
    file: 'child.ts',
    find: 'this.signals.yield += 1;',
    replace: 'this.signals.yield += 2;',
    caughtBy: { kind: 'state' },
  },
  {
    name: 'skipped-heartbeats-off-by-one',
    description: 'skipped heartbeats count the first outstanding heartbeat too',
    file: 'child.ts',
    find: 'this.outstandingHeartbeats > 1 ? this.outstandingHeartbeats - 1 : 0',
    replace: 'this.outstandingHeartbeats',
    caughtBy: { kind: 'result' },
  },

  /* ------------------------------------------------ environment sessions */
  {
    name: 'env-retry-adds-ram-for-caps',
    description:
      'an environment session refused for insufficient caps is retried with more RAM instead of a cap',
    file: 'envConnection.ts',
    find: 'caps = caps.plus(ENV_CAP_INCREMENT);',
    replace: 'ram = ram.plus(ENV_RAM_INCREMENT);',
    caughtBy: { kind: 'state' },
  },
];

/** The variant named `name`, if the catalog has one. */
export function findVariant(name: string): Variant | undefined {
  return VARIANTS.find((variant) => variant.name === name);
}
