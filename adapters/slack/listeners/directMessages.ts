import type { App } from '@slack/bolt';
import type { SlackDeps } from '../deps.js';
import { questionFromMessage } from '../render.js';
import { claimAndAnswer, slackConversation } from './answerMessage.js';

/**
 * A direct message to the bot: answered in the DM, in the thread when it was asked in one. A
 * follow-up is read with the thread's earlier turns, or outside a thread with the DM's last
 * question and answer of the past few minutes.
 */
export function registerDirectMessages(app: App, deps: SlackDeps): void {
  app.message(async ({ message, context, say, client }) => {
    // Only plain new messages from people in a DM: not edits, deletions, joins, or bots.
    if (message.channel_type !== 'im' || message.subtype !== undefined) return;
    if (message.bot_id || message.user === context.botUserId) return;
    const answered = await claimAndAnswer(
      {
        text: questionFromMessage(message.text ?? '', context.botUserId),
        user: message.user,
        channel: message.channel,
        channelKind: 'im',
        threadTs: message.thread_ts,
        conversation: slackConversation(message.channel, message.thread_ts),
        ts: message.ts,
      },
      say,
      client,
      deps,
    );
    if (!answered) deps.logger.info({ retryNum: context.retryNum, retryReason: context.retryReason }, 'repeated slack delivery ignored');
  });
}
