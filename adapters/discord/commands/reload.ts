import { MessageFlags, PermissionFlagsBits, SlashCommandBuilder, type ChatInputCommandInteraction } from 'discord.js';
import type { DiscordDeps } from '../deps.js';
import { NO_MENTIONS, renderDiscordReloadReport } from '../render.js';
import type { Command } from './command.js';

/**
 * `/reload [dry_run]`: re-reads the knowledge base through the engine's atomic reload and reports,
 * privately; a dry run only says what would change. For admins (see `isAdmin`).
 */
export const reload = {
  data: new SlashCommandBuilder()
    .setName('reload')
    .setDescription('Re-read the knowledge base (admins only)')
    .addBooleanOption((option) => option.setName('dry_run').setDescription('Only show what a reload would change')),
  async execute(interaction, deps) {
    if (!(await allowAdmin(interaction, deps, 'reload'))) return;
    // Reading the folder can take longer than Discord's three seconds: acknowledge first.
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const report = await deps.assistant.reload({ dryRun: interaction.options.getBoolean('dry_run') ?? false }, `discord ${interaction.user.id}`);
    deps.logger.info({ userId: interaction.user.id, applied: report.applied, dryRun: report.dryRun, errors: report.errors.length, replicas: report.replicas }, 'discord reload');
    await interaction.editReply({ embeds: [renderDiscordReloadReport(report)], allowedMentions: NO_MENTIONS });
  },
} satisfies Command;

/** Server managers, and the roles and users configured as admins. */
export function isAdmin(interaction: ChatInputCommandInteraction, { config }: DiscordDeps): boolean {
  if (config.adminUserIds.has(interaction.user.id)) return true;
  if (interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) return true;
  const roles = interaction.member?.roles;
  const roleIds = Array.isArray(roles) ? roles : roles ? [...roles.cache.keys()] : [];
  return roleIds.some((id) => config.adminRoleIds.has(id));
}

/** True for an admin; otherwise refuses privately, logs the attempt, and returns false. */
export async function allowAdmin(interaction: ChatInputCommandInteraction, deps: DiscordDeps, command: string): Promise<boolean> {
  if (isAdmin(interaction, deps)) return true;
  deps.logger.warn({ userId: interaction.user.id, guildId: interaction.guildId, command }, `discord ${command} refused: not an admin`);
  await interaction.reply({
    content: `Sorry, only server managers and knowledge base admins can use /${command}.`,
    flags: MessageFlags.Ephemeral,
    allowedMentions: NO_MENTIONS,
  });
  return false;
}
