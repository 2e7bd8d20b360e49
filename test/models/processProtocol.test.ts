import { expect } from 'chai';

import type { ImplementationUnderTest, Operation } from '../../impl/contract.ts';
import { referenceImplementation } from '../../impl/reference.ts';
import { runCheck } from '../../models/check.ts';
import { firstDifference } from '../../models/determinism.ts';
import { GuardedImplementation } from '../../models/guardedImplementation.ts';
import { loadImplementation } from '../../models/loadImplementation.ts';
import { commandArgv, unbalancedQuote } from '../../models/processImplementation.ts';
import { ProtocolSchemas } from '../../models/protocol.ts';
import { SESSION_SYSTEM } from '../../models/sessionModel.ts';
import { childSystem } from '../../models/childModel.ts';

const schemas = ProtocolSchemas.load();

/** The reference, with every operation it is sent checked against the schema. */
function operationChecking(problems: string[]): ImplementationUnderTest {
  return {
    name: 'reference',
    async create(description) {
      const system = await referenceImplementation.create(description);
      return {
        ...system,
        apply: async (operation: Operation) => {
          const checked = schemas.checkContract('Operation', operation);
          if (!checked.ok) problems.push(`${operation.op}: ${checked.problem}`);
          return system.apply(operation);
        },
      };
    },
  };
}

describe('models/protocol', () => {
  describe('the schemas in schemas/', () => {
    it('accept every operation, result and observation of the session paths on the reference implementation', async () => {
      const problems: string[] = [];
      const implementation = new GuardedImplementation(operationChecking(problems), { stepTimeoutMs: 5000, schemas });
      const report = await runCheck({ implementation, machines: ['session'] });
      expect(report.failures.map((failure) => failure.reason)).to.deep.equal([]);
      expect(problems).to.deep.equal([]);
    });

    it('accept the descriptions the bindings build', () => {
      expect(schemas.checkContract('SystemDescription', SESSION_SYSTEM).ok).to.equal(true);
      expect(schemas.checkContract('SystemDescription', childSystem('child', 'outOfRam')).ok).to.equal(true);
    });

    it('name the first problem of a message in one line', () => {
      const problem = (value: unknown): string => {
        const checked = schemas.checkContract('CallResult', value);
        return checked.ok ? 'ok' : checked.problem;
      };
      expect(problem({ kind: 'cap', valid: 'yes' })).to.equal('/valid must be boolean');
      expect(problem({ kind: 'cap' })).to.equal("the message must have required property 'valid'");
      expect(problem({ kind: 'cap', valid: true, extra: 1 })).to.equal("the message must NOT have additional properties 'extra'");
      expect(problem({ kind: 'error', error: 'oops' })).to.match(/^\/error must be equal to one of the allowed values \("denied"/);
      expect(problem({ kind: 'teapot' })).to.include('"teapot"');
    });

    it('reject amounts a JavaScript number cannot hold exactly', () => {
      const quota = { kind: 'count', value: 2 ** 53 };
      expect(schemas.checkContract('CallResult', quota).ok).to.equal(false);
    });

    it('tell a result reply from an error reply by the envelope', () => {
      expect(schemas.checkReplyEnvelope({ id: 3, result: null })).to.deep.equal({ ok: true, value: { kind: 'result', id: 3, result: null } });
      expect(schemas.checkReplyEnvelope({ id: 3, error: { message: 'no' } })).to.deep.equal({
        ok: true,
        value: { kind: 'error', id: 3, message: 'no' },
      });
      expect(schemas.checkReplyEnvelope({ id: 3 }).ok).to.equal(false);
      expect(schemas.checkReplyEnvelope([1, 2]).ok).to.equal(false);
      expect(schemas.checkReplyEnvelope({ id: 3, result: 1, error: { message: 'both' } }).ok).to.equal(false);
    });

    it('check a request of each method against its own schema', () => {
      const apply = { id: 4, method: 'apply', params: { system: 's1', operation: { op: 'heartbeat', child: 'c' } } };
      expect(schemas.checkRequest('apply', apply).ok).to.equal(true);
      expect(schemas.checkRequest('observe', apply).ok).to.equal(false);
      expect(schemas.checkRequest('hello', { id: 1, method: 'hello', params: { version: 0 } }).ok).to.equal(false);
    });
  });

  describe('an in-process implementation, guarded', () => {
    const broken = (change: Partial<Record<'observe' | 'apply', () => Promise<unknown>>>): ImplementationUnderTest => ({
      name: 'broken',
      async create(description) {
        const system = await referenceImplementation.create(description);
        return Object.assign({}, system, change);
      },
    });

    it('fails a path whose observation does not fit the contract, naming the first wrong value', async () => {
      const observe = async (): Promise<unknown> => ({ step: 'zero' });
      const implementation = new GuardedImplementation(broken({ observe }), { stepTimeoutMs: 5000, schemas });
      const report = await runCheck({ implementation, machines: ['session'], pathId: 'session#1' });
      expect(report.failures[0]?.reason).to.equal(
        'observing the new system failed: what observe returned is not a valid Observation (schemas/contract.schema.json): ' +
          "the message must have required property 'accounts'",
      );
    });

    it('fails a path whose call result does not fit the contract', async () => {
      const apply = async (): Promise<unknown> => ({ kind: 'cap' });
      const implementation = new GuardedImplementation(broken({ apply }), { stepTimeoutMs: 5000, schemas });
      const report = await runCheck({ implementation, machines: ['session'], pathId: 'session#1' });
      expect(report.failures[0]?.reason).to.match(
        /^\w+\(.*\) failed: what apply returned is not a valid CallResult \(schemas\/contract\.schema\.json\): the message must have required property 'valid'$/,
      );
    });

    it('fails a path whose create gives no system', async () => {
      const loaded = await loadImplementation('test/fakes/module/noSystem.mjs');
      if (loaded.kind === 'failed') throw new Error(loaded.reason);
      const implementation = new GuardedImplementation(loaded.implementation, { stepTimeoutMs: 5000, schemas });
      const report = await runCheck({ implementation, machines: ['session'], pathId: 'session#1' });
      expect(report.failures[0]?.reason).to.equal(
        'building the system failed: create did not give a SystemUnderTest (an object with apply, observe and dispose functions)',
      );
    });
  });

  describe('commandArgv', () => {
    it('splits a command line into words, keeping quoted words together', () => {
      expect(commandArgv('python3 "my impl.py" --flag \'a b\'')).to.deep.equal(['python3', 'my impl.py', '--flag', 'a b']);
    });

    it('finds a quote left open, which splitting would drop', () => {
      expect(unbalancedQuote("python3 'my impl.py")).to.equal("'");
      expect(unbalancedQuote('python3 "it\'s.py" --x \'a "b" c\'')).to.equal(null);
      expect(unbalancedQuote('run "a b')).to.equal('"');
    });

    it('leaves what a shell would expand as it is', () => {
      expect(commandArgv('echo $HOME *.ts | cat > out')).to.deep.equal(['echo', '$HOME', '*.ts', '|', 'cat', '>', 'out']);
    });
  });

  describe('firstDifference', () => {
    it('finds no difference between equal values, whatever their key order', () => {
      expect(firstDifference({ a: 1, b: [1, { c: null }] }, { b: [1, { c: null }], a: 1 }, 2)).to.equal(null);
    });

    it('names the path of the first differing value', () => {
      expect(firstDifference({ accounts: { 'pd:x': { ram: 5 } } }, { accounts: { 'pd:x': { ram: 6 } } }, 2)).to.equal(
        'at .accounts["pd:x"].ram: 5 in replay 2, 6 in replay 1',
      );
    });

    it('names an entry or key only one side has', () => {
      expect(firstDifference({ list: [1, 2] }, { list: [1] }, 3)).to.equal('at .list[1]: 2 in replay 3, nothing in replay 1');
      expect(firstDifference({}, { gone: true }, 2)).to.equal('at .gone: nothing in replay 2, true in replay 1');
    });
  });
});
