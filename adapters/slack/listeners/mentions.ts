import type { App } from '@slack/bolt';
import type { SlackDeps } from '../deps.js';
import { questionFromMessage } from '../render.js';
import { claimAndAnswer, slackConversation } from './answerMessage.js';

/**
 * `@apo-bot question` in a channel: answered in a thread under the question, and that thread
 * becomes a conversation (see threadReplies.ts for the replies that follow without a mention).
 */
export function registerMentions(app: App, deps: SlackDeps): void {
  app.event('app_mention', async ({ event, context, say, client }) => {
    if (event.bot_id || event.subtype || (event.user && event.user === context.botUserId)) return;
    if (deps.config.channels && !deps.config.channels.has(event.channel)) {
      deps.logger.debug({ channel: event.channel }, 'mention in a channel outside SLACK_CHANNELS ignored');
      return;
    }
    const threadTs = event.thread_ts ?? event.ts;
    const answered = await claimAndAnswer(
      {
        text: questionFromMessage(event.text, context.botUserId),
        user: event.user,
        channel: event.channel,
        channelKind: 'channel',
        threadTs,
        conversation: slackConversation(event.channel, threadTs),
        ts: event.ts,
      },
      say,
      client,
      deps,
    );
    if (!answered) deps.logger.info({ retryNum: context.retryNum, retryReason: context.retryReason }, 'repeated slack delivery ignored');
  });
}
