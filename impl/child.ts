import type { CallResult, ProcessOutcome, SessionResponse } from './contract.ts';
import type { Account } from './account.ts';
import { validServiceName } from './argString.ts';
import { NO_RESULT } from './callResult.ts';
import type { CloseCallResult, SessionCapResult, UpgradeCallResult } from './callResult.ts';
import type { ServerEndpoint } from './childService.ts';
import { closeAllSessions } from './closeAllSessions.ts';
import { EnvConnection } from './envConnection.ts';
import type { EnvClient } from './envConnection.ts';
import { IdSpace } from './idSpace.ts';
import type { ParentContext } from './parentContext.ts';
import { notificationPending } from './phase.ts';
import type { ChildPolicy } from './policy.ts';
import { startProcess } from './processStart.ts';
import { deliverSessionCap, respondToSession } from './serverResponse.ts';
import { closeSession, revertQuotaAndDestroy } from './sessionClose.ts';
import { requestSession, requestSessionCap } from './sessionRequest.ts';
import type { ClosedCallback, ReadyCallback, SessionState } from './sessionState.ts';
import { upgradeSession } from './sessionUpgrade.ts';
import { Transaction, move } from './transfer.ts';

/** Signals submitted to a child, counted since the system was built. */
export interface SignalCounts {
  session: number;
  yield: number;
  resourceAvail: number;
  heartbeat: number;
}

/** The child's environment sessions; the linker only if asked for and not denied by the policy. */
export interface EnvSessions {
  readonly pd: EnvConnection;
  readonly cpu: EnvConnection;
  readonly log: EnvConnection;
  readonly binary: EnvConnection;
  linker: EnvConnection | null;
}

/**
 * The parent's object for one child (`Genode::Child`): the parent interface
 * the child calls (`session`, `sessionCap`, `upgrade`, `close`, ...), the
 * server side it calls as a server (`sessionResponse`, `deliverSessionCap`),
 * the parent's own actions on it (`yield`, `heartbeat`, ...), its
 * environment sessions and process start, and `closeAllSessions`.
 *
 * The long protocols live in their own modules (`sessionRequest.ts`,
 * `sessionUpgrade.ts`, `sessionClose.ts`, `serverResponse.ts`,
 * `closeAllSessions.ts`, `processStart.ts`); this class holds the state
 * they work on.
 *
 * Limitation: a PD environment session that an asynchronous service has
 * not answered by the time the PD is initiated is never funded; the account
 * stays without capability. Genode funds the PD only at that moment too.
 */
export class Child implements EnvClient, ServerEndpoint, ReadyCallback, ClosedCallback {
  /** Sessions the child requested, by client ID. */
  readonly idSpace = new IdSpace<SessionState>();
  /** Sessions the child serves, by server ID. */
  readonly serverIds = new IdSpace<SessionState>();
  readonly env: EnvSessions;
  readonly signals: SignalCounts = { session: 0, yield: 0, resourceAvail: 0, heartbeat: 0 };

  outstandingHeartbeats = 0;
  yieldArgs = '';
  startError: ProcessOutcome | null = null;
  destroyed = false;

  private sessionSighValid = false;
  private yieldSighValid = false;
  private resourceAvailSighValid = false;
  private heartbeatSighValid = false;
  // Stryker disable next-line BooleanLiteral: The flag only shows through `active`, which also needs `process`, and only `processStarted` sets that, overwriting this flag too.
  private initialThread = false;
  // Stryker disable next-line BooleanLiteral: The flag only shows through `active`, which also needs `initialThread`, and only `processStarted` makes that true, overwriting this flag too.
  private process = false;

  private constructor(
    readonly policy: ChildPolicy,
    readonly parent: ParentContext,
    /** The child's PD account; without capability until the PD session is set up. */
    readonly account: Account,
  ) {
    this.env = {
      pd: new EnvConnection('pd', this, policy.name),
      cpu: new EnvConnection('cpu', this, policy.name),
      log: new EnvConnection('log', this, policy.name),
      binary: new EnvConnection('binary', this, policy.binaryLabel),
      linker: null,
    };
  }

  /** Constructs the child: its PD session first, then the other environment sessions. */
  static start(policy: ChildPolicy, parent: ParentContext, account: Account): Child {
    const child = new Child(policy, parent, account);
    child.initiateEnvPdSession();
    child.initiateEnvSessions();
    return child;
  }

  get name(): string {
    return this.policy.name;
  }

  /** Initial thread and process built, and not torn down. */
  get active(): boolean {
    return this.initialThread && this.process;
  }

  /** Whether the PD session is gone or closed (`_pd.closed()`). */
  get pdClosed(): boolean {
    return this.env.pd.closed;
  }

  /* ------------------------------------------------ the parent interface */

  /** Requests a session; see `requestSession` for the results. */
  session(id: number, serviceName: string, args: string): SessionCapResult {
    return requestSession(this, id, serviceName, args);
  }

  /** Asks for the cap of an asynchronously created session; see `requestSessionCap`. */
  sessionCap(id: number): SessionCapResult {
    return requestSessionCap(this, id);
  }

  /** Upgrades a session's quota; see `upgradeSession`. */
  upgrade(id: number, args: string): UpgradeCallResult {
    return upgradeSession(this, id, args);
  }

  /** Closes a session; see `closeSession`. */
  close(id: number): CloseCallResult {
    return closeSession(this, id);
  }

  /** Installs the session signal handler and delivers notifications that became due before. */
  sessionSigh(valid: boolean): CallResult {
    this.sessionSighValid = valid;
    if (!valid) {
      return NO_RESULT;
    }
    for (const [, session] of this.idSpace.ascending()) {
      if (notificationPending(session.phase) && session.asyncClientNotify) {
        this.signals.session += 1;
      }
    }
    return NO_RESULT;
  }

  /** Records an announced service; a name that is not a valid string is ignored. */
  announce(serviceName: string): CallResult {
    if (validServiceName(serviceName)) {
      this.policy.announceService(serviceName);
    }
    return NO_RESULT;
  }

  /** Records the exit value the child reports. */
  exit(value: number): CallResult {
    this.policy.exit(value);
    return NO_RESULT;
  }

  /** Installs (or, invalid, removes) the yield signal handler. */
  yieldSigh(valid: boolean): CallResult {
    this.yieldSighValid = valid;
    return NO_RESULT;
  }

  /** The arguments of the latest yield request ('' before any). */
  yieldRequest(): CallResult {
    return { kind: 'args', args: this.yieldArgs };
  }

  /** The child says it yielded; the policy counts it. */
  yieldResponse(): CallResult {
    this.policy.yieldResponse();
    return NO_RESULT;
  }

  /** Installs (or removes) the resource-available signal handler. */
  resourceAvailSigh(valid: boolean): CallResult {
    this.resourceAvailSighValid = valid;
    return NO_RESULT;
  }

  /** Passes a resource request to the policy, which records it. */
  resourceRequest(args: string): CallResult {
    this.policy.resourceRequest(args);
    return NO_RESULT;
  }

  /** Installs (or removes) the heartbeat signal handler. */
  heartbeatSigh(valid: boolean): CallResult {
    this.heartbeatSighValid = valid;
    return NO_RESULT;
  }

  /** The child answered: no heartbeat is outstanding any more. */
  heartbeatResponse(): CallResult {
    this.outstandingHeartbeats = 0;
    return NO_RESULT;
  }

  /* ------------------------------------------------ the server side */

  /** The child, as a server, answers a request; see `respondToSession`. */
  sessionResponse(serverId: number, response: SessionResponse): CallResult {
    respondToSession(this, serverId, response);
    return NO_RESULT;
  }

  /** The child, as a server, delivers a session's cap; see `deliverSessionCap`. */
  deliverSessionCap(serverId: number): CallResult {
    deliverSessionCap(this, serverId);
    return NO_RESULT;
  }

  /* ------------------------------------------------ the parent's own actions */

  /** Buffers the yield arguments and signals the child if it has a handler. */
  yield(args: string): CallResult {
    this.yieldArgs = args;
    if (this.yieldSighValid) {
      this.signals.yield += 1;
    }
    return NO_RESULT;
  }

  /** Tells the child that resources are available, if it has a handler. */
  notifyResourceAvail(): CallResult {
    if (this.resourceAvailSighValid) {
      this.signals.resourceAvail += 1;
    }
    return NO_RESULT;
  }

  /** Counts an outstanding heartbeat and signals it, once the child has a handler. */
  heartbeat(): CallResult {
    if (this.heartbeatSighValid) {
      this.outstandingHeartbeats += 1;
      this.signals.heartbeat += 1;
    }
    return NO_RESULT;
  }

  /** One outstanding heartbeat is fine; each further one was skipped. */
  skippedHeartbeats(): CallResult {
    // Stryker disable next-line EqualityOperator: With exactly one outstanding heartbeat both branches give 0, so `>= 1` answers the same.
    const value = this.outstandingHeartbeats > 1 ? this.outstandingHeartbeats - 1 : 0;
    return { kind: 'count', value };
  }

  /** Closes all sessions of the child; see `closeAllSessions`. */
  closeAllSessions(): CallResult {
    closeAllSessions(this);
    return NO_RESULT;
  }

  /**
   * Destroys the child (`~Child`): `closeAllSessions`, again if it ran
   * before (it then only catches what happened since: sessions routed to
   * this child as a server, wake-ups for environment sessions still closing
   * at a server), then its environment sessions go with it. A session still
   * waiting at an asynchronous server is dropped there, and the quota the
   * parent paid for it stays with the server.
   *
   * Limitation: sessions the child requested from other children may still
   * wait for their server's answer. They keep their callbacks, as in the
   * seed, where they dangle and point at a destroyed `Child`; here they stay
   * harmless: a later close answer reverts the quota towards the dead
   * child's invalid PD, so it stays at the reference account. The child's
   * signal handlers are gone with it, so no signal is counted for it.
   */
  destroy(): CallResult {
    closeAllSessions(this);
    this.sessionSighValid = false;
    // Stryker disable next-line BooleanLiteral: Only the `yield` operation reads this flag, and no operation reaches a destroyed child.
    this.yieldSighValid = false;
    // Stryker disable next-line BooleanLiteral: Only the `notifyResourceAvail` operation reads this flag, and no operation reaches a destroyed child.
    this.resourceAvailSighValid = false;
    // Stryker disable next-line BooleanLiteral: Only the `heartbeat` operation reads this flag, and no operation reaches a destroyed child.
    this.heartbeatSighValid = false;
    this.env.linker?.destruct();
    this.env.binary.destruct();
    this.env.log.destruct();
    this.env.cpu.destruct();
    this.env.pd.destruct();
    // Stryker disable next-line BooleanLiteral: `closeAllSessions` has just cleared `initialThread` for good (the CPU session is gone, so the process never starts again), so `active` stays false either way.
    this.process = false;
    // Stryker disable next-line BooleanLiteral: `process` was cleared on the line before and can never be set again (the CPU session is gone), so `active` stays false either way.
    this.initialThread = false;
    this.destroyed = true;
    return NO_RESULT;
  }

  /* ------------------------------------------------ callbacks */

  /** A session was answered: signal the client if it waits for an asynchronous answer. */
  sessionReady(session: SessionState): void {
    if (this.sessionSighValid && session.asyncClientNotify) {
      this.signals.session += 1;
    }
  }

  /** The server closed a session: return its quota to this child and signal it. */
  sessionClosed(session: SessionState): void {
    revertQuotaAndDestroy(this, session);
    if (this.sessionSighValid) {
      this.signals.session += 1;
    }
  }

  /* ------------------------------------------------ environment and process */

  /** Starts the process once the environment is complete; see `startProcess`. */
  tryConstructEnvDependentMembers(): void {
    startProcess(this);
  }

  /** Records how the construction of initial thread and process ended. */
  processStarted(outcome: ProcessOutcome): void {
    // Stryker disable next-line StringLiteral,ConditionalExpression: The flag only shows through `active`, which also needs `process`, and that is true only for outcome 'ok', where the flag is true anyway.
    this.initialThread = outcome !== 'threadCreationFailed';
    this.process = outcome === 'ok';
    this.startError = outcome === 'ok' ? null : outcome;
  }

  /** The initial thread is gone: the child no longer runs. */
  destructInitialThread(): void {
    this.initialThread = false;
  }

  /**
   * Closes the PD session. Its remaining balance goes back to the reference
   * account and the account loses its capability: quota later returned to
   * this child stays at the reference account.
   */
  closePdSession(): void {
    this.env.pd.close();
    // Stryker disable next-line ConditionalExpression,BlockStatement: An account without capability holds nothing (never funded, or emptied when it lost its capability, and transfers to it do nothing), so a refund from it would move nothing and journal no move.
    if (!this.account.valid) {
      return;
    }
    const reference = this.policy.referenceAccount;
    const refund = Transaction.begin(this.parent.journal, this.parent.diagnostics);
    const result = refund.transferAll([
      move(this.account.ramBalance, this.account, reference),
      move(this.account.capBalance, this.account, reference),
    ]);
    // Stryker disable next-line StringLiteral,ConditionalExpression,BlockStatement: The valid PD gives exactly its own balance back to its reference account, which can never exceed that balance.
    if (result.kind === 'quotaExceeded') {
      refund.rollback();
      // Stryker disable next-line StringLiteral: This assertion cannot fail (see above), so its message is never seen.
      throw new Error(`${this.account.name} lacks its own balance`);
    }
    refund.commit();
    this.account.invalidate();
  }

  private initiateEnvPdSession(): void {
    this.initiateEnv(this.env.pd);
    if (this.env.pd.cap) {
      this.policy.init(this.account);
    }
  }

  private initiateEnvSessions(): void {
    this.initiateEnv(this.env.cpu);
    this.initiateEnv(this.env.log);
    this.initiateEnv(this.env.binary);

    /* A denied linker is fine: the binary may be statically linked. */
    if (this.policy.wantsLinker) {
      const linker = new EnvConnection('linker', this, this.policy.linkerLabel);
      this.env.linker = linker.initiate() ? linker : null;
    }
    startProcess(this);
  }

  private initiateEnv(connection: EnvConnection): void {
    if (!connection.initiate()) {
      this.parent.diagnostics.error(
        `${this.name}: ${connection.serviceName} environment session denied`,
      );
    }
  }
}
