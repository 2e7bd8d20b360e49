import { expect } from 'chai';

import { AnswerQueue } from '../../impl/answerQueue.ts';

describe('impl/answerQueue', () => {
  it('answers ok when nothing is queued, and replaces the queue when set', () => {
    const queue = new AnswerQueue();
    queue.set(['denied', 'denied']);
    queue.set(['insufficientRam']);
    expect([queue.next(), queue.next()]).to.deep.equal(['insufficientRam', 'ok']);
  });
});
