import { expect } from 'chai';

import type { UpstreamAnswer } from '../../impl/contract.ts';
import { Account } from '../../impl/account.ts';
import { AnswerQueue } from '../../impl/answerQueue.ts';
import { StepClock } from '../../impl/clock.ts';
import { Diagnostics } from '../../impl/diagnostics.ts';
import { QuotaJournal } from '../../impl/journal.ts';
import { ParentService } from '../../impl/parentService.ts';
import { CapQuota, RamQuota } from '../../impl/quota.ts';
import { Upstream } from '../../impl/upstream.ts';
import { newSessionState } from './support.ts';

function parent(
  answers: readonly UpstreamAnswer[] = [],
  refRam = 100_000,
): {
  service: ParentService;
  upstream: Upstream;
  ref: Account;
  diagnostics: Diagnostics;
} {
  const clock = new StepClock();
  const diagnostics = new Diagnostics(clock);
  const upstreamAccount = Account.open(
    'upstream',
    { ram: RamQuota.ZERO, caps: CapQuota.ZERO },
    null,
  );
  const ref = Account.open(
    'ref',
    { ram: RamQuota.bytes(refRam), caps: CapQuota.count(10) },
    upstreamAccount,
  );
  const upstream = new Upstream(upstreamAccount, ref, new QuotaJournal(clock), diagnostics);
  const queue = new AnswerQueue();
  queue.set(answers);
  return {
    service: new ParentService('Gui', upstream, queue, diagnostics),
    upstream,
    ref,
    diagnostics,
  };
}

describe('impl/parentService', () => {
  it('opens a session upstream under a parent-side ID, donating the session quota', () => {
    const { service, upstream } = parent();
    const session = newSessionState(service);
    service.initiateRequest(session);
    expect([session.phase, session.idAtParent, upstream.openSessions]).to.deep.equal([
      'AVAILABLE',
      1,
      1,
    ]);
    expect([upstream.account.ramBalance.value, upstream.account.capBalance.value]).to.deep.equal([
      7168, 2,
    ]);
  });

  it('releases the parent-side ID of a refused request', () => {
    const { service, upstream } = parent(['insufficientCaps']);
    const session = newSessionState(service);
    service.initiateRequest(session);
    expect([session.phase, session.idAtParent, upstream.openSessions]).to.deep.equal([
      'INSUFFICIENT_CAP_QUOTA',
      null,
      0,
    ]);
  });

  it('denies a request the reference account cannot pay', () => {
    const { service, upstream, ref } = parent([], 1000);
    const session = newSessionState(service);
    service.initiateRequest(session);
    expect([session.phase, upstream.openSessions, ref.ramBalance.value]).to.deep.equal([
      'SERVICE_DENIED',
      0,
      1000,
    ]);
  });

  it('returns exactly what upstream received when the session closes', () => {
    const { service, upstream, ref } = parent(['ok', 'outOfCaps', 'denied']);
    const session = newSessionState(service);
    service.initiateRequest(session);
    for (const amount of [1000, 2000]) {
      session.increaseDonatedQuota(RamQuota.bytes(amount), CapQuota.ZERO);
      session.enter('UPGRADE_REQUESTED');
      service.initiateRequest(session);
    }
    expect(upstream.account.ramBalance.value).to.equal(7168 + 2000);
    session.enter('CLOSE_REQUESTED');
    service.initiateRequest(session);
    expect([
      session.phase,
      upstream.account.ramBalance.value,
      ref.ramBalance.value,
      upstream.openSessions,
    ]).to.deep.equal(['CLOSED', 0, 100_000, 0]);
  });
});
