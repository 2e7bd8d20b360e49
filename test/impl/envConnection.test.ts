import { expect } from 'chai';

import type { RouteDescription, ServiceAnswer, SessionView } from '../../impl/contract.ts';
import { CLIENT, ENV_ROUTES, Harness, SERVER, standardSystem } from './support.ts';

/** A client, not started yet, whose binary ROM comes from the local service BinaryROM. */
function clientWithBinaryService(envQuota = { ram: 4096, caps: 2 }): Harness {
  const routes: RouteDescription[] = [
    { service: 'ROM', labelPrefix: 'client -> binary', to: { kind: 'local', name: 'BinaryROM' } },
    ...ENV_ROUTES,
  ];
  const description = standardSystem({ client: { routes, start: false, envQuota } });
  return Harness.build({
    ...description,
    services: [...description.services, { name: 'BinaryROM', kind: 'local' }],
  });
}

function startWith(harness: Harness, answers: readonly ServiceAnswer[]): void {
  harness.apply({ op: 'setAnswers', service: 'BinaryROM', answers });
  harness.apply({ op: 'startChild', child: CLIENT });
}

function binary(harness: Harness): SessionView | undefined {
  return harness.observe().sessions.find((view) => view.client === CLIENT && view.env === 'binary');
}

describe('impl/envConnection', () => {
  it('creates the environment sessions under IDs 1 to 4 without quota from the child', () => {
    const harness = clientWithBinaryService({ ram: 0, caps: 0 });
    startWith(harness, []);
    const env = harness.observe().sessions.filter((view) => view.client === CLIENT);
    expect(env.map((view) => [view.env, view.clientId, view.service, view.label])).to.deep.equal([
      ['pd', 1, 'PD', 'client'],
      ['cpu', 2, 'CPU', 'client'],
      ['log', 3, 'LOG', 'client'],
      ['binary', 4, 'ROM', 'client -> binary'],
    ]);
    expect(harness.balance('pd:client')).to.deep.equal({ ram: 100_000, caps: 100 });
  });

  it('asks again with 4096 more bytes after each insufficient-RAM answer and one more cap after insufficient caps', () => {
    const harness = clientWithBinaryService();
    startWith(harness, ['insufficientRam', 'insufficientRam', 'insufficientCaps', 'ok']);
    expect(binary(harness)).to.include({ phase: 'CAP_HANDED_OUT' });
    expect(binary(harness)?.donated).to.deep.equal({ ram: 4096 + 2 * 4096, caps: 3 });
    const history = harness.observe().history;
    const attempts = Object.values(history).filter((phases) => phases.at(-1) === 'DESTROYED');
    expect(attempts).to.deep.equal([
      ['CREATE_REQUESTED', 'INSUFFICIENT_RAM_QUOTA', 'DESTROYED'],
      ['CREATE_REQUESTED', 'INSUFFICIENT_RAM_QUOTA', 'DESTROYED'],
      ['CREATE_REQUESTED', 'INSUFFICIENT_CAP_QUOTA', 'DESTROYED'],
    ]);
    expect(harness.observe().children[CLIENT]?.active).to.equal(true);
  });

  it('gives up after 10 attempts with a warning, leaving the child inactive', () => {
    const harness = clientWithBinaryService();
    startWith(harness, Array<ServiceAnswer>(10).fill('insufficientRam'));
    expect(binary(harness)).to.include({ phase: 'INSUFFICIENT_RAM_QUOTA' });
    expect(binary(harness)?.donated.ram).to.equal(4096 + 9 * 4096);
    expect(harness.latestDiagnostics()).to.deep.equal([
      'giving up to increase session quota for ROM session after 10 attempts',
    ]);
    expect(harness.observe().children[CLIENT]).to.include({ active: false, startError: null });
  });

  it('reports a denied environment session as an error and does not ask again', () => {
    const harness = clientWithBinaryService();
    startWith(harness, ['denied']);
    expect(binary(harness)).to.include({ phase: 'SERVICE_DENIED' });
    expect(harness.latestDiagnostics()).to.deep.equal([
      'client: environment ROM session denied (label="client -> binary", ram_quota=4096, cap_quota=2, diag=0)',
    ]);
    expect(harness.observe().children[CLIENT]?.active).to.equal(false);
  });

  it('reports an environment session the policy denies', () => {
    const routes: RouteDescription[] = [{ service: 'LOG', to: { kind: 'deny' } }, ...ENV_ROUTES];
    const harness = Harness.build(standardSystem({ client: { routes } }));
    expect(harness.observe().diagnostics.map((entry) => entry.message)).to.deep.equal([
      'client: LOG environment session denied',
    ]);
    expect(harness.observe().children[CLIENT]?.active).to.equal(false);
  });

  it('pays an environment session at a child service from the reference account once, and waits for the server', () => {
    const routes: RouteDescription[] = [
      {
        service: 'ROM',
        labelPrefix: 'client -> binary',
        to: { kind: 'child', server: SERVER, name: 'ROM' },
      },
      ...ENV_ROUTES,
    ];
    const harness = Harness.build(
      standardSystem({ client: { routes, start: false, envQuota: { ram: 4096, caps: 2 } } }),
    );
    const before = harness.balances();
    harness.apply({ op: 'startChild', child: CLIENT });
    expect(harness.changesSince(before)).to.deep.equal({
      ref: { ram: -100_000 - 4096, caps: -100 - 2 },
      'pd:client': { ram: 100_000, caps: 100 },
      'pd:server': { ram: 4096, caps: 2 },
    });
    expect(binary(harness)).to.include({
      phase: 'CREATE_REQUESTED',
      serverId: 1,
      asyncClientNotify: true,
      callbacks: false,
    });
    expect(harness.observe().wakeups).to.deep.equal({ 'server/ROM': 1 });
    expect(harness.observe().children[CLIENT]?.active).to.equal(false);
  });

  it('does not pay for a PD session', () => {
    const harness = clientWithBinaryService({ ram: 4096, caps: 2 });
    const before = harness.balances();
    startWith(harness, []);
    expect(harness.changesSince(before)).to.deep.equal({
      ref: { ram: -100_000, caps: -100 },
      'pd:client': { ram: 100_000, caps: 100 },
    });
  });

  it('asks for the dynamic linker and starts without it when the policy denies it', () => {
    const dynamic = Harness.build(standardSystem({ client: { dynamic: true } }));
    const linker = dynamic
      .observe()
      .sessions.find((view) => view.client === CLIENT && view.env === 'linker');
    expect(linker).to.include({
      clientId: 5,
      label: 'client -> ld.lib.so',
      phase: 'CAP_HANDED_OUT',
    });

    const routes: RouteDescription[] = [
      { service: 'ROM', labelPrefix: 'client -> ld.lib.so', to: { kind: 'deny' } },
      ...ENV_ROUTES,
    ];
    const denied = Harness.build(standardSystem({ client: { dynamic: true, routes } }));
    expect(
      denied.observe().sessions.some((view) => view.client === CLIENT && view.env === 'linker'),
    ).to.equal(false);
    expect(denied.observe().children[CLIENT]?.active).to.equal(true);
    expect(denied.observe().diagnostics).to.deep.equal([]);
  });

  it('applies the arguments the policy sets to environment sessions too', () => {
    const harness = Harness.build(standardSystem({ client: { setArgs: { priority: '3' } } }));
    const log = harness
      .observe()
      .sessions.find((view) => view.client === CLIENT && view.env === 'log');
    expect(log?.args).to.equal('label="client", priority=3, ram_quota=0, cap_quota=0, diag=0');
  });
});
