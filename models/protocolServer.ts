/**
 * The implementation side of the process protocol, for any
 * `ImplementationUnderTest`: reads one request per line, answers each with
 * one reply line, in order, until its input ends. `child-spec serve` runs it
 * on the reference implementation; it is also how a TypeScript
 * implementation can be checked across a process boundary.
 *
 * Requests are checked against their schemas: an invalid one with a usable
 * id is answered with an error reply; a line that is not JSON, or has no
 * usable id, cannot be answered and ends serving (`badRequest`). Whatever
 * the implementation throws becomes an error reply.
 *
 * Silent: it writes replies and nothing else.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

import type { ImplementationUnderTest, SystemUnderTest } from '../impl/contract.ts';
import { PROTOCOL_VERSION, ProtocolSchemas, type Method, type Request, type Result } from './protocol.ts';

export interface ServeOptions {
  readonly implementation: ImplementationUnderTest;
  readonly input: Readable;
  readonly output: Writable;
  readonly schemas?: ProtocolSchemas;
}

/** How serving ended: the input ended, or a line could not be answered. */
export type ServeOutcome =
  | { readonly kind: 'ended'; readonly requests: number }
  | { readonly kind: 'badRequest'; readonly line: number; readonly problem: string };

/** What a request is answered with: its result, or an error. */
export type Answer = { readonly result: unknown } | { readonly error: { readonly message: string } };

/** Serves `implementation` until `input` ends; disposes of every system still open. */
export async function serve(options: ServeOptions): Promise<ServeOutcome> {
  const server = new ProtocolServer(options.implementation, options.schemas);
  const lines = createInterface({ input: options.input, crlfDelay: Infinity });
  let count = 0;
  try {
    for await (const line of lines) {
      count += 1;
      if (line.trim() === '') continue;
      const handled = await server.handle(line);
      if (handled.kind === 'unanswerable') return { kind: 'badRequest', line: count, problem: handled.problem };
      await write(options.output, `${replyLine(handled)}\n`);
    }
    return { kind: 'ended', requests: count };
  } finally {
    lines.close();
    await server.disposeAll();
  }
}

/** The reply to an answered request, as the line to write (without its newline). */
export function replyLine(handled: Extract<Handled, { kind: 'answered' }>): string {
  return JSON.stringify({ id: handled.id, ...handled.answer });
}

/** Writes `text`, waiting while the stream's buffer is full. */
async function write(output: Writable, text: string): Promise<void> {
  if (output.write(text)) return;
  await new Promise<void>((resolve) => output.once('drain', () => resolve()));
}

/** How one request line was handled: answered (the reply to write), or not answerable at all. */
export type Handled =
  | { readonly kind: 'answered'; readonly id: number; readonly answer: Answer }
  | { readonly kind: 'unanswerable'; readonly problem: string };

/**
 * The implementation side of the protocol, one line at a time: the systems
 * created so far, by handle, and the handlers of the five methods.
 */
export class ProtocolServer {
  private readonly systems = new Map<string, SystemUnderTest>();
  private readonly schemas: ProtocolSchemas;
  private created = 0;

  constructor(
    private readonly implementation: ImplementationUnderTest,
    schemas?: ProtocolSchemas,
  ) {
    this.schemas = schemas ?? ProtocolSchemas.load();
  }

  /** Handles one request line; never throws. */
  async handle(line: string): Promise<Handled> {
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      return { kind: 'unanswerable', problem: 'the line is not JSON' };
    }
    const envelope = this.schemas.checkRequestEnvelope(message);
    if (!envelope.ok) {
      const id = idOf(message);
      if (id === null) return { kind: 'unanswerable', problem: `the line is not a request: ${envelope.problem}` };
      return { kind: 'answered', id, answer: { error: { message: `not a request: ${envelope.problem}` } } };
    }
    const { id, method } = envelope.value;
    return { kind: 'answered', id, answer: await this.answer(method, message) };
  }

  /**
   * Disposes of every system still open, once serving has ended. Nobody is
   * left to hear of a failure then, so each system's disposal is tried and
   * its outcome dropped.
   */
  async disposeAll(): Promise<void> {
    const open = [...this.systems.values()];
    this.systems.clear();
    await Promise.allSettled(open.map((system) => system.dispose()));
  }

  private async answer(method: Method, message: unknown): Promise<Answer> {
    try {
      switch (method) {
        case 'hello':
          return await this.run('hello', message, async () => ({ version: PROTOCOL_VERSION, name: this.implementation.name }));
        case 'create':
          return await this.run('create', message, async ({ description }) => {
            const system = await this.implementation.create(description);
            this.created += 1;
            const handle = `s${this.created}`;
            this.systems.set(handle, system);
            return { system: handle };
          });
        case 'apply':
          return await this.run('apply', message, ({ system, operation }) => this.system(system).apply(operation));
        case 'observe':
          return await this.run('observe', message, ({ system }) => this.system(system).observe());
        case 'dispose':
          return await this.run('dispose', message, async ({ system }) => {
            const disposed = this.system(system);
            this.systems.delete(system);
            await disposed.dispose();
            return null;
          });
      }
    } catch (error) {
      return { error: { message: error instanceof Error ? error.message : String(error) } };
    }
  }

  /** Checks the request against its method's schema, then runs the handler on its params. */
  private async run<M extends Method>(
    method: M,
    message: unknown,
    handler: (params: Request<M>['params']) => Promise<Result<M>>,
  ): Promise<Answer> {
    const request = this.schemas.checkRequest(method, message);
    if (!request.ok) return { error: { message: `invalid ${method} request: ${request.problem}` } };
    return { result: await handler(request.value.params) };
  }

  private system(handle: string): SystemUnderTest {
    const system = this.systems.get(handle);
    if (system === undefined) throw new Error(`no system ${handle}`);
    return system;
  }
}

/** The integer id of a message that is not a valid request, if it has one, so that it can still be answered. */
function idOf(message: unknown): number | null {
  if (typeof message !== 'object' || message === null || !('id' in message)) return null;
  return Number.isSafeInteger(message.id) && typeof message.id === 'number' ? message.id : null;
}
