import { MessageFlags, SlashCommandBuilder } from 'discord.js';
import { NO_MENTIONS, renderDiscordAnswer, voteRow } from '../render.js';
import type { Command } from './command.js';

/** `/ask question:<text>`: answered publicly in the channel. Discord users are outside contacts: public articles only. */
export const ask = {
  data: new SlashCommandBuilder()
    .setName('ask')
    .setDescription('Ask about APO programmes for SMEs')
    .addStringOption((option) => option.setName('question').setDescription('Your question').setRequired(true)),
  async execute(interaction, { assistant }) {
    const outcome = assistant.ask({
      platform: 'discord',
      userId: interaction.user.id,
      channelKind: interaction.inGuild() ? 'command' : 'dm-command',
      question: interaction.options.getString('question', true),
      audience: 'public',
    });
    if (outcome.kind !== 'answer') {
      await interaction.reply({ content: outcome.message, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
      return;
    }
    await interaction.reply({
      embeds: [renderDiscordAnswer(outcome.answer)],
      components: outcome.answer.answered ? [voteRow(outcome.questionId)] : [],
      allowedMentions: NO_MENTIONS,
    });
  },
} satisfies Command;
