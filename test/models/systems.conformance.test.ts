/**
 * The reference implementation in whole systems: a fixed-seed `fuzz` run
 * and two bounded `explore` searches, each of which must pass. Generated
 * paths see one session or one child at a time; these see several clients,
 * servers that answer late or out of turn, and deaths in the middle. With
 * `conformance.test.ts` they are the test command of mutation testing
 * (stryker.config.json), so small enough to run once per surviving mutant.
 *
 * Limitation: together they kill 72.8% of the mutants of `impl/` (79.8% of
 * those they reach), short of the 90% aimed at. Misuse of the contract is
 * never generated, and the argument-string parser, environment sessions at
 * a serving child and process-start bookkeeping are reached by too few
 * steps; closing that takes paths or fuzz steps aimed at those branches.
 */
import { expect } from 'chai';

import { DEFAULT_EXPLORE_CONFIG, runExplore, type ExploreConfig } from '../../models/explore.ts';
import { runFuzz } from '../../models/fuzz.ts';

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
  ] as const) {
    it(`explores every state of ${name}`, async () => {
      const report = await runExplore({ config, heapUsed: () => 0 });
      expect(report.ok, JSON.stringify(report.failure?.failure ?? report.stuck)).to.equal(true);
      expect(report.complete).to.equal(true);
    });
  }
});
