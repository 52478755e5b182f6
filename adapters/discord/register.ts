import { OAuth2Scopes, PermissionFlagsBits, REST, Routes } from 'discord.js';
import { COMMANDS } from './commands/index.js';
import type { DiscordConfig } from './config.js';

/** What the bot needs in a channel: see it, answer (also in threads), embed, and reply. */
export const BOT_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.SendMessagesInThreads |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.ReadMessageHistory;

export interface Registration {
  readonly names: readonly string[];
  /** The guild the commands were registered in, or undefined for global registration. */
  readonly guildId: string | undefined;
}

/**
 * Registers the slash commands, replacing whatever was registered before: in one guild when
 * DISCORD_GUILD_ID is set (they appear at once), otherwise globally.
 */
export async function registerCommands(config: DiscordConfig, rest: REST = restFor(config)): Promise<Registration> {
  const body = [...COMMANDS.values()].map((command) => command.data.toJSON());
  const route = config.guildId
    ? Routes.applicationGuildCommands(config.applicationId, config.guildId)
    : Routes.applicationCommands(config.applicationId);
  await rest.put(route, { body });
  return { names: body.map((command) => command.name), guildId: config.guildId };
}

export function restFor(config: DiscordConfig): REST {
  return new REST(config.apiUrl === undefined ? {} : { api: config.apiUrl }).setToken(config.token);
}

/** The link that adds the bot to a server, with the scopes and permissions it needs. */
export function inviteUrl(config: DiscordConfig): string {
  const params = new URLSearchParams({
    client_id: config.applicationId,
    scope: [OAuth2Scopes.Bot, OAuth2Scopes.ApplicationsCommands].join(' '),
    permissions: BOT_PERMISSIONS.toString(),
  });
  return `https://discord.com/oauth2/authorize?${params.toString()}`;
}
