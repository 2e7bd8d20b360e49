import { expect } from 'chai';

import type { ChildDescription, RouteDescription } from '../../impl/contract.ts';
import { Account } from '../../impl/account.ts';
import { AnswerQueue } from '../../impl/answerQueue.ts';
import { ArgString } from '../../impl/argString.ts';
import { StepClock } from '../../impl/clock.ts';
import { Diagnostics } from '../../impl/diagnostics.ts';
import { QuotaJournal } from '../../impl/journal.ts';
import { LocalService } from '../../impl/localService.ts';
import type { ParentContext } from '../../impl/parentContext.ts';
import { ChildPolicy } from '../../impl/policy.ts';
import type { ServiceDirectory } from '../../impl/policy.ts';
import { CapQuota, RamQuota } from '../../impl/quota.ts';
import type { Service } from '../../impl/service.ts';
import { SessionRegistry } from '../../impl/sessionRegistry.ts';

const timer = new LocalService('Timer', new AnswerQueue());
const rom = new LocalService('ROM', new AnswerQueue());

const directory: ServiceDirectory = {
  parentSideService: (kind, name): Service | undefined =>
    [timer, rom].find((service) => service.kind === kind && service.name === name),
  childService: () => null,
};

function policy(
  routes: readonly RouteDescription[],
  extra: Partial<ChildDescription> = {},
  refRam = 1_000_000,
): {
  policy: ChildPolicy;
  context: ParentContext;
} {
  const clock = new StepClock();
  const context: ParentContext = {
    journal: new QuotaJournal(clock),
    diagnostics: new Diagnostics(clock),
    sessions: new SessionRegistry(),
    reference: Account.open('ref', { ram: RamQuota.bytes(refRam), caps: CapQuota.count(10) }, null),
    sessionCost: RamQuota.bytes(1024),
  };
  return {
    policy: new ChildPolicy(
      { name: 'app', quota: { ram: 5000, caps: 5 }, routes, ...extra },
      context,
      directory,
    ),
    context,
  };
}

describe('impl/policy', () => {
  it('routes by service name and label prefix, first match first', () => {
    const { policy: app } = policy([
      { service: 'ROM', labelPrefix: 'app -> binary', to: { kind: 'deny' } },
      { service: 'ROM', to: { kind: 'local', name: 'ROM' } },
      { service: '*', to: { kind: 'local', name: 'Timer' } },
    ]);
    expect(app.resolveSessionRequest('ROM', 'app -> binary')).to.equal(null);
    expect(app.resolveSessionRequest('ROM', 'app -> ld.lib.so')?.service).to.equal(rom);
    expect(app.resolveSessionRequest('Anything', 'app')).to.deep.equal({
      service: timer,
      label: 'app',
    });
  });

  it('denies requests without a route or to a child that does not exist', () => {
    const { policy: app } = policy([
      { service: 'File', to: { kind: 'child', server: 'fs', name: 'File' } },
    ]);
    expect(app.resolveSessionRequest('File', 'app')).to.equal(null);
    expect(app.resolveSessionRequest('Other', 'app')).to.equal(null);
  });

  it('sets the arguments of its description on every request', () => {
    const { policy: app } = policy([], { setArgs: { cap_quota: '9', prio: '2' } });
    expect(app.filterSessionArgs(ArgString.parse('cap_quota=1, label="x"')).toString()).to.equal(
      'label="x", cap_quota=9, prio=2',
    );
  });

  it('funds the PD from the reference account and makes it related', () => {
    const { policy: app, context } = policy([]);
    const pd = Account.withoutCapability('pd:app');
    app.init(pd);
    expect([pd.valid, pd.ramBalance.value, pd.capBalance.value]).to.deep.equal([true, 5000, 5]);
    expect(context.reference.ramBalance.value).to.equal(995_000);
  });

  it('reports a reference account too small to fund the PD and funds what it can', () => {
    const { policy: app, context } = policy([], {}, 100);
    const pd = Account.withoutCapability('pd:app');
    app.init(pd);
    expect([pd.ramBalance.value, pd.capBalance.value]).to.deep.equal([0, 5]);
    expect(context.diagnostics.entries.map((entry) => entry.message)).to.deep.equal([
      'app: unable to initialize RAM quota of PD',
    ]);
  });

  it('describes the environment: binary and linker labels, linker wanted by default, no env quota', () => {
    const { policy: app } = policy([]);
    expect([app.binaryLabel, app.linkerLabel, app.wantsLinker, app.processOutcome]).to.deep.equal([
      'app -> binary',
      'app -> ld.lib.so',
      true,
      'ok',
    ]);
    expect([app.envQuota.ram.value, app.envQuota.caps.value]).to.deep.equal([0, 0]);
  });
});
