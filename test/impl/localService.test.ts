import { expect } from 'chai';

import { AnswerQueue } from '../../impl/answerQueue.ts';
import { LocalService } from '../../impl/localService.ts';
import { CapQuota, RamQuota } from '../../impl/quota.ts';
import { newSessionState } from './support.ts';

describe('impl/localService', () => {
  for (const [answer, phase] of [
    ['ok', 'AVAILABLE'],
    ['denied', 'SERVICE_DENIED'],
    ['insufficientRam', 'INSUFFICIENT_RAM_QUOTA'],
    ['insufficientCaps', 'INSUFFICIENT_CAP_QUOTA'],
    ['outOfRam', 'SERVICE_DENIED'],
    ['outOfCaps', 'SERVICE_DENIED'],
  ] as const) {
    it(`answers a creation with ${answer} by entering ${phase}`, () => {
      const answers = new AnswerQueue();
      answers.set([answer]);
      const session = newSessionState(new LocalService('Timer', answers));
      session.service.initiateRequest(session);
      expect([session.phase, session.cap]).to.deep.equal([phase, answer === 'ok']);
    });
  }

  it('carries out upgrades and closes at once without taking answers', () => {
    const answers = new AnswerQueue();
    const session = newSessionState(new LocalService('Timer', answers));
    session.service.initiateRequest(session);
    answers.set(['denied']);
    session.increaseDonatedQuota(RamQuota.bytes(1), CapQuota.ZERO);
    session.enter('UPGRADE_REQUESTED');
    session.service.initiateRequest(session);
    expect([session.phase, session.ramUpgrade.value]).to.deep.equal(['CAP_HANDED_OUT', 0]);
    session.enter('CLOSE_REQUESTED');
    session.service.initiateRequest(session);
    expect(session.phase).to.equal('CLOSED');
    expect(answers.pending).to.deep.equal(['denied']);
  });
});
