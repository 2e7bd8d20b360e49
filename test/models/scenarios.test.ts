import { expect } from 'chai';

import type { CallResult, ImplementationUnderTest, Observation, Operation } from '../../impl/contract.ts';
import { referenceImplementation } from '../../impl/reference.ts';
import { formatResult } from '../../models/binding.ts';
import { runCheck } from '../../models/check.ts';
import { checkScenarios, findScenario, SCENARIOS } from '../../models/scenarios.ts';
import { wrappedReference } from '../fakes/wrappedReference.ts';

/** The reference, with `change` applied to what each call returns and each observation shows. */
function alteredReference(
  name: string,
  change: { result?: (operation: Operation, result: CallResult) => CallResult; observation?: (observation: Observation) => Observation },
): ImplementationUnderTest {
  return wrappedReference(name, (system) => ({
    apply: async (operation) => (change.result ?? ((_, result) => result))(operation, await system.apply(operation)),
    observe: async () => (change.observation ?? ((observation) => observation))(await system.observe()),
  }));
}

describe('models/scenarios', () => {
  it('numbers its scenarios scenario#1 on, each with a one-line title and aim', () => {
    expect(SCENARIOS.length).to.be.greaterThan(0);
    for (const [index, scenario] of SCENARIOS.entries()) {
      expect(scenario.id).to.equal(`scenario#${index + 1}`);
      expect(scenario.title).to.match(/^\S[^\n]*$/);
      expect(scenario.aim).to.match(/^\S[^\n]*$/);
      expect(scenario.operations.length).to.be.greaterThan(0);
    }
  });

  it('passes every scenario on the reference, with invariant checks counted', async () => {
    const report = await checkScenarios(referenceImplementation);
    expect(report.failures.map((failure) => `${failure.path}: ${failure.reason}`)).to.deep.equal([]);
    expect(report.passed).to.equal(SCENARIOS.length);
    expect(report.steps).to.equal(SCENARIOS.reduce((sum, scenario) => sum + scenario.operations.length, 0));
    expect(Object.values(report.invariants).reduce((sum, count) => sum + count, 0)).to.be.greaterThan(0);
  });

  it('answers under the server IDs the implementation chose, not under fixed ones', async () => {
    /* the reference, but its servers number sessions from 100 */
    const OFFSET = 99;
    const renumbered = wrappedReference('server-ids-from-100', (system) => ({
      apply: (operation) =>
        system.apply(operation.op === 'deliverSessionCap' || operation.op === 'sessionResponse' ? { ...operation, id: operation.id - OFFSET } : operation),
      observe: async () => {
        const observation = await system.observe();
        return { ...observation, sessions: observation.sessions.map((view) => (view.serverId === null ? view : { ...view, serverId: view.serverId + OFFSET })) };
      },
    }));
    const report = await checkScenarios(renumbered);
    expect(report.failures.map((failure) => `${failure.path}: ${failure.reason}`)).to.deep.equal([]);
  });

  it('fails a scenario whose server has no session to answer, at that step', async () => {
    const noServerIds = alteredReference('hides-server-ids', {
      observation: (observation) => ({ ...observation, sessions: observation.sessions.map((view) => ({ ...view, serverId: null })) }),
    });
    const report = await checkScenarios(noServerIds, { scenarioId: 'scenario#2' });
    const [failure] = report.failures;
    expect(failure?.step).to.equal(2);
    expect(failure?.reason).to.equal('no session of client at Block has a server ID to answer');
  });

  it('fails a scenario whose end differs from what the spec says, as a result failure', async () => {
    const scenario = findScenario('scenario#1');
    if (scenario === undefined) throw new Error('no scenario#1');
    const lenient = alteredReference('lenient-upgrade', {
      result: (operation, result) => (operation.op === 'upgrade' ? { kind: 'upgrade', result: 'done' } : result),
    });
    const report = await checkScenarios(lenient, { scenarioId: scenario.id, replayCommand: (id) => `replay ${id}` });
    expect(report.passed).to.equal(0);
    const [failure] = report.failures;
    expect(failure?.kind).to.equal('result');
    expect(failure?.path).to.equal('scenario#1');
    expect(failure?.replay).to.equal('replay scenario#1');
    expect(failure?.reason).to.equal(`the path does not end as the spec says: ${scenario.aim}; the last call returned ${formatResult({ kind: 'upgrade', result: 'done' })}`);
  });

  it('fails a scenario in which the implementation refuses a legal operation, at that step', async () => {
    const refusing = wrappedReference('refuses-sessions', (system) => ({
      apply: async (operation) => {
        if (operation.op === 'session') throw new Error('no sessions today');
        return system.apply(operation);
      },
    }));
    const report = await checkScenarios(refusing, { scenarioId: 'scenario#1' });
    const [failure] = report.failures;
    expect(failure?.kind).to.equal('implementation');
    expect(failure?.step).to.equal(1);
    expect(failure?.reason).to.match(/^session\(.*\) failed: no sessions today$/);
  });

  it('fails a scenario whose journal breaks an invariant, naming the invariant', async () => {
    /* every observation claims 1 byte more at the reference account than there is */
    const inflated = alteredReference('inflated-reference', {
      observation: (observation) => {
        const reference = Object.entries(observation.accounts)[0];
        if (reference === undefined) return observation;
        const [name, account] = reference;
        return { ...observation, accounts: { ...observation.accounts, [name]: { ...account, ram: account.ram + 1 } } };
      },
    });
    const report = await checkScenarios(inflated, { scenarioId: 'scenario#1' });
    const [failure] = report.failures;
    expect(failure?.kind).to.equal('invariant');
    expect(failure?.invariant).to.be.a('string');
  });

  it('runs in a full check after the misuse cases, and alone for --path scenario#n', async () => {
    const alone = await runCheck({ implementation: referenceImplementation, pathId: 'scenario#1' });
    expect(alone.ok).to.equal(true);
    expect(alone.paths).to.equal(0);
    expect(alone.misuse).to.equal(undefined);
    expect(alone.scenarios?.cases).to.equal(1);
    expect(alone.invariantChecks).to.be.greaterThan(0);

    const machineOnly = await runCheck({ implementation: referenceImplementation, machines: ['session'] });
    expect(machineOnly.scenarios).to.equal(undefined);
  });

  it('throws for an id that names no scenario', async () => {
    let thrown: unknown = null;
    await checkScenarios(referenceImplementation, { scenarioId: 'scenario#999' }).catch((error: unknown) => {
      thrown = error;
    });
    expect(String(thrown)).to.match(/no scenario 'scenario#999'/);
  });
});
