import { PassThrough } from 'node:stream';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDiscordConfig } from '../adapters/discord/config.js';
import { readSlackConfig } from '../adapters/slack/config.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';

describe('loadConfig', () => {
  it('uses the shipped knowledge and sensible defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      logLevel: 'info',
      logLevelSet: false,
      logPretty: undefined,
      maxQuestionLength: 500,
      questionLog: true,
      questionLogText: true,
      rateLimitPerMinute: 10,
      knowledgeWatch: false,
      healthPort: 8080,
      shutdownTimeoutMs: 10_000,
    });
    expect(config.dataDir).toBe(path.resolve(import.meta.dirname, '..', 'data'));
    expect(config.knowledgeDir).toBe(path.resolve(import.meta.dirname, '..', 'knowledge'));
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads the operations settings', () => {
    expect(
      loadConfig({ DATA_DIR: '/var/apo', QUESTION_LOG_TEXT: 'false', RATE_LIMIT_PER_MINUTE: '0', KNOWLEDGE_WATCH: 'true', HEALTH_PORT: '9090' }),
    ).toMatchObject({ dataDir: '/var/apo', questionLogText: false, rateLimitPerMinute: 0, knowledgeWatch: true, healthPort: 9090 });
    expect(() => loadConfig({ HEALTH_PORT: '70000' })).toThrow('HEALTH_PORT must be from 0 to 65535, got 70000');
  });

  it('reads every variable, treating empty values as unset', () => {
    const config = loadConfig({ KNOWLEDGE_DIR: 'kb', LOG_LEVEL: 'debug', LOG_PRETTY: 'no', MAX_QUESTION_LENGTH: '500', OTHER: '' });
    expect(config).toMatchObject({ knowledgeDir: path.resolve('kb'), logLevel: 'debug', logLevelSet: true, logPretty: false, maxQuestionLength: 500 });
    expect(loadConfig({ LOG_LEVEL: '  ' }).logLevelSet).toBe(false);
  });

  it('gives one clear message per bad value', () => {
    let error: unknown;
    try {
      loadConfig({ LOG_LEVEL: 'loud', LOG_PRETTY: 'maybe', MAX_QUESTION_LENGTH: 'ten' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent; got "loud"',
      'LOG_PRETTY must be true or false, got "maybe"',
      'MAX_QUESTION_LENGTH must be a number, got "ten"',
    ]);
  });

  it('keeps the index cache in DATA_DIR/index-cache unless INDEX_CACHE is off', () => {
    expect(loadConfig({ DATA_DIR: '/var/apo' }).indexCacheDir).toBe(path.resolve('/var/apo', 'index-cache'));
    expect(loadConfig({ DATA_DIR: '/var/apo', INDEX_CACHE: 'on' }).indexCacheDir).toBe(path.resolve('/var/apo', 'index-cache'));
    expect(loadConfig({ INDEX_CACHE: 'off' }).indexCacheDir).toBeUndefined();
    expect(loadConfig({ INDEX_CACHE: 'false' }).indexCacheDir).toBeUndefined();
    expect(() => loadConfig({ INDEX_CACHE: 'disabled' })).toThrow('INDEX_CACHE must be on or off, got "disabled"');
  });

  it('refuses lengths out of range', () => {
    expect(() => loadConfig({ MAX_QUESTION_LENGTH: '0' })).toThrow('MAX_QUESTION_LENGTH must be from 1 to 100000, got 0');
    expect(() => loadConfig({ MAX_QUESTION_LENGTH: '2.5' })).toThrow('MAX_QUESTION_LENGTH must be a whole number, got "2.5"');
  });
});

describe('readDiscordConfig', () => {
  it('reports every problem at once, not the token only after the application id is fixed', () => {
    expect(readDiscordConfig({ DISCORD_TOKEN: 'abc' }).problems).toEqual([
      'DISCORD_TOKEN does not look like a bot token (three parts separated by dots)',
      'DISCORD_APPLICATION_ID is missing (Developer Portal → your app → General Information → Application ID)',
    ]);
    expect(readDiscordConfig({ DISCORD_TOKEN: 'abc', DISCORD_GUILD_ID: 'G1', DISCORD_ADMIN_USER_IDS: 'me' }).problems).toEqual([
      'DISCORD_TOKEN does not look like a bot token (three parts separated by dots)',
      'DISCORD_APPLICATION_ID is missing (Developer Portal → your app → General Information → Application ID)',
      'DISCORD_GUILD_ID must be a Discord id (17 to 20 digits), got "G1"',
      'DISCORD_ADMIN_USER_IDS has "me", which is not a Discord id',
    ]);
  });
});

describe('readSlackConfig', () => {
  it('does not suggest SLACK_APP_TOKEN when SLACK_MODE=http was chosen', () => {
    const { problems } = readSlackConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_MODE: 'http' });
    expect(problems).toEqual(['SLACK_MODE=http needs SLACK_SIGNING_SECRET (Basic Information → App Credentials → Signing Secret)']);
  });

  it('suggests Socket Mode when no mode was chosen', () => {
    expect(readSlackConfig({ SLACK_BOT_TOKEN: 'xoxb-1' }).problems).toEqual([
      'HTTP mode needs SLACK_SIGNING_SECRET (or set SLACK_APP_TOKEN for Socket Mode)',
    ]);
  });

  it('reports every problem at once', () => {
    expect(readSlackConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_MODE: 'socket', SLACK_APP_TOKEN: 'xoxb-2', PORT: 'x' }).problems).toEqual([
      'SLACK_APP_TOKEN must be an app-level token starting with "xapp-"',
      'PORT must be a number, got "x"',
    ]);
    expect(readSlackConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_MODE: 'http', PORT: 'x' }).problems).toEqual([
      'PORT must be a number, got "x"',
      'SLACK_MODE=http needs SLACK_SIGNING_SECRET (Basic Information → App Credentials → Signing Secret)',
    ]);
  });
});

describe('createLogger', () => {
  const capture = () => {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
    return { stream, text: () => text };
  };

  it.each(['trace', 'info', 'error'] as const)('never writes a token or secret (level %s)', (level) => {
    const out = capture();
    const logger = createLogger({ level: 'trace', pretty: false, destination: out.stream });
    const secrets = { token: 'xoxb-1111', botToken: 'xoxb-2222', signingSecret: 's3cr3t', DISCORD_TOKEN: 'mfa.abc' };
    logger[level]({ ...secrets, config: { ...secrets }, headers: { authorization: 'Bearer xoxb-3333' } }, 'starting');
    logger.child({ module: 'slack' })[level]({ options: { appToken: 'xapp-4444' } }, 'connected');
    expect(out.text()).toContain('starting');
    expect(out.text()).toContain('[redacted]');
    for (const secret of ['xoxb-1111', 'xoxb-2222', 's3cr3t', 'mfa.abc', 'xoxb-3333', 'xapp-4444']) {
      expect(out.text()).not.toContain(secret);
    }
  });

  it.each([
    ['a Discord interaction callback', 'https://discord.com/api/v10/interactions/1290000000000009999/aW50ZXJhY3Rpb246MTI5secret/callback'],
    ['a Discord interaction webhook', 'https://discord.com/api/v10/webhooks/1290000000000000001/aW50ZXJhY3Rpb246MTI5secret/messages/@original'],
    ['a Slack response_url', 'https://hooks.slack.com/commands/T0001/1234567890/aW50ZXJhY3Rpb246MTI5secret'],
    ['a Slack incoming webhook', 'https://hooks.slack.com/services/T0001/B0001/aW50ZXJhY3Rpb246MTI5secret'],
  ])('never writes the token in %s of a logged error', (_, url) => {
    const out = capture();
    const logger = createLogger({ level: 'info', pretty: false, destination: out.stream });
    // The shape of discord.js's DiscordAPIError: the URL as a property, and often in the message too.
    const error = Object.assign(new Error(`Unknown interaction at ${url}`), { url, method: 'POST', requestBody: { files: [] } });
    logger.error({ err: error }, 'discord command failed');
    logger.child({ module: 'discord' }).error({ err: { cause: error } }, 'nested');
    logger.warn(`request to ${url} failed`);
    expect(out.text()).toContain('discord command failed');
    expect(out.text()).not.toContain('aW50ZXJhY3Rpb246MTI5secret');
    expect(out.text()).toContain('[redacted]');
  });

  it('writes JSON lines when not pretty, at the configured level', () => {
    const out = capture();
    const logger = createLogger({ level: 'warn', pretty: false, destination: out.stream });
    logger.info({}, 'hidden');
    logger.warn({ answered: false }, 'shown');
    const lines = out.text().trim().split('\n').map((line) => JSON.parse(line));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: 'shown', answered: false, level: 40 });
  });
});
