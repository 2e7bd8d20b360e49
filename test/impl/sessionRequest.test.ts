import { expect } from 'chai';

import { SESSION_ARGS_MAX } from '../../impl/contract.ts';
import { CLIENT, ENV_ROUTES, Harness, SERVER, fileSession, standardSystem } from './support.ts';

const CLIENT_PD = `pd:${CLIENT}`;
const SERVER_PD = `pd:${SERVER}`;

describe('impl/sessionRequest', () => {
  describe('session at a child service', () => {
    it('moves 8192 bytes from the client: 7168 to the server and the 1024-byte session cost to the reference account', () => {
      const harness = Harness.build();
      const before = harness.balances();
      expect(harness.balance(CLIENT_PD).ram).to.equal(100_000);

      expect(harness.apply(fileSession(10, 'ram_quota=8192'))).to.deep.equal({
        kind: 'cap',
        valid: false,
      });

      expect(harness.changesSince(before)).to.deep.equal({
        [CLIENT_PD]: { ram: -8192, caps: 0 },
        [SERVER_PD]: { ram: 7168, caps: 0 },
        ref: { ram: 1024, caps: 0 },
      });
    });

    it('returns every balance to where it started after close and the server closing the session', () => {
      const harness = Harness.build();
      const before = harness.balances();
      harness.apply(fileSession(10, 'ram_quota=8192, cap_quota=2'));
      const serverId = harness.session(CLIENT, 10).serverId ?? -1;
      harness.apply({ op: 'deliverSessionCap', child: SERVER, id: serverId });
      harness.apply({ op: 'sessionCap', child: CLIENT, id: 10 });

      expect(harness.apply({ op: 'close', child: CLIENT, id: 10 })).to.deep.equal({
        kind: 'close',
        result: 'pending',
      });
      harness.apply({ op: 'sessionResponse', child: SERVER, id: serverId, response: 'closed' });

      expect(harness.changesSince(before)).to.deep.equal({});
      expect(harness.requestedSessions()).to.deep.equal([]);
    });

    it('queues the request at the server and wakes it', () => {
      const harness = Harness.build();
      harness.apply(fileSession());
      const session = harness.session(CLIENT, 10);
      expect(session).to.include({
        phase: 'CREATE_REQUESTED',
        serverId: 1,
        server: SERVER,
        serviceKind: 'child',
        serviceAccount: SERVER_PD,
        cap: false,
        asyncClientNotify: true,
        callbacks: true,
        label: 'client',
      });
      expect(session.donated).to.deep.equal({ ram: 7168, caps: 2 });
      expect(harness.observe().wakeups).to.deep.equal({ 'server/File': 1 });
    });

    it('records the phase the session state was created in', () => {
      const harness = Harness.build();
      harness.apply(fileSession());
      const { key } = harness.session(CLIENT, 10);
      expect(harness.observe().history[key]).to.deep.equal(['CREATE_REQUESTED']);
    });

    it('denies a route to a server child that does not exist', () => {
      const harness = Harness.build(
        standardSystem({
          client: {
            routes: [
              { service: 'File', to: { kind: 'child', server: 'ghost', name: 'File' } },
              ...ENV_ROUTES,
            ],
          },
        }),
      );
      const before = harness.balances();
      expect(harness.apply(fileSession())).to.deep.equal({ kind: 'error', error: 'denied' });
      expect(harness.changesSince(before)).to.deep.equal({});
    });

    it('denies a route to a destroyed server', () => {
      const harness = Harness.build();
      harness.apply({ op: 'destroyChild', child: SERVER });
      expect(harness.apply(fileSession())).to.deep.equal({ kind: 'error', error: 'denied' });
    });
  });

  describe('session at a local service', () => {
    it('hands out a cap at once and keeps the whole quota at the reference account', () => {
      const harness = Harness.build();
      const before = harness.balances();
      const result = harness.apply({
        op: 'session',
        child: CLIENT,
        id: 11,
        service: 'Timer',
        args: 'ram_quota=8192, cap_quota=2',
      });
      expect(result).to.deep.equal({ kind: 'cap', valid: true });
      expect(harness.changesSince(before)).to.deep.equal({
        [CLIENT_PD]: { ram: -8192, caps: -2 },
        ref: { ram: 8192, caps: 2 },
      });
      const session = harness.session(CLIENT, 11);
      expect(session).to.include({
        phase: 'CAP_HANDED_OUT',
        serviceKind: 'local',
        serviceAccount: null,
        cap: true,
      });
      expect(harness.observe().history[session.key]).to.deep.equal([
        'CREATE_REQUESTED',
        'AVAILABLE',
        'CAP_HANDED_OUT',
      ]);
    });

    for (const [answer, error, phase] of [
      ['denied', 'denied', 'SERVICE_DENIED'],
      ['insufficientRam', 'insufficientRam', 'INSUFFICIENT_RAM_QUOTA'],
      ['insufficientCaps', 'insufficientCaps', 'INSUFFICIENT_CAP_QUOTA'],
    ] as const) {
      it(`reports a ${answer} answer, returns the quota and destroys the state`, () => {
        const harness = Harness.build();
        harness.apply({ op: 'setAnswers', service: 'Timer', answers: [answer] });
        const before = harness.balances();
        const result = harness.apply({
          op: 'session',
          child: CLIENT,
          id: 11,
          service: 'Timer',
          args: 'ram_quota=8192, cap_quota=2',
        });
        expect(result).to.deep.equal({ kind: 'error', error });
        expect(harness.changesSince(before)).to.deep.equal({});
        expect(harness.requestedSessions()).to.deep.equal([]);
        const history = Object.values(harness.observe().history).at(-1);
        expect(history).to.deep.equal(['CREATE_REQUESTED', phase, 'DESTROYED']);
      });
    }
  });

  describe('session at a parent service', () => {
    it('forwards the quota beyond the session cost to upstream under a parent-side ID', () => {
      const harness = Harness.build();
      const before = harness.balances();
      const result = harness.apply({
        op: 'session',
        child: CLIENT,
        id: 12,
        service: 'Gui',
        args: 'ram_quota=8192, cap_quota=3',
      });
      expect(result).to.deep.equal({ kind: 'cap', valid: true });
      expect(harness.changesSince(before)).to.deep.equal({
        [CLIENT_PD]: { ram: -8192, caps: -3 },
        ref: { ram: 1024, caps: 0 },
        upstream: { ram: 7168, caps: 3 },
      });
      expect(harness.session(CLIENT, 12)).to.include({
        serviceKind: 'parent',
        serviceAccount: 'upstream',
        phase: 'CAP_HANDED_OUT',
      });
    });

    for (const [answer, error] of [
      ['denied', 'denied'],
      ['outOfRam', 'denied'],
      ['outOfCaps', 'denied'],
      ['insufficientRam', 'insufficientRam'],
      ['insufficientCaps', 'insufficientCaps'],
    ] as const) {
      it(`turns an upstream ${answer} answer into ${error} and moves nothing`, () => {
        const harness = Harness.build();
        harness.apply({ op: 'setAnswers', service: 'Gui', answers: [answer] });
        const before = harness.balances();
        const result = harness.apply({
          op: 'session',
          child: CLIENT,
          id: 12,
          service: 'Gui',
          args: 'ram_quota=8192, cap_quota=3',
        });
        expect(result).to.deep.equal({ kind: 'error', error });
        expect(harness.changesSince(before)).to.deep.equal({});
      });
    }

    it('denies the request when the reference account cannot pay upstream', () => {
      // Only environment sessions are paid by the parent alone; here LOG goes upstream.
      const routes = [
        { service: 'LOG', to: { kind: 'parent', name: 'Gui' } },
        ...ENV_ROUTES,
      ] as const;
      const harness = Harness.build(
        standardSystem({
          reference: { ram: 155_000, caps: 1000 },
          client: { routes, envQuota: { ram: 8000, caps: 0 } },
        }),
      );
      const log = harness
        .observe()
        .sessions.find((view) => view.client === CLIENT && view.env === 'log');
      expect(log?.phase).to.equal('SERVICE_DENIED');
      expect(harness.balance('upstream')).to.deep.equal({ ram: 500_000, caps: 500 });
      expect(harness.observe().children[CLIENT]?.active).to.equal(false);
    });
  });

  describe('refusals before any quota moves', () => {
    it('denies an over-long argument string or service name', () => {
      const harness = Harness.build();
      const longArgs = `ram_quota=8192, label="${'x'.repeat(SESSION_ARGS_MAX)}"`;
      expect(harness.apply(fileSession(10, longArgs))).to.deep.equal({
        kind: 'error',
        error: 'denied',
      });
      const longName = {
        op: 'session',
        child: CLIENT,
        id: 10,
        service: 'F'.repeat(33),
        args: 'ram_quota=8192',
      } as const;
      expect(harness.apply(longName)).to.deep.equal({ kind: 'error', error: 'denied' });
      expect(harness.observe().history).to.not.have.property('s11');
    });

    it('reports insufficient RAM when the quota does not cover the session cost, before routing', () => {
      const harness = Harness.build();
      const journal = harness.journalLength;
      const result = harness.apply({
        op: 'session',
        child: CLIENT,
        id: 10,
        service: 'Nowhere',
        args: 'ram_quota=1023',
      });
      expect(result).to.deep.equal({ kind: 'error', error: 'insufficientRam' });
      expect(harness.journalSince(journal)).to.deep.equal([]);
    });

    it('denies a service without a route', () => {
      const harness = Harness.build();
      expect(
        harness.apply({
          op: 'session',
          child: CLIENT,
          id: 10,
          service: 'Nowhere',
          args: 'ram_quota=8192',
        }),
      ).to.deep.equal({
        kind: 'error',
        error: 'denied',
      });
    });

    it('denies a conflicting client ID and reports it as an error', () => {
      const harness = Harness.build();
      harness.apply(fileSession(10));
      const before = harness.balances();
      expect(harness.apply(fileSession(10))).to.deep.equal({ kind: 'error', error: 'denied' });
      expect(harness.changesSince(before)).to.deep.equal({});
      const errors = harness.observe().diagnostics.filter((entry) => entry.level === 'error');
      expect(errors.map((entry) => entry.message)).to.have.length(2);
      expect(errors[0]?.message).to.match(/^client requested conflicting session ID 10/);
    });

    it('denies requests once the PD is closed', () => {
      const harness = Harness.build();
      harness.apply({ op: 'closeAllSessions', child: CLIENT });
      expect(harness.apply(fileSession())).to.deep.equal({ kind: 'error', error: 'denied' });
    });
  });

  describe('quota transaction', () => {
    it('rolls back the RAM already moved when the client lacks caps', () => {
      const harness = Harness.build();
      const before = harness.balances();
      const journal = harness.journalLength;
      const result = harness.apply(fileSession(10, 'ram_quota=8192, cap_quota=101'));
      expect(result).to.deep.equal({ kind: 'error', error: 'outOfCaps' });
      expect(harness.changesSince(before)).to.deep.equal({});
      const entries = harness.journalSince(journal);
      expect(
        entries.map((entry) =>
          entry.kind === 'move'
            ? [entry.from, entry.to, entry.resource, entry.amount, entry.undo]
            : [entry.outcome],
        ),
      ).to.deep.equal([
        [CLIENT_PD, 'ref', 'ram', 8192, false],
        ['ref', CLIENT_PD, 'ram', 8192, true],
        ['rollback'],
      ]);
      const history = Object.values(harness.observe().history).at(-1);
      expect(history).to.deep.equal(['CREATE_REQUESTED', 'DESTROYED']);
    });

    it('reports out of RAM when the client lacks RAM and moves nothing', () => {
      const harness = Harness.build();
      const journal = harness.journalLength;
      expect(harness.apply(fileSession(10, 'ram_quota=200000'))).to.deep.equal({
        kind: 'error',
        error: 'outOfRam',
      });
      expect(harness.journalSince(journal).map((entry) => entry.kind)).to.deep.equal(['end']);
    });
  });

  describe('arguments and routing', () => {
    it('prefixes the label, forwards the reduced RAM quota and clears diag', () => {
      const harness = Harness.build();
      harness.apply(fileSession(10, 'ram_quota=8K, cap_quota=2, label="data", diag=1'));
      const session = harness.session(CLIENT, 10);
      expect(session.label).to.equal('client -> data');
      expect(session.args).to.equal('cap_quota=2, label="client -> data", ram_quota=7168, diag=0');
    });

    it('applies the arguments the policy sets', () => {
      const harness = Harness.build(standardSystem({ client: { setArgs: { cap_quota: '5' } } }));
      const before = harness.balances();
      harness.apply(fileSession(10, 'ram_quota=8192, cap_quota=1'));
      expect(harness.changesSince(before)[CLIENT_PD]).to.deep.equal({ ram: -8192, caps: -5 });
    });

    it('routes by label prefix, first match first', () => {
      const routes = [
        { service: 'File', labelPrefix: 'client -> local', to: { kind: 'local', name: 'Timer' } },
        { service: '*', to: { kind: 'child', server: SERVER, name: 'File' } },
        ...ENV_ROUTES,
      ] as const;
      const harness = Harness.build(standardSystem({ client: { routes } }));
      harness.apply(fileSession(10, 'ram_quota=8192, label="local"'));
      harness.apply(fileSession(11, 'ram_quota=8192, label="remote"'));
      expect(harness.session(CLIENT, 10).serviceKind).to.equal('local');
      expect(harness.session(CLIENT, 11).serviceKind).to.equal('child');
    });
  });

  describe('sessionCap', () => {
    it('hands out the cap once the server delivered it', () => {
      const harness = Harness.build();
      harness.apply(fileSession());
      harness.apply({ op: 'deliverSessionCap', child: SERVER, id: 1 });
      expect(harness.apply({ op: 'sessionCap', child: CLIENT, id: 10 })).to.deep.equal({
        kind: 'cap',
        valid: true,
      });
      expect(harness.session(CLIENT, 10).phase).to.equal('CAP_HANDED_OUT');
    });

    it('warns and gives an invalid cap while the request is pending', () => {
      const harness = Harness.build();
      harness.apply(fileSession());
      expect(harness.apply({ op: 'sessionCap', child: CLIENT, id: 10 })).to.deep.equal({
        kind: 'cap',
        valid: false,
      });
      expect(harness.latestDiagnostics()[0]).to.match(
        /^client: attempt to request cap for unavailable session/,
      );
    });

    it('reports a failed creation, returns the quota and destroys the state', () => {
      const harness = Harness.build();
      const before = harness.balances();
      harness.apply(fileSession());
      harness.apply({ op: 'sessionResponse', child: SERVER, id: 1, response: 'insufficientCaps' });
      expect(harness.apply({ op: 'sessionCap', child: CLIENT, id: 10 })).to.deep.equal({
        kind: 'error',
        error: 'insufficientCaps',
      });
      expect(harness.changesSince(before)).to.deep.equal({});
      expect(harness.requestedSessions()).to.deep.equal([]);
    });

    it('warns about an unknown ID and gives an invalid cap', () => {
      const harness = Harness.build();
      expect(harness.apply({ op: 'sessionCap', child: CLIENT, id: 99 })).to.deep.equal({
        kind: 'cap',
        valid: false,
      });
      expect(harness.latestDiagnostics()).to.deep.equal([
        'client requested session cap for unknown ID',
      ]);
    });
  });
});
