import { expect } from 'chai';

import { SESSION_ARGS_MAX } from '../../impl/contract.ts';
import {
  ArgString,
  capQuotaFromArgs,
  labelFromArgs,
  prefixedLabel,
  ramQuotaFromArgs,
  validServiceName,
  validSessionArgs,
} from '../../impl/argString.ts';

describe('impl/argString', () => {
  it('reads quota and label arguments', () => {
    const args = ArgString.parse('ram_quota=8192, cap_quota=4, label="a, b"');
    expect(ramQuotaFromArgs(args).value).to.equal(8192);
    expect(capQuotaFromArgs(args).value).to.equal(4);
    expect(labelFromArgs(args)).to.equal('a, b');
  });

  it('reads a bare label as it is, a quoted one without its quotes and a lone quote as empty', () => {
    expect(labelFromArgs(ArgString.parse('label=disk'))).to.equal('disk');
    expect(labelFromArgs(ArgString.parse('label=""'))).to.equal('');
    expect(labelFromArgs(ArgString.parse('label="'))).to.equal('');
  });

  it('drops parts without a key, also one that starts with =', () => {
    expect(ArgString.parse('=x, a=1,, b, =').toString()).to.equal('a=1, b=');
  });

  it('parses sizes with K, M and G suffixes and hexadecimal numbers', () => {
    const args = ArgString.parse('a=8K, b=1M, c=2G, d=0x10, e=3k');
    expect([
      args.ulong('a', 0),
      args.ulong('b', 0),
      args.ulong('c', 0),
      args.ulong('d', 0),
      args.ulong('e', 0),
    ]).to.deep.equal([8192, 1048576, 2147483648, 16, 3072]);
  });

  it('falls back to the default for missing or malformed numbers', () => {
    const args = ArgString.parse('ram_quota=lots, cap_quota="4"');
    expect(ramQuotaFromArgs(args).value).to.equal(0);
    expect(capQuotaFromArgs(args).value).to.equal(0);
    expect(ArgString.parse('').ulong('ram_quota', 7)).to.equal(7);
  });

  it('replaces an argument by appending it at the end', () => {
    const args = ArgString.parse('ram_quota=8192, label="x", cap_quota=2').set('ram_quota', 7168);
    expect(args.toString()).to.equal('label="x", cap_quota=2, ram_quota=7168');
    expect(args.setString('label', 'c -> x').find('label')).to.equal('"c -> x"');
  });

  it('drops an argument that no longer fits, leaving the old one removed', () => {
    const long = `label="${'x'.repeat(SESSION_ARGS_MAX - 20)}"`;
    const args = ArgString.parse(`ram_quota=1, ${long}`).setString(
      'label',
      'y'.repeat(SESSION_ARGS_MAX),
    );
    expect(args.toString()).to.equal('ram_quota=1');
  });

  it('prefixes a label with the child name, or uses the name alone', () => {
    expect(prefixedLabel('client', 'x')).to.equal('client -> x');
    expect(prefixedLabel('client', '')).to.equal('client');
  });

  it('accepts strings up to the buffer sizes only', () => {
    expect(validSessionArgs('x'.repeat(SESSION_ARGS_MAX))).to.equal(true);
    expect(validSessionArgs('x'.repeat(SESSION_ARGS_MAX + 1))).to.equal(false);
    expect(validServiceName('x'.repeat(32))).to.equal(true);
    expect(validServiceName('x'.repeat(33))).to.equal(false);
  });
});
