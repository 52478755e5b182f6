import { MessageFlags, SlashCommandBuilder } from 'discord.js';
import { NO_MENTIONS, renderDiscordHelp } from '../render.js';
import type { Command } from './command.js';

/** `/help`: usage, visible to the asker only. */
export const help = {
  data: new SlashCommandBuilder().setName('help').setDescription('How to use apo-bot'),
  async execute(interaction) {
    await interaction.reply({ embeds: [renderDiscordHelp()], flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
  },
} satisfies Command;
