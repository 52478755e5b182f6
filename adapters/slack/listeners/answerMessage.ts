import type { SayFn, webApi } from '@slack/bolt';
import type { ConversationRef } from '../../../src/conversations.js';
import { apologyText } from '../../../src/replyText.js';
import type { Claim } from '../../../src/store/types.js';
import { messageKey, type SlackDeps } from '../deps.js';
import { renderSlackAnswer, renderSlackNotice } from '../render.js';
import { answeredBefore } from './answeredBefore.js';

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
  /** The question message's timestamp: with the channel, the event's claim key. */
  readonly ts: string;
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
 * Claims the question (once across deliveries and replicas) and answers it; resolves whether
 * this replica handled it. When anything fails, the asker gets a short error with a reference
 * instead of silence, and the error is logged with the same reference. Every reply carries the claim key in its message metadata: a replica
 * that takes the question over from one that died mid-answer first looks for that reply, with
 * `client`, and posts only when there is none.
 */
export function claimAndAnswer(question: IncomingQuestion, say: SayFn, client: webApi.WebClient, deps: SlackDeps): Promise<boolean> {
  const key = messageKey(question.channel, question.ts);
  return deps.claims.once(key, (claim) =>
    deps.assistant.track(
      (async () => {
        if (claim.takenOver && (await answeredBefore(client, { channel: question.channel, threadTs: question.threadTs, eventTs: question.ts }, key, deps.logger))) {
          deps.logger.info({ eventKey: key }, 'taken-over question was answered by the replica that died: not answered again');
          return;
        }
        await answer(question, say, deps, claim);
      })(),
    ),
  );
}

async function answer(question: IncomingQuestion, say: SayFn, deps: SlackDeps, claim: Claim): Promise<void> {
  const thread = question.threadTs === undefined ? {} : { thread_ts: question.threadTs };
  const eventKey = messageKey(question.channel, question.ts);
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
    // The event key on every reply: a replica taking the question over looks for it.
    const metadata: { metadata: { event_type: string; event_payload: Record<string, string | number> } } =
      outcome.kind === 'answer'
        ? {
            metadata: {
              event_type: 'apo_answer',
              event_payload: { question_id: outcome.questionId, event_key: eventKey, knowledge_version: outcome.knowledgeVersion, snapshot_version: outcome.answer.snapshotVersion },
            },
          }
        : { metadata: { event_type: 'apo_notice', event_payload: { question_id: outcome.questionId, event_key: eventKey } } };
    if (!(await claim.stillMine())) return;
    await say({ ...reply, ...thread, ...metadata, unfurl_links: false, unfurl_media: false });
  } catch (error) {
    deps.logger.error({ err: error, questionId, channelKind: question.channelKind }, 'slack question failed');
    try {
      await say({ text: apologyText(questionId), ...thread, metadata: { event_type: 'apo_notice', event_payload: { question_id: questionId, event_key: eventKey } } });
    } catch (second) {
      deps.logger.error({ err: second, questionId }, 'slack error reply failed too');
    }
  }
}
