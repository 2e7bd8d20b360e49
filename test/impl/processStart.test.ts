import { expect } from 'chai';

import { PROCESS_OUTCOMES, type RouteDescription } from '../../impl/contract.ts';
import { CLIENT, ENV_ROUTES, Harness, SERVER, standardSystem } from './support.ts';

const FAILURES = PROCESS_OUTCOMES.filter((outcome) => outcome !== 'ok');

describe('impl/processStart', () => {
  it('starts the process once every environment session has a cap', () => {
    const harness = Harness.build();
    expect(harness.observe().children[CLIENT]).to.include({
      constructed: true,
      active: true,
      startError: null,
      pdClosed: false,
    });
  });

  it('marks available environment sessions as handed out', () => {
    const harness = Harness.build();
    const env = harness.observe().sessions.filter((view) => view.client === CLIENT);
    expect(env.map((view) => view.phase)).to.deep.equal(Array(4).fill('CAP_HANDED_OUT'));
  });

  for (const outcome of FAILURES) {
    it(`reports ${outcome} as an error and leaves the child constructed but inactive`, () => {
      const harness = Harness.build(standardSystem({ client: { process: outcome } }));
      const child = harness.observe().children[CLIENT];
      expect(child).to.include({ constructed: true, active: false, startError: outcome });
      const errors = harness.observe().diagnostics.filter((entry) => entry.level === 'error');
      expect(errors).to.have.length(1);
      expect(errors[0]?.message.startsWith('client: ')).to.equal(true);
    });
  }

  it('starts the process when a server delivers the last environment session', () => {
    const routes: RouteDescription[] = [
      {
        service: 'ROM',
        labelPrefix: 'client -> binary',
        to: { kind: 'child', server: SERVER, name: 'ROM' },
      },
      ...ENV_ROUTES,
    ];
    const harness = Harness.build(standardSystem({ client: { routes, start: false } }));
    harness.apply({ op: 'startChild', child: CLIENT });
    harness.apply({ op: 'sessionSigh', child: CLIENT, valid: true });
    expect(harness.observe().children[CLIENT]?.active).to.equal(false);
    // The local environment sessions were available, with asynchronous notification.
    expect(harness.observe().children[CLIENT]?.signals.session).to.equal(3);

    harness.apply({ op: 'deliverSessionCap', child: SERVER, id: 1 });
    expect(harness.observe().children[CLIENT]?.active).to.equal(true);
    const binary = harness.observe().sessions.find((view) => view.env === 'binary');
    expect(binary).to.include({ phase: 'CAP_HANDED_OUT', cap: true });
    expect(harness.observe().children[CLIENT]?.signals.session).to.equal(3);
  });

  it('stays inactive when the server denies an environment session', () => {
    const routes: RouteDescription[] = [
      {
        service: 'ROM',
        labelPrefix: 'client -> binary',
        to: { kind: 'child', server: SERVER, name: 'ROM' },
      },
      ...ENV_ROUTES,
    ];
    const harness = Harness.build(standardSystem({ client: { routes } }));
    harness.apply({ op: 'sessionResponse', child: SERVER, id: 1, response: 'denied' });
    expect(harness.observe().children[CLIENT]).to.include({ active: false, startError: null });
  });
});
