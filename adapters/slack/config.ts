import { z } from 'zod';
import { listFromEnv, type AdapterConfigResult } from '../../src/adapter.js';
import { wholeNumber } from '../../src/config.js';

export interface SlackConfig {
  /** Socket Mode needs no public URL; HTTP mode listens for Slack's requests on `port`. */
  readonly mode: 'socket' | 'http';
  readonly botToken: string;
  readonly appToken: string | undefined;
  readonly signingSecret: string | undefined;
  readonly port: number;
  readonly host: string;
  /** Web API base URL (GovSlack, tests); Slack's own when undefined. */
  readonly apiUrl: string | undefined;
  /** Users who may run `/apo reload`. */
  readonly adminUserIds: ReadonlySet<string>;
  /** When set, mentions are answered in these channels only (DMs always). */
  readonly channels: ReadonlySet<string> | undefined;
  /** Slash-command answers only the asker sees. */
  readonly privateReplies: boolean;
  /**
   * Replies in a thread where the bot has answered are answered without a new mention (needs the
   * `message.channels` / `message.groups` events). Default true.
   */
  readonly threadFollowUps: boolean;
}

const schema = z.object({
  SLACK_BOT_TOKEN: z.string().startsWith('xoxb-', { error: 'SLACK_BOT_TOKEN must be a bot token starting with "xoxb-"' }),
  SLACK_APP_TOKEN: z
    .string()
    .startsWith('xapp-', { error: 'SLACK_APP_TOKEN must be an app-level token starting with "xapp-"' })
    .optional(),
  SLACK_SIGNING_SECRET: z.string().optional(),
  SLACK_MODE: z.enum(['socket', 'http'], { error: (i) => `SLACK_MODE must be "socket" or "http", got "${String(i.input)}"` }).optional(),
  PORT: wholeNumber('PORT', 0, 65_535).optional(),
  HOST: z.string().optional(),
  SLACK_API_URL: z
    .url({ error: (i) => `SLACK_API_URL must be a URL like https://slack.com/api/, got "${String(i.input)}"` })
    .optional(),
  SLACK_ADMIN_USER_IDS: z.string().optional(),
  SLACK_CHANNELS: z.string().optional(),
  SLACK_PRIVATE_REPLIES: z
    .enum(['true', 'false'], { error: (i) => `SLACK_PRIVATE_REPLIES must be true or false, got "${String(i.input)}"` })
    .optional(),
  SLACK_THREAD_FOLLOWUPS: z
    .enum(['true', 'false'], { error: (i) => `SLACK_THREAD_FOLLOWUPS must be true or false, got "${String(i.input)}"` })
    .optional(),
});

/**
 * Reads the Slack settings. The adapter is enabled by SLACK_BOT_TOKEN; the mode is SLACK_MODE,
 * or Socket Mode when SLACK_APP_TOKEN is set, else HTTP mode. Each mode's own secret is required.
 */
export function readSlackConfig(env: NodeJS.ProcessEnv): AdapterConfigResult<SlackConfig> {
  const present = Object.fromEntries(
    Object.entries(env).filter(([key, value]) => (key.startsWith('SLACK_') || key === 'PORT' || key === 'HOST') && value?.trim()),
  );
  if (present.SLACK_BOT_TOKEN === undefined) {
    const stray = Object.keys(present).filter((key) => key.startsWith('SLACK_'));
    return {
      config: undefined,
      problems: stray.length > 0 ? [`${stray.join(', ')} ${stray.length > 1 ? 'are' : 'is'} set but SLACK_BOT_TOKEN is not`] : [],
    };
  }
  const parsed = schema.safeParse(present);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => issue.message);
  // The mode's own secret is checked even when other values are bad, so every problem is listed at once.
  const chosenMode = present.SLACK_MODE === 'socket' || present.SLACK_MODE === 'http' ? present.SLACK_MODE : undefined;
  const appToken = present.SLACK_APP_TOKEN;
  const mode = chosenMode ?? (appToken ? 'socket' : 'http');
  if (mode === 'socket' && !appToken) problems.push('Socket Mode needs SLACK_APP_TOKEN (an xapp- token)');
  if (mode === 'http' && !present.SLACK_SIGNING_SECRET) {
    problems.push(
      chosenMode === 'http'
        ? 'SLACK_MODE=http needs SLACK_SIGNING_SECRET (Basic Information → App Credentials → Signing Secret)'
        : 'HTTP mode needs SLACK_SIGNING_SECRET (or set SLACK_APP_TOKEN for Socket Mode)',
    );
  }
  if (!parsed.success || problems.length > 0) return { config: undefined, problems };
  const values = parsed.data;
  const channels = listFromEnv(values.SLACK_CHANNELS);
  return {
    config: Object.freeze({
      mode,
      botToken: values.SLACK_BOT_TOKEN,
      appToken: values.SLACK_APP_TOKEN,
      signingSecret: values.SLACK_SIGNING_SECRET,
      port: values.PORT ?? 3000,
      host: values.HOST ?? '0.0.0.0',
      apiUrl: values.SLACK_API_URL,
      adminUserIds: new Set(listFromEnv(values.SLACK_ADMIN_USER_IDS)),
      channels: channels.length > 0 ? new Set(channels) : undefined,
      privateReplies: values.SLACK_PRIVATE_REPLIES === 'true',
      threadFollowUps: values.SLACK_THREAD_FOLLOWUPS !== 'false',
    }),
    problems: [],
  };
}
