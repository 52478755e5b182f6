import { randomUUID } from 'node:crypto';
import { Events, type Client, type Message } from 'discord.js';
import type { DiscordDeps } from '../deps.js';
import { apologyText } from '../../../src/replyText.js';
import { NO_MENTIONS, questionFromMessage, renderDiscordAnswer, voteRow } from '../render.js';

/**
 * Mentions and direct messages, answered as replies. Neither needs the privileged Message Content
 * intent: Discord includes the content of messages that mention the bot and of DMs.
 */
export function registerMessages(client: Client<true>, deps: DiscordDeps): void {
  client.on(Events.MessageCreate, (message) => {
    void deps.assistant.track(handle(client, message, deps));
  });
}

async function handle(client: Client<true>, message: Message, deps: DiscordDeps): Promise<void> {
  if (message.author.bot || message.author.id === client.user.id || message.system) return;
  const inDm = !message.inGuild();
  // @everyone and role mentions are not questions for the bot; only a mention of the bot itself is.
  const mentioned = message.mentions.users.has(client.user.id);
  if (!inDm && !mentioned) return;

  let questionId = randomUUID().slice(0, 8);
  const logger = deps.logger.child({ channelKind: inDm ? 'dm' : 'guild', via: 'message' });
  try {
    const outcome = deps.assistant.ask({
      platform: 'discord',
      userId: message.author.id,
      channelKind: inDm ? 'dm' : 'channel',
      question: questionFromMessage(message.content, client.user.id),
      audience: 'public',
    });
    questionId = outcome.questionId;
    await message.reply(
      outcome.kind === 'answer'
        ? {
            embeds: [renderDiscordAnswer(outcome.answer)],
            components: outcome.answer.answered ? [voteRow(outcome.questionId)] : [],
            allowedMentions: NO_MENTIONS,
          }
        : { content: outcome.message, allowedMentions: NO_MENTIONS },
    );
  } catch (error) {
    logger.error({ err: error, questionId }, 'discord message failed');
    await message.reply({ content: apologyText(questionId), allowedMentions: NO_MENTIONS }).catch((second: unknown) => {
      logger.error({ err: second }, 'discord error reply failed too');
    });
  }
}
