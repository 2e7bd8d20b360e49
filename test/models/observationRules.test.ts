/**
 * The observation rules the replay checks beside the machines: each broken
 * implementation below is the reference with one observation field altered,
 * and the path it runs fails with a one-line reason naming the field.
 */
import { expect } from 'chai';

import type { ImplementationUnderTest, Observation } from '../../impl/contract.ts';
import { referenceImplementation } from '../../impl/reference.ts';
import { childBinding } from '../../models/childModel.ts';
import { generatePaths } from '../../models/paths.ts';
import { replayPath } from '../../models/replay.ts';
import { sessionBinding } from '../../models/sessionModel.ts';

/** The reference, with every observation passed through `alter` (on a copy). */
function altered(name: string, alter: (observation: Observation, applied: number) => Observation): ImplementationUnderTest {
  return {
    name,
    async create(description) {
      const system = await referenceImplementation.create(description);
      let applied = 0;
      return {
        apply: async (operation) => {
          applied += 1;
          return system.apply(operation);
        },
        observe: async () => alter(structuredClone(await system.observe()), applied),
        dispose: () => system.dispose(),
      };
    },
  };
}

const sessionPaths = generatePaths(sessionBinding);
const childPaths = generatePaths(childBinding);

/** Replays the session path titled `title` (or the child one) on `implementation`; returns its failure. */
async function failureOf(implementation: ImplementationUnderTest, title: string, machine: 'session' | 'child' = 'session') {
  const generated = machine === 'session' ? sessionPaths : childPaths;
  const path = generated.paths.find((candidate) => candidate.title === title);
  if (path === undefined) throw new Error(`no ${machine} path titled ${title}`);
  const result =
    machine === 'session'
      ? await replayPath(sessionBinding, sessionPaths.shape, path as (typeof sessionPaths.paths)[number], implementation)
      : await replayPath(childBinding, childPaths.shape, path as (typeof childPaths.paths)[number], implementation);
  return result.failure;
}

describe('models/observationRules: the replay checks the observation form', () => {
  it('passes the reference', async () => {
    expect(await failureOf(referenceImplementation, 'session(local, denied)')).to.equal(null);
    expect(await failureOf(referenceImplementation, 'build(local, ok) → destroy', 'child')).to.equal(null);
  });

  it('fails a step counter that does not advance by one per operation', async () => {
    const frozen = altered('frozen-step', (observation) => ({ ...observation, step: 0 }));
    const failure = await failureOf(frozen, 'session(local, denied)');
    expect(failure?.kind).to.equal('state');
    expect(failure?.reason).to.match(/^the observation's step is 0 after \d+ operation\(s\) from step 0, expected \d+$/);
  });

  it('fails journal entries stamped with the wrong step', async () => {
    const late = altered('late-stamps', (observation) => ({
      ...observation,
      journal: observation.journal.map((entry) => ({ ...entry, step: entry.step + 1 })),
    }));
    const failure = await failureOf(late, 'session(local, denied)');
    expect(failure?.step).to.equal(0);
    expect(failure?.reason).to.match(/^the new system: journal entry #0 carries step 1, but was made by the operation\(s\) of step 0$/);
  });

  it('fails a stray diagnostic in a fresh system', async () => {
    const stray = altered('stray-diagnostic', (observation) => ({
      ...observation,
      diagnostics: ['Stryker was here' as never, ...observation.diagnostics],
    }));
    const failure = await failureOf(stray, 'session(local, denied)');
    expect(failure?.reason).to.equal('the new system: diagnostic #0 "Stryker was here" is not a diagnostic');
  });

  it('fails an announcement before any operation', async () => {
    const announced = altered('announced-early', (observation) => {
      const server = observation.children['server'];
      return server === undefined ? observation : { ...observation, children: { ...observation.children, server: { ...server, announced: ['X'] } } };
    });
    const failure = await failureOf(announced, 'session(local, denied)');
    expect(failure?.reason).to.equal('the new system: child server has announced [X] before any operation');
  });

  it("fails startError 'ok' after a normal start", async () => {
    const ok = altered('start-error-ok', (observation) => {
      const children = Object.fromEntries(
        Object.entries(observation.children).map(([name, view]) => [name, view.active ? { ...view, startError: 'ok' as const } : view]),
      );
      return { ...observation, children };
    });
    const failure = await failureOf(ok, 'session(local, denied)');
    expect(failure?.reason).to.match(/^the new system: child \w+ has startError "ok", expected null or a failed process outcome$/);
  });

  it('fails asyncClientNotify set for a session at a local service', async () => {
    const notify = altered('notify-local', (observation) => ({
      ...observation,
      sessions: observation.sessions.map((session) => (session.env === null ? { ...session, asyncClientNotify: true } : session)),
    }));
    const failure = await failureOf(notify, 'session(local, ok) → sessionCap');
    expect(failure?.step).to.equal(1);
    expect(failure?.reason).to.match(/^session s\d+ \(\w+\) at a local service has asyncClientNotify true, expected false$/);
  });

  it('fails an environment session that shows callbacks or no service kind', async () => {
    const callbacks = altered('env-callbacks', (observation) => ({
      ...observation,
      sessions: observation.sessions.map((session) => (session.env === 'log' ? { ...session, callbacks: true } : session)),
    }));
    expect((await failureOf(callbacks, 'session(local, denied)'))?.reason).to.match(
      /^the new system: session s\d+ \(LOG, env log\) shows callbacks installed, but an environment session has no closed callback$/,
    );

    const kindless = altered('env-kindless', (observation) => ({
      ...observation,
      sessions: observation.sessions.map((session) => (session.env === 'cpu' ? { ...session, serviceKind: undefined as never } : session)),
    }));
    expect((await failureOf(kindless, 'session(local, denied)'))?.reason).to.match(
      /^the new system: session s\d+ \(CPU, env cpu\) has service kind undefined, not local, parent or child$/,
    );
  });

  it('fails a valid PD account of a child that is not started yet', async () => {
    const valid = altered('valid-unstarted-pd', (observation) => ({
      ...observation,
      accounts: Object.fromEntries(Object.entries(observation.accounts).map(([name, account]) => [name, { ...account, valid: true }])),
    }));
    const failure = await failureOf(valid, 'build(local, ok) → destroy', 'child');
    expect(failure?.step).to.equal(0);
    expect(failure?.reason).to.match(/^the new system: child \w+'s PD is closed \(or not yet set up\), but its account pd:\w+ is valid$/);
  });
  it('fails a history that goes on after DESTROYED', async () => {
    const twice = altered('destroyed-twice', (observation) => ({
      ...observation,
      history: Object.fromEntries(
        Object.entries(observation.history).map(([key, entries]) => [key, entries.includes('DESTROYED') ? [...entries, 'DESTROYED' as const] : entries]),
      ),
    }));
    const failure = await failureOf(twice, 'session(local, denied)');
    expect(failure?.step).to.equal(1);
    expect(failure?.reason).to.match(/^session s\d+'s history \[CREATE_REQUESTED, SERVICE_DENIED, DESTROYED, DESTROYED\] goes on after DESTROYED, but a destroyed state enters nothing$/);
  });

  it('fails a session whose history does not end in its phase', async () => {
    const stale = altered('stale-history', (observation) => ({
      ...observation,
      history: Object.fromEntries(Object.entries(observation.history).map(([key, entries]) => [key, entries.slice(0, 1)])),
    }));
    const failure = await failureOf(stale, 'session(local, denied)');
    expect(failure?.step).to.equal(0);
    expect(failure?.reason).to.match(/^the new system: session s\d+ is in CAP_HANDED_OUT, but its history ends in CREATE_REQUESTED$/);
  });

  it('fails a history that rewrites what a state entered', async () => {
    const rewritten = altered('rewritten-history', (observation, applied) => ({
      ...observation,
      history: applied === 0 ? observation.history : { ...observation.history, s1: ['AVAILABLE', ...(observation.history['s1'] ?? []).slice(1)] },
    }));
    const failure = await failureOf(rewritten, 'session(local, denied)');
    expect(failure?.step).to.equal(1);
    expect(failure?.reason).to.match(/^session s1's history \[CREATE_REQUESTED, AVAILABLE, CAP_HANDED_OUT\] became \[AVAILABLE, AVAILABLE, CAP_HANDED_OUT\], not an extension of it$/);
  });

  it('fails diagnostics that vanish once reported', async () => {
    const forgetful = altered('forgets-diagnostics', (observation) => ({
      ...observation,
      diagnostics: observation.diagnostics.filter((diagnostic) => diagnostic.step === observation.step),
    }));
    /* the failed process start is reported at the build, step 1 */
    const failure = await failureOf(forgetful, 'build(local, outOfRam) → closeAllSessions', 'child');
    expect(failure?.reason).to.equal('the diagnostics shrank from 1 to 0 entries, but an entry once reported stays');
  });

  it('fails children, accounts and wake-ups the description does not declare', async () => {
    const ghostChild = altered('ghost-child', (observation) => {
      const [some] = Object.values(observation.children);
      return some === undefined ? observation : { ...observation, children: { ...observation.children, ghost: some } };
    });
    expect((await failureOf(ghostChild, 'session(local, denied)'))?.reason).to.equal(
      'the new system: the observation shows a child ghost that the description does not declare',
    );
    const ghostAccount = altered('ghost-account', (observation) => ({
      ...observation,
      accounts: { ...observation.accounts, 'pd:ghost': { ram: 0, caps: 0, valid: false } },
    }));
    expect((await failureOf(ghostAccount, 'session(local, denied)'))?.reason).to.match(/^the new system: the observation shows an account pd:ghost, but/);
    const ghostWakeup = altered('ghost-wakeup', (observation) => ({ ...observation, wakeups: { ...observation.wakeups, 'nobody/Nothing': 7 } }));
    expect((await failureOf(ghostWakeup, 'session(local, denied)'))?.reason).to.equal(
      'the new system: the observation counts wake-ups of nobody/Nothing, which is no service of a declared child (server/service)',
    );
  });
});
