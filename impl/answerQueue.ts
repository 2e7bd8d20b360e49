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

  get pending(): readonly UpstreamAnswer[] {
    return this.queue;
  }
}
