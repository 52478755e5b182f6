import type { SayFn } from '@slack/bolt';
import type { ConversationRef } from '../../../src/conversations.js';
import { apologyText } from '../../../src/replyText.js';
import type { SlackDeps } from '../deps.js';
import { renderSlackAnswer, renderSlackNotice } from '../render.js';

export interface IncomingQuestion {
  readonly text: string;
  readonly user: string | undefined;
  readonly channel: string;
  /** `thread`: a reply in a channel thread where the bot has answered, asked without a mention. */
  readonly channelKind: 'channel' | 'im' | 'thread';
  /** Where to answer: the thread the question was in, or the question itself for a new thread. */
  readonly threadTs: string | undefined;
  /** The conversation whose earlier turns the question is read with (see `slackConversation`). */
  readonly conversation: ConversationRef;
}

/**
 * Which conversation a Slack message belongs to: the thread the answer goes to, or, for a DM
 * outside any thread, the DM's recent exchange. Ids include the channel, so context never crosses
 * channels or users' DMs.
 */
export function slackConversation(channel: string, threadTs: string | undefined): ConversationRef {
  return threadTs === undefined ? { id: channel, kind: 'recent' } : { id: `${channel}:${threadTs}`, kind: 'thread' };
}

/**
 * Answers a question from a mention or a DM. When anything fails, the asker gets a short error
 * with a reference instead of silence, and the error is logged with the same reference.
 */
export function answerMessage(question: IncomingQuestion, say: SayFn, deps: SlackDeps): Promise<void> {
  return deps.assistant.track(answer(question, say, deps));
}

async function answer(question: IncomingQuestion, say: SayFn, deps: SlackDeps): Promise<void> {
  const thread = question.threadTs === undefined ? {} : { thread_ts: question.threadTs };
  let questionId = 'unknown';
  try {
    const outcome = await deps.assistant.ask({
      platform: 'slack',
      userId: question.user ?? 'unknown',
      channelKind: question.channelKind,
      question: question.text,
      audience: 'internal',
      conversation: question.conversation,
    });
    questionId = outcome.questionId;
    const reply = outcome.kind === 'answer' ? renderSlackAnswer(outcome.answer, outcome.questionId) : renderSlackNotice(outcome.message);
    // Which knowledge answered, in the message's JSON (Slack message metadata), for operators and tests.
    const metadata =
      outcome.kind === 'answer'
        ? { metadata: { event_type: 'apo_answer', event_payload: { question_id: outcome.questionId, knowledge_version: outcome.knowledgeVersion, snapshot_version: outcome.answer.snapshotVersion } } }
        : {};
    await say({ ...reply, ...thread, ...metadata, unfurl_links: false, unfurl_media: false });
  } catch (error) {
    deps.logger.error({ err: error, questionId, channelKind: question.channelKind }, 'slack question failed');
    try {
      await say({ text: apologyText(questionId), ...thread });
    } catch (second) {
      deps.logger.error({ err: second, questionId }, 'slack error reply failed too');
    }
  }
}
