import { randomUUID } from 'node:crypto';
import { Events, type Client, type Message } from 'discord.js';
import { conversationFor } from '../conversations.js';
import type { DiscordDeps } from '../deps.js';
import { apologyText } from '../../../src/replyText.js';
import type { Claim } from '../../../src/store/types.js';
import { NO_MENTIONS, questionFromMessage, renderDiscordAnswer, replyComponents } from '../render.js';

/**
 * Mentions and direct messages, answered as replies. Neither needs the privileged Message Content
 * intent: Discord includes the content of messages that mention the bot and of DMs.
 *
 * A reply to one of the bot's answers is read in the context of that answer's conversation. In a
 * guild the reply must ping the bot (Discord's default for replies), which makes it a mention:
 * a reply with the ping turned off arrives without its content, as the bot lacks the Message
 * Content intent, so there is nothing to answer and it is left alone.
 */
export function registerMessages(client: Client<true>, deps: DiscordDeps): void {
  client.on(Events.MessageCreate, (message) => {
    void deps.claims.once(`discord:message:${message.id}`, (claim) =>
      deps.assistant.track(
        (async () => {
          // Taken over from a replica that died while answering it: its reply may be there already.
          if (claim.takenOver && (await repliedBefore(client, message, deps))) {
            deps.logger.info({ messageId: message.id }, 'taken-over question was answered by the replica that died: not answered again');
            return;
          }
          await handle(client, message, deps, claim);
        })(),
      ),
    );
  });
}

/**
 * Whether the bot has replied to `message` already: a message of the bot after it in the channel
 * that references it. When Discord can't be asked, no (an answer twice rather than none).
 */
async function repliedBefore(client: Client<true>, message: Message, deps: DiscordDeps): Promise<boolean> {
  try {
    const after = await message.channel.messages.fetch({ after: message.id, limit: 100 });
    return after.some((reply) => reply.author.id === client.user.id && reply.reference?.messageId === message.id);
  } catch (error) {
    deps.logger.warn({ err: error, messageId: message.id }, 'could not read the channel to see whether a replica that died had answered already: answering');
    return false;
  }
}

async function handle(client: Client<true>, message: Message, deps: DiscordDeps, claim: Claim): Promise<void> {
  if (message.author.bot || message.author.id === client.user.id || message.system) return;
  const inDm = !message.inGuild();
  // @everyone and role mentions are not questions for the bot; only a mention of the bot itself
  // is, and so is a reply to it that pings it (Discord lists the replied-to author in mentions).
  const mentioned = message.mentions.users.has(client.user.id);
  if (!inDm && !mentioned) return;

  let questionId = randomUUID().slice(0, 8);
  const repliesTo = message.reference?.messageId;
  const { conversation, alsoIn, chain } = conversationFor({ id: message.id, channelId: message.channelId, inDm, repliesTo }, deps.threads);
  const logger = deps.logger.child({ channelKind: inDm ? 'dm' : 'guild', via: 'message' });
  try {
    const outcome = await deps.assistant.ask({
      platform: 'discord',
      userId: message.author.id,
      channelKind: inDm ? 'dm' : conversation.id === message.id ? 'channel' : 'thread',
      question: questionFromMessage(message.content, client.user.id),
      audience: 'public',
      conversation,
      ...(alsoIn ? { alsoIn } : {}),
    });
    questionId = outcome.questionId;
    if (outcome.kind === 'answer' && outcome.answer.context) {
      logger.debug({ questionId, conversation: conversation.kind, reading: outcome.answer.context.kind }, 'discord question read in context');
    }
    if (!(await claim.stillMine())) return;
    const sent = await message.reply(
      outcome.kind === 'answer'
        ? {
            embeds: [renderDiscordAnswer(outcome.answer)],
            components: replyComponents(outcome.answer, outcome.questionId),
            allowedMentions: NO_MENTIONS,
          }
        : { content: outcome.message, allowedMentions: NO_MENTIONS },
    );
    // A busy or rate-limited reply took no turn: a reply to it starts afresh.
    if (outcome.kind === 'answer') deps.threads.remember(sent.id, chain);
  } catch (error) {
    logger.error({ err: error, questionId }, 'discord message failed');
    await message.reply({ content: apologyText(questionId), allowedMentions: NO_MENTIONS }).catch((second: unknown) => {
      logger.error({ err: second }, 'discord error reply failed too');
    });
  }
}
