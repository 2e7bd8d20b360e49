import { expect } from 'chai';

import * as api from '../index.ts';

describe('index: the public API', () => {
  it('checks the reference implementation through the entry module alone', async () => {
    const report = await api.runCheck({ implementation: api.referenceImplementation, machines: ['session'] });
    expect(report.ok).to.equal(true);
  });

  it('offers the charts, the ledger, the fault catalog and the diagrams', async () => {
    expect(api.sessionMachine.id).to.equal('session');
    expect(api.childMachine.id).to.equal('child');
    expect(api.VARIANTS.length).to.be.greaterThan(14);
    expect(api.INVARIANTS.map((info) => info.id)).to.include('returned-to-owner');
    expect(await api.renderDiagram(api.chartOf('session'), 'mermaid')).to.match(/^stateDiagram-v2$/m);
  });
});
