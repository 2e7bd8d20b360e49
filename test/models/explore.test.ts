import { expect } from 'chai';

import { findVariant } from '../../faults/catalog.ts';
import { loadVariant } from '../../faults/load.ts';
import { referenceImplementation } from '../../impl/reference.ts';
import { DEFAULT_EXPLORE_CONFIG, runExplore, type ExploreConfig, type ExploreReport } from '../../models/explore.ts';
import { formatAction } from '../../models/exploreActions.ts';
import { configFlags, configFromJson, exploreConfig } from '../../models/exploreConfig.ts';
import { replayActions } from '../../models/exploreRun.ts';

function config(clients: number, sessions: number, overrides: Partial<ExploreConfig> = {}): ExploreConfig {
  return {
    ...DEFAULT_EXPLORE_CONFIG,
    shape: { ...DEFAULT_EXPLORE_CONFIG.shape, clients, sessionsPerClient: sessions },
    ...overrides,
  };
}

describe('models/explore', () => {
  describe('on 2 clients, a local and a child service, 2 sessions per client (the default)', () => {
    let report: ExploreReport;
    before(async function () {
      this.timeout(300_000);
      report = await runExplore({ config: DEFAULT_EXPLORE_CONFIG });
    });

    it('visits every reachable state and checks every step', () => {
      expect(report.failure?.failure.reason ?? null).to.equal(null);
      expect(report.complete).to.equal(true);
      expect(report.expanded).to.equal(report.distinct);
      expect(report.distinct).to.be.greaterThan(1000);
      expect(report.transitions).to.be.greaterThan(report.distinct);
      expect(report.ok).to.equal(true);
    });

    it("finds the seed's leak as stuck states, and no unexpected ones", () => {
      const { stuck } = report;
      expect(stuck.analysed).to.equal(true);
      expect(stuck.unexpected).to.equal(0);
      expect(stuck.quirks).to.be.greaterThan(0);
      const [quirk] = stuck.examples;
      expect(quirk?.kind).to.equal('quirk');
      expect(quirk?.path).to.deep.equal([
        'client1: session(10, Child1, small)',
        'client1: close(10)',
        'server1: sessionResponse(#1, denied)',
      ]);
      expect(quirk?.sessions.join('\n')).to.match(/SERVICE_DENIED \(client idDiscarded\)/);
    });
  });

  it('reduces interchangeable clients by symmetry', async () => {
    const symmetric = await runExplore({ config: config(2, 1) });
    const apart = await runExplore({ config: config(2, 1, { symmetry: false }) });
    expect(symmetric.ok && apart.ok).to.equal(true);
    expect(symmetric.distinct).to.be.lessThan(apart.distinct);
    expect(symmetric.distinct).to.be.greaterThan(apart.distinct / 2 - 1);
  });

  it('reaches the same states by forking the reference as by replaying paths through the contract', async () => {
    const forked = await runExplore({ config: config(1, 1) });
    const replayed = await runExplore({ config: config(1, 1), implementation: referenceImplementation });
    expect(replayed.implementation).to.equal('reference');
    expect([replayed.distinct, replayed.transitions, replayed.depth]).to.deep.equal([forked.distinct, forked.transitions, forked.depth]);
    expect(replayed.stuck.quirks).to.equal(forked.stuck.quirks);
  });

  it('stops at its bounds and then leaves stuck states unanalysed', async () => {
    const bounded = await runExplore({ config: config(1, 2, { maxStates: 20 }) });
    expect(bounded.complete).to.equal(false);
    expect(bounded.distinct).to.equal(20);
    expect(bounded.stuck.analysed).to.equal(false);
    const shallow = await runExplore({ config: config(1, 2, { maxDepth: 2 }) });
    expect(shallow.complete).to.equal(false);
    expect(shallow.depth).to.be.at.most(3);
  });

  describe('on a planted fault (the session cost kept on close)', () => {
    let report: ExploreReport;
    before(async function () {
      this.timeout(120_000);
      const variant = findVariant('session-cost-kept');
      if (!variant) throw new Error('the catalog has no session-cost-kept');
      report = await runExplore({ config: DEFAULT_EXPLORE_CONFIG, implementation: await loadVariant(variant) });
    });

    it('fails with the broken invariant', () => {
      expect(report.ok).to.equal(false);
      expect(report.failure?.failure.kind).to.equal('invariant');
      expect(report.failure?.failure.invariant).to.equal('returned-to-owner');
    });

    it('gives the shortest failing trace: one step, a request refused by a local service', () => {
      const failure = report.failure;
      if (!failure) throw new Error('no failure');
      expect(failure.actions.map(formatAction)).to.deep.equal(['client1: session(10, Local1, small), Local1 answers denied']);
      expect(failure.trace).to.have.length(1);
      expect(failure.trace[0]?.operations.join(' ')).to.include('setAnswers("Local1", ["denied"])');
    });

    it('replays the trace to the same failure', async () => {
      const failure = report.failure;
      const variant = findVariant('session-cost-kept');
      if (!failure || !variant) throw new Error('no failure');
      const replayed = await replayActions(DEFAULT_EXPLORE_CONFIG.shape, failure.actions, await loadVariant(variant), false);
      expect(replayed.failure?.reason).to.equal(failure.failure.reason);
    });
  });

  describe('configuration', () => {
    it('fills in the defaults and takes quota levels as the first request sizes', () => {
      const result = exploreConfig({ clients: 3, quotaLevels: 3, servers: ['parent', 'child'] });
      if (!result.ok) throw new Error(result.problem);
      expect(result.config.shape).to.deep.include({ clients: 3, services: ['parent', 'child'], sessionsPerClient: 2 });
      expect(result.config.vocabulary.levels).to.deep.equal(['small', 'large', 'belowCost']);
    });

    it('builds a late child with the set-up and process outcome asked for, and gives them back as flags', () => {
      const result = exploreConfig({ servers: ['child'], late: 'child', lateProcess: 'outOfRam' });
      if (!result.ok) throw new Error(result.problem);
      expect(result.config.shape.late).to.deep.equal({ env: 'child', process: 'outOfRam' });
      expect(configFlags(result.config)).to.include('--late child --late-process outOfRam');
      expect(configFromJson({ late: 'static' })).to.deep.equal({ ok: true, input: { late: 'static' } });
    });

    it('names what is wrong with a late child', () => {
      expect(exploreConfig({ late: 'elsewhere' })).to.deep.include({ ok: false });
      expect(exploreConfig({ lateProcess: 'ok' })).to.deep.include({ ok: false });
      expect(exploreConfig({ servers: ['local'], late: 'child' })).to.deep.include({ ok: false });
      expect(configFromJson({ late: ['child'] })).to.deep.equal({ ok: false, problem: "'late' must be a string" });
    });

    it('names what is wrong with a configuration', () => {
      expect(exploreConfig({ servers: ['local', 'remote'] })).to.deep.include({ ok: false });
      expect(exploreConfig({ clients: 0 })).to.deep.equal({ ok: false, problem: 'clients must be an integer from 1 to 8, not 0' });
      expect(exploreConfig({ childEvents: ['destroy', 'explode'] })).to.deep.include({ ok: false });
      expect(configFromJson({ clients: 2, colour: 'red' })).to.deep.include({ ok: false });
      expect(configFromJson({ clients: '2' })).to.deep.equal({ ok: false, problem: "'clients' must be a number" });
      expect(configFromJson([])).to.deep.include({ ok: false });
    });
  });
});
