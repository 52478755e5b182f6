import type { App } from '@slack/bolt';
import type { SlackDeps } from '../deps.js';
import { questionFromMessage } from '../render.js';
import { claimAndAnswer, slackConversation } from './answerMessage.js';

/**
 * A reply in a channel thread where the bot has answered lately: answered in the thread, read
 * with the thread's earlier turns, without a new mention. Every other channel message (top-level
 * chatter, threads the bot is not part of) is left alone, and nothing of it is logged. Replies
 * that mention the bot are the mention listener's: Slack sends those as `app_mention` too.
 */
export function registerThreadReplies(app: App, deps: SlackDeps): void {
  if (!deps.config.threadFollowUps) return;
  app.message(async ({ message, context, say, client }) => {
    if (message.channel_type !== 'channel' && message.channel_type !== 'group') return;
    if (message.subtype !== undefined || message.thread_ts === undefined) return;
    if (message.bot_id || message.user === context.botUserId) return;
    const text = message.text ?? '';
    if (context.botUserId !== undefined && mentions(text, context.botUserId)) return;
    if (deps.config.channels && !deps.config.channels.has(message.channel)) return;
    const conversation = slackConversation(message.channel, message.thread_ts);
    if (!deps.assistant.inConversation('slack', 'internal', conversation)) return;
    const answered = await claimAndAnswer(
      {
        text: questionFromMessage(text, context.botUserId),
        user: message.user,
        channel: message.channel,
        channelKind: 'thread',
        threadTs: message.thread_ts,
        conversation,
        ts: message.ts,
      },
      say,
      client,
      deps,
    );
    if (!answered) deps.logger.info({ retryNum: context.retryNum, retryReason: context.retryReason }, 'repeated slack delivery ignored');
  });
}

/** Whether the text mentions the bot, as Slack writes a mention: `<@U123>` or `<@U123|name>`. */
function mentions(text: string, botUserId: string): boolean {
  return text.includes(`<@${botUserId}>`) || text.includes(`<@${botUserId}|`);
}
