import { MessageFlags, SlashCommandBuilder } from 'discord.js';
import { parseDuration } from '../../../src/insight/stats.js';
import { NO_MENTIONS, renderDiscordInsight } from '../render.js';
import type { Command } from './command.js';
import { allowAdmin } from './reload.js';

/** `/stats [since]`: questions asked, share answered, top topics and declined questions, privately. For admins. */
export const stats = {
  data: new SlashCommandBuilder()
    .setName('stats')
    .setDescription('What people ask, and what the bot could not answer (admins only)')
    .addStringOption((option) => option.setName('since').setDescription('How far back, like 7d or 24h (default: everything)')),
  async execute(interaction, deps) {
    if (!(await allowAdmin(interaction, deps, 'stats'))) return;
    const period = interaction.options.getString('since');
    let since: Date | undefined;
    try {
      since = period ? new Date(Date.now() - parseDuration(period)) : undefined;
    } catch (error) {
      await interaction.reply({ content: (error as Error).message, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
      return;
    }
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    await interaction.editReply({ embeds: [renderDiscordInsight(await deps.assistant.insight(since))], allowedMentions: NO_MENTIONS });
  },
} satisfies Command;
