/**
 * An implementation under test that runs as a separate process and speaks
 * the process protocol (`models/protocol.ts`, `docs/implementing.md`). One
 * process serves a whole check: `create` asks it for a system and gets a
 * handle, which the system's `apply`, `observe` and `dispose` name.
 *
 * Every request and every reply is checked against its schema. What the
 * process does wrong becomes a rejected call with a one-line reason (an
 * `ImplementationFailure`), which the replay reports as the path's failure:
 *
 * - an error reply, or a result that does not fit its schema, fails that
 *   call only: the process stays in use;
 * - a failed handshake, no reply in time, death, a line that is not a JSON
 *   reply, or a reply to another request makes the process unusable: it is
 *   killed, the call fails with the reason, and every later call fails at
 *   once ("not run, since ...") so that the rest of the check ends quickly
 *   instead of waiting out a timeout per path.
 *
 * Limitation: the process is not restarted after such a failure, so a
 * report shows the first fault of a process, not what the later paths would
 * have found. Restarting would need a fresh handshake per restart and a
 * bound on restarts, so that a process dying at once does not cost a start
 * per path.
 */
import parseArgsStringToArgv from 'string-argv';

import type { ImplementationUnderTest, SystemDescription, SystemUnderTest } from '../impl/contract.ts';
import { ErrorReply, ImplementationFailure, RequestNotSent } from './implementationFailure.ts';
import {
  ProcessConnection,
  describeConnectionFailure,
  failureDetailLines,
  type ConnectionFailure,
  type Exchange,
} from './processConnection.ts';
import { PROTOCOL_VERSION, ProtocolSchemas, schemaFile, type Method, type Params, type Result } from './protocol.ts';

export interface ProcessImplementationOptions {
  /** The command line, as given to `--exec`: split into words, quotes respected, never run by a shell. */
  readonly command: string;
  readonly cwd?: string;
  /** Longest wait for one reply, in ms. */
  readonly stepTimeoutMs: number;
  /** Longest wait for the process to start and answer `hello`, in ms. */
  readonly startTimeoutMs: number;
  readonly schemas?: ProtocolSchemas;
}

/** How starting a process implementation went: a usable (or already failed) implementation, or no process at all. */
export type StartResult =
  | { readonly kind: 'started'; readonly implementation: ProcessImplementation }
  | { readonly kind: 'notStarted'; readonly reason: string };

/** How the handshake went: agreed on the version, refused (with why), or the connection failed. */
type Hello =
  | { readonly kind: 'agreed'; readonly name: string }
  | { readonly kind: 'refused'; readonly problem: string }
  | { readonly kind: 'failed' };

interface Unusable {
  readonly reason: string;
  readonly details: readonly string[];
}

/**
 * Splits a command line into program and arguments: words separated by
 * white space, single or double quotes keep a word together. There are no
 * variables, globs, pipes or redirections: no shell ever sees the string.
 */
export function commandArgv(command: string): readonly string[] {
  return parseArgsStringToArgv(command);
}

/** The quote character left open at the end of `command`, if any: the splitter would drop it silently. */
export function unbalancedQuote(command: string): string | null {
  let open: string | null = null;
  for (const c of command) {
    if (open !== null) {
      if (c === open) open = null;
    } else if (c === '"' || c === "'") {
      open = c;
    }
  }
  return open;
}

export class ProcessImplementation implements ImplementationUnderTest {
  private announcedName: string | null = null;
  private handshakeProblem: Unusable | null = null;
  /** Whether the reason the process is unusable was already given as a path's failure. */
  private surfaced = false;

  private constructor(
    private readonly connection: ProcessConnection,
    private readonly options: ProcessImplementationOptions,
    private readonly schemas: ProtocolSchemas,
  ) {}

  /**
   * Starts the process and shakes hands: `spawn`, then `handshake`.
   */
  static async start(options: ProcessImplementationOptions): Promise<StartResult> {
    const spawned = ProcessImplementation.spawn(options);
    if (spawned.kind === 'notStarted') return spawned;
    return spawned.implementation.handshake();
  }

  /**
   * Starts the process, without waiting for it: so that a caller can make
   * sure it dies (on an interrupt, say) before the handshake begins. Only an
   * empty command, or one with a quote left open, is `notStarted` here.
   */
  static spawn(options: ProcessImplementationOptions): StartResult {
    const quote = unbalancedQuote(options.command);
    if (quote !== null) return { kind: 'notStarted', reason: `the command has a ${quote} quote that is never closed: close it, or quote the word with the other kind` };
    const argv = commandArgv(options.command);
    if (argv.length === 0) return { kind: 'notStarted', reason: 'the command is empty' };
    const schemas = options.schemas ?? ProtocolSchemas.load();
    const connection = ProcessConnection.start({ argv, schemas, ...(options.cwd !== undefined ? { cwd: options.cwd } : {}) });
    return { kind: 'started', implementation: new ProcessImplementation(connection, options, schemas) };
  }

  /**
   * Sends `hello` and checks the answer. A process that could not be
   * started at all (no such program, not executable) is `notStarted`, and
   * closed; one that fails the handshake is `started` but unusable, so that
   * the check reports the reason as a failure.
   */
  async handshake(): Promise<StartResult> {
    await this.sayHello();
    const ended = this.connection.ended;
    if (ended?.kind === 'spawn') {
      await this.connection.close();
      return { kind: 'notStarted', reason: describeConnectionFailure(ended) };
    }
    return { kind: 'started', implementation: this };
  }

  /** The name the process gave in its `hello`, or its command line. */
  get name(): string {
    return this.announcedName ?? this.options.command;
  }

  /** The process id, while it runs. */
  get pid(): number | undefined {
    return this.connection.pid;
  }

  /** Why the process became unusable, in one line; null while it is usable. */
  get failure(): string | null {
    return this.unusable()?.reason ?? null;
  }

  async create(description: SystemDescription): Promise<SystemUnderTest> {
    const { system } = await this.call('create', { description });
    return {
      apply: async (operation) => this.call('apply', { system, operation }),
      observe: async () => this.call('observe', { system }),
      dispose: async () => {
        await this.call('dispose', { system });
      },
    };
  }

  /** Kills the process because the checker was interrupted; the calls still to come fail at once. */
  interrupt(signal: string): void {
    this.connection.interrupt(signal);
  }

  /** Closes the process's input, lets it exit, kills it if it does not, and reaps it. */
  async close(): Promise<void> {
    await this.connection.close();
  }

  /** Kills the process now, synchronously: for the checker's own exit. */
  killNow(): void {
    this.connection.killNow();
  }

  /** Sends `hello`; a wrong answer makes the process unusable and closes it. A failed connection speaks for itself. */
  private async sayHello(): Promise<void> {
    const exchange = await this.connection.request('hello', { version: PROTOCOL_VERSION }, this.options.startTimeoutMs);
    const hello = this.answerToHello(exchange);
    switch (hello.kind) {
      case 'agreed':
        this.announcedName = hello.name;
        return;
      case 'refused':
        this.handshakeProblem = { reason: hello.problem, details: [] };
        await this.connection.close();
        return;
      case 'failed':
        return;
    }
  }

  private answerToHello(exchange: Exchange): Hello {
    switch (exchange.kind) {
      case 'failed':
        return { kind: 'failed' };
      case 'unsent':
        throw new Error(`the checker's hello does not fit ${schemaFile('hello', 'request')}: ${exchange.problem}`);
      case 'error':
        return { kind: 'refused', problem: `the implementation refused hello: ${exchange.message}` };
      case 'result': {
        const hello = this.schemas.checkResult('hello', exchange.reply);
        if (!hello.ok) return { kind: 'refused', problem: `the reply to hello does not fit ${schemaFile('hello', 'reply')}: ${hello.problem}` };
        if (hello.value.version !== PROTOCOL_VERSION) {
          const problem = `the implementation speaks contract version ${hello.value.version}, this checker speaks version ${PROTOCOL_VERSION}`;
          return { kind: 'refused', problem };
        }
        return { kind: 'agreed', name: hello.value.name };
      }
    }
  }

  /** One request and its checked result; rejects with an `ImplementationFailure`. */
  private async call<M extends Method>(method: M, params: Params<M>): Promise<Result<M>> {
    if (this.unusable() !== null) throw this.fault();
    const timeout = this.options.stepTimeoutMs;
    const exchange = await this.connection.request(method, params, timeout);
    switch (exchange.kind) {
      case 'failed':
        throw this.fault(exchange.failure);
      case 'unsent':
        throw new RequestNotSent(`the checker's ${method} request does not fit ${schemaFile(method, 'request')}: ${exchange.problem}`);
      case 'error':
        throw new ErrorReply(`the implementation answered with an error: ${exchange.message}`);
      case 'result': {
        const checked = this.schemas.checkResult(method, exchange.reply);
        if (!checked.ok) {
          throw new ImplementationFailure(`the reply to ${method} does not fit ${schemaFile(method, 'reply')}: ${checked.problem}`);
        }
        return checked.value;
      }
    }
  }

  private unusable(): Unusable | null {
    if (this.handshakeProblem !== null) return this.handshakeProblem;
    const ended = this.connection.ended;
    return ended === null || ended.kind === 'closed' ? null : unusableBy(ended);
  }

  /**
   * The error for a call on an unusable process: the reason itself the first
   * time, so that the path where it happened reports it; a short "not run"
   * for every later call.
   */
  private fault(failure?: ConnectionFailure): ImplementationFailure {
    const unusable = this.unusable() ?? (failure !== undefined ? unusableBy(failure) : null);
    if (unusable === null) return new ImplementationFailure(describeConnectionFailure({ kind: 'closed' }));
    if (this.surfaced) {
      return new ImplementationFailure(`not run, since the implementation process failed earlier: ${unusable.reason}`);
    }
    this.surfaced = true;
    return new ImplementationFailure(unusable.reason, unusable.details);
  }
}

function unusableBy(failure: ConnectionFailure): Unusable {
  return { reason: describeConnectionFailure(failure), details: failureDetailLines(failure) };
}
