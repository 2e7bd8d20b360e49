/**
 * The transport of the process protocol: one child process, started without
 * a shell, that answers newline-delimited JSON requests on its standard
 * input with one reply line each on its standard output.
 *
 * The connection never throws for anything the process does. Every way the
 * process can fail the protocol (no reply in time, death, a line that is not
 * JSON or not a reply, a reply to another request, a line too long) ends the
 * connection with a `ConnectionFailure`: the process (its whole process
 * group) is killed, the waiting request is answered with the failure at
 * once, and so is every later one. The connection is then unusable: after a
 * timeout or a stray line nothing the process says can be matched to a
 * request any more.
 *
 * Silent: nothing is printed; standard error of the process is kept (its
 * tail) for the report.
 *
 * Once the process has exited (or, at `close`, did not exit after being
 * killed), the connection lets go of it: its pipes are destroyed at most
 * `DRAIN_MS` after its exit and the process is unreferenced, so that nothing
 * of the connection keeps the checker alive.
 *
 * Limitation: the process runs in a process group of its own, and the
 * group is killed; a descendant that leaves the group (a daemon that calls
 * `setsid`) outlives the check, and so may keep the process's standard
 * output and error open: the checker neither kills it nor waits for it, and
 * what it writes after the process exited (and `DRAIN_MS` passed) is lost.
 * Catching those would need a cgroup or a PID namespace per process.
 */
import { spawn, type ChildProcess } from 'node:child_process';

import type { Method, ProtocolSchemas, Reply } from './protocol.ts';

/** Why a connection ended. */
export type ConnectionFailure =
  | { readonly kind: 'spawn'; readonly message: string }
  | { readonly kind: 'exit'; readonly code: number | null; readonly signal: NodeJS.Signals | null; readonly stderr: readonly string[] }
  | { readonly kind: 'timeout'; readonly method: string; readonly ms: number }
  | { readonly kind: 'notJson'; readonly line: string }
  | { readonly kind: 'notReply'; readonly line: string; readonly problem: string }
  | { readonly kind: 'wrongId'; readonly expected: number | null; readonly got: number }
  | { readonly kind: 'tooLong'; readonly characters: number }
  | { readonly kind: 'stdinClosed'; readonly message: string }
  | { readonly kind: 'interrupted'; readonly signal: string }
  | { readonly kind: 'closed' };

/** What one request came to. */
export type Exchange =
  /** The whole reply, `{id, result}`, for the schema of its method to check. */
  | { readonly kind: 'result'; readonly reply: unknown }
  | { readonly kind: 'error'; readonly message: string }
  | { readonly kind: 'failed'; readonly failure: ConnectionFailure }
  /** The checker's own request does not fit its schema (a bug of the checker); nothing was sent. */
  | { readonly kind: 'unsent'; readonly problem: string };

export interface ConnectionOptions {
  /** The program and its arguments; run directly, never through a shell. */
  readonly argv: readonly string[];
  readonly cwd?: string;
  readonly schemas: ProtocolSchemas;
  /** Longest reply line accepted, in characters (default `MAX_LINE_CHARACTERS`). */
  readonly maxLineCharacters?: number;
}

/** Longest reply line accepted, in characters; a longer one ends the connection. */
export const MAX_LINE_CHARACTERS = 64 * 1024 * 1024;
/** How long a process may take to exit after its standard input is closed, in ms, before it is killed. */
export const EXIT_GRACE_MS = 1000;
/**
 * How long to wait for the process's output to drain after it exited, in ms;
 * then its pipes are destroyed, even if a descendant still holds them open.
 */
export const DRAIN_MS = 200;
/** Bytes of standard error kept for the report. */
const STDERR_KEPT = 8 * 1024;
/** Lines of standard error a report shows. */
export const STDERR_LINES = 10;

/** The request waiting for its reply. */
interface Pending {
  readonly id: number;
  readonly settle: (exchange: Exchange) => void;
}

/** One line of the process's output, shortened for a report. */
function shown(line: string): string {
  const trimmed = line.length > 80 ? `${line.slice(0, 77)}...` : line;
  return JSON.stringify(trimmed);
}

/** A failure as the one-line reason a report gives. */
export function describeConnectionFailure(failure: ConnectionFailure): string {
  switch (failure.kind) {
    case 'spawn':
      return `the implementation process could not be started: ${failure.message}`;
    case 'exit': {
      const how = failure.signal !== null ? `was killed by ${failure.signal}` : `exited with code ${failure.code ?? '?'}`;
      const last = failure.stderr.at(-1);
      return `the implementation process ${how}${last !== undefined ? ` (stderr: ${last})` : ''}`;
    }
    case 'timeout':
      return `no reply to ${failure.method} within ${failure.ms} ms; the process was killed`;
    case 'notJson':
      return `the implementation process wrote a line that is not JSON: ${shown(failure.line)}`;
    case 'notReply':
      return `the implementation process wrote a line that is not a reply (${failure.problem}): ${shown(failure.line)}`;
    case 'wrongId':
      return failure.expected === null
        ? `the implementation process answered request ${failure.got}, but no request was waiting`
        : `the implementation process answered request ${failure.got} while request ${failure.expected} was waiting`;
    case 'tooLong':
      return `the implementation process wrote a line longer than ${failure.characters} characters`;
    case 'stdinClosed':
      return `the implementation process stopped reading its standard input (${failure.message})`;
    case 'interrupted':
      return `the check was interrupted by ${failure.signal}; the process was killed`;
    case 'closed':
      return 'the connection to the implementation process was closed';
  }
}

/** The lines a report lists under a failure: the tail of standard error of a process that died. */
export function failureDetailLines(failure: ConnectionFailure): readonly string[] {
  return failure.kind === 'exit' && failure.stderr.length > 0 ? ['stderr of the implementation process:', ...failure.stderr.map((line) => `  ${line}`)] : [];
}

/**
 * A running implementation process and the one request it is answering.
 * Requests are sent one at a time, in the order `request` was called.
 */
export class ProcessConnection {
  private readonly child: ChildProcess;
  private failure: ConnectionFailure | null = null;
  private pending: Pending | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  /** What came after the last newline of standard output. */
  private partialLine = '';
  private stderrBuffer = '';
  private exitInfo: { readonly code: number | null; readonly signal: NodeJS.Signals | null } | null = null;
  private readonly exited: Promise<void>;
  private closing = false;

  private constructor(private readonly options: ConnectionOptions) {
    const [program, ...args] = options.argv;
    if (program === undefined) throw new Error('ProcessConnection needs a program to run');

    /* A process group of its own, so that killing it also kills what it started. */
    this.child = spawn(program, args, {
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
      shell: false,
    });
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        resolve();
        /*
         * Let the last lines drain before the death is reported; 'close' comes
         * once they have, unless a descendant that left the group holds the
         * pipes: then stop waiting for them.
         */
        setTimeout(() => {
          this.died();
          this.release();
        }, DRAIN_MS).unref();
      });
      this.child.once('error', (error) => {
        this.fail({ kind: 'spawn', message: error.message });
        if (this.child.pid === undefined) resolve();
      });
    });
    this.child.once('close', () => this.died());
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => this.receive(chunk));
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => this.keepStderr(chunk));
    this.child.stdin?.on('error', (error) => {
      /* Writing to a process that closed its input: its exit, if it comes, says more. */
      setTimeout(() => this.fail({ kind: 'stdinClosed', message: error.message }), DRAIN_MS).unref();
    });
  }

  /** Starts `options.argv` as a child process. A program that cannot be started shows as a `spawn` failure of the first request. */
  static start(options: ConnectionOptions): ProcessConnection {
    return new ProcessConnection(options);
  }

  /** The failure that ended the connection, or null while it is usable. */
  get ended(): ConnectionFailure | null {
    return this.failure;
  }

  /** The process id, while it has one. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /**
   * Sends `{id, method, params}` once earlier requests are answered and
   * waits at most `timeoutMs` for its reply. Never rejects.
   */
  request(method: Method, params: object, timeoutMs: number): Promise<Exchange> {
    const exchange = this.queue.then(() => this.send(method, params, timeoutMs));
    this.queue = exchange;
    return exchange;
  }

  /**
   * Ends the connection politely: closes the process's standard input, gives
   * it `EXIT_GRACE_MS` to exit, then kills its process group. Resolves once
   * the process is reaped, or `EXIT_GRACE_MS` after the kill if it is not;
   * either way the connection has let go of the process and its pipes.
   */
  async close(): Promise<void> {
    this.closing = true;
    this.fail({ kind: 'closed' });
    this.child.stdin?.end();
    const exited = await this.exitWithin(EXIT_GRACE_MS);
    this.killGroup();
    if (!exited) await this.exitWithin(EXIT_GRACE_MS);
    this.release();
  }

  /** Ends the connection because the checker was interrupted: kills the process at once. */
  interrupt(signal: string): void {
    this.fail({ kind: 'interrupted', signal });
  }

  /** Kills the process group now, synchronously: for the checker's own exit. */
  killNow(): void {
    this.killGroup();
  }

  private send(method: Method, params: object, timeoutMs: number): Promise<Exchange> {
    if (this.failure !== null) return Promise.resolve({ kind: 'failed', failure: this.failure });
    const id = this.nextId;
    this.nextId += 1;
    const request = { id, method, params };
    const checked = this.options.schemas.checkRequest(method, request);
    if (!checked.ok) return Promise.resolve({ kind: 'unsent', problem: checked.problem });
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.fail({ kind: 'timeout', method, ms: timeoutMs }), timeoutMs);
      this.pending = {
        id,
        settle: (exchange) => {
          clearTimeout(timer);
          this.pending = null;
          resolve(exchange);
        },
      };
      this.child.stdin?.write(`${JSON.stringify(request)}\n`);
    });
  }

  /** Splits standard output into lines; each chunk is scanned once, so a flood costs linear time. */
  private receive(chunk: string): void {
    if (this.failure !== null) return;
    let start = 0;
    for (let newline = chunk.indexOf('\n'); newline >= 0; newline = chunk.indexOf('\n', start)) {
      const line = this.partialLine + chunk.slice(start, newline);
      this.partialLine = '';
      start = newline + 1;
      this.receiveLine(line.endsWith('\r') ? line.slice(0, -1) : line);
      if (this.failure !== null) return;
    }
    this.partialLine += chunk.slice(start);
    const limit = this.options.maxLineCharacters ?? MAX_LINE_CHARACTERS;
    if (this.partialLine.length > limit) this.fail({ kind: 'tooLong', characters: limit });
  }

  private receiveLine(line: string): void {
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      this.fail({ kind: 'notJson', line });
      return;
    }
    const reply = this.options.schemas.checkReplyEnvelope(message);
    if (!reply.ok) {
      this.fail({ kind: 'notReply', line, problem: reply.problem });
      return;
    }
    const pending = this.pending;
    if (pending === null || pending.id !== reply.value.id) {
      this.fail({ kind: 'wrongId', expected: pending?.id ?? null, got: reply.value.id });
      return;
    }
    pending.settle(exchangeOf(reply.value, message));
  }

  private keepStderr(chunk: string): void {
    this.stderrBuffer = (this.stderrBuffer + chunk).slice(-STDERR_KEPT);
  }

  private stderrTail(): string[] {
    return this.stderrBuffer
      .split('\n')
      .map((line) => line.trimEnd())
      .filter((line) => line.length > 0)
      .slice(-STDERR_LINES);
  }

  /** The process is gone and its output drained: unless the checker closed it, that is a failure. */
  private died(): void {
    if (this.closing || this.failure !== null) return;
    this.fail({ kind: 'exit', code: this.exitInfo?.code ?? null, signal: this.exitInfo?.signal ?? null, stderr: this.stderrTail() });
  }

  /** Ends the connection (the first failure wins): kills the process and answers the waiting request. */
  private fail(failure: ConnectionFailure): void {
    if (this.failure !== null) return;
    this.failure = failure;
    if (failure.kind !== 'closed') this.killGroup();
    this.pending?.settle({ kind: 'failed', failure });
  }

  /**
   * Kills the process's group: the process and whatever it started and left
   * running, even after the process itself exited (the group lives while any
   * member does, so its id cannot have been taken by another).
   */
  private killGroup(): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* No such group: every member is gone, or the process left the group; kill the process itself. */
      if (this.exitInfo === null) this.child.kill('SIGKILL');
    }
  }

  /**
   * Lets go of the process: destroys its pipes, so that a descendant holding
   * them open keeps neither the checker waiting nor its event loop alive,
   * and unreferences the process (which matters only for one that a kill
   * did not end).
   */
  private release(): void {
    this.child.stdin?.destroy();
    this.child.stdout?.destroy();
    this.child.stderr?.destroy();
    this.child.unref();
  }

  private async exitWithin(ms: number): Promise<boolean> {
    if (this.exitInfo !== null || this.child.pid === undefined) return true;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    });
    const exited = await Promise.race([this.exited.then(() => true), timedOut]);
    clearTimeout(timer);
    return exited;
  }
}

/** A reply as an exchange; a result keeps the whole message so that its method's schema can check it. */
function exchangeOf(reply: Reply, message: unknown): Exchange {
  switch (reply.kind) {
    case 'error':
      return { kind: 'error', message: reply.message };
    case 'result':
      return { kind: 'result', reply: message };
  }
}
