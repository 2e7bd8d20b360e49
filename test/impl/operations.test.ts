import { expect } from 'chai';

import { OPERATION_HANDLERS, dispatch } from '../../impl/operations.ts';
import type { OperationTarget } from '../../impl/operations.ts';
import { UsageError } from '../../impl/errors.ts';

describe('impl/operations', () => {
  it('has one handler for each operation of the contract', () => {
    expect(Object.keys(OPERATION_HANDLERS)).to.have.length(24);
  });

  it('passes the parent-side operations to the system', () => {
    const calls: string[] = [];
    const target: OperationTarget = {
      child: (name) => {
        throw new UsageError(`no child ${name}`);
      },
      startChild: (name) => calls.push(`start ${name}`),
      setAnswers: (service, answers) => calls.push(`answers ${service} ${answers.join(',')}`),
    };
    expect(dispatch(target, { op: 'startChild', child: 'a' })).to.deep.equal({ kind: 'none' });
    dispatch(target, { op: 'setAnswers', service: 'Timer', answers: ['denied'] });
    expect(calls).to.deep.equal(['start a', 'answers Timer denied']);
    expect(() => dispatch(target, { op: 'heartbeat', child: 'a' })).to.throw(UsageError);
  });
});
