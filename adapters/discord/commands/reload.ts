import { MessageFlags, PermissionFlagsBits, SlashCommandBuilder, type ChatInputCommandInteraction } from 'discord.js';
import type { DiscordDeps } from '../deps.js';
import { NO_MENTIONS, renderDiscordReloadReport } from '../render.js';
import type { Command } from './command.js';

/**
 * `/reload`: re-reads the knowledge base through the engine's atomic reload and reports, privately.
 * Allowed to members who may manage the server, and to the configured admin roles and users.
 */
export const reload = {
  data: new SlashCommandBuilder().setName('reload').setDescription('Re-read the knowledge base (admins only)'),
  async execute(interaction, deps) {
    if (!isAdmin(interaction, deps)) {
      deps.logger.warn({ userId: interaction.user.id, guildId: interaction.guildId }, 'discord reload refused: not an admin');
      await interaction.reply({
        content: 'Sorry, only server managers and knowledge base admins can reload it.',
        flags: MessageFlags.Ephemeral,
        allowedMentions: NO_MENTIONS,
      });
      return;
    }
    // Reading the folder can take longer than Discord's three seconds: acknowledge first.
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const report = await deps.engine.reload();
    deps.logger.info({ userId: interaction.user.id, applied: report.applied, errors: report.errors.length }, 'discord reload');
    await interaction.editReply({ embeds: [renderDiscordReloadReport(report)], allowedMentions: NO_MENTIONS });
  },
} satisfies Command;

export function isAdmin(interaction: ChatInputCommandInteraction, { config }: DiscordDeps): boolean {
  if (config.adminUserIds.has(interaction.user.id)) return true;
  if (interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) return true;
  const roles = interaction.member?.roles;
  const roleIds = Array.isArray(roles) ? roles : roles ? [...roles.cache.keys()] : [];
  return roleIds.some((id) => config.adminRoleIds.has(id));
}
