/**
 * `apo-bot start` (what `npm start` and the Docker image run) as a real process, configured from
 * its environment the way a deployment is.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { article, makeKnowledgeDir } from './helpers/knowledgeDir.js';
import { slackEnv as slackEnvFor } from './helpers/slackBotProcess.js';
import { FIXTURE_IDS, startDiscordStandIn, stringOption, type DiscordStandIn } from './support/discord/standIn.js';
import { buildAppMentionEvent, DEFAULT_SIGNING_SECRET, postSignedEvent, startSlackWebApi, type SlackWebApiStandIn } from './support/slack/index.js';

const BIN = fileURLToPath(new URL('../bin/apo-bot.js', import.meta.url));

let child: ChildProcess | undefined;
let api: SlackWebApiStandIn | undefined;
let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'apo-data-'));
});
afterEach(async () => {
  child?.kill('SIGKILL');
  await api?.close();
  child = undefined;
  api = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

const slackEnv = (stand: SlackWebApiStandIn): Record<string, string> => slackEnvFor(stand, dataDir);

/** Starts the bot and resolves with its parsed log lines once one matches. */
function startBot(env: Record<string, string>, until: (line: Record<string, unknown>) => boolean) {
  const proc = spawn(process.execPath, [BIN, 'start'], {
    env: { PATH: process.env.PATH ?? '', LOG_PRETTY: 'false', LOG_LEVEL: 'info', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child = proc;
  const lines: Record<string, unknown>[] = [];
  let stderr = '';
  const ready = new Promise<Record<string, unknown>>((resolve, reject) => {
    proc.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      for (const text of stderr.split('\n').slice(lines.length, -1)) {
        const line = JSON.parse(text) as Record<string, unknown>;
        lines.push(line);
        if (until(line)) resolve(line);
      }
    });
    proc.on('exit', (code) => reject(new Error(`exited with ${code}: ${stderr}`)));
  });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return { proc, ready, exited, lines, stderr: () => stderr };
}

describe('apo-bot start with Slack configured', () => {
  it('serves Slack in HTTP mode, answers, and exits 0 on SIGTERM without logging secrets', async () => {
    api = await startSlackWebApi();
    const bot = startBot(
      slackEnv(api),
      (line) => line.msg === 'apo-bot running',
    );
    await bot.ready;
    const { port } = bot.lines.find((line) => line.msg === 'slack adapter listening')?.address as { port: number };
    const base = `http://127.0.0.1:${port}`;
    const healthPort = bot.lines.find((line) => line.msg === 'health endpoint listening')?.port as number;

    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${healthPort}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok', articles: 2, adapters: { slack: 'ready' }, shuttingDown: false });
    expect((await fetch(`http://127.0.0.1:${healthPort}/healthz`)).status).toBe(200);
    await postSignedEvent(base, buildAppMentionEvent({ text: 'kpc director name' }), { signingSecret: DEFAULT_SIGNING_SECRET });
    expect(String((await api.waitForCall('chat.postMessage')).body.text)).toContain('Taiho Kang');

    bot.proc.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    expect(bot.lines.map((line) => line.msg)).toEqual(expect.arrayContaining(['shutting down', 'stopped']));
    expect(bot.stderr()).not.toContain(api.botToken);
    expect(bot.stderr()).not.toContain(DEFAULT_SIGNING_SECRET);
    // The question went to the question log in DATA_DIR.
    expect(await readFile(path.join(dataDir, 'questions.jsonl'), 'utf8')).toContain('"question":"kpc director name"');
  });

  it('answers health checks while a large folder is indexed: live, not ready, and how far it has got', async () => {
    // About 9,000 passages: indexing them takes seconds, in slices between which the health
    // endpoint answers (a build in one block would hold each check until it ends).
    const files: Record<string, string> = {};
    for (let n = 0; n < 3000; n++) {
      files[`bulk-${n}.md`] = article(
        { id: `bulk-${n}`, title: `Productivity programme ${n}`, date: '2020-01-15' },
        [0, 1, 2].map((p) => `Paragraph ${p} of programme ${n} trained ${n + p} managers in lean methods and quality circles.`).join('\n\n'),
      );
    }
    const folder = await makeKnowledgeDir(files);
    try {
      api = await startSlackWebApi();
      const bot = startBot({ ...slackEnv(api), KNOWLEDGE_DIR: folder.dir }, (line) => line.msg === 'health endpoint listening');
      const listening = await bot.ready;
      const health = `http://127.0.0.1:${listening.port as number}`;
      expect((await fetch(`${health}/healthz`, { signal: AbortSignal.timeout(1_000) })).status).toBe(200);
      // Asked every 100 ms, each check answered within a second, until ready.
      const seen: Record<string, unknown>[] = [];
      for (;;) {
        const response = await fetch(`${health}/readyz`, { signal: AbortSignal.timeout(1_000) });
        const body = (await response.json()) as Record<string, unknown>;
        if (response.status === 200) {
          expect(body).toMatchObject({ status: 'ok', articles: 3002, passages: 9016 });
          break;
        }
        expect(body).toMatchObject({ status: 'unavailable' });
        seen.push(body);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(seen[0]).toMatchObject({ knowledge: 'loading' });
      // Midway through the indexing, the check says how far it has got.
      const midway = seen.find((body) => body.stage === 'indexing' && (body.articles as number) > 0 && (body.articles as number) < 3002);
      expect(midway).toMatchObject({ knowledge: 'loading', totalArticles: 3002 });
    } finally {
      await folder.cleanup();
    }
  }, 60_000);

  it('reloads by itself when KNOWLEDGE_WATCH is on and a file changes', async () => {
    api = await startSlackWebApi();
    const folder = await makeKnowledgeDir();
    try {
      const bot = startBot(
        { ...slackEnv(api), KNOWLEDGE_DIR: folder.dir, KNOWLEDGE_WATCH: 'true' },
        (line) => line.msg === 'knowledge changed on disk: reloaded',
      );
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await folder.write('green.md', article({ id: 'green-2019', date: '2019-05-10' }, 'The APO ran a green productivity course in Fiji.'));
      expect(await bot.ready).toMatchObject({ applied: true, added: ['green-2019'] });
      bot.proc.kill('SIGTERM');
      expect(await bot.exited).toBe(0);
    } finally {
      await folder.cleanup();
    }
  });

  it('refuses to start with a clear message per bad value', async () => {
    const proc = spawn(process.execPath, [BIN, 'start'], {
      env: { PATH: process.env.PATH ?? '', SLACK_BOT_TOKEN: 'not-a-token', LOG_LEVEL: 'chatty' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise((resolve) => proc.on('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('LOG_LEVEL must be one of');
    expect(stderr).toContain('SLACK_BOT_TOKEN must be a bot token starting with "xoxb-"');
  });

  it('lists every problem of both platforms at once, suggesting only what fits the chosen mode', async () => {
    const proc = spawn(process.execPath, [BIN, 'start'], {
      env: { PATH: process.env.PATH ?? '', SLACK_BOT_TOKEN: 'xoxb-1', SLACK_MODE: 'http', DISCORD_TOKEN: 'abc' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    expect(await new Promise((resolve) => proc.on('exit', resolve))).toBe(2);
    expect(stderr).toContain('SLACK_MODE=http needs SLACK_SIGNING_SECRET');
    expect(stderr).not.toContain('SLACK_APP_TOKEN');
    expect(stderr).toContain('DISCORD_TOKEN does not look like a bot token');
    expect(stderr).toContain('DISCORD_APPLICATION_ID is missing');
  });
});

describe('apo-bot with Discord configured', () => {
  let discord: DiscordStandIn | undefined;
  afterEach(async () => {
    await discord?.close();
    discord = undefined;
  });

  const discordEnv = (stand: DiscordStandIn): Record<string, string> => ({
    DISCORD_TOKEN: stand.fixture.token,
    DISCORD_APPLICATION_ID: stand.fixture.application.id,
    DISCORD_GUILD_ID: FIXTURE_IDS.guild,
    DISCORD_API_URL: stand.restApiBase,
  });

  it('starts, registers its commands, answers /ask, and exits 0 on SIGTERM', async () => {
    discord = await startDiscordStandIn({ heartbeatIntervalMs: 250 });
    const bot = startBot({ ...discordEnv(discord), HEALTH_PORT: '0', HEALTH_HOST: '127.0.0.1', DATA_DIR: dataDir }, (line) => line.msg === 'discord adapter ready');
    await bot.ready;
    const put = await discord.waitForRequest('PUT', '/applications/:app/guilds/:guild/commands');
    expect((put.body as { name: string }[]).map((c) => c.name)).toEqual(['ask', 'help', 'import', 'reload', 'stats']);

    discord.dispatch('INTERACTION_CREATE', discord.payloads.guildChatInputInteraction({ options: [stringOption('question', 'kpc director name')] }));
    const reply = await discord.waitForRequest('POST', '/interactions/:id/:token/callback');
    expect(JSON.stringify(reply.body)).toContain('Taiho Kang');

    bot.proc.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    expect(bot.stderr()).not.toContain(discord.fixture.token);
  });

  it('registers the commands with discord:register and prints the invite link', async () => {
    discord = await startDiscordStandIn();
    const proc = spawn(process.execPath, [BIN, 'discord:register'], {
      env: { PATH: process.env.PATH ?? '', ...discordEnv(discord) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    proc.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    expect(await new Promise((resolve) => proc.on('exit', resolve))).toBe(0);
    expect(stdout).toContain(`Registered /ask, /help, /import, /reload, /stats in guild ${FIXTURE_IDS.guild}.`);
    expect(stdout).toContain(
      `Invite the bot: https://discord.com/oauth2/authorize?client_id=${FIXTURE_IDS.application}&scope=bot+applications.commands&permissions=`,
    );
    expect(discord.requests.filter((r) => r.method === 'PUT')).toHaveLength(1);
  });
});
