import { SlashCommandBuilder } from 'discord.js';
import { NO_MENTIONS, renderDiscordAnswer } from '../render.js';
import type { Command } from './command.js';

/** `/ask question:<text>`: answered publicly in the channel. Discord users are outside contacts: public articles only. */
export const ask = {
  data: new SlashCommandBuilder()
    .setName('ask')
    .setDescription('Ask about APO programmes for SMEs')
    .addStringOption((option) => option.setName('question').setDescription('Your question').setRequired(true)),
  async execute(interaction, { engine, logger }) {
    const question = interaction.options.getString('question', true);
    const answer = engine.answer(question, { audience: 'public' });
    await interaction.reply({ embeds: [renderDiscordAnswer(answer)], allowedMentions: NO_MENTIONS });
    logger.info({ answered: answer.answered, reason: answer.decline?.reason, tookMs: answer.tookMs, via: 'slash' }, 'discord question answered');
  },
} satisfies Command;
