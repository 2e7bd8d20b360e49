import { expect } from 'chai';

import {
  assertNoViolations,
  formatViolation,
  INVARIANT_IDS,
  INVARIANTS,
  InvariantViolationError,
  type Violation,
} from '../../invariants/index.ts';
import { REFERENCE_ACCOUNT } from '../../impl/contract.ts';
import { requestSession, revertToClient } from './protocol.ts';
import { Run } from './run.ts';

const VIOLATION: Violation = {
  invariant: 'returned-to-owner',
  step: 5,
  label: 'sessionResponse server 7 closed',
  message: 'pd:client differs from the shadow book.',
  accounts: [
    {
      account: 'pd:client',
      observed: { ram: 98976, caps: 20 },
      expected: { ram: 100000, caps: 20 },
    },
    { account: 'total', observed: { ram: 1, caps: 2 }, expected: null },
  ],
};

describe('invariants: ledger', () => {
  it('runs a whole session life at a child service without a violation', () => {
    const run = new Run();
    const start = run.world.observe().accounts;
    const to = { kind: 'child', server: 'server' } as const;

    const violations = [
      ...run.ledger.initialViolations(),
      ...run.step('session client 7 Report', (world) =>
        requestSession(world, { key: 's1', client: 'client', clientId: 7, to, ram: 8192, caps: 2 }),
      ),
      ...run.step('deliverSessionCap server 7', (world) =>
        world.updateSession('s1', { phase: 'AVAILABLE', cap: true }),
      ),
      ...run.step('sessionCap client 7', (world) =>
        world.updateSession('s1', { phase: 'CAP_HANDED_OUT' }),
      ),
      ...run.step('close client 7', (world) =>
        world.updateSession('s1', { phase: 'CLOSE_REQUESTED', clientId: null }),
      ),
      ...run.step('sessionResponse server 7 closed', (world) => {
        world.updateSession('s1', { phase: 'CLOSED' });
        revertToClient(world, 's1');
      }),
    ];

    expect(violations).to.deep.equal([]);
    expect(run.world.observe().accounts).to.deep.equal(start);
  });

  it('counts the checks of every invariant', () => {
    const run = new Run();
    run.step('session client 7 LOG', (world) =>
      requestSession(world, {
        key: 's1',
        client: 'client',
        clientId: 7,
        to: { kind: 'local' },
        ram: 4096,
      }),
    );
    run.step('close client 7', (world) => revertToClient(world, 's1'));

    const checks = run.ledger.checks();

    expect(Object.keys(checks)).to.deep.equal([...INVARIANT_IDS]);
    for (const id of INVARIANT_IDS) {
      expect(checks[id], id).to.be.greaterThan(0);
    }
    expect(run.ledger.checkCount()).to.equal(Object.values(checks).reduce((a, b) => a + b, 0));
  });

  it('describes every invariant in one line', () => {
    expect(INVARIANTS.map((info) => info.id)).to.deep.equal([...INVARIANT_IDS]);
    for (const info of INVARIANTS) {
      expect(info.description).to.match(/^[A-Z].*\.$/);
      expect(info.description).not.to.contain('\n');
    }
  });

  it('formats a violation with its step, message and balances', () => {
    expect(formatViolation(VIOLATION).split('\n')).to.deep.equal([
      'returned-to-owner after operation 5 of the system (sessionResponse server 7 closed)',
      '  pd:client differs from the shadow book.',
      '  pd:client  observed ram 98976, caps 20  expected ram 100000, caps 20',
      '  total      observed ram 1, caps 2',
    ]);
  });

  it('throws an error that keeps the violations', () => {
    expect(() => assertNoViolations([])).not.to.throw();

    const thrown = (() => {
      try {
        assertNoViolations([VIOLATION]);
      } catch (error) {
        return error;
      }
      return null;
    })();

    expect(thrown).to.be.instanceOf(InvariantViolationError);
    expect(thrown instanceof InvariantViolationError && thrown.violations).to.deep.equal([
      VIOLATION,
    ]);
    expect(thrown instanceof Error && thrown.message).to.contain(
      '1 quota invariant violation:\nreturned-to-owner after operation 5 of the system',
    );
  });

  it('reports a violation once, in the step where it happens', () => {
    const run = new Run();
    const ref = run.world.balance(REFERENCE_ACCOUNT);
    const broken = run.step('resourceRequest client', (world) =>
      world.tamper(REFERENCE_ACCOUNT, { ram: ref.ram + 1, caps: ref.caps }),
    );

    const next = run.step('heartbeat client', () => undefined);

    expect(broken.length).to.be.greaterThan(0);
    expect(
      broken.every(
        (violation) => violation.step === 1 && violation.label === 'resourceRequest client',
      ),
    ).to.equal(true);
    expect(next.map((violation) => violation.invariant)).to.deep.equal(['conservation']);
  });
});
