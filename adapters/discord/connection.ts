import { networkCode, type ConnectFailure } from '../../src/adapter.js';
import type { DiscordConfig } from './config.js';

export const DISCORD_API_DEFAULT_URL = 'https://discord.com/api';

/**
 * What a failed Discord call made while connecting (registering the commands, logging in) means.
 * Undefined for an error that is none of Discord's answers and no network failure.
 */
export function classifyDiscordError(error: unknown, config: Pick<DiscordConfig, 'apiUrl' | 'guildId'>): ConnectFailure | undefined {
  const url = config.apiUrl ?? DISCORD_API_DEFAULT_URL;
  const { code, status, message } = (error ?? {}) as { code?: unknown; status?: unknown; message?: unknown };
  // discord.js's login turns a 401 from GET /gateway/bot into TokenInvalid.
  if (code === 'TokenInvalid' || status === 401) {
    return { kind: 'rejected', code: 401, setting: 'DISCORD_TOKEN', summary: 'Discord rejected DISCORD_TOKEN (401 Unauthorized)' };
  }
  if (typeof status === 'number') {
    const what = `${status}${typeof code === 'number' && code !== 0 ? ` code ${code}` : ''}: ${String(message)}`;
    if (status >= 500 || status === 429 || status === 408) {
      return { kind: 'unreachable', code: status, setting: 'DISCORD_API_URL', url, summary: `Discord answered ${what} at ${url}` };
    }
    // 403 Missing Access, 404 Unknown Application/Guild: the ids, not a passing outage.
    const setting = config.guildId === undefined ? 'DISCORD_APPLICATION_ID' : 'DISCORD_APPLICATION_ID and DISCORD_GUILD_ID (is the bot in that server?)';
    return { kind: 'rejected', code: status, setting, summary: `Discord refused to register the commands (${what}): check ${setting}` };
  }
  const network = networkCode(error);
  if (network !== undefined) return { kind: 'unreachable', code: network, setting: 'DISCORD_API_URL', url, summary: `cannot reach Discord at ${url} (${network})` };
  return undefined;
}
