import { z } from 'zod';
import { listFromEnv, type AdapterConfigResult } from '../../src/adapter.js';

export interface DiscordConfig {
  readonly token: string;
  readonly applicationId: string;
  /** Commands are registered in this guild only (instant updates) instead of globally. */
  readonly guildId: string | undefined;
  /** REST base URL (a proxy, or a local stand-in in tests); Discord's own when undefined. */
  readonly apiUrl: string | undefined;
  /** Roles and users allowed to `/reload`, besides members with the Manage Server permission. */
  readonly adminRoleIds: ReadonlySet<string>;
  readonly adminUserIds: ReadonlySet<string>;
}

const SNOWFLAKE = /^\d{17,20}$/;
const snowflake = (name: string, missing?: string) =>
  z.string({ error: (i) => (i.input === undefined ? missing : undefined) }).regex(SNOWFLAKE, { error: (i) => `${name} must be a Discord id (17 to 20 digits), got "${String(i.input)}"` });

const schema = z.object({
  DISCORD_TOKEN: z.string().regex(/^[\w-]+\.[\w-]+\.[\w-]+$/, { error: 'DISCORD_TOKEN does not look like a bot token (three parts separated by dots)' }),
  DISCORD_APPLICATION_ID: snowflake(
    'DISCORD_APPLICATION_ID',
    'DISCORD_APPLICATION_ID is missing (Developer Portal → your app → General Information → Application ID)',
  ),
  DISCORD_GUILD_ID: snowflake('DISCORD_GUILD_ID').optional(),
  DISCORD_API_URL: z.url({ error: (i) => `DISCORD_API_URL must be a URL like https://discord.com/api, got "${String(i.input)}"` }).optional(),
  DISCORD_ADMIN_ROLE_IDS: z.string().optional(),
  DISCORD_ADMIN_USER_IDS: z.string().optional(),
});

/** Reads the Discord settings; the adapter is enabled by DISCORD_TOKEN. Every problem is reported at once. */
export function readDiscordConfig(env: NodeJS.ProcessEnv): AdapterConfigResult<DiscordConfig> {
  const present = Object.fromEntries(Object.entries(env).filter(([key, value]) => key.startsWith('DISCORD_') && value?.trim()));
  if (present.DISCORD_TOKEN === undefined) {
    const stray = Object.keys(present);
    return {
      config: undefined,
      problems: stray.length > 0 ? [`${stray.join(', ')} ${stray.length > 1 ? 'are' : 'is'} set but DISCORD_TOKEN is not`] : [],
    };
  }
  const parsed = schema.safeParse(present);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => issue.message);
  const ids = (name: string, value: string | undefined): { set: Set<string>; problems: string[] } => {
    const list = listFromEnv(value);
    return { set: new Set(list), problems: list.filter((id) => !SNOWFLAKE.test(id)).map((id) => `${name} has "${id}", which is not a Discord id`) };
  };
  const roles = ids('DISCORD_ADMIN_ROLE_IDS', present.DISCORD_ADMIN_ROLE_IDS);
  const users = ids('DISCORD_ADMIN_USER_IDS', present.DISCORD_ADMIN_USER_IDS);
  problems.push(...roles.problems, ...users.problems);
  if (!parsed.success || problems.length > 0) return { config: undefined, problems };
  const values = parsed.data;
  return {
    config: Object.freeze({
      token: values.DISCORD_TOKEN,
      applicationId: values.DISCORD_APPLICATION_ID,
      guildId: values.DISCORD_GUILD_ID,
      apiUrl: values.DISCORD_API_URL,
      adminRoleIds: roles.set,
      adminUserIds: users.set,
    }),
    problems: [],
  };
}
