/**
 * The session chart's paths compare everything the server was given for a
 * request with what the spec says the parent forwards, not only the label.
 */
import { expect } from 'chai';

import type { ImplementationUnderTest, Observation } from '../../impl/contract.ts';
import { referenceImplementation } from '../../impl/reference.ts';
import { runCheck } from '../../models/check.ts';

/** The reference, but every server is shown one argument more than the parent forwards. */
const forwardsExtraArgument: ImplementationUnderTest = {
  name: 'forwards x=1 besides what the parent must',
  async create(description) {
    const system = await referenceImplementation.create(description);
    const altered = (observation: Observation): Observation => ({
      ...observation,
      sessions: observation.sessions.map((session) => ({ ...session, args: `${session.args}, x=1` })),
    });
    return { ...system, observe: async () => altered(await system.observe()) };
  },
};

describe('models/sessionModel: forwarded arguments', () => {
  it('passes the reference, whose servers get exactly the forwarded arguments', async () => {
    const report = await runCheck({ implementation: referenceImplementation, machines: ['session'] });
    expect(report.ok, report.failures[0]?.reason).to.equal(true);
  });

  it('fails an implementation that forwards an argument the request did not have', async () => {
    const report = await runCheck({ implementation: forwardsExtraArgument, machines: ['session'], stopAtFirstFailure: true });
    expect(report.ok).to.equal(false);
    expect(report.failures[0]?.kind).to.equal('state');
    expect(report.failures[0]?.reason).to.include('with unexpected x=1');
  });
});
