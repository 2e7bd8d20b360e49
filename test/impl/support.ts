/**
 * Shared fixtures for the reference implementation's tests: a standard
 * system, and a harness that checks after every step that no quota was
 * created or lost and that the journal replays to the observed balances.
 */
import { expect } from 'chai';

import { REFERENCE_ACCOUNT, UPSTREAM_ACCOUNT } from '../../impl/contract.ts';
import type {
  CallResult,
  ChildDescription,
  JournalEntry,
  Observation,
  Operation,
  Quota,
  RouteDescription,
  SessionView,
  SystemDescription,
} from '../../impl/contract.ts';
import { ArgString } from '../../impl/argString.ts';
import { IdSpace } from '../../impl/idSpace.ts';
import type { Service } from '../../impl/service.ts';
import { SessionRegistry } from '../../impl/sessionRegistry.ts';
import { SessionState } from '../../impl/sessionState.ts';
import { System } from '../../impl/system.ts';

export const SESSION_COST = 1024;
export const CLIENT = 'client';
export const SERVER = 'server';

/** Environment sessions to local services named after them. */
export const ENV_ROUTES: readonly RouteDescription[] = (['PD', 'CPU', 'LOG', 'ROM'] as const).map(
  (name) => ({
    service: name,
    to: { kind: 'local', name },
  }),
);

/**
 * A parent with local services PD, CPU, LOG, ROM and Timer, a parent
 * service Gui, a server child and a client child whose File sessions go to
 * the server. `client` and `server` replace parts of the children.
 */
export function standardSystem(
  options: {
    readonly client?: Partial<ChildDescription>;
    readonly server?: Partial<ChildDescription>;
    readonly reference?: Quota;
    readonly upstream?: Quota;
  } = {},
): SystemDescription {
  return {
    sessionCost: SESSION_COST,
    reference: options.reference ?? { ram: 1_000_000, caps: 1000 },
    upstream: options.upstream ?? { ram: 500_000, caps: 500 },
    services: [
      ...ENV_ROUTES.map((route) => ({ name: route.service, kind: 'local' as const })),
      { name: 'Timer', kind: 'local' },
      { name: 'Gui', kind: 'parent' },
    ],
    children: [
      {
        name: SERVER,
        quota: { ram: 50_000, caps: 50 },
        routes: ENV_ROUTES,
        dynamic: false,
        ...options.server,
      },
      {
        name: CLIENT,
        quota: { ram: 100_000, caps: 100 },
        dynamic: false,
        routes: [
          { service: 'File', to: { kind: 'child', server: SERVER, name: 'File' } },
          { service: 'Timer', to: { kind: 'local', name: 'Timer' } },
          { service: 'Gui', to: { kind: 'parent', name: 'Gui' } },
          { service: 'CPU', labelPrefix: 'client -> extra', to: { kind: 'local', name: 'CPU' } },
          ...ENV_ROUTES,
        ],
        ...options.client,
      },
    ],
  };
}

function sum(quotas: readonly Quota[]): Quota {
  return quotas.reduce(
    (total, quota) => ({ ram: total.ram + quota.ram, caps: total.caps + quota.caps }),
    {
      ram: 0,
      caps: 0,
    },
  );
}

/** Balances after replaying every move of the journal onto the described initial balances. */
export function replayJournal(
  description: SystemDescription,
  journal: readonly JournalEntry[],
): Record<string, Quota> {
  const balances = new Map<string, { ram: number; caps: number }>([
    [REFERENCE_ACCOUNT, { ...description.reference }],
    [UPSTREAM_ACCOUNT, { ...description.upstream }],
  ]);
  const account = (name: string): { ram: number; caps: number } => {
    const known = balances.get(name) ?? { ram: 0, caps: 0 };
    balances.set(name, known);
    return known;
  };
  for (const entry of journal) {
    if (entry.kind === 'move') {
      account(entry.from)[entry.resource] -= entry.amount;
      account(entry.to)[entry.resource] += entry.amount;
    }
  }
  return Object.fromEntries(balances);
}

/** Every transaction ends exactly once, after its moves, and a rolled-back one nets to nothing. */
export function expectWellFormedJournal(journal: readonly JournalEntry[]): void {
  const ended = new Map<number, 'commit' | 'rollback'>();
  const net = new Map<number, Map<string, number>>();
  for (const entry of journal) {
    expect(ended.has(entry.txn), `entry after the end of transaction ${entry.txn}`).to.equal(false);
    if (entry.kind === 'end') {
      ended.set(entry.txn, entry.outcome);
      continue;
    }
    const flows = net.get(entry.txn) ?? new Map<string, number>();
    net.set(entry.txn, flows);
    const [a, b, sign] =
      entry.from < entry.to ? [entry.from, entry.to, 1] : [entry.to, entry.from, -1];
    const key = `${a}|${b}|${entry.resource}`;
    flows.set(key, (flows.get(key) ?? 0) + sign * entry.amount);
  }
  for (const [txn, flows] of net) {
    expect(ended.has(txn), `transaction ${txn} never ended`).to.equal(true);
    if (ended.get(txn) === 'rollback') {
      for (const [key, amount] of flows) {
        expect(amount, `rolled-back transaction ${txn} still moves ${key}`).to.equal(0);
      }
    }
  }
}

/** A system under test that checks conservation and the journal after each operation. */
export class Harness {
  readonly system: System;
  private readonly total: Quota;

  private constructor(readonly description: SystemDescription) {
    this.system = System.build(description);
    this.total = sum([description.reference, description.upstream]);
    this.check();
  }

  static build(description: SystemDescription = standardSystem()): Harness {
    return new Harness(description);
  }

  apply(operation: Operation): CallResult {
    const result = this.system.apply(operation);
    this.check();
    return result;
  }

  observe(): Observation {
    return this.system.observe();
  }

  /** Balance of one account. */
  balance(account: string): Quota {
    const view = this.observe().accounts[account];
    if (view === undefined) {
      throw new Error(`no account ${account}`);
    }
    return { ram: view.ram, caps: view.caps };
  }

  /** Balances of all accounts. */
  balances(): Record<string, Quota> {
    return Object.fromEntries(
      Object.entries(this.observe().accounts).map(([name, view]) => [
        name,
        { ram: view.ram, caps: view.caps },
      ]),
    );
  }

  /** How each account changed since `before`. */
  changesSince(before: Record<string, Quota>): Record<string, Quota> {
    const changes: Record<string, Quota> = {};
    for (const [name, now] of Object.entries(this.balances())) {
      const was = before[name] ?? { ram: 0, caps: 0 };
      if (now.ram !== was.ram || now.caps !== was.caps) {
        changes[name] = { ram: now.ram - was.ram, caps: now.caps - was.caps };
      }
    }
    return changes;
  }

  /** The existing session of `client` under `id`; fails the test if there is none. */
  session(client: string, id: number): SessionView {
    const found = this.observe().sessions.find(
      (view) => view.client === client && view.clientId === id,
    );
    if (found === undefined) {
      throw new Error(`no session ${id} of ${client}`);
    }
    return found;
  }

  /** Sessions that are not environment sessions. */
  requestedSessions(): readonly SessionView[] {
    return this.observe().sessions.filter((view) => view.env === null);
  }

  /** Journal entries written since the journal had `length` entries. */
  journalSince(length: number): readonly JournalEntry[] {
    return this.observe().journal.slice(length);
  }

  get journalLength(): number {
    return this.observe().journal.length;
  }

  /** Diagnostics of the latest step. */
  latestDiagnostics(): readonly string[] {
    const observation = this.observe();
    return observation.diagnostics
      .filter((entry) => entry.step === observation.step)
      .map((entry) => entry.message);
  }

  private check(): void {
    const observation = this.system.observe();
    const accounts = Object.values(observation.accounts);
    expect(sum(accounts), 'total quota').to.deep.equal(this.total);
    for (const [name, view] of Object.entries(observation.accounts)) {
      expect(view.ram, `RAM of ${name}`).to.be.at.least(0);
      expect(view.caps, `caps of ${name}`).to.be.at.least(0);
    }
    const replayed = replayJournal(this.description, observation.journal);
    for (const [name, view] of Object.entries(observation.accounts)) {
      expect(replayed[name] ?? { ram: 0, caps: 0 }, `journal replay of ${name}`).to.deep.equal({
        ram: view.ram,
        caps: view.caps,
      });
    }
    expectWellFormedJournal(observation.journal);
  }
}

/** The session request the standard client makes of the server: 8192 bytes, 2 caps. */
export function fileSession(id = 10, args = 'ram_quota=8192, cap_quota=2'): Operation {
  return { op: 'session', child: CLIENT, id, service: 'File', args };
}

/** A fresh session state of `client` under ID 10 at `service`, outside any system. */
export function newSessionState(
  service: Service,
  args = 'ram_quota=7168, cap_quota=2',
): SessionState {
  const created = SessionState.create(new SessionRegistry(), {
    service,
    client: CLIENT,
    clientIds: new IdSpace(),
    id: 10,
    label: CLIENT,
    args: ArgString.parse(args),
    env: null,
  });
  if (created.kind !== 'created') {
    throw new Error('a fresh ID space has no conflicting ID');
  }
  return created.session;
}
