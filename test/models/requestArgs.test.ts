import { expect } from 'chai';

import type { Variant } from '../../faults/catalog.ts';
import { loadVariant } from '../../faults/load.ts';
import { ArgString, capQuotaFromArgs, labelFromArgs, ramQuotaFromArgs, validSessionArgs } from '../../impl/argString.ts';
import { SESSION_ARGS_MAX } from '../../impl/contract.ts';
import { DEFAULT_EXPLORE_CONFIG, runExplore } from '../../models/explore.ts';
import type { Action } from '../../models/exploreActions.ts';
import { replayActions } from '../../models/exploreRun.ts';
import { CLIENT_SET_ARGS, SESSION_COST, systemNames, type SystemShape } from '../../models/exploreSystem.ts';
import { runFuzz } from '../../models/fuzz.ts';
import {
  argsProblems,
  forwardedArgs,
  parseArgs,
  requestSpelling,
  spelledRequest,
  spellingOf,
  SPELLINGS,
} from '../../models/requestArgs.ts';

/** What each spelling of a request under ID 10 must mean, written out by hand. */
const MEANT: readonly { readonly ram: number; readonly caps: number; readonly label: string }[] = [
  { ram: 8192, caps: 2, label: 's10, at=x' },
  { ram: 8192, caps: 2, label: 's10' },
  { ram: 8192, caps: 2, label: '' },
  { ram: 8192, caps: 2, label: '' },
];

describe('models/requestArgs', () => {
  describe('the spellings of a request', () => {
    for (const [variant, meant] of MEANT.entries()) {
      it(`spelling ${variant} means ${meant.ram} bytes, ${meant.caps} caps and label "${meant.label}"`, () => {
        const spelled = spelledRequest(8192, 2, 10, variant);
        expect(validSessionArgs(spelled.text), spelled.text).to.equal(true);
        expect({ ram: spelled.ram, caps: spelled.caps, label: spelled.label }).to.deep.equal(meant);
        /* the reference reads them so */
        const parsed = ArgString.parse(spelled.text);
        expect(ramQuotaFromArgs(parsed).value).to.equal(meant.ram);
        expect(capQuotaFromArgs(parsed).value).to.equal(meant.caps);
        expect(labelFromArgs(parsed)).to.equal(meant.label);
        /* the checker's own reading of the text agrees with the spelling's argument list */
        expect(parseArgs(spelled.text)).to.deep.equal(spelled.args);
      });
    }

    it('are spelled as documented', () => {
      expect(spelledRequest(8192, 2, 10, 0).text).to.equal(
        ' ram_quota = 0x2000 ,, cap_quota=0x2, label = "s10, at=x" , note=x=y, =skipped,  diag ,',
      );
      expect(spelledRequest(8192, 2, 10, 1).text).to.equal('ram_quota=8K, cap_quota=2, label=s10, flag');
      expect(spelledRequest(8192, 11, 10, 2).text).to.equal('label="", cap_quota=0xB, ram_quota=8k');
      expect(spelledRequest(512, 2, 10, 1).text).to.equal('ram_quota=0x200, cap_quota=2, label=s10, flag');
      const padded = spelledRequest(8192, 2, 10, 3).text;
      expect(Buffer.byteLength(padded)).to.equal(SESSION_ARGS_MAX);
      expect(padded).to.match(/^ram_quota=8192, cap_quota=2, pad="x+"$/);
    });

    it('keep their amounts at every level, as the reference reads them', () => {
      for (const ram of [512, 8192, 20480, 12345]) {
        for (const caps of [2, 7, 11]) {
          for (let variant = 0; variant < SPELLINGS; variant += 1) {
            const parsed = ArgString.parse(spelledRequest(ram, caps, 12, variant).text);
            expect([ramQuotaFromArgs(parsed).value, capQuotaFromArgs(parsed).value], `${ram}/${caps} #${variant}`).to.deep.equal([
              ram,
              caps,
            ]);
          }
        }
      }
    });

    it('are chosen by session slot, so that a small system uses every one', () => {
      const shape: SystemShape = { clients: 2, services: ['local'], sessionsPerClient: 2, late: null };
      const names = systemNames(shape);
      const chosen = names.clients.flatMap((client) => names.ids.map((id) => spellingOf(shape, names, client, id) % SPELLINGS));
      expect(chosen).to.deep.equal([0, 1, 2, 3]);
      expect(requestSpelling(shape, names, 'small', 'client1', 10).text).to.equal(spelledRequest(8192, 2, 10, 0).text);
      expect(requestSpelling(shape, names, 'invalid', 'client1', 10).text.length).to.be.greaterThan(SESSION_ARGS_MAX);
    });
  });

  describe('what the server is to be given', () => {
    it('the prefixed label, the policy arguments, ram_quota less the cost and diag=0', () => {
      const forwarded = forwardedArgs(spelledRequest(8192, 2, 10, 0), 'client1', { verbose: 'yes' }, 1024);
      expect(forwarded.label).to.equal('client1 -> s10, at=x');
      expect(forwarded.args).to.deep.equal([
        ['cap_quota', '0x2'],
        ['note', 'x=y'],
        ['label', '"client1 -> s10, at=x"'],
        ['verbose', 'yes'],
        ['ram_quota', '7168'],
        ['diag', '0'],
      ]);
      expect(forwardedArgs(spelledRequest(8192, 2, 10, 2), 'client1', {}, 1024).label).to.equal('client1');
    });

    it('for the padded spelling, only what still fits the buffer', () => {
      const request = spelledRequest(8192, 2, 10, 3);
      const forwarded = forwardedArgs(request, 'client1', { verbose: 'yes' }, 1024);
      /* the routing label is prefixed, but neither it nor verbose nor diag fit; ram_quota, no longer than before, does */
      expect(forwarded.label).to.equal('client1');
      expect(forwarded.args.map(([key]) => key)).to.deep.equal(['cap_quota', 'pad', 'ram_quota']);
      expect(forwarded.args.find(([key]) => key === 'ram_quota')?.[1]).to.equal('7168');
      expect(Buffer.byteLength(forwarded.args.map(([key, value]) => `${key}=${value}`).join(', '))).to.equal(SESSION_ARGS_MAX);
    });

    it('compares ignoring order and spacing, and says what differs', () => {
      const expected = parseArgs('ram_quota=7168, cap_quota=2, label="a, b"');
      expect(argsProblems('label = "a, b",cap_quota=2 ,ram_quota=7168', expected)).to.deep.equal([]);
      const [problem] = argsProblems('ram_quota=8192, cap_quota=2, label="a, b"', expected);
      expect(problem).to.include('lacking ram_quota=7168').and.include('with unexpected ram_quota=8192');
      expect(argsProblems('ram_quota=7168, ram_quota=7168, cap_quota=2, label="a, b"', expected)).to.have.length(1);
    });

    it('agrees with the reference for every spelling and level', async () => {
      const shape: SystemShape = { clients: 2, services: ['local', 'child'], sessionsPerClient: 2, late: null };
      const names = systemNames(shape);
      for (const level of ['small', 'large'] as const) {
        for (const service of ['Local1', 'Child1']) {
          const actions: Action[] = names.clients.flatMap((client) =>
            names.ids.map((id): Action => ({ kind: 'session', client, id, service, level, answer: 'ok' })),
          );
          const replayed = await replayActions(shape, actions, undefined, false);
          expect(replayed.failure, `${level} at ${service}`).to.equal(null);
          expect(replayed.executed).to.have.length(names.clients.length * names.ids.length);
        }
      }
      expect(forwardedArgs(spelledRequest(8192, 2, 10, 1), 'client2', CLIENT_SET_ARGS, SESSION_COST).label).to.equal(
        'client2 -> s10',
      );
    });
  });

  describe('catches an implementation that forwards the wrong arguments', () => {
    /** Faults in the style of `faults/catalog.ts`, each one place in `impl/`. */
    const faults: readonly (Variant & { readonly reason: RegExp })[] = [
      {
        name: 'args-label-not-prefixed',
        description: "the server's args keep the client's label (the session's label is still prefixed)",
        file: 'sessionRequest.ts',
        find: "let args = clientArgs.setString('label', label);",
        replace: 'let args = clientArgs;',
        caughtBy: { kind: 'state' },
        reason: /the server was given args .*label=/,
      },
      {
        name: 'args-ram-quota-not-reduced',
        description: 'the server is given the whole ram_quota, the session cost included',
        file: 'sessionRequest.ts',
        find: "args = args.set('ram_quota', forwardRamQuota.value);",
        replace: '',
        caughtBy: { kind: 'state' },
        reason: /the server was given args .*ram_quota=/,
      },
      {
        name: 'args-label-unquoted',
        description: 'the prefixed label is set without its quotes',
        file: 'argString.ts',
        find: 'return this.set(key, `"${value}"`);',
        replace: 'return this.set(key, value);',
        caughtBy: { kind: 'state' },
        reason: /the server was given args .*label=/,
      },
      {
        name: 'args-buffer-one-short',
        description: 'an argument that exactly fills the buffer is dropped',
        file: 'argString.ts',
        find: 'return byteLength(result.toString()) > SESSION_ARGS_MAX ? without : result;',
        replace: 'return byteLength(result.toString()) >= SESSION_ARGS_MAX ? without : result;',
        caughtBy: { kind: 'state' },
        reason: /the server was given args .*ram_quota=/,
      },
    ];

    for (const fault of faults) {
      it(`fuzz fails on ${fault.name} (${fault.description}) with a 'state' reason about args`, async function () {
        this.timeout(60_000);
        const report = await runFuzz({ runs: 300, maxCommands: 20, seed: 7, implementation: await loadVariant(fault) });
        expect(report.ok).to.equal(false);
        expect(report.failure?.failure.kind).to.equal('state');
        expect(report.failure?.failure.reason).to.match(fault.reason);
      });
    }

    it("explore fails on args-label-not-prefixed with a 'state' reason about args", async function () {
      this.timeout(60_000);
      const [fault] = faults;
      if (!fault) throw new Error('no fault');
      const report = await runExplore({
        config: { ...DEFAULT_EXPLORE_CONFIG, shape: { ...DEFAULT_EXPLORE_CONFIG.shape, clients: 1, sessionsPerClient: 1 } },
        implementation: await loadVariant(fault),
      });
      expect(report.ok).to.equal(false);
      expect(report.failure?.failure.kind).to.equal('state');
      expect(report.failure?.failure.reason).to.match(fault.reason);
    });
  });
});
