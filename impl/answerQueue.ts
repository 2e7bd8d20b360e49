import type { UpstreamAnswer } from './contract.ts';

/**
 * The answers a local service's factory or the upstream parent gives to its
 * next requests, set with the `setAnswers` operation. An empty queue
 * answers 'ok'.
 */
export class AnswerQueue {
  private queue: UpstreamAnswer[] = [];

  /** Replaces the queued answers. */
  set(answers: readonly UpstreamAnswer[]): void {
    this.queue = [...answers];
  }

  /** Takes the next answer ('ok' when none is queued). */
  next(): UpstreamAnswer {
    return this.queue.shift() ?? 'ok';
  }

  /** The answers still queued, for inspection by the tests of this class. */
  // Stryker disable next-line BlockStatement: No operation and no field of the observation reads the queue, so the contract cannot see what this getter returns.
  get pending(): readonly UpstreamAnswer[] {
    return this.queue;
  }
}
