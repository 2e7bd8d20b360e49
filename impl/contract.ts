/**
 * The contract between the checker and an implementation of the Genode child
 * framework under test, version 1.
 *
 * An implementation builds a system from a declarative `SystemDescription`,
 * carries out `Operation`s (the parent-interface entry points of a child, the
 * answers of a serving child, and the parent's own actions) and reports an
 * `Observation`: everything a checker may compare with the statecharts and
 * the quota invariants. Every name follows the seed (`child.cc`): phases keep
 * their Genode spelling, operations are the entry points in camelCase.
 *
 * Amounts: RAM in bytes, capabilities as a count. Plain numbers cross this
 * boundary so that other languages can speak it; the reference implementation
 * wraps them in distinct types inside.
 *
 * These types are the source of truth. `schemas/contract.schema.json` says
 * the same in JSON Schema for implementations in other languages, which the
 * checker drives over the process protocol (`models/protocol.ts`);
 * `docs/implementing.md` describes both for implementers.
 */

/**
 * The version of this contract: of its meaning and of its wire form, the
 * process protocol, whose `hello` carries it. Raised when an operation, a
 * result, an observation field or the meaning of one changes, or when the
 * protocol's framing does.
 */
export const CONTRACT_VERSION = 1;

/* ---------------------------------------------------------------- phases */

export const PHASES = [
  'CREATE_REQUESTED',
  'SERVICE_DENIED',
  'INSUFFICIENT_RAM_QUOTA',
  'INSUFFICIENT_CAP_QUOTA',
  'AVAILABLE',
  'CAP_HANDED_OUT',
  'UPGRADE_REQUESTED',
  'CLOSE_REQUESTED',
  'CLOSED',
] as const;

/** The phase of a session state, as in `Session_state::Phase`. */
export type Phase = (typeof PHASES)[number];

/** A phase in which the session exists at its service. */
export function alive(phase: Phase): boolean {
  switch (phase) {
    case 'AVAILABLE':
    case 'CAP_HANDED_OUT':
    case 'UPGRADE_REQUESTED':
    case 'CLOSE_REQUESTED':
      return true;
    case 'CREATE_REQUESTED':
    case 'SERVICE_DENIED':
    case 'INSUFFICIENT_RAM_QUOTA':
    case 'INSUFFICIENT_CAP_QUOTA':
    case 'CLOSED':
      return false;
  }
}

/** A phase after which the service holds nothing of the session any more. */
export function closed(phase: Phase): boolean {
  switch (phase) {
    case 'SERVICE_DENIED':
    case 'INSUFFICIENT_RAM_QUOTA':
    case 'INSUFFICIENT_CAP_QUOTA':
    case 'CLOSED':
      return true;
    case 'CREATE_REQUESTED':
    case 'AVAILABLE':
    case 'CAP_HANDED_OUT':
    case 'UPGRADE_REQUESTED':
    case 'CLOSE_REQUESTED':
      return false;
  }
}

/* ---------------------------------------------------------- vocabulary */

/** Where a session is served: in the parent, by the parent's parent, or by a child. */
export type ServiceKind = 'local' | 'parent' | 'child';

/** How a local service's factory, or the upstream parent, answers a request. */
export const SERVICE_ANSWERS = ['ok', 'denied', 'insufficientRam', 'insufficientCaps'] as const;
export type ServiceAnswer = (typeof SERVICE_ANSWERS)[number];

/** Upstream may also run out of quota; the parent turns both into a denial. */
export const UPSTREAM_ANSWERS = [...SERVICE_ANSWERS, 'outOfRam', 'outOfCaps'] as const;
export type UpstreamAnswer = (typeof UPSTREAM_ANSWERS)[number];

/** `Parent::Session_response`, as a serving child reports it. */
export const SESSION_RESPONSES = ['ok', 'closed', 'denied', 'insufficientRam', 'insufficientCaps'] as const;
export type SessionResponse = (typeof SESSION_RESPONSES)[number];

/** The environment sessions every child gets, with their fixed client IDs. */
export const ENV_SESSION_IDS = { pd: 1, cpu: 2, log: 3, binary: 4, linker: 5 } as const;
export type EnvSession = keyof typeof ENV_SESSION_IDS;

/** How the construction of the initial thread and process ends. */
export const PROCESS_OUTCOMES = [
  'ok',
  'outOfRam',
  'outOfCaps',
  'threadCreationFailed',
  'missingLinker',
  'invalidExecutable',
  'regionConflict',
  'invalidDataspace',
] as const;
export type ProcessOutcome = (typeof PROCESS_OUTCOMES)[number];

/** The exceptions a parent-interface call can end in, as values. */
export type CallError = 'denied' | 'insufficientRam' | 'insufficientCaps' | 'outOfRam' | 'outOfCaps';

/** RAM (bytes) and capabilities (count) together. */
export interface Quota {
  readonly ram: number;
  readonly caps: number;
}

/**
 * Longest valid `Parent::Session_args` string, in bytes, and longest service
 * name. A longer string is not valid and the request is denied.
 */
export const SESSION_ARGS_MAX = 160;
export const SERVICE_NAME_MAX = 32;

/* ---------------------------------------------------------- description */

/** A system: the parent with its reference account, upstream, services, children. */
export interface SystemDescription {
  /** RAM kept by the parent per session for its meta data (`session_costs`). */
  readonly sessionCost: number;
  /** Initial balance of the parent's reference account. */
  readonly reference: Quota;
  /** Initial balance of the parent's parent, which serves parent services. */
  readonly upstream: Quota;
  /** Services the parent implements itself or forwards upstream. */
  readonly services: readonly ServiceDescription[];
  readonly children: readonly ChildDescription[];
}

export interface ServiceDescription {
  readonly name: string;
  readonly kind: 'local' | 'parent';
}

export interface ChildDescription {
  readonly name: string;
  /** Moved from the reference account to the child's PD when its PD session is set up. */
  readonly quota: Quota;
  /** Session routing, first match wins; environment sessions are routed too. */
  readonly routes: readonly RouteDescription[];
  /** Arguments the policy sets on every session request of this child (`filter_session_args`). */
  readonly setArgs?: Readonly<Record<string, string>>;
  /** Whether the child asks for the dynamic linker (default true). */
  readonly dynamic?: boolean;
  /** How process construction ends once all environment sessions are there (default 'ok'). */
  readonly process?: ProcessOutcome;
  /** Quota the parent asks for with each environment session (default ram 0, caps 0). */
  readonly envQuota?: Quota;
  /** Whether the child is constructed with the system (default true). */
  readonly start?: boolean;
}

/**
 * Environment sessions are routed like any other, by these service names:
 * PD, CPU, LOG and ROM (binary and linker, told apart by their labels
 * `binary` and `ld.lib.so`).
 */
export interface RouteDescription {
  /** Service name to match, or '*' for any. */
  readonly service: string;
  /** Matches when the (already prefixed) session label starts with this. */
  readonly labelPrefix?: string;
  readonly to: RouteTarget;
}

export type RouteTarget =
  | { readonly kind: 'local' | 'parent'; readonly name: string }
  | { readonly kind: 'child'; readonly server: string; readonly name: string }
  | { readonly kind: 'deny' };

/* ---------------------------------------------------------- operations */

/** Everything the checker can ask an implementation to do. */
export type Operation =
  /* the parent interface, called by the child named `child` */
  | { readonly op: 'session'; readonly child: string; readonly id: number; readonly service: string; readonly args: string }
  | { readonly op: 'sessionCap'; readonly child: string; readonly id: number }
  | { readonly op: 'upgrade'; readonly child: string; readonly id: number; readonly args: string }
  | { readonly op: 'close'; readonly child: string; readonly id: number }
  | { readonly op: 'sessionSigh'; readonly child: string; readonly valid: boolean }
  | { readonly op: 'announce'; readonly child: string; readonly service: string }
  | { readonly op: 'exit'; readonly child: string; readonly value: number }
  | { readonly op: 'yieldSigh'; readonly child: string; readonly valid: boolean }
  | { readonly op: 'yieldRequest'; readonly child: string }
  | { readonly op: 'yieldResponse'; readonly child: string }
  | { readonly op: 'resourceAvailSigh'; readonly child: string; readonly valid: boolean }
  | { readonly op: 'resourceRequest'; readonly child: string; readonly args: string }
  | { readonly op: 'heartbeatSigh'; readonly child: string; readonly valid: boolean }
  | { readonly op: 'heartbeatResponse'; readonly child: string }
  /* the server side, called by the serving child named `child` with its server-side ID */
  | { readonly op: 'deliverSessionCap'; readonly child: string; readonly id: number }
  | { readonly op: 'sessionResponse'; readonly child: string; readonly id: number; readonly response: SessionResponse }
  /* the parent's own actions on a child */
  | { readonly op: 'yield'; readonly child: string; readonly args: string }
  | { readonly op: 'notifyResourceAvail'; readonly child: string }
  | { readonly op: 'heartbeat'; readonly child: string }
  | { readonly op: 'skippedHeartbeats'; readonly child: string }
  | { readonly op: 'startChild'; readonly child: string }
  /** `close_all_sessions` alone: the child object stays, with its PD closed. */
  | { readonly op: 'closeAllSessions'; readonly child: string }
  /** Destruction, as `~Child`: `close_all_sessions` (again, if it ran before), then the child is gone. */
  | { readonly op: 'destroyChild'; readonly child: string }
  /* the environment: queue the answers of a local or parent service's next requests */
  | { readonly op: 'setAnswers'; readonly service: string; readonly answers: readonly UpstreamAnswer[] };

export type OperationName = Operation['op'];

/** What a call returned. Exceptions of the seed are `error` values here. */
export type CallResult =
  | { readonly kind: 'cap'; readonly valid: boolean }
  | { readonly kind: 'error'; readonly error: CallError }
  | { readonly kind: 'upgrade'; readonly result: 'done' | 'pending' }
  | { readonly kind: 'close'; readonly result: 'done' | 'pending' }
  | { readonly kind: 'args'; readonly args: string }
  | { readonly kind: 'count'; readonly value: number }
  | { readonly kind: 'none' };

/* ---------------------------------------------------------- observation */

/** Account names: the reference account, upstream, and each child's PD. */
export const REFERENCE_ACCOUNT = 'ref';
export const UPSTREAM_ACCOUNT = 'upstream';
export function pdAccount(child: string): string {
  return `pd:${child}`;
}

export interface AccountView extends Quota {
  /** False once the account has no valid capability (a closed PD). */
  readonly valid: boolean;
}

export interface SessionView {
  /** Unique over the system's life, stable while the session state exists. */
  readonly key: string;
  /** The child whose request created the session. */
  readonly client: string;
  /** ID in the client's ID space, or null once discarded there. */
  readonly clientId: number | null;
  /** The serving child, for child services. */
  readonly server: string | null;
  /** ID in the server's ID space, or null before the request reached it. */
  readonly serverId: number | null;
  readonly service: string;
  readonly serviceKind: ServiceKind;
  /** The account the donated quota goes to, or null for a local service. */
  readonly serviceAccount: string | null;
  readonly env: EnvSession | null;
  readonly label: string;
  readonly args: string;
  readonly phase: Phase;
  /** Whether a valid session capability is assigned. */
  readonly cap: boolean;
  readonly donated: Quota;
  readonly asyncClientNotify: boolean;
  /** Whether the ready and closed callbacks are still installed. */
  readonly callbacks: boolean;
}

export interface Signals {
  readonly session: number;
  readonly yield: number;
  readonly resourceAvail: number;
  readonly heartbeat: number;
}

export interface ChildView {
  readonly constructed: boolean;
  /** Initial thread and process built: the child runs. */
  readonly active: boolean;
  /** Why process construction failed, if it did. */
  readonly startError: ProcessOutcome | null;
  readonly pdClosed: boolean;
  readonly destroyed: boolean;
  readonly exitValue: number | null;
  readonly outstandingHeartbeats: number;
  /** Signals submitted to the child, counted since the system was built. */
  readonly signals: Signals;
  readonly yieldArgs: string;
  readonly yieldResponses: number;
  readonly resourceRequests: readonly string[];
  readonly announced: readonly string[];
}

export interface Diagnostic {
  readonly step: number;
  readonly level: 'warning' | 'error';
  readonly message: string;
}

/**
 * The quota journal. Every movement of quota between two accounts is one
 * `move`; the undoing of a move by a rollback is a `move` with `undo` set.
 * Moves belong to a transaction that ends once, in `commit` or `rollback`.
 */
export type JournalEntry =
  | {
      readonly kind: 'move';
      readonly step: number;
      readonly txn: number;
      readonly from: string;
      readonly to: string;
      readonly resource: 'ram' | 'caps';
      readonly amount: number;
      readonly undo: boolean;
    }
  | { readonly kind: 'end'; readonly step: number; readonly txn: number; readonly outcome: 'commit' | 'rollback' };

/** Everything the checker may look at, after any number of operations. */
export interface Observation {
  /** Operations applied so far; journal and diagnostic entries carry the step they happened in (0: building the system). */
  readonly step: number;
  readonly accounts: Readonly<Record<string, AccountView>>;
  /** Session states that exist now. */
  readonly sessions: readonly SessionView[];
  /** Phases each session state entered, in order, for every session ever created, keyed by `SessionView.key`; destroyed ones end with 'DESTROYED'. */
  readonly history: Readonly<Record<string, readonly (Phase | 'DESTROYED')[]>>;
  readonly children: Readonly<Record<string, ChildView>>;
  /** Wake-ups of child-provided services, keyed `server/service`. */
  readonly wakeups: Readonly<Record<string, number>>;
  readonly diagnostics: readonly Diagnostic[];
  readonly journal: readonly JournalEntry[];
}

/* ---------------------------------------------------------- the interface */

/**
 * A system built by an implementation under test. The checker uses one
 * system for one replay of one path, one call at a time, and disposes of it.
 * The same description and operations must always give the same results and
 * observations: the checker replays each path more than once and compares.
 */
export interface SystemUnderTest {
  /** Carries out one operation as the next step. Throws only on misuse (unknown child, service or ID space). */
  apply(operation: Operation): Promise<CallResult>;
  /** Everything the checker may look at, now; does not change the system. */
  observe(): Promise<Observation>;
  /** Lets go of the system; it is not used again. */
  dispose(): Promise<void>;
}

/** An implementation of the child framework that the checker can judge. */
export interface ImplementationUnderTest {
  /** Shown in reports. */
  readonly name: string;
  /** Builds a system (step 0, children constructed); throws on a malformed description. */
  create(description: SystemDescription): Promise<SystemUnderTest>;
}
