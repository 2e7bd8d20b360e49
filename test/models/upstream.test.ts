import { expect } from 'chai';

import type { Variant } from '../../faults/catalog.ts';
import { loadVariant } from '../../faults/load.ts';
import { referenceImplementation } from '../../impl/reference.ts';
import { runCheck } from '../../models/check.ts';

/** Faults that only move quota between the reference account and upstream. */
const UPSTREAM_FAULTS: readonly Variant[] = [
  {
    name: 'upstream-close-keeps-quota',
    description: 'closing a parent-service session leaves its quota upstream',
    file: 'upstream.ts',
    find: 'const result = refund.transferAll([\n      move(held.ram, this.account, this.reference),\n      move(held.caps, this.account, this.reference),\n    ]);',
    replace: 'const result = refund.transferAll([]);',
    caughtBy: { kind: 'invariant', invariant: 'returned-to-owner' },
  },
  {
    name: 'upstream-upgrade-not-donated',
    description: 'an upgrade of a parent-service session is not donated upstream although upstream agreed',
    file: 'parentService.ts',
    find: 'const donation = this.upstream.donate(id, session.ramUpgrade, session.capUpgrade);',
    replace: 'const donation = this.upstream.donate(id, session.ramUpgrade.minus(session.ramUpgrade), session.capUpgrade.minus(session.capUpgrade));',
    caughtBy: { kind: 'state' },
  },
];

describe('invariants and bindings: ref and upstream apart', () => {
  for (const variant of UPSTREAM_FAULTS) {
    it(`catches ${variant.description}`, async () => {
      const report = await runCheck({ implementation: await loadVariant(variant), machines: ['session'] });
      expect(report.ok).to.equal(false);
      const caught = report.failures.filter(
        (failure) =>
          failure.kind === variant.caughtBy.kind &&
          (variant.caughtBy.invariant === undefined || failure.invariant === variant.caughtBy.invariant),
      );
      expect(caught, report.failures.map((failure) => failure.reason).join('\n')).to.not.be.empty;
    });
  }

  it('accepts an upgrade upstream refuses, whose quota stays with the parent', async () => {
    const report = await runCheck({ implementation: referenceImplementation, machines: ['session'] });
    const refused = report.machines[0]?.results.filter((result) => result.title.includes('upgradeRefusedUpstream')) ?? [];
    expect(refused).to.not.be.empty;
    expect(refused.every((result) => result.ok)).to.equal(true);
  });
});
