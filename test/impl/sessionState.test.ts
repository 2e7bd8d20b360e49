import { expect } from 'chai';

import { ArgString } from '../../impl/argString.ts';
import { AnswerQueue } from '../../impl/answerQueue.ts';
import { IdSpace } from '../../impl/idSpace.ts';
import { LocalService } from '../../impl/localService.ts';
import { CapQuota, RamQuota } from '../../impl/quota.ts';
import { SessionRegistry } from '../../impl/sessionRegistry.ts';
import { SessionState } from '../../impl/sessionState.ts';

function create(
  registry: SessionRegistry,
  clientIds: IdSpace<SessionState>,
  id: number,
): SessionState {
  const created = SessionState.create(registry, {
    service: new LocalService('Timer', new AnswerQueue()),
    client: 'client',
    clientIds,
    id,
    label: 'client -> x',
    args: ArgString.parse('ram_quota=7168, cap_quota=2'),
    env: null,
  });
  if (created.kind !== 'created') {
    throw new Error('conflict');
  }
  return created.session;
}

describe('impl/sessionState', () => {
  it('starts in CREATE_REQUESTED with the quota of its arguments donated', () => {
    const registry = new SessionRegistry();
    const session = create(registry, new IdSpace(), 10);
    expect(session.phase).to.equal('CREATE_REQUESTED');
    expect([session.donatedRamQuota.value, session.donatedCapQuota.value]).to.deep.equal([7168, 2]);
    expect(registry.history()).to.deep.equal({ s1: ['CREATE_REQUESTED'] });
  });

  it('refuses an ID the client already uses', () => {
    const registry = new SessionRegistry();
    const ids = new IdSpace<SessionState>();
    const first = create(registry, ids, 10);
    const again = SessionState.create(registry, {
      service: first.service,
      client: 'client',
      clientIds: ids,
      id: 10,
      label: '',
      args: ArgString.parse(''),
      env: null,
    });
    expect(again).to.deep.equal({ kind: 'conflictingId', existing: first });
    expect(Object.keys(registry.history())).to.deep.equal(['s1']);
  });

  it('records every phase change, once', () => {
    const registry = new SessionRegistry();
    const session = create(registry, new IdSpace(), 10);
    session.enter('AVAILABLE');
    session.enter('AVAILABLE');
    session.enter('CAP_HANDED_OUT');
    session.destroy();
    expect(registry.history()['s1']).to.deep.equal([
      'CREATE_REQUESTED',
      'AVAILABLE',
      'CAP_HANDED_OUT',
      'DESTROYED',
    ]);
    expect(registry.sessions).to.deep.equal([]);
  });

  it('leaves every ID space when destroyed, and only the client space when the client ID is discarded', () => {
    const registry = new SessionRegistry();
    const clientIds = new IdSpace<SessionState>();
    const serverIds = new IdSpace<SessionState>();
    const session = create(registry, clientIds, 10);
    session.assignServerId(serverIds);
    session.discardIdAtClient();
    expect([clientIds.size, serverIds.size, session.clientExists()]).to.deep.equal([0, 1, false]);
    session.destroy();
    expect(serverIds.size).to.equal(0);
    expect(() => session.destroy()).to.throw(Error);
  });

  it('adds an upgrade to the donated quota and keeps it pending until confirmed', () => {
    const session = create(new SessionRegistry(), new IdSpace(), 10);
    session.increaseDonatedQuota(RamQuota.bytes(4096), CapQuota.count(1));
    expect([
      session.donatedRamQuota.value,
      session.ramUpgrade.value,
      session.capUpgrade.value,
    ]).to.deep.equal([11264, 4096, 1]);
    session.confirmUpgrade();
    expect([session.ramUpgrade.value, session.capUpgrade.value]).to.deep.equal([0, 0]);
  });
});
