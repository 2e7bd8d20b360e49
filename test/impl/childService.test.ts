import { expect } from 'chai';

import { Account } from '../../impl/account.ts';
import { ChildService } from '../../impl/childService.ts';
import { IdSpace } from '../../impl/idSpace.ts';
import type { SessionState } from '../../impl/sessionState.ts';
import { newSessionState } from './support.ts';

describe('impl/childService', () => {
  it('queues a request under a fresh server ID without changing its phase, and counts wake-ups', () => {
    const serverIds = new IdSpace<SessionState>();
    const account = Account.withoutCapability('pd:server');
    const service = new ChildService('File', { name: 'server', account, serverIds });
    const session = newSessionState(service);
    service.initiateRequest(session);
    service.initiateRequest(session);
    service.wakeup();
    expect([session.phase, session.idAtServer, session.asyncClientNotify]).to.deep.equal([
      'CREATE_REQUESTED',
      1,
      true,
    ]);
    expect([service.wakeupCount, service.server, service.accountName]).to.deep.equal([
      1,
      'server',
      'pd:server',
    ]);
  });
});
