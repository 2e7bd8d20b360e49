import { ArgString, capQuotaFromArgs, ramQuotaFromArgs, validSessionArgs } from './argString.ts';
import { UPGRADE_DONE, UPGRADE_PENDING, errorResult, outOf, unitName } from './callResult.ts';
import type { UpgradeCallResult } from './callResult.ts';
import type { Child } from './child.ts';
import { Transaction, move } from './transfer.ts';

/**
 * `upgrade(id, args)` of the parent interface (`Child::upgrade`).
 *
 * Only a session in `CAP_HANDED_OUT` is upgraded: the extra `ram_quota` and
 * `cap_quota` move from the child through the reference account to the
 * service in one transaction, are added to the donated quota, and the
 * session goes to `UPGRADE_REQUESTED` for its service, all before the
 * transaction is acknowledged. Results: *done* if the service answered at
 * once or the arguments are invalid (with a warning); *pending* otherwise,
 * also for an unknown ID, a closed PD, or a session in another phase (with
 * a warning); `outOfRam`/`outOfCaps` (with a warning) when the child cannot
 * pay, and nothing moves.
 */
export function upgradeSession(child: Child, id: number, rawArgs: string): UpgradeCallResult {
  // Reject invalid arguments.
  if (!validSessionArgs(rawArgs)) {
    child.parent.diagnostics.warning('no valid session-upgrade arguments');
    return UPGRADE_DONE;
  }

  // Ignore requests that arrive after closeAllSessions.
  if (child.pdClosed) {
    return UPGRADE_PENDING;
  }

  // Only a session whose cap was handed out can be upgraded.
  const session = child.idSpace.lookup(id);
  if (session === undefined) {
    return UPGRADE_PENDING;
  }
  if (session.phase !== 'CAP_HANDED_OUT') {
    child.parent.diagnostics.warning('attempt to upgrade session in invalid state');
    return UPGRADE_PENDING;
  }
  const args = ArgString.parse(rawArgs);
  const ramQuota = ramQuotaFromArgs(args);
  const capQuota = capQuotaFromArgs(args);

  // Move the quota from the child through the reference account to the service.
  const service = session.service;
  const reference = child.policy.referenceAccount;
  const donation = Transaction.begin(child.parent.journal, child.parent.diagnostics);
  const donated = donation.transferAll([
    move(ramQuota, child.account, reference),
    move(capQuota, child.account, reference),
    move(ramQuota, reference, service.account),
    move(capQuota, reference, service.account),
  ]);
  if (donated.kind === 'quotaExceeded') {
    donation.rollback();
    child.parent.diagnostics.warning(
      `${child.name}: ${unitName(donated.resource)} upgrade of ${service.name} failed`,
    );
    return errorResult(outOf(donated.resource));
  }

  // Record the upgrade and hand it to the service, then acknowledge the transaction.
  session.increaseDonatedQuota(ramQuota, capQuota);
  session.enter('UPGRADE_REQUESTED');
  service.initiateRequest(session);
  donation.commit();

  // Done if the service answered at once; otherwise wake it.
  if (session.phase === 'CAP_HANDED_OUT') {
    return UPGRADE_DONE;
  }
  service.wakeup();
  return UPGRADE_PENDING;
}
