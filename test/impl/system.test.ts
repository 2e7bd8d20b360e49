import { expect } from 'chai';

import { UsageError } from '../../impl/errors.ts';
import { System } from '../../impl/system.ts';
import { CLIENT, ENV_ROUTES, Harness, SERVER, fileSession, standardSystem } from './support.ts';

describe('impl/system', () => {
  it('builds the children at step 0 and counts each applied operation as a step', () => {
    const harness = Harness.build();
    const built = harness.observe();
    expect(built.step).to.equal(0);
    expect(built.journal.every((entry) => entry.step === 0)).to.equal(true);
    harness.apply(fileSession());
    const observed = harness.observe();
    expect(observed.step).to.equal(1);
    expect(observed.journal.at(-1)?.step).to.equal(1);
  });

  it('funds each child PD from the reference account', () => {
    const harness = Harness.build();
    expect(harness.balances()).to.deep.equal({
      ref: { ram: 1_000_000 - 150_000, caps: 1000 - 150 },
      upstream: { ram: 500_000, caps: 500 },
      'pd:server': { ram: 50_000, caps: 50 },
      'pd:client': { ram: 100_000, caps: 100 },
    });
  });

  it('shows a child that is not started yet as unconstructed, with an invalid empty account', () => {
    const harness = Harness.build(standardSystem({ client: { start: false } }));
    expect(harness.observe().accounts['pd:client']).to.deep.equal({
      ram: 0,
      caps: 0,
      valid: false,
    });
    expect(harness.observe().children[CLIENT]).to.include({ constructed: false, active: false });
    harness.apply({ op: 'startChild', child: CLIENT });
    expect(harness.observe().children[CLIENT]).to.include({ constructed: true, active: true });
  });

  it('throws a UsageError on misuse and does not count it as a step', () => {
    const system = System.build(standardSystem({ client: { start: false } }));
    const misuses = [
      { op: 'heartbeat', child: 'nobody' },
      { op: 'heartbeat', child: CLIENT },
      { op: 'startChild', child: SERVER },
      { op: 'setAnswers', service: 'Nowhere', answers: ['ok'] },
      { op: 'sessionCap', child: SERVER, id: -1 },
    ] as const;
    for (const misuse of misuses) {
      expect(() => system.apply(misuse), misuse.op).to.throw(UsageError);
    }
    expect(system.observe().step).to.equal(0);
  });

  it('refuses every operation on a destroyed child', () => {
    const harness = Harness.build();
    harness.apply({ op: 'destroyChild', child: CLIENT });
    expect(() => harness.apply({ op: 'heartbeat', child: CLIENT })).to.throw(
      UsageError,
      /destroyed/,
    );
    expect(() => harness.apply({ op: 'destroyChild', child: CLIENT })).to.throw(UsageError);
    expect(() => harness.apply({ op: 'startChild', child: CLIENT })).to.throw(UsageError);
  });

  it('rejects a malformed description', () => {
    const duplicate = standardSystem();
    expect(() =>
      System.build({ ...duplicate, children: [...duplicate.children, ...duplicate.children] }),
    ).to.throw(UsageError);
    const undeclared = standardSystem({
      client: { routes: [{ service: 'X', to: { kind: 'local', name: 'Gui' } }, ...ENV_ROUTES] },
    });
    expect(() => System.build(undeclared)).to.throw(UsageError, /undeclared local service Gui/);
    expect(() => System.build({ ...duplicate, sessionCost: -1 })).to.throw(UsageError);
  });

  it('gives session states keys that stay unique after they are destroyed', () => {
    const harness = Harness.build();
    harness.apply({
      op: 'session',
      child: CLIENT,
      id: 11,
      service: 'Timer',
      args: 'ram_quota=8192',
    });
    harness.apply({ op: 'close', child: CLIENT, id: 11 });
    harness.apply({
      op: 'session',
      child: CLIENT,
      id: 11,
      service: 'Timer',
      args: 'ram_quota=8192',
    });
    const keys = Object.keys(harness.observe().history);
    expect(new Set(keys).size).to.equal(keys.length);
    expect(harness.session(CLIENT, 11).key).to.equal(keys.at(-1));
  });

  it('reports observations as snapshots that later operations do not change', () => {
    const harness = Harness.build();
    const earlier = harness.observe();
    harness.apply(fileSession());
    harness.apply({ op: 'heartbeatSigh', child: CLIENT, valid: true });
    harness.apply({ op: 'heartbeat', child: CLIENT });
    expect(earlier.step).to.equal(0);
    expect(earlier.sessions.some((view) => view.env === null)).to.equal(false);
    expect(earlier.children[CLIENT]?.signals.heartbeat).to.equal(0);
    expect(Object.keys(earlier.wakeups)).to.deep.equal([]);
  });
});
