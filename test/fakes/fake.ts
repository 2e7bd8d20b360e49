/**
 * What the misbehaving fake implementations share: each serves the
 * reference implementation over the process protocol, honestly, except
 * where it misbehaves. A fake is a script run as
 * `node --import tsx test/fakes/<name>.ts [arguments]`.
 */
import { createInterface } from 'node:readline';

import { referenceImplementation } from '../../impl/reference.ts';
import { ProtocolServer, replyLine } from '../../models/protocolServer.ts';

/** One request as a fake sees it. */
export interface FakeRequest {
  /** 1-based: the first request (hello) is 1. */
  readonly count: number;
  readonly id: number;
  readonly method: string;
  /** The system handle the request names, if any. */
  readonly system: string | null;
  /** The honest reply line, from the reference implementation. */
  honest(): Promise<string>;
}

/** What a fake writes for a request: lines (each without its newline), or nothing at all. */
export type Misbehaviour = (request: FakeRequest) => Promise<readonly string[]>;

function field(message: unknown, key: string): unknown {
  return typeof message === 'object' && message !== null ? Object.entries(message).find(([name]) => name === key)?.[1] : undefined;
}

/** Serves standard input with `misbehave` deciding what each reply is. */
export async function runFake(misbehave: Misbehaviour): Promise<void> {
  const server = new ProtocolServer(referenceImplementation);
  let count = 0;
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    if (line.trim() === '') continue;
    count += 1;
    const message: unknown = JSON.parse(line);
    const id = field(message, 'id');
    const system = field(field(message, 'params'), 'system');
    const request: FakeRequest = {
      count,
      id: typeof id === 'number' ? id : -1,
      method: String(field(message, 'method')),
      system: typeof system === 'string' ? system : null,
      honest: async () => {
        const handled = await server.handle(line);
        if (handled.kind === 'unanswerable') throw new Error(`the fake cannot answer: ${handled.problem}`);
        return replyLine(handled);
      },
    };
    for (const reply of await misbehave(request)) process.stdout.write(`${reply}\n`);
  }
}

/** The honest reply, unchanged. */
export async function honestly(request: FakeRequest): Promise<readonly string[]> {
  return [await request.honest()];
}

/** Replaces the result of an honest reply line. */
export function withResult(line: string, change: (result: unknown) => unknown): string {
  const reply: unknown = JSON.parse(line);
  return JSON.stringify({ id: field(reply, 'id'), result: change(field(reply, 'result')) });
}
