/**
 * Credentials and connections, as an operator meets them: a token the platform rejects, a
 * platform that cannot be reached, a REST call that fails. The real command runs as a process
 * with the real Bolt app and discord.js client pointed at the local stand-ins (or at a closed
 * port / a host name that cannot resolve), never at anything off this machine.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closedPort, healthUrl, runBot, UNRESOLVABLE_HOST, type BotProcess, type LogLine } from './helpers/commandProcess.js';
import { FIXTURE_IDS, startDiscordStandIn, stringOption, type DiscordStandIn } from './support/discord/standIn.js';
import { buildAppMentionEvent, DEFAULT_SIGNING_SECRET, postSignedEvent, startSlackWebApi, type SlackWebApiStandIn } from './support/slack/index.js';
import { startSocketModeServer, type SocketModeStandIn } from './support/slack/socketModeStandIn.js';

const ERROR = 50;
const WARN = 40;

let bots: BotProcess[] = [];
let slack: SlackWebApiStandIn | undefined;
let discord: DiscordStandIn | undefined;
let socket: SocketModeStandIn | undefined;
let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'apo-data-'));
});
afterEach(async () => {
  for (const bot of bots) bot.proc.kill('SIGKILL');
  bots = [];
  await socket?.close();
  await slack?.close();
  await discord?.close();
  socket = undefined;
  slack = undefined;
  discord = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

function start(env: Record<string, string>, args = ['start']): BotProcess {
  const bot = runBot(args, { HEALTH_PORT: '0', HEALTH_HOST: '127.0.0.1', DATA_DIR: dataDir, ...env });
  bots.push(bot);
  return bot;
}

const slackEnv = (apiUrl: string, botToken: string): Record<string, string> => ({
  SLACK_BOT_TOKEN: botToken,
  SLACK_SIGNING_SECRET: DEFAULT_SIGNING_SECRET,
  SLACK_API_URL: apiUrl,
  PORT: '0',
  HOST: '127.0.0.1',
});

const discordEnv = (apiUrl: string, token: string): Record<string, string> => ({
  DISCORD_TOKEN: token,
  DISCORD_APPLICATION_ID: FIXTURE_IDS.application,
  DISCORD_GUILD_ID: FIXTURE_IDS.guild,
  DISCORD_API_URL: apiUrl,
});

/** A token of the right shape that the stand-in does not accept. */
const WRONG_SLACK_TOKEN = 'xoxb-wrong-0000-token';
const WRONG_DISCORD_TOKEN = 'MTI5MDAwMDAwMDAwMDAwMDAwMQ.wrong.this-token-was-reset-000000000000000';

/** No stack trace and nothing but JSON log lines on standard error. */
function expectNoStackTrace(bot: BotProcess): void {
  expect(bot.otherLines.filter((line) => line.trim() !== '')).toEqual([]);
  expect(bot.stderr()).not.toMatch(/\n\s+at /);
}

async function readiness(bot: BotProcess): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${await healthUrl(bot)}/readyz`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function askSlack(bot: BotProcess, api: SlackWebApiStandIn): Promise<void> {
  const { port } = (await bot.waitForLine((line) => line.msg === 'slack adapter listening')).address as { port: number };
  await postSignedEvent(`http://127.0.0.1:${port}`, buildAppMentionEvent({ text: 'kpc director name' }), { signingSecret: DEFAULT_SIGNING_SECRET });
  expect(String((await api.waitForCall('chat.postMessage')).body.text)).toContain('Taiho Kang');
}

async function askDiscord(stand: DiscordStandIn): Promise<void> {
  stand.dispatch('INTERACTION_CREATE', stand.payloads.guildChatInputInteraction({ options: [stringOption('question', 'kpc director name')] }));
  const reply = await stand.waitForRequest('POST', '/interactions/:id/:token/callback');
  expect(JSON.stringify(reply.body)).toContain('Taiho Kang');
}

const mentions = (line: LogLine, ...words: string[]): boolean => words.every((word) => JSON.stringify(line).includes(word));

describe('when Slack rejects the bot token (invalid_auth)', () => {
  it('says so in one line naming SLACK_BOT_TOKEN, stops Slack only, and Discord keeps answering', async () => {
    slack = await startSlackWebApi();
    discord = await startDiscordStandIn({ heartbeatIntervalMs: 250 });
    const bot = start({ ...slackEnv(slack.url, WRONG_SLACK_TOKEN), ...discordEnv(discord.restApiBase, discord.fixture.token) });

    const failed = await bot.waitForLine((line) => line.level === ERROR);
    expect(failed).toMatchObject({ adapter: 'slack', setting: 'SLACK_BOT_TOKEN', code: 'invalid_auth' });
    expect(String(failed.msg)).toContain('SLACK_BOT_TOKEN');
    expect(String(failed.msg)).toContain('invalid_auth');

    await bot.waitForLine((line) => line.msg === 'discord adapter ready');
    await askDiscord(discord);
    const ready = await readiness(bot);
    expect(ready.status).toBe(503);
    expect(ready.body.adapters).toEqual({ slack: expect.stringMatching(/^failed: .*invalid_auth/), discord: 'ready' });

    bot.proc.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    expect(bot.lines.filter((line) => (line.level as number) >= ERROR)).toHaveLength(1);
    expectNoStackTrace(bot);
    expect(bot.stderr()).not.toContain(WRONG_SLACK_TOKEN);
  });

  it('exits 2 with one line when Slack was the only adapter', async () => {
    slack = await startSlackWebApi();
    const bot = start(slackEnv(slack.url, WRONG_SLACK_TOKEN));
    expect(await bot.exited).toBe(2);
    const errors = bot.lines.filter((line) => (line.level as number) >= ERROR);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ setting: 'SLACK_BOT_TOKEN', code: 'invalid_auth' });
    expectNoStackTrace(bot);
  });
});

describe('in Socket Mode', () => {
  const socketEnv = (api: SlackWebApiStandIn, appToken: string): Record<string, string> => ({
    SLACK_BOT_TOKEN: api.botToken,
    SLACK_APP_TOKEN: appToken,
    SLACK_API_URL: api.url,
  });

  it('names SLACK_APP_TOKEN in one line and exits 2 when Slack rejects it', async () => {
    slack = await startSlackWebApi();
    socket = await startSocketModeServer(slack);
    const bot = start(socketEnv(slack, 'xapp-wrong-token'));
    expect(await bot.exited).toBe(2);
    const errors = bot.lines.filter((line) => (line.level as number) >= ERROR);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ adapter: 'slack', setting: 'SLACK_APP_TOKEN', code: 'invalid_auth' });
    expectNoStackTrace(bot);
  });

  it('survives a background reconnect that is refused, and still exits 0 on SIGTERM', async () => {
    slack = await startSlackWebApi();
    socket = await startSocketModeServer(slack);
    const bot = start(socketEnv(slack, 'xapp-test-token'));
    await bot.waitForLine((line) => line.msg === 'apo-bot running');
    // The app token is revoked while connected: Bolt's own reconnect is refused, in the background.
    slack.failNext('apps.connections.open', 'invalid_auth');
    await socket.close();
    socket = undefined;
    const refused = await bot.waitForLine((line) => String(line.msg).includes('unhandled rejection'), 15_000);
    expect(JSON.stringify(refused)).toContain('invalid_auth');
    expect((await fetch(`${await healthUrl(bot)}/healthz`)).status).toBe(200);
    bot.proc.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
  });
});

describe('when Slack cannot be reached', () => {
  it('is not ready, retries with growing waits saying why, and exits 0 on SIGTERM within SHUTDOWN_TIMEOUT_MS', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/api/`;
    const bot = start({ ...slackEnv(url, 'xoxb-test-token'), SHUTDOWN_TIMEOUT_MS: '2000' });

    const first = await bot.waitForLine((line) => line.level === WARN && line.adapter === 'slack');
    expect(first).toMatchObject({ code: 'ECONNREFUSED', url, setting: 'SLACK_API_URL', retryInMs: 1000 });
    expect(String(first.msg)).toMatch(/ECONNREFUSED.*retrying in 1 s/);
    const second = await bot.waitForLine((line) => line.level === WARN && line.adapter === 'slack' && line !== first);
    expect(second).toMatchObject({ code: 'ECONNREFUSED', retryInMs: 2000 });

    const ready = await readiness(bot);
    expect(ready.status).toBe(503);
    expect(ready.body.adapters).toEqual({ slack: expect.stringMatching(/^connecting: .*ECONNREFUSED/) });
    expect(bot.lines.map((line) => line.msg)).not.toContain('http request failed');

    const sentAt = Date.now();
    bot.proc.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    expect(Date.now() - sentAt).toBeLessThan(2000 + 1000);
    expectNoStackTrace(bot);
  });
});

describe('when Discord cannot be reached (ENOTFOUND)', () => {
  it('retries saying why while Slack answers, and exits 0 on SIGTERM', async () => {
    slack = await startSlackWebApi();
    const url = `http://${UNRESOLVABLE_HOST}/api`;
    const bot = start({ ...slackEnv(slack.url, slack.botToken), ...discordEnv(url, 'MTI5.unreachable.token'), SHUTDOWN_TIMEOUT_MS: '2000' });

    const retry = await bot.waitForLine((line) => line.level === WARN && line.adapter === 'discord');
    expect(retry).toMatchObject({ code: 'ENOTFOUND', setting: 'DISCORD_API_URL', retryInMs: 1000 });
    expect(String(retry.url)).toContain(UNRESOLVABLE_HOST);
    await askSlack(bot, slack);
    const ready = await readiness(bot);
    expect(ready.status).toBe(503);
    expect(ready.body.adapters).toEqual({ slack: 'ready', discord: expect.stringMatching(/^connecting: .*ENOTFOUND/) });

    bot.proc.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    expectNoStackTrace(bot);
  });

  it('discord:register prints one line and exits 1', async () => {
    const bot = runBot(['discord:register'], discordEnv(`http://${UNRESOLVABLE_HOST}/api`, 'MTI5.unreachable.token'));
    bots.push(bot);
    expect(await bot.exited).toBe(1);
    expect(bot.stderr().trim().split('\n')).toHaveLength(1);
    expect(bot.stderr()).toMatch(/ENOTFOUND/);
    expect(bot.stderr()).toContain('DISCORD_API_URL');
    expect(bot.stderr()).not.toMatch(/\n\s+at /);
  });
});

describe('when Discord rejects the token (401)', () => {
  it('says so in one line naming DISCORD_TOKEN, and Slack keeps answering', async () => {
    slack = await startSlackWebApi();
    discord = await startDiscordStandIn({ heartbeatIntervalMs: 250 });
    const bot = start({ ...slackEnv(slack.url, slack.botToken), ...discordEnv(discord.restApiBase, WRONG_DISCORD_TOKEN) });

    const failed = await bot.waitForLine((line) => line.level === ERROR);
    expect(failed).toMatchObject({ adapter: 'discord', setting: 'DISCORD_TOKEN', code: 401 });
    expect(String(failed.msg)).toContain('DISCORD_TOKEN');
    await askSlack(bot, slack);

    bot.proc.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    expect(bot.lines.filter((line) => (line.level as number) >= ERROR)).toHaveLength(1);
    expectNoStackTrace(bot);
    expect(bot.stderr()).not.toContain(WRONG_DISCORD_TOKEN);
  });

  it('exits 2 with one line when Discord was the only adapter', async () => {
    discord = await startDiscordStandIn({ heartbeatIntervalMs: 250 });
    const bot = start(discordEnv(discord.restApiBase, WRONG_DISCORD_TOKEN));
    expect(await bot.exited).toBe(2);
    expect(bot.lines.filter((line) => (line.level as number) >= ERROR)).toHaveLength(1);
    expectNoStackTrace(bot);
  });

  it('discord:register prints one line and exits 2', async () => {
    discord = await startDiscordStandIn();
    const bot = runBot(['discord:register'], discordEnv(discord.restApiBase, WRONG_DISCORD_TOKEN));
    bots.push(bot);
    expect(await bot.exited).toBe(2);
    expect(bot.stderr().trim().split('\n')).toHaveLength(1);
    expect(bot.stderr()).toContain('DISCORD_TOKEN');
    expect(bot.stderr()).toContain('401');
    expect(bot.stderr()).not.toContain(WRONG_DISCORD_TOKEN);
  });
});

describe('when a Discord REST call fails', () => {
  it('logs the failure without the interaction token in any URL', async () => {
    discord = await startDiscordStandIn({ heartbeatIntervalMs: 250 });
    const bot = start(discordEnv(discord.restApiBase, discord.fixture.token));
    await bot.waitForLine((line) => line.msg === 'discord adapter ready');
    const unknown = { status: 404, body: { message: 'Unknown interaction', code: 10062 } };
    discord.respondOnce('POST', '/interactions/:id/:token/callback', unknown);
    discord.respondOnce('POST', '/interactions/:id/:token/callback', unknown);
    const interaction = discord.payloads.guildChatInputInteraction({ options: [stringOption('question', 'kpc director name')] });
    discord.dispatch('INTERACTION_CREATE', interaction);

    await bot.waitForLine((line) => line.msg === 'discord error reply failed too');
    const failures = bot.lines.filter((line) => (line.level as number) >= ERROR);
    expect(failures.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(failures)).toContain('/interactions/');
    expect(bot.stderr()).not.toContain(interaction.token);
    bot.proc.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
  });
});
