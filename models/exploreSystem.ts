/**
 * The whole systems that `fuzz` and `explore` run: several clients sharing
 * local, parent and child-provided services, and optionally one more child
 * that is built later with a chosen set-up (`EnvMode`), as the child
 * statechart's first event says.
 *
 * Clients are `client1`…`clientN`, identical but for their names (so that
 * `explore` may treat them as interchangeable). Each service is `Local<i>`,
 * `Upstream<i>` or `Child<i>`, the last served by the child `server<i>`.
 * Clients request sessions under the client IDs 10, 11, …, one per
 * session slot. Amounts: RAM in bytes, capabilities as a count.
 */
import type {
  ChildDescription,
  ProcessOutcome,
  RouteDescription,
  ServiceDescription,
  ServiceKind,
  SystemDescription,
} from '../impl/contract.ts';
import { SESSION_ARGS_MAX } from '../impl/contract.ts';
import type { EnvMode } from '../machines/child.ts';
import { BINARY_SERVICE, ENV_QUOTA, setupQuota, setupRoutes } from './childPredicates.ts';

/** The child built late, by a `startChild` step, and how its environment and process start end. */
export interface LateChild {
  readonly env: EnvMode;
  readonly process: ProcessOutcome;
}

/**
 * The kinds of service a shape offers: a local, parent or child service of
 * its own, or `cpu`, the parent's CPU service (which also serves the
 * children's CPU environment sessions), for CPU sessions a client opens
 * itself; closing all of a child's sessions closes those first.
 */
export const SHAPE_SERVICES = ['local', 'parent', 'child', 'cpu'] as const;
export type ShapeService = (typeof SHAPE_SERVICES)[number];

/** The parent's CPU service, as a client asks for it. */
const CPU_SERVICE = 'CPU';

/** The shape of a system: how many clients, which services, how many sessions per client. */
export interface SystemShape {
  /** Clients built with the system, 1 or more. */
  readonly clients: number;
  /** The services clients may use, in order; each `child` one has its own serving child. */
  readonly services: readonly ShapeService[];
  /** Client IDs per client (10, 11, …). */
  readonly sessionsPerClient: number;
  /** A further child, built by a step; `env: 'child'` needs a child service (its first server serves the binary). */
  readonly late: LateChild | null;
}

/** A service clients can request, and where it lives. */
export interface ServiceInfo {
  readonly name: string;
  readonly kind: ServiceKind;
  /** The serving child, for a child service. */
  readonly server: string | null;
}

/** Names of everything in a system of a given shape. */
export interface SystemNames {
  readonly clients: readonly string[];
  readonly servers: readonly string[];
  readonly services: readonly ServiceInfo[];
  readonly late: string | null;
  /** Client IDs clients request sessions under. */
  readonly ids: readonly number[];
}

/** The name of a service that no route leads to: requests for it are denied by routing. */
export const UNROUTED_SERVICE = 'Nowhere';

/** The child built late. */
export const LATE_CHILD = 'late';

/** RAM kept by the parent per session. */
export const SESSION_COST = 1024;

/** The quota a small request carries; a client's PD holds one more than its session slots need. */
const UNIT = { ram: 8192, caps: 2 } as const;

/** The value the `exit` step reports. */
export const EXIT_VALUE = 7;

/** The service name an `announce` step announces. */
export const ANNOUNCED = 'Block';

/** The client ID of the first session slot; below it are the environment sessions' IDs. */
const FIRST_ID = 10;

/** The arguments the policy sets on every request of a client. */
export const CLIENT_SET_ARGS: Readonly<Record<string, string>> = { verbose: 'yes' };

/**
 * How much a request asks for: `small` (one unit), `large` (more than
 * half a client's quota), `belowCost` (less RAM than the session cost),
 * `capsHeavy` (more caps than a client owns), `invalid` (an argument string
 * too long to be valid).
 */
export const LEVELS = ['small', 'large', 'belowCost', 'capsHeavy', 'invalid'] as const;
export type Level = (typeof LEVELS)[number];

const ENV_SERVICES = ['PD', 'CPU', 'LOG', 'ROM'] as const;
const ENV_ROUTES: readonly RouteDescription[] = ENV_SERVICES.map((name) => ({
  service: name,
  to: { kind: 'local', name },
}));

/** The names of a system of `shape`. */
export function systemNames(shape: SystemShape): SystemNames {
  const clients = Array.from({ length: shape.clients }, (_, index) => `client${index + 1}`);
  const counts: Record<ShapeService, number> = { local: 0, parent: 0, child: 0, cpu: 0 };
  const services = shape.services.map((kind): ServiceInfo => {
    counts[kind] += 1;
    const number = counts[kind];
    switch (kind) {
      case 'cpu':
        return { name: CPU_SERVICE, kind: 'local', server: null };
      case 'local':
        return { name: `Local${number}`, kind, server: null };
      case 'parent':
        return { name: `Upstream${number}`, kind, server: null };
      case 'child':
        return { name: `Child${number}`, kind, server: `server${number}` };
    }
  });
  const servers = services.flatMap((service) => (service.server === null ? [] : [service.server]));
  const ids = Array.from({ length: shape.sessionsPerClient }, (_, index) => FIRST_ID + index);
  return { clients, servers, services, late: shape.late ? LATE_CHILD : null, ids };
}

/** The quota of each client's PD: one unit per session slot and one to spare. */
export function clientQuota(shape: SystemShape): { readonly ram: number; readonly caps: number } {
  return { ram: UNIT.ram * (shape.sessionsPerClient + 1), caps: UNIT.caps * (shape.sessionsPerClient + 1) };
}

/**
 * The plain session arguments of a request under `id` at `level`, before the
 * policy sees them. The explorers send other spellings of the same request
 * (`models/requestArgs.ts`); an `invalid` one is always this one.
 */
export function requestArgs(shape: SystemShape, level: Level, id: number): string {
  const label = `label="s${id}"`;
  const quota = clientQuota(shape);
  switch (level) {
    case 'small':
      return `ram_quota=${UNIT.ram}, cap_quota=${UNIT.caps}, ${label}`;
    case 'large':
      return `ram_quota=${Math.floor(quota.ram / 2) + UNIT.ram}, cap_quota=${UNIT.caps}, ${label}`;
    case 'belowCost':
      return `ram_quota=${SESSION_COST / 2}, cap_quota=${UNIT.caps}, ${label}`;
    case 'capsHeavy':
      return `ram_quota=${UNIT.ram}, cap_quota=${quota.caps + 1}, ${label}`;
    case 'invalid':
      return `ram_quota=${UNIT.ram}, cap_quota=${UNIT.caps}, label="${'x'.repeat(SESSION_ARGS_MAX)}"`;
  }
}

/** The quota a request at `level` asks the client for, as the policy reads it. */
export function requestQuota(shape: SystemShape, level: Level): { readonly ram: number; readonly caps: number } {
  const quota = clientQuota(shape);
  switch (level) {
    case 'small':
    case 'invalid':
      return UNIT;
    case 'large':
      return { ram: Math.floor(quota.ram / 2) + UNIT.ram, caps: UNIT.caps };
    case 'belowCost':
      return { ram: SESSION_COST / 2, caps: UNIT.caps };
    case 'capsHeavy':
      return { ram: UNIT.ram, caps: quota.caps + 1 };
  }
}

/** An upgrade a client can pay for when it has half a unit left. */
export const UPGRADE = { ram: UNIT.ram / 2, caps: 1 } as const;

/** The arguments of an upgrade: `UPGRADE`, or (unfunded) more RAM than any client owns. */
export function upgradeArgs(shape: SystemShape, funded: boolean): string {
  return funded
    ? `ram_quota=${UPGRADE.ram}, cap_quota=${UPGRADE.caps}`
    : `ram_quota=${clientQuota(shape).ram * 10}`;
}

/** The routes of a client: every service by its name, then the environment. */
function clientRoutes(names: SystemNames): RouteDescription[] {
  const services = names.services.map(
    (service): RouteDescription => ({
      service: service.name,
      to:
        service.server === null
          ? { kind: service.kind === 'parent' ? 'parent' : 'local', name: service.name }
          : { kind: 'child', server: service.server, name: service.name },
    }),
  );
  return [...services, ...ENV_ROUTES];
}

/** The system of `shape`: the parent's services, the servers, the clients and the late child. */
export function describeSystem(shape: SystemShape): SystemDescription {
  const names = systemNames(shape);
  const services: ServiceDescription[] = [
    ...ENV_SERVICES.map((name) => ({ name, kind: 'local' as const })),
    { name: BINARY_SERVICE, kind: 'local' },
    /* the CPU service is declared among the environment's */
    ...names.services.flatMap((service): ServiceDescription[] =>
      service.kind === 'child' || service.name === CPU_SERVICE ? [] : [{ name: service.name, kind: service.kind }],
    ),
  ];
  const servers = names.servers.map(
    (name): ChildDescription => ({ name, quota: { ram: 200_000, caps: 100 }, routes: ENV_ROUTES, dynamic: false }),
  );
  const quota = clientQuota(shape);
  const routes = clientRoutes(names);
  const clients = names.clients.map(
    (name): ChildDescription => ({ name, quota, routes, dynamic: false, setArgs: CLIENT_SET_ARGS }),
  );
  return {
    sessionCost: SESSION_COST,
    reference: { ram: 10_000_000, caps: 10_000 },
    upstream: { ram: 10_000_000, caps: 10_000 },
    services,
    children: [...servers, ...clients, ...(shape.late ? [lateChild(shape.late, names, quota)] : [])],
  };
}

/**
 * The late child: a client like the others, with the routes and process
 * outcome of its set-up, dynamically linked by default (`dynamic` unset).
 */
function lateChild(late: LateChild, names: SystemNames, quota: { ram: number; caps: number }): ChildDescription {
  return {
    name: LATE_CHILD,
    quota: setupQuota(late.env, quota),
    start: false,
    process: late.process,
    envQuota: ENV_QUOTA,
    setArgs: CLIENT_SET_ARGS,
    routes: [...setupRoutes(late.env, LATE_CHILD, envServer(names)), ...clientRoutes(names)],
  };
}

/** The server whose `ROM` service serves the late child's binary in set-up `child`. */
export function envServer(names: SystemNames): string {
  return names.servers[0] ?? 'server1';
}

/**
 * Why a shape cannot be built, or null: no clients, no services, no
 * session slots, or a late child that wants its binary from a server
 * when there is none.
 */
export function shapeProblem(shape: SystemShape): string | null {
  if (!Number.isInteger(shape.clients) || shape.clients < 1) return 'a system needs at least one client';
  if (shape.services.length === 0) return 'a system needs at least one service';
  if (shape.services.filter((kind) => kind === 'cpu').length > 1) return 'a system has one CPU service';
  if (!Number.isInteger(shape.sessionsPerClient) || shape.sessionsPerClient < 1) {
    return 'clients need at least one session each';
  }
  if (shape.late?.env === 'child' && !shape.services.includes('child')) {
    return 'a late child that takes its binary from a server needs a child service';
  }
  return null;
}

/** A shape in a few words: `2 clients, services Local1 Child1, 2 sessions each, late child (retry, ok)`. */
export function describeShape(shape: SystemShape): string {
  const names = systemNames(shape);
  const late = shape.late ? `, late child (${shape.late.env}, ${shape.late.process})` : '';
  const clients = `${shape.clients} client${shape.clients === 1 ? '' : 's'}`;
  return `${clients}, services ${names.services.map((service) => service.name).join(' ')}, ${shape.sessionsPerClient} session${shape.sessionsPerClient === 1 ? '' : 's'} each${late}`;
}
