import { ENV_SESSION_IDS, alive, closed } from './contract.ts';
import type { EnvSession } from './contract.ts';
import { ArgString } from './argString.ts';
import type { Account } from './account.ts';
import type { IdSpace } from './idSpace.ts';
import type { ParentContext } from './parentContext.ts';
import type { ChildPolicy } from './policy.ts';
import { CapQuota, RamQuota } from './quota.ts';
import type { Service } from './service.ts';
import { SessionState } from './sessionState.ts';
import type { ReadyCallback } from './sessionState.ts';
import { Transaction } from './transfer.ts';

/** How often an environment session is requested before the parent gives up. */
export const ENV_SESSION_ATTEMPTS = 10;

/** RAM added to an environment session's quota after an insufficient-RAM answer, in bytes. */
export const ENV_RAM_INCREMENT = RamQuota.bytes(4096);

/** Capabilities added after an insufficient-caps answer. */
export const ENV_CAP_INCREMENT = CapQuota.count(1);

/** The service names environment sessions are routed by. */
export const ENV_SERVICE_NAMES: Readonly<Record<EnvSession, string>> = {
  pd: 'PD',
  cpu: 'CPU',
  log: 'LOG',
  binary: 'ROM',
  linker: 'ROM',
};

/** The child as its environment sessions see it. */
export interface EnvClient {
  readonly name: string;
  readonly policy: ChildPolicy;
  readonly parent: ParentContext;
  readonly idSpace: IdSpace<SessionState>;
  /**
   * Starts the process if every environment session is there
   * (`_try_construct_env_dependent_members`).
   */
  tryConstructEnvDependentMembers(): void;
}

/**
 * The service an environment session sees (`Env_connection::Env_service`):
 * it forwards to the routed service, installs the process-start retry as the
 * ready callback, and pays the session's quota from the reference account
 * when an asynchronous service takes the first request (not for a service
 * named PD). A close request still pending afterwards wakes the service.
 */
class EnvService implements Service, ReadyCallback {
  private firstRequest = true;

  constructor(
    readonly name: string,
    private readonly routed: Service,
    private readonly client: EnvClient,
  ) {}

  get kind(): Service['kind'] {
    return this.routed.kind;
  }

  get account(): Account {
    return this.routed.account;
  }

  get accountName(): string | null {
    return this.routed.accountName;
  }

  get server(): string | null {
    return this.routed.server;
  }

  /**
   * Forwards the request. The quota is paid on the first request only,
   * since a local connection may ask more than once.
   */
  initiateRequest(session: SessionState): void {
    session.readyCallback = this;
    session.asyncClientNotify = true;
    this.routed.initiateRequest(session);

    if (this.firstRequest && session.phase === 'CREATE_REQUESTED' && this.routed.name !== 'PD') {
      this.payFromReference(session);
      // Stryker disable next-line BooleanLiteral: After a request that stays CREATE_REQUESTED no further creation attempt follows, and later requests through this service are upgrades or closes, so the condition never holds again.
      this.firstRequest = false;
    }
    if (session.phase === 'SERVICE_DENIED') {
      this.client.parent.diagnostics.error(
        `${this.client.name}: environment ${this.name} session denied (${session.args})`,
      );
    }
    if (session.phase === 'CLOSE_REQUESTED') {
      this.routed.wakeup();
    }
  }

  wakeup(): void {
    this.routed.wakeup();
  }

  /** An environment session was answered: try to start the process. */
  sessionReady(): void {
    this.client.tryConstructEnvDependentMembers();
  }

  /**
   * RAM and caps move as two separate transfers, each its own transaction;
   * one the reference account cannot pay is reported as an error.
   */
  private payFromReference(session: SessionState): void {
    const { journal, diagnostics, reference } = this.client.parent;
    const { ram, caps } = this.client.policy.envQuota;
    for (const amount of [ram, caps]) {
      const payment = Transaction.begin(journal, diagnostics);
      if (payment.transfer(amount, reference, this.account).kind === 'quotaExceeded') {
        payment.rollback();
        diagnostics.error(
          `${this.client.name}: could not pay ${amount} ` +
            `for environment ${session.service.name} session`,
        );
      } else {
        payment.commit();
      }
    }
  }
}

/**
 * One of a child's environment sessions (`Env_connection` with its
 * `Local_connection`): PD, CPU, LOG, binary ROM or linker ROM, under its
 * fixed client ID. It does not pass through `session()`, and no quota comes
 * from the child.
 *
 * `initiate` routes the request and creates the session like a local
 * connection: up to `ENV_SESSION_ATTEMPTS` session states one after the
 * other, each replacing the last; after an insufficient RAM or cap answer
 * the next asks for `ENV_RAM_INCREMENT` more RAM or `ENV_CAP_INCREMENT` more
 * caps. Any other outcome ends the attempts: a live session, a denial, or a
 * request that waits for an asynchronous service.
 *
 * Limitation: Genode's `Local_connection` repeats on every outcome that is
 * not alive, so a denial is asked again and an asynchronous service
 * receives ten requests, of which only the last survives. With a
 * deterministic factory the repeated denial changes nothing, and the spec
 * retries only "after each insufficient-quota answer", so the model stops
 * there; an answer queue would otherwise let a second attempt succeed where
 * Genode's could not.
 *
 * Limitation: once a server's `close_all_sessions` has destroyed the
 * session state, the connection treats the session as gone (no cap,
 * closed), whereas Genode keeps the object and would issue a fresh close
 * request to the dead server. Modelling that needs a session state that
 * outlives its IDs, which no observation could tell apart from ours.
 */
export class EnvConnection {
  private state: SessionState | null = null;

  constructor(
    readonly kind: EnvSession,
    private readonly client: EnvClient,
    private readonly label: string,
  ) {}

  get id(): number {
    return ENV_SESSION_IDS[this.kind];
  }

  get serviceName(): string {
    return ENV_SERVICE_NAMES[this.kind];
  }

  /** The current session state, unless destroyed. */
  get session(): SessionState | null {
    return this.state === null || this.state.destroyed ? null : this.state;
  }

  /** Whether the session has a valid capability. */
  get cap(): boolean {
    return this.session?.cap ?? false;
  }

  /** Whether there is no live session: never made, gone, or in a closed phase. */
  get closed(): boolean {
    const session = this.session;
    return session === null || closed(session.phase);
  }

  /**
   * Routes and creates the session. Returns false if the policy denied the
   * route; the connection is then not constructed. The child calls it once
   * per connection, while it is being built.
   */
  initiate(): boolean {
    const route = this.client.policy.resolveSessionRequest(this.serviceName, this.label);
    if (route === null) {
      return false;
    }
    const envService = new EnvService(this.serviceName, route.service, this.client);
    const args = this.client.policy.filterSessionArgs(
      ArgString.parse('').setString('label', this.label),
    );
    this.createWithRetries(envService, args, route.label);
    envService.wakeup();
    return true;
  }

  /**
   * Asks the service to close a live session (`Local_connection::close`):
   * the session's own service, the environment service it was created with.
   */
  close(): void {
    const session = this.session;
    if (session !== null && alive(session.phase)) {
      session.enter('CLOSE_REQUESTED');
      session.service.initiateRequest(session);
    }
  }

  /** Destructs the connection: closes a live session, then destroys its state. */
  destruct(): void {
    this.close();
    this.session?.destroy();
    this.state = null;
  }

  private createWithRetries(envService: EnvService, baseArgs: ArgString, label: string): void {
    let ram = this.client.policy.envQuota.ram;
    let caps = this.client.policy.envQuota.caps;
    for (let attempt = 0; attempt < ENV_SESSION_ATTEMPTS; attempt += 1) {
      this.session?.destroy();
      this.state = null;
      const args = baseArgs.set('ram_quota', ram.value).set('cap_quota', caps.value).set('diag', 0);
      const created = SessionState.create(this.client.parent.sessions, {
        service: envService,
        client: this.client.name,
        clientIds: this.client.idSpace,
        id: this.id,
        label,
        args,
        env: this.kind,
      });
      // Stryker disable next-line StringLiteral,ConditionalExpression,BlockStatement: Environment sessions are created during the child's start in an ID space holding only their distinct fixed IDs, each attempt's predecessor destroyed first, so no ID ever conflicts.
      if (created.kind === 'conflictingId') {
        this.client.parent.diagnostics.error(
          `${this.client.name}: environment ${this.serviceName} session ID ${this.id} is taken`,
        );
        return;
      }
      const session = created.session;
      this.state = session;
      envService.initiateRequest(session);
      if (session.phase === 'INSUFFICIENT_RAM_QUOTA') {
        ram = ram.plus(ENV_RAM_INCREMENT);
      } else if (session.phase === 'INSUFFICIENT_CAP_QUOTA') {
        caps = caps.plus(ENV_CAP_INCREMENT);
      } else {
        return;
      }
    }

    // Every attempt was answered with insufficient quota.
    this.client.parent.diagnostics.warning(
      `giving up to increase session quota for ${envService.name} session ` +
        `after ${ENV_SESSION_ATTEMPTS} attempts`,
    );
  }
}
