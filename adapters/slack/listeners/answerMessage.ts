import { randomUUID } from 'node:crypto';
import type { SayFn } from '@slack/bolt';
import type { SlackDeps } from '../deps.js';
import { apologyText } from '../../../src/replyText.js';
import { renderSlackAnswer } from '../render.js';

export interface IncomingQuestion {
  readonly text: string;
  readonly user: string | undefined;
  readonly channel: string;
  readonly channelKind: 'channel' | 'im';
  /** Where to answer: the thread the question was in, or the question itself for a new thread. */
  readonly threadTs: string | undefined;
}

/**
 * Answers a question from a mention or a DM. When anything fails, the asker gets a short error
 * with a reference instead of silence, and the error is logged with the same reference.
 */
export async function answerMessage(question: IncomingQuestion, say: SayFn, deps: SlackDeps): Promise<void> {
  const questionId = randomUUID().slice(0, 8);
  const log = deps.logger.child({ questionId, channelKind: question.channelKind });
  const thread = question.threadTs === undefined ? {} : { thread_ts: question.threadTs };
  try {
    const answer = deps.engine.answer(question.text, { audience: 'internal' });
    await say({ ...renderSlackAnswer(answer), ...thread, unfurl_links: false, unfurl_media: false });
    log.info({ answered: answer.answered, reason: answer.decline?.reason, tookMs: answer.tookMs }, 'slack question answered');
  } catch (error) {
    log.error({ err: error }, 'slack question failed');
    try {
      await say({ text: apologyText(questionId), ...thread });
    } catch (second) {
      log.error({ err: second }, 'slack error reply failed too');
    }
  }
}
