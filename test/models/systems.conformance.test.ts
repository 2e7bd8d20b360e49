/**
 * The reference implementation in whole systems: a fixed-seed `fuzz` run
 * and two bounded `explore` searches, each of which must pass. Generated
 * paths see one session or one child at a time; these see several clients,
 * servers that answer late or out of turn, and deaths in the middle. With
 * `conformance.test.ts` they are the test command of mutation testing
 * (stryker.config.json), so small enough to run once per surviving mutant.
 *
 * Limitation: with the paths and the misuse cases they killed 81.9% of the
 * mutants of `impl/` (87.9% of those they reached) before the searches of a
 * late child, of a client's own CPU session and the child set-ups that fail
 * outside the binary were added, short of the 90% aimed at: rollbacks after
 * a server spent donated quota are reached by too few steps, and a
 * reference account too poor to pay an environment session at a server is
 * never described.
 */
import { expect } from 'chai';

import type { Operation, SystemDescription } from '../../impl/contract.ts';
import { referenceImplementation } from '../../impl/reference.ts';
import { formatViolation, Ledger } from '../../invariants/index.ts';
import { DEFAULT_EXPLORE_CONFIG, runExplore, type ExploreConfig } from '../../models/explore.ts';
import { runFuzz } from '../../models/fuzz.ts';
import { initialObservationProblems, stepObservationProblems } from '../../models/observationRules.ts';

/** One client and every kind of service, with every vocabulary switch that keeps the search to seconds. */
const ONE_CLIENT_EVERY_SERVICE: ExploreConfig = {
  ...DEFAULT_EXPLORE_CONFIG,
  shape: { clients: 1, services: ['local', 'parent', 'child'], sessionsPerClient: 1, late: null },
  vocabulary: {
    levels: ['small', 'large'],
    answers: ['ok', 'denied', 'outOfRam'],
    responses: ['cap', 'ok', 'closed', 'denied', 'insufficientRam'],
    outOfTurn: true,
    upgrades: true,
    sigh: true,
    unrouted: false,
    childActions: ['destroy', 'closeAllSessions'],
  },
};

/** Two clients sharing a parent and a child service, upgrading and dying. */
const TWO_CLIENTS_UPGRADING: ExploreConfig = {
  ...DEFAULT_EXPLORE_CONFIG,
  shape: { clients: 2, services: ['parent', 'child'], sessionsPerClient: 1, late: null },
  vocabulary: { ...DEFAULT_EXPLORE_CONFIG.vocabulary, upgrades: true },
};

/**
 * A child built late whose binary comes from a serving child, which may
 * deliver it, with a client of the same server beside it; then any of them
 * dies: the close of an environment session at its server and who pays for
 * it, and a server that dies under it (`explore --clients 1 --servers child
 * --sessions 1 --answers ok --responses cap,closed --child-events destroy --late
 * child`).
 */
const LATE_CHILD_FROM_SERVER: ExploreConfig = {
  ...DEFAULT_EXPLORE_CONFIG,
  shape: { clients: 1, services: ['child'], sessionsPerClient: 1, late: { env: 'child', process: 'ok' } },
  vocabulary: {
    levels: ['small'],
    answers: ['ok'],
    responses: ['cap', 'closed'],
    outOfTurn: false,
    upgrades: false,
    sigh: false,
    unrouted: false,
    childActions: ['destroy'],
  },
};

/**
 * A client with a CPU session of its own, which closing all its sessions
 * closes first, while its PD still takes the quota back (`explore
 * --clients 1 --servers cpu --sessions 1 --answers ok,denied --child-events
 * closeAllSessions,destroy`).
 */
const OWN_CPU_SESSION: ExploreConfig = {
  ...DEFAULT_EXPLORE_CONFIG,
  shape: { clients: 1, services: ['cpu'], sessionsPerClient: 1, late: null },
  vocabulary: {
    levels: ['small'],
    answers: ['ok', 'denied'],
    responses: [],
    outOfTurn: false,
    upgrades: false,
    sigh: false,
    unrouted: false,
    childActions: ['closeAllSessions', 'destroy'],
  },
};

describe('conformance of the reference implementation in whole systems', function () {
  this.timeout(120_000);

  it('passes 400 random runs of up to 40 steps (seed 20261203)', async () => {
    const report = await runFuzz({ runs: 400, maxCommands: 40, seed: 20261203 });
    expect(report.ok, `fails; ${report.failure?.replay ?? ''}`).to.equal(true);
    expect(report.commands).to.be.greaterThan(3000);
  });

  for (const [name, config] of [
    ['one client, a local, a parent and a child service, upgrades, signal handlers, out-of-turn answers', ONE_CLIENT_EVERY_SERVICE],
    ['two clients of a parent and a child service, upgrading and dying', TWO_CLIENTS_UPGRADING],
    ['a late child whose binary a serving child delivers, and deaths', LATE_CHILD_FROM_SERVER],
    ['a client with a CPU session of its own, closed or destroyed', OWN_CPU_SESSION],
  ] as const) {
    it(`explores every state of ${name}`, async () => {
      const report = await runExplore({ config, heapUsed: () => 0 });
      expect(report.ok, JSON.stringify(report.failure?.failure ?? report.stuck)).to.equal(true);
      expect(report.complete).to.equal(true);
    });
  }
});

/**
 * A rollback after a transfer of nothing: an upgrade that asks for caps only
 * (`ram_quota` 0) and more than the client has. Neither the paths nor the
 * searches make one; the journal must record no move of 0 either way.
 */
describe('conformance of the reference implementation: a rollback after a transfer of nothing', () => {
  const services = ['PD', 'CPU', 'LOG', 'ROM', 'Local'];
  const description: SystemDescription = {
    sessionCost: 1024,
    reference: { ram: 10_000_000, caps: 10_000 },
    upstream: { ram: 0, caps: 0 },
    services: services.map((name) => ({ name, kind: 'local' as const })),
    children: [
      {
        name: 'client',
        quota: { ram: 100_000, caps: 50 },
        dynamic: false,
        routes: services.map((name) => ({ service: name, to: { kind: 'local' as const, name } })),
      },
    ],
  };
  const operations: Operation[] = [
    { op: 'session', child: 'client', id: 10, service: 'Local', args: 'ram_quota=8192, cap_quota=4, label="x"' },
    { op: 'sessionCap', child: 'client', id: 10 },
    { op: 'upgrade', child: 'client', id: 10, args: 'cap_quota=500' },
  ];

  it('keeps every invariant and observation rule, and the upgrade runs out of caps', async () => {
    const system = await referenceImplementation.create(description);
    try {
      let before = await system.observe();
      const ledger = new Ledger(description, before);
      const problems = [...ledger.initialViolations().map(formatViolation), ...initialObservationProblems(before)];
      let last = null;
      for (const [index, operation] of operations.entries()) {
        last = await system.apply(operation);
        const after = await system.observe();
        problems.push(...ledger.observe(after, `${index + 1}: ${operation.op}`).map(formatViolation));
        problems.push(...stepObservationProblems(before, after, 1));
        before = after;
      }
      expect(problems, problems.join('\n')).to.deep.equal([]);
      expect(last).to.deep.equal({ kind: 'error', error: 'outOfCaps' });
    } finally {
      await system.dispose();
    }
  });
});
