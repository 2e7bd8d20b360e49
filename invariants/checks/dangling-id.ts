/**
 * dangling-id: client IDs are unique within a client, server IDs within a
 * server; a client ID belongs to a child that is not destroyed; no session
 * survives the destruction of its server.
 */

import type { ChildView, SessionView } from '../../impl/contract.ts';
import type { StepContext } from '../step-context.ts';
import type { CheckResult, Finding } from '../violation.ts';

/** One check per existing session. */
export function danglingId(context: StepContext): CheckResult {
  const { sessions, children } = context.observation;
  const findings = [
    ...duplicates(sessions, 'client', (s) =>
      s.clientId === null ? null : { child: s.client, id: s.clientId },
    ),
    ...duplicates(sessions, 'server', (s) =>
      s.server === null || s.serverId === null ? null : { child: s.server, id: s.serverId },
    ),
    ...sessions.flatMap((session) => orphaned(session, children)),
  ];

  return { findings, checks: sessions.length };
}

/** A session's ID in one child's ID space: the child and the number. */
interface SpaceId {
  readonly child: string;
  readonly id: number;
}

type IdOf = (session: SessionView) => SpaceId | null;

/** Sessions that share an ID in the same child's client or server ID space. */
function duplicates(
  sessions: readonly SessionView[],
  space: 'client' | 'server',
  idOf: IdOf,
): Finding[] {
  const holders = new Map<string, { readonly at: SpaceId; readonly keys: string[] }>();
  for (const session of sessions) {
    const at = idOf(session);
    if (at === null) {
      continue;
    }

    const slot = `${at.child}#${at.id}`;
    const holder = holders.get(slot) ?? { at, keys: [] };
    holder.keys.push(session.key);
    holders.set(slot, holder);
  }

  return [...holders.values()]
    .filter((holder) => holder.keys.length > 1)
    .map(({ at, keys }) => ({
      message: `Sessions ${keys.join(', ')} share ${space} ID ${at.id} of child ${at.child}.`,
      accounts: [],
    }));
}

/** A session whose client ID or whose very existence outlives a child. */
function orphaned(session: SessionView, children: Readonly<Record<string, ChildView>>): Finding[] {
  const findings: Finding[] = [];
  const client = children[session.client];
  if (session.clientId !== null && (client === undefined || client.destroyed)) {
    const state = client === undefined ? 'unknown' : 'destroyed';
    findings.push({
      message: `Session ${session.key} keeps client ID ${session.clientId} of ${state} child ${session.client}.`,
      accounts: [],
    });
  }

  const server = session.server === null ? undefined : children[session.server];
  if (session.server !== null && (server === undefined || server.destroyed)) {
    const state = server === undefined ? 'unknown' : 'destroyed';
    findings.push({
      message: `Session ${session.key} still exists although its server ${session.server} is ${state}.`,
      accounts: [],
    });
  }

  return findings;
}
