import { MessageFlags, SlashCommandBuilder } from 'discord.js';
import { NO_MENTIONS, renderDiscordAnswer, replyComponents } from '../render.js';
import type { Command } from './command.js';

/**
 * `/ask question:<text>`: answered publicly in the channel. Discord users are outside contacts:
 * public articles only. Each /ask starts a conversation of its own, which a reply to its answer
 * (pinging the bot) continues.
 */
export const ask = {
  data: new SlashCommandBuilder()
    .setName('ask')
    .setDescription('Ask about APO programmes for SMEs')
    .addStringOption((option) => option.setName('question').setDescription('Your question').setRequired(true)),
  async execute(interaction, { assistant, threads }) {
    const outcome = await assistant.ask({
      platform: 'discord',
      userId: interaction.user.id,
      channelKind: interaction.inGuild() ? 'command' : 'dm-command',
      question: interaction.options.getString('question', true),
      audience: 'public',
      conversation: { id: interaction.id, kind: 'thread' },
    });
    if (outcome.kind !== 'answer') {
      await interaction.reply({ content: outcome.message, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
      return;
    }
    const response = await interaction.reply({
      embeds: [renderDiscordAnswer(outcome.answer)],
      components: replyComponents(outcome.answer, outcome.questionId),
      allowedMentions: NO_MENTIONS,
      withResponse: true,
    });
    const answerId = response.resource?.message?.id;
    if (answerId !== undefined) threads.remember(answerId, interaction.id);
  },
} satisfies Command;
