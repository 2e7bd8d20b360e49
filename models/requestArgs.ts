/**
 * Session arguments as the explorers (`fuzz`, `explore`) spell them, and
 * what a server must be given for them. A request's argument string can be
 * spelled in many ways that mean the same (spacing, empty parts,
 * hexadecimal and K-suffixed numbers, quoted or bare labels, commas inside
 * quotes); the explorers use several spellings, chosen by the session slot
 * (`spellingOf`), so that an implementation that reads one of them wrongly
 * forwards different arguments or moves different quota, and the
 * predicates compare the forwarded arguments as a whole (`argsProblems`),
 * not just the label.
 *
 * What the server is given follows the spec (§5 `session`), written here
 * independently of `impl/argString.ts`: the label prefixed with the
 * client's name (just the name for an empty label), the policy's
 * arguments, `ram_quota` less the session cost and `diag=0`, each set as
 * `Arg_string::set_arg` does within a `Parent::Session_args` buffer: the
 * old argument is removed, and the new one is appended only if the string
 * still fits. The label the session (and routing) sees is the prefixed one
 * even when it no longer fits the arguments.
 */
import { SESSION_ARGS_MAX } from '../impl/contract.ts';
import { requestArgs, requestQuota, type Level, type SystemNames, type SystemShape } from './exploreSystem.ts';

/** Arguments as key and raw value (quotes included), in order. */
export type ArgList = readonly (readonly [string, string])[];

/** A request's argument string, what it means, and what the policy reads from it. */
export interface SpelledArgs {
  readonly text: string;
  readonly args: ArgList;
  /** The requested label without quotes ('' if absent or empty). */
  readonly label: string;
  /** The amounts the string names, as `ram_quota` and `cap_quota` are to be read. */
  readonly ram: number;
  readonly caps: number;
}

/** What a server is to be given for a request. */
export interface Forwarded {
  /** The label routing and the session see: prefixed with the client's name. */
  readonly label: string;
  readonly args: ArgList;
}

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');
const join = (args: ArgList): string => args.map(([key, value]) => `${key}=${value}`).join(', ');
const hex = (value: number): string => value.toString(16);

/** `value` with a binary-unit suffix when it has one, otherwise in hexadecimal. */
const withUnit = (value: number, suffix: 'k' | 'K'): string =>
  value > 0 && value % 1024 === 0 ? `${value / 1024}${suffix}` : `0x${hex(value)}`;

/** The number of spellings `spelledRequest` chooses from. */
export const SPELLINGS = 4;

/**
 * Spelling `variant` (modulo `SPELLINGS`) of a request for `ram` bytes and
 * `caps` capabilities labelled after `id`:
 * 0. odd syntax: spaces around `=`, empty parts, a trailing comma,
 *    hexadecimal numbers, a comma and `=` inside the quoted label, a value
 *    holding `=`, a part without a key, and a bare `diag` that the parent's
 *    `diag=0` replaces;
 * 1. a bare (unquoted) label, a K-suffixed RAM quota and a bare key;
 * 2. an empty quoted label first, hexadecimal caps in upper-case digits, a
 *    k-suffixed RAM quota;
 * 3. no label, padded to exactly `SESSION_ARGS_MAX` bytes: valid, but the
 *    prefixed label, the policy's arguments and `diag` no longer fit.
 */
export function spelledRequest(ram: number, caps: number, id: number, variant: number): SpelledArgs {
  const amounts = { ram, caps };
  switch (((variant % SPELLINGS) + SPELLINGS) % SPELLINGS) {
    case 0: {
      const label = `s${id}, at=x`;
      return {
        text: ` ram_quota = 0x${hex(ram)} ,, cap_quota=0x${hex(caps)}, label = "${label}" , note=x=y, =skipped,  diag ,`,
        args: [
          ['ram_quota', `0x${hex(ram)}`],
          ['cap_quota', `0x${hex(caps)}`],
          ['label', `"${label}"`],
          ['note', 'x=y'],
          ['diag', ''],
        ],
        label,
        ...amounts,
      };
    }
    case 1: {
      const args: ArgList = [
        ['ram_quota', withUnit(ram, 'K')],
        ['cap_quota', String(caps)],
        ['label', `s${id}`],
        ['flag', ''],
      ];
      return { text: `ram_quota=${withUnit(ram, 'K')}, cap_quota=${caps}, label=s${id}, flag`, args, label: `s${id}`, ...amounts };
    }
    case 2: {
      const args: ArgList = [
        ['label', '""'],
        ['cap_quota', `0x${hex(caps).toUpperCase()}`],
        ['ram_quota', withUnit(ram, 'k')],
      ];
      return { text: join(args), args, label: '', ...amounts };
    }
    default: {
      const base: ArgList = [
        ['ram_quota', String(ram)],
        ['cap_quota', String(caps)],
      ];
      const empty = join([...base, ['pad', '""']]);
      const args: ArgList = [...base, ['pad', `"${'x'.repeat(SESSION_ARGS_MAX - bytes(empty))}"`]];
      return { text: join(args), args, label: '', ...amounts };
    }
  }
}

/**
 * Which spelling a request under `id` by `client` uses: its session slot
 * counted over all clients (the late child's after theirs), so that every
 * spelling occurs in a system of a few sessions. Fixed by the request, so
 * that explore's states and fuzz's commands are what they were.
 */
export function spellingOf(shape: SystemShape, names: SystemNames, client: string, id: number): number {
  const index = names.clients.indexOf(client);
  const clientIndex = index === -1 ? names.clients.length : index;
  const slot = Math.max(0, names.ids.indexOf(id));
  return clientIndex * shape.sessionsPerClient + slot;
}

/**
 * The request of `client` under `id` at `level`, spelled as `spellingOf`
 * says; an `invalid` request keeps its one (too long) spelling.
 */
export function requestSpelling(shape: SystemShape, names: SystemNames, level: Level, client: string, id: number): SpelledArgs {
  const { ram, caps } = requestQuota(shape, level);
  if (level === 'invalid') {
    const text = requestArgs(shape, level, id);
    const args = parseArgs(text);
    const label = args.find(([key]) => key === 'label')?.[1] ?? '';
    return { text, args, label: label.replace(/^"(.*)"$/s, '$1'), ram, caps };
  }
  return spelledRequest(ram, caps, id, spellingOf(shape, names, client, id));
}

/**
 * What the parent must forward for `request` of `client`: its arguments
 * with the prefixed label, `setArgs`, `ram_quota` less `sessionCost`, and
 * `diag=0`, each set within the buffer.
 */
export function forwardedArgs(
  request: SpelledArgs,
  client: string,
  setArgs: Readonly<Record<string, string>>,
  sessionCost: number,
): Forwarded {
  const label = request.label === '' ? client : `${client} -> ${request.label}`;
  let args = request.args;
  const set = (key: string, value: string): void => {
    const without = args.filter(([name]) => name !== key);
    const next: ArgList = [...without, [key, value]];
    args = bytes(join(next)) > SESSION_ARGS_MAX ? without : next;
  };
  set('label', `"${label}"`);
  for (const [key, value] of Object.entries(setArgs)) set(key, value);
  set('ram_quota', String(request.ram - sessionCost));
  set('diag', '0');
  return { label, args };
}

/**
 * `text` split into arguments: at commas outside double quotes, each at its
 * first `=`, key and value trimmed; parts without a key are dropped (they
 * name nothing a server could look up).
 */
export function parseArgs(text: string): ArgList {
  const parts: string[] = [];
  let quoted = false;
  let part = '';
  for (const c of text) {
    if (c === ',' && !quoted) {
      parts.push(part);
      part = '';
      continue;
    }
    if (c === '"') quoted = !quoted;
    part += c;
  }
  parts.push(part);
  return parts
    .map((each): [string, string] => {
      const eq = each.indexOf('=');
      return eq === -1 ? [each.trim(), ''] : [each.slice(0, eq).trim(), each.slice(eq + 1).trim()];
    })
    .filter(([key]) => key !== '');
}

/**
 * How the arguments a server was given (`actual`, as observed) differ from
 * `expected`, ignoring order and spacing; empty when they agree.
 */
export function argsProblems(actual: string, expected: ArgList): string[] {
  const show = (args: ArgList): string[] => args.map(([key, value]) => `${key}=${value}`).sort();
  const got = show(parseArgs(actual));
  const want = show(expected);
  if (got.length === want.length && got.every((arg, index) => arg === want[index])) return [];
  const missing = want.filter((arg) => !got.includes(arg));
  const extra = got.filter((arg) => !want.includes(arg));
  const how = [
    missing.length > 0 ? `lacking ${missing.join(' ')}` : '',
    extra.length > 0 ? `with unexpected ${extra.join(' ')}` : '',
  ].filter((part) => part !== '');
  return [
    `the server was given args "${actual}", expected ${want.join(', ')} in any order${how.length > 0 ? ` (${how.join('; ')})` : ' (an argument given twice)'}`,
  ];
}

/**
 * What the session a request created shows against what the server must
 * be given: its label and its arguments.
 */
export function forwardedProblems(
  view: { readonly label: string; readonly args: string },
  expected: Forwarded,
  name = 'the session',
): string[] {
  const problems: string[] = [];
  if (view.label !== expected.label) problems.push(`${name}'s label is "${view.label}", expected "${expected.label}"`);
  problems.push(...argsProblems(view.args, expected.args).map((problem) => `${name}: ${problem}`));
  return problems;
}
