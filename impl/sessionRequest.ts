import { alive } from './contract.ts';
import {
  ArgString,
  capQuotaFromArgs,
  labelFromArgs,
  prefixedLabel,
  ramQuotaFromArgs,
  validServiceName,
  validSessionArgs,
} from './argString.ts';
import { INVALID_CAP, capResult, errorResult, outOf } from './callResult.ts';
import type { SessionCapResult } from './callResult.ts';
import type { Child } from './child.ts';
import { creationFailure } from './phase.ts';
import { revertQuotaAndDestroy } from './sessionClose.ts';
import { SessionState } from './sessionState.ts';
import { Transaction, move } from './transfer.ts';

/**
 * `session(id, service, args)` of the parent interface (`Child::session`).
 *
 * Results: `denied` for an invalid service name or argument string, a closed
 * PD, a denied route, or a conflicting ID (with an error diagnostic);
 * `insufficientRam` when the RAM quota does not cover the session cost;
 * `outOfRam`/`outOfCaps` when the child cannot pay (nothing moves); the
 * service's synchronous refusal (`denied`, `insufficientRam`,
 * `insufficientCaps`), with the quota returned; otherwise a cap, valid if the
 * service answered at once.
 *
 * Limitation: session affinity is not modelled (there is no argument for
 * it), nor a session factory running out of meta-data memory, nor a
 * reference account too poor to pay upstream; the seed turns the last two
 * into out-of-RAM answers.
 */
export function requestSession(
  child: Child,
  id: number,
  serviceName: string,
  rawArgs: string,
): SessionCapResult {
  // Reject invalid strings and requests after the PD was closed.
  if (!validServiceName(serviceName) || !validSessionArgs(rawArgs) || child.pdClosed) {
    return errorResult('denied');
  }

  // Prefix the session label with the child's name.
  const clientArgs = ArgString.parse(rawArgs);
  const label = prefixedLabel(child.name, labelFromArgs(clientArgs));
  let args = clientArgs.setString('label', label);

  // Let the policy filter the arguments.
  args = child.policy.filterSessionArgs(args);
  const capQuota = capQuotaFromArgs(args);
  const ramQuota = ramQuotaFromArgs(args);

  // Keep the session cost for the parent's meta data; forward the rest.
  const sessionCost = child.policy.sessionCost;
  if (ramQuota.lessThan(sessionCost)) {
    return errorResult('insufficientRam');
  }
  const forwardRamQuota = ramQuota.minus(sessionCost);
  args = args.set('ram_quota', forwardRamQuota.value);

  // Route the request.
  const route = child.policy.resolveSessionRequest(serviceName, label);
  if (route === null) {
    return errorResult('denied');
  }
  const service = route.service;
  args = args.set('diag', 0);

  // Create the session state under the client's ID.
  const created = SessionState.create(child.parent.sessions, {
    service,
    client: child.name,
    clientIds: child.idSpace,
    id,
    label: route.label,
    args,
    env: null,
  });
  if (created.kind === 'conflictingId') {
    const { diagnostics } = child.parent;
    diagnostics.error(
      `${child.name} requested conflicting session ID ${id} (service=${service.name} args=${args})`,
    );
    diagnostics.error(`existing session: ${created.existing}`);
    return errorResult('denied');
  }
  const session = created.session;
  session.readyCallback = child;
  session.closedCallback = child;

  // Move the quota in one transaction: all of it from the child to the
  // reference account, the forwarded part on to the service.
  const reference = child.policy.referenceAccount;
  const donation = Transaction.begin(child.parent.journal, child.parent.diagnostics);
  const donated = donation.transferAll([
    move(ramQuota, child.account, reference),
    move(capQuota, child.account, reference),
    move(forwardRamQuota, reference, service.account),
    move(capQuota, reference, service.account),
  ]);
  if (donated.kind === 'quotaExceeded') {
    donation.rollback();
    session.destroy();
    return errorResult(outOf(donated.resource));
  }
  donation.commit();

  // Let the service handle the request synchronously if it can.
  service.initiateRequest(session);
  const failure = creationFailure(session.phase);
  if (failure !== null) {
    revertQuotaAndDestroy(child, session);
    return errorResult(failure);
  }

  // Take the cap before an asynchronous service is woken, then hand it out.
  const cap = session.cap;
  // Stryker disable next-line ConditionalExpression: A session that left CREATE_REQUESTED here was answered by a local or parent service, whose `wakeup` does nothing.
  if (session.phase === 'CREATE_REQUESTED') {
    service.wakeup();
  }
  if (cap) {
    session.enter('CAP_HANDED_OUT');
  }
  return capResult(cap);
}

/**
 * `sessionCap(id)` of the parent interface (`Child::session_cap`): after an
 * asynchronous answer, hands out the cap. A failed creation is reverted and
 * destroyed and reported (`denied`, `insufficientRam`, `insufficientCaps`).
 * A session that is not alive is warned about; an unknown ID is warned
 * about and gives an invalid cap.
 */
export function requestSessionCap(child: Child, id: number): SessionCapResult {
  const session = child.idSpace.lookup(id);
  if (session === undefined) {
    child.parent.diagnostics.warning(`${child.name} requested session cap for unknown ID`);
    return INVALID_CAP;
  }

  const failure = creationFailure(session.phase);
  if (failure !== null) {
    revertQuotaAndDestroy(child, session);
    return errorResult(failure);
  }

  if (!alive(session.phase)) {
    child.parent.diagnostics.warning(
      `${child.name}: attempt to request cap for unavailable session: ${session}`,
    );
  }
  if (session.cap) {
    session.enter('CAP_HANDED_OUT');
  }
  return capResult(session.cap);
}
