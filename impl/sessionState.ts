import type { EnvSession, Phase } from './contract.ts';
import { capQuotaFromArgs, ramQuotaFromArgs } from './argString.ts';
import type { ArgString } from './argString.ts';
import type { IdSpace } from './idSpace.ts';
import { CapQuota, RamQuota } from './quota.ts';
import type { Service } from './service.ts';
import type { SessionRegistry } from './sessionRegistry.ts';

/** Told when a session's creation or upgrade was answered (`Session_state::Ready_callback`). */
export interface ReadyCallback {
  sessionReady(session: SessionState): void;
}

/** Told when the server closed a session (`Session_state::Closed_callback`). */
export interface ClosedCallback {
  sessionClosed(session: SessionState): void;
}

/** Everything a new session state is made from. */
export interface SessionRequest {
  readonly service: Service;
  /** Name of the child whose request this is. */
  readonly client: string;
  /** The client's ID space, where the state is entered under `id`. */
  readonly clientIds: IdSpace<SessionState>;
  readonly id: number;
  /** The label presented to the server. */
  readonly label: string;
  /** The arguments as presented to the server; the donated quota is read from them. */
  readonly args: ArgString;
  readonly env: EnvSession | null;
}

/** Where an ID space holds a session state: the space and the state's ID in it. */
interface IdEntry {
  readonly space: IdSpace<SessionState>;
  readonly id: number;
}

/** How creating a session state ends. */
export type CreateResult =
  | { readonly kind: 'created'; readonly session: SessionState }
  /** The client already uses the ID (`Id_space::Conflicting_id`). */
  | { readonly kind: 'conflictingId'; readonly existing: SessionState };

/**
 * The parent's record of one session (`Session_state`): its service, its IDs
 * at the client and (for child services) at the server, its phase and cap,
 * the quota donated to the service, and the callbacks to the client.
 *
 * Every phase change is recorded in the registry's history. `destroy`
 * removes the state from every ID space it is in and from the registry.
 */
export class SessionState {
  readonly key: string;
  readonly service: Service;
  readonly client: string;
  readonly label: string;
  readonly args: string;
  readonly env: EnvSession | null;

  /** Whether a valid session capability is assigned. */
  cap = false;
  asyncClientNotify = false;
  readyCallback: ReadyCallback | null = null;
  closedCallback: ClosedCallback | null = null;
  /** ID of the session the parent opened upstream, for parent services. */
  idAtParent: number | null = null;

  private current: Phase = 'CREATE_REQUESTED';
  private donatedRam: RamQuota;
  private donatedCaps: CapQuota;
  private pendingRamUpgrade = RamQuota.ZERO;
  private pendingCapUpgrade = CapQuota.ZERO;
  /* A space and an ID are kept as one, so that they are null together. */
  private atClient: IdEntry | null;
  private atServer: IdEntry | null = null;
  private gone = false;

  private constructor(
    private readonly registry: SessionRegistry,
    request: SessionRequest,
  ) {
    this.service = request.service;
    this.client = request.client;
    this.label = request.label;
    this.args = request.args.toString();
    this.env = request.env;
    this.donatedRam = ramQuotaFromArgs(request.args);
    this.donatedCaps = capQuotaFromArgs(request.args);
    this.atClient = { space: request.clientIds, id: request.id };
    this.key = registry.register(this, this.current);
  }

  /** Creates a state in `CREATE_REQUESTED`, entered in the client's ID space. */
  static create(registry: SessionRegistry, request: SessionRequest): CreateResult {
    const existing = request.clientIds.lookup(request.id);
    if (existing !== undefined) {
      return { kind: 'conflictingId', existing };
    }
    const session = new SessionState(registry, request);
    request.clientIds.insert(request.id, session);
    // Stryker disable next-line StringLiteral: Callers only test for 'conflictingId', so any other kind means the state was created.
    return { kind: 'created', session };
  }

  get phase(): Phase {
    return this.current;
  }

  /** Enters `phase`; a change is recorded in the history. */
  enter(phase: Phase): void {
    if (phase !== this.current) {
      this.current = phase;
      this.registry.entered(this.key, phase);
    }
  }

  get donatedRamQuota(): RamQuota {
    return this.donatedRam;
  }

  get donatedCapQuota(): CapQuota {
    return this.donatedCaps;
  }

  /** The amounts of the upgrade the service has not confirmed yet. */
  get ramUpgrade(): RamQuota {
    return this.pendingRamUpgrade;
  }

  get capUpgrade(): CapQuota {
    return this.pendingCapUpgrade;
  }

  get idAtClient(): number | null {
    return this.atClient === null ? null : this.atClient.id;
  }

  get idAtServer(): number | null {
    return this.atServer === null ? null : this.atServer.id;
  }

  get destroyed(): boolean {
    return this.gone;
  }

  /** Whether the client still knows the session under its ID. */
  clientExists(): boolean {
    return this.atClient !== null;
  }

  /** Adds an upgrade to the donated quota and remembers it as pending. */
  increaseDonatedQuota(ram: RamQuota, caps: CapQuota): void {
    this.donatedRam = this.donatedRam.plus(ram);
    this.donatedCaps = this.donatedCaps.plus(caps);
    this.pendingRamUpgrade = ram;
    this.pendingCapUpgrade = caps;
  }

  /** The service carried out the pending upgrade. */
  // Stryker disable next-line BlockStatement: The pending amounts are read only by a parent service's upgrade, and `increaseDonatedQuota` sets them afresh right before every upgrade request.
  confirmUpgrade(): void {
    this.pendingRamUpgrade = RamQuota.ZERO;
    this.pendingCapUpgrade = CapQuota.ZERO;
  }

  /** Enters the state in the server's ID space under a fresh ID. */
  assignServerId(serverIds: IdSpace<SessionState>): void {
    // Stryker disable next-line ConditionalExpression,BlockStatement: The only caller, `ChildService.initiateRequest`, assigns a server ID only to a state that has none.
    if (this.atServer !== null) {
      // Stryker disable next-line StringLiteral: The message of an error that is never thrown (see above).
      throw new Error(`session ${this.key} already has server ID ${this.atServer.id}`);
    }
    this.atServer = { space: serverIds, id: serverIds.allocate(this) };
  }

  /** Removes the state from the client's ID space (`discard_id_at_client`). */
  discardIdAtClient(): void {
    if (this.atClient !== null) {
      this.atClient.space.remove(this.atClient.id);
    }
    this.atClient = null;
  }

  /** Removes the state from every ID space and from the system. */
  destroy(): void {
    // Stryker disable next-line ConditionalExpression,BlockStatement: Every caller reaches the state through an ID space, which `destroy` takes it out of, or through `EnvConnection.session`, which hides a destroyed state, so no state is destroyed twice.
    if (this.gone) {
      // Stryker disable next-line StringLiteral: The message of an error that is never thrown (see above).
      throw new Error(`session ${this.key} destroyed twice`);
    }
    this.discardIdAtClient();
    if (this.atServer !== null) {
      this.atServer.space.remove(this.atServer.id);
    }
    this.atServer = null;
    this.gone = true;
    this.registry.destroyed(this);
  }

  /** A short description for diagnostics. */
  // Stryker disable next-line BlockStatement: The description only appears in the wording of diagnostics, and the contract exposes a diagnostic's level, not its words.
  toString(): string {
    // Stryker disable next-line StringLiteral: The description only appears in the wording of diagnostics, and the contract exposes a diagnostic's level, not its words.
    return `${this.service.name} session "${this.label}" (${this.current})`;
  }
}
