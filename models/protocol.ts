/**
 * The process protocol: the contract of `impl/contract.ts` spoken as
 * newline-delimited JSON over a process's standard input and output.
 *
 * The checker writes requests `{id, method, params}`; the implementation
 * answers each with exactly one reply, `{id, result}` or
 * `{id, error: {message}}`, in order. The first request is `hello`, whose
 * reply names the contract version the implementation speaks. Every message
 * has a JSON Schema (draft 2020-12) in `schemas/`; this module loads them and
 * checks messages in both directions. `docs/implementing.md` describes the
 * protocol for people.
 *
 * The schemas are written by hand beside the TypeScript types; the tests in
 * `test/models/processProtocol.test.ts` hold them to each other by validating
 * every operation the bindings send and every result and observation the
 * reference implementation gives.
 */
import { readdirSync, readFileSync } from 'node:fs';

import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';

import { CONTRACT_VERSION } from '../impl/contract.ts';
import type { CallResult, Observation, Operation, SystemDescription } from '../impl/contract.ts';

/**
 * The version a `hello` carries: the contract version, since the protocol is
 * the contract's wire form. A change to either the contract's meaning or the
 * wire form raises `CONTRACT_VERSION`.
 */
export const PROTOCOL_VERSION = CONTRACT_VERSION;

export const METHODS = ['hello', 'create', 'apply', 'observe', 'dispose'] as const;
export type Method = (typeof METHODS)[number];

/** The parameters and the result of each method. */
export interface MethodTypes {
  readonly hello: { readonly params: { readonly version: number }; readonly result: HelloResult };
  readonly create: { readonly params: { readonly description: SystemDescription }; readonly result: { readonly system: string } };
  readonly apply: { readonly params: { readonly system: string; readonly operation: Operation }; readonly result: CallResult };
  readonly observe: { readonly params: { readonly system: string }; readonly result: Observation };
  readonly dispose: { readonly params: { readonly system: string }; readonly result: null };
}

export interface HelloResult {
  /** The contract version the implementation speaks. */
  readonly version: number;
  /** The implementation's name, for reports. */
  readonly name: string;
}

export type Params<M extends Method> = MethodTypes[M]['params'];
export type Result<M extends Method> = MethodTypes[M]['result'];

export interface Request<M extends Method = Method> {
  readonly id: number;
  readonly method: M;
  readonly params: Params<M>;
}

/** A reply, by its envelope: a result (not yet checked against its method) or an error. */
export type Reply =
  | { readonly kind: 'result'; readonly id: number; readonly result: unknown }
  | { readonly kind: 'error'; readonly id: number; readonly message: string };

/** A check of a message against its schema: the typed value, or the first problem in one line. */
export type Checked<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

const SCHEMA_DIRECTORY = new URL('../schemas/', import.meta.url);
const SCHEMA_BASE = 'https://genode-child-spec.example/schemas/';

/** The schema file that describes a message, as reports name it. */
export function schemaFile(method: Method, direction: 'request' | 'reply'): string {
  return `schemas/${method}.${direction}.schema.json`;
}

/**
 * The compiled schemas of every message. Loading reads and compiles the
 * files once; checking a message is then a function call.
 */
export class ProtocolSchemas {
  private constructor(private readonly ajv: Ajv2020) {}

  /** Reads and compiles `schemas/`; throws if a schema file is missing or invalid (a broken installation). */
  static load(): ProtocolSchemas {
    const ajv = new Ajv2020({ discriminator: true, allErrors: false, strict: true });
    for (const file of readdirSync(SCHEMA_DIRECTORY).filter((name) => name.endsWith('.schema.json'))) {
      const schema: unknown = JSON.parse(readFileSync(new URL(file, SCHEMA_DIRECTORY), 'utf8'));
      if (typeof schema !== 'object' || schema === null) throw new Error(`schemas/${file} is not a JSON object`);
      ajv.addSchema(schema);
    }
    return new ProtocolSchemas(ajv);
  }

  /** Checks a request before it is sent (or, in `serve`, after it arrived). */
  checkRequest<M extends Method>(method: M, message: unknown): Checked<Request<M>> {
    return this.check<Request<M>>(`${method}.request.schema.json`, message);
  }

  /** Checks any line as a request of some method, by its envelope. */
  checkRequestEnvelope(message: unknown): Checked<{ readonly id: number; readonly method: Method; readonly params: object }> {
    return this.check(`envelope.schema.json#/$defs/request`, message);
  }

  /** Checks a line's JSON as a reply: a result or an error, with an id. */
  checkReplyEnvelope(message: unknown): Checked<Reply> {
    const error = this.check<{ readonly id: number; readonly error: { readonly message: string } }>(
      'error.reply.schema.json',
      message,
    );
    if (error.ok) return { ok: true, value: { kind: 'error', id: error.value.id, message: error.value.error.message } };
    const envelope = this.check<{ readonly id: number; readonly result: unknown }>('envelope.schema.json#/$defs/reply', message);
    if (!envelope.ok) return envelope;
    return { ok: true, value: { kind: 'result', id: envelope.value.id, result: envelope.value.result } };
  }

  /** Checks the reply to `method` (`{id, result}`) and returns its result. */
  checkResult<M extends Method>(method: M, message: unknown): Checked<Result<M>> {
    const checked = this.check<{ readonly result: Result<M> }>(`${method}.reply.schema.json`, message);
    return checked.ok ? { ok: true, value: checked.value.result } : checked;
  }

  /** Checks a value against one of the contract's definitions (`CallResult`, `Observation`, ...). */
  checkContract<T>(definition: 'CallResult' | 'Observation' | 'Operation' | 'SystemDescription', value: unknown): Checked<T> {
    return this.check<T>(`contract.schema.json#/$defs/${definition}`, value);
  }

  private check<T>(ref: string, value: unknown): Checked<T> {
    const validate: ValidateFunction<T> | undefined = this.ajv.getSchema<T>(`${SCHEMA_BASE}${ref}`);
    if (validate === undefined) throw new Error(`no schema ${ref} in schemas/`);
    if (validate(value)) return { ok: true, value };
    return { ok: false, problem: describeSchemaErrors(validate.errors ?? []) };
  }
}

/** The first schema error, in one line: where in the message, and what is wrong there. */
export function describeSchemaErrors(errors: readonly ErrorObject[]): string {
  const [first] = errors;
  if (first === undefined) return 'does not fit its schema';
  const where = first.instancePath === '' ? 'the message' : first.instancePath;
  const params: Record<string, unknown> = first.params;
  const detail =
    'additionalProperty' in params
      ? ` '${String(params.additionalProperty)}'`
      : 'allowedValues' in params && Array.isArray(params.allowedValues)
        ? ` (${params.allowedValues.map((value) => JSON.stringify(value)).join(', ')})`
        : 'tagValue' in params
          ? ` (got ${JSON.stringify(params.tagValue)})`
          : '';
  return `${where} ${first.message ?? 'is invalid'}${detail}`;
}
