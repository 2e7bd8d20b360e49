/**
 * Quota moves of the seed, carried out on a `World` by hand: what a correct
 * implementation journals and shows for each protocol step.
 */

import {
  ENV_SESSION_IDS,
  REFERENCE_ACCOUNT,
  pdAccount,
  type EnvSession,
  type Quota,
  type SessionView,
  type SystemDescription,
} from '../../impl/contract.ts';
import type { World } from './world.ts';

/** The session cost of every test description, in bytes. */
export const COST = 1024;

/** What each test child gets from `ref` when it is constructed. */
export const CHILD_QUOTA: Quota = { ram: 100000, caps: 20 };

/** A parent with two children, `client` and `server`, and a session cost of 1024 bytes. */
export function twoChildren(): SystemDescription {
  return {
    sessionCost: COST,
    reference: { ram: 1_000_000, caps: 500 },
    upstream: { ram: 1_000_000, caps: 500 },
    services: [
      { name: 'LOG', kind: 'local' },
      { name: 'ROM', kind: 'parent' },
    ],
    children: ['client', 'server'].map((name) => ({ name, quota: CHILD_QUOTA, routes: [] })),
  };
}

/** Where a session goes: a local service, upstream, or a serving child. */
export type Target =
  | { readonly kind: 'local' }
  | { readonly kind: 'parent' }
  | { readonly kind: 'child'; readonly server: string };

export interface Request {
  readonly key: string;
  readonly client: string;
  readonly clientId: number;
  readonly to: Target;
  /** `ram_quota` of the request, session cost included. */
  readonly ram: number;
  readonly caps?: number;
  /** ID in the server's ID space, for child services; default: the client ID. */
  readonly serverId?: number;
}

/** `session()`: the whole quota from the client to `ref`, the forwarded part to the service. */
export function requestSession(world: World, request: Request): SessionView {
  const caps = request.caps ?? 0;
  const session = sessionView(request, { ram: request.ram - COST, caps });
  world.transact([
    [pdAccount(request.client), REFERENCE_ACCOUNT, { ram: request.ram, caps }],
    [REFERENCE_ACCOUNT, session.serviceAccount, session.donated],
  ]);
  world.addSession(session);
  return session;
}

/** An environment session with its fixed client ID, paid by the parent from `ref`. */
export function envSession(
  world: World,
  key: string,
  client: string,
  env: EnvSession,
  to: Target,
  quota: Quota,
): void {
  const clientId = ENV_SESSION_IDS[env];
  const request = { key, client, clientId, serverId: 100 + clientId, to, ram: 0 };
  const session = { ...sessionView(request, quota), env, callbacks: false };
  world.transact([[REFERENCE_ACCOUNT, session.serviceAccount, quota]]);
  world.addSession(session);
}

/** `upgrade()`: the extra quota from the client through `ref` to the service. */
export function upgradeSession(world: World, key: string, extra: Quota): void {
  const session = world.session(key);
  world.transact([
    [pdAccount(session.client), REFERENCE_ACCOUNT, extra],
    [REFERENCE_ACCOUNT, session.serviceAccount, extra],
  ]);
  world.updateSession(key, { donated: plus(session.donated, extra) });
}

/**
 * `_revert_quota_and_destroy` in the client's context: donated quota and
 * session cost back to the client.
 */
export function revertToClient(world: World, key: string): void {
  const session = world.session(key);
  world.transact([
    [session.serviceAccount, REFERENCE_ACCOUNT, session.donated],
    [REFERENCE_ACCOUNT, pdAccount(session.client), withCost(session.donated)],
  ]);
  world.removeSession(key);
}

/**
 * `_revert_quota_and_destroy` in the dying server's context: the server gets
 * donated quota and cost.
 */
export function revertOnServer(world: World, key: string, server: string): void {
  const session = world.session(key);
  world.transact([
    [session.serviceAccount, REFERENCE_ACCOUNT, session.donated],
    [REFERENCE_ACCOUNT, pdAccount(server), withCost(session.donated)],
  ]);
  world.removeSession(key);
}

/**
 * `session_response(SESSION_CLOSED)` without a closed callback: the donated
 * quota goes to `ref` only.
 */
export function releaseToParent(world: World, key: string): void {
  const session = world.session(key);
  world.transact([[session.serviceAccount, REFERENCE_ACCOUNT, session.donated]]);
  world.removeSession(key);
}

export function withCost(donated: Quota): Quota {
  return plus(donated, { ram: COST, caps: 0 });
}

export function plus(a: Quota, b: Quota): Quota {
  return { ram: a.ram + b.ram, caps: a.caps + b.caps };
}

/** The session view `requestSession` adds for `request`, with `donated` as its donated quota. */
export function sessionView(request: Request, donated: Quota): SessionView {
  const { to } = request;
  const async = to.kind === 'child';
  return {
    key: request.key,
    client: request.client,
    clientId: request.clientId,
    server: async ? to.server : null,
    serverId: async ? (request.serverId ?? request.clientId) : null,
    service: async ? 'Report' : to.kind === 'local' ? 'LOG' : 'ROM',
    serviceKind: to.kind,
    serviceAccount: serviceAccountOf(to),
    env: null,
    label: `${request.client} -> test`,
    args: `ram_quota=${request.ram}, cap_quota=${donated.caps}`,
    phase: async ? 'CREATE_REQUESTED' : 'CAP_HANDED_OUT',
    cap: !async,
    donated,
    asyncClientNotify: async,
    callbacks: true,
  };
}

function serviceAccountOf(to: Target): string | null {
  switch (to.kind) {
    case 'local':
      return null;
    case 'parent':
      return 'upstream';
    case 'child':
      return pdAccount(to.server);
  }
}
