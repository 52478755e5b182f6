/**
 * Replicas when something dies: a replica killed with SIGKILL under load, the Discord gateway
 * owner killed (another replica takes the gateway over within 30 s), and the database restarted
 * (replicas reconnect, answer from memory meanwhile, and log the gap's questions once it is back).
 * One embedded PostgreSQL for the file; a database of its own per test.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runBot } from './helpers/commandProcess.js';
import { sharedKnowledge, startSlackReplicas, untilReady } from './helpers/replicas.js';
import { startBotProcess, type BotProcess } from './helpers/slackBotProcess.js';
import { FIXTURE_IDS, startDiscordStandIn, stringOption, type DiscordStandIn } from './support/discord/standIn.js';
import { startTestPostgres, type TestPostgres } from './support/postgres.js';
import { buildAppMentionEvent, DEFAULT_SIGNING_SECRET, postSignedEvent, startSlackWebApi, type RecordedCall, type SlackWebApiStandIn } from './support/slack/index.js';

let server: TestPostgres;
let knowledgeDir: string;
let dataDir: string;
let api: SlackWebApiStandIn | undefined;
let discord: DiscordStandIn | undefined;
let bots: BotProcess[] = [];

beforeAll(async () => {
  [server, knowledgeDir, dataDir] = await Promise.all([startTestPostgres(), sharedKnowledge(), mkdtemp(path.join(tmpdir(), 'apo-failures-'))]);
}, 60_000);
afterEach(async () => {
  for (const bot of bots) bot.proc.kill('SIGKILL');
  bots = [];
  await api?.close();
  await discord?.close();
  api = undefined;
  discord = undefined;
  await server.start();
});
afterAll(async () => {
  await server?.close();
  await rm(knowledgeDir, { recursive: true, force: true });
  await rm(dataDir, { recursive: true, force: true });
});

const sign = { signingSecret: DEFAULT_SIGNING_SECRET };
const repliesTo = (ts: string) => (call: RecordedCall) => call.method === 'chat.postMessage' && call.body.thread_ts === ts;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a replica killed with SIGKILL under load', () => {
  // The replica that takes an event over from the dead one first reads the thread: an answer the
  // dead one posted carries the event key in its metadata, and is not posted again.
  it('loses no event that reached a live replica, and answers none twice', async () => {
    api = await startSlackWebApi();
    const databaseUrl = await server.newDatabase();
    bots = await startSlackReplicas(3, { api, databaseUrl, knowledgeDir, dataDir, env: { RATE_LIMIT_PER_MINUTE: '0' } });
    const events = Array.from({ length: 150 }, (_, i) => buildAppMentionEvent({ text: 'Who conducted the 2018 study mission?', user: `UK${String(i).padStart(8, '0')}` }));
    const victim = bots[0] as BotProcess;
    const deliveries: Promise<unknown>[] = [];
    for (const [i, event] of events.entries()) {
      if (i === 50) victim.proc.kill('SIGKILL');
      // Each event to two replicas; one of the pair may be the dead one, whose delivery fails.
      for (const bot of [bots[i % 3], bots[(i + 1) % 3]] as BotProcess[]) deliveries.push(postSignedEvent(bot.slackUrl(), event, sign).catch(() => undefined));
      if (i % 10 === 9) await sleep(20);
    }
    await Promise.all(deliveries);
    await Promise.all(events.map((event) => api?.waitForCall('chat.postMessage', repliesTo(event.event.ts), 60_000)));
    await sleep(1_500);
    const answers = (api as SlackWebApiStandIn).calls.filter((call) => call.method === 'chat.postMessage');
    const counts = events.map((event) => answers.filter(repliesTo(event.event.ts)).length);
    expect({ lost: counts.filter((n) => n === 0).length, doubled: counts.filter((n) => n > 1).length }).toEqual({ lost: 0, doubled: 0 });
    // Every answer names its event, which is how a replica taking over finds it.
    expect(answers.every((call) => (call.body.metadata as { event_payload?: { event_key?: string } }).event_payload?.event_key === `slack:message:${call.body.channel as string}:${call.body.thread_ts as string}`)).toBe(true);
    const survivors = bots.slice(1).flatMap((bot) => bot.lines);
    const takenOver = survivors.filter((line) => line.msg === 'took over an event whose replica died before it was done').length;
    const foundAnswered = survivors.filter((line) => line.msg === 'taken-over question was answered by the replica that died: not answered again').length;
    // Not vacuous: the kill left events to take over (how many were answered already varies).
    expect(takenOver).toBeGreaterThan(0);
    expect(foundAnswered).toBeLessThanOrEqual(takenOver);
  }, 120_000);
});

describe('the Discord gateway owner killed', () => {
  it('is replaced by another replica, which answers within 30 s', async () => {
    discord = await startDiscordStandIn({ heartbeatIntervalMs: 250 });
    const databaseUrl = await server.newDatabase();
    const env = (name: string) => ({
      DISCORD_TOKEN: (discord as DiscordStandIn).fixture.token,
      DISCORD_APPLICATION_ID: (discord as DiscordStandIn).fixture.application.id,
      DISCORD_GUILD_ID: FIXTURE_IDS.guild,
      DISCORD_API_URL: (discord as DiscordStandIn).restApiBase,
      HEALTH_PORT: '0',
      HEALTH_HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      KNOWLEDGE_DIR: knowledgeDir,
      DATABASE_URL: databaseUrl,
      REPLICA_NAME: name,
    });
    bots = [startBotProcess(env('discord-1')), startBotProcess(env('discord-2'))];
    await Promise.all(bots.map((bot) => bot.running));
    await Promise.all(bots.map((bot) => untilReady(bot)));
    const owners = bots.filter((bot) => bot.lines.some((line) => line.msg === 'discord adapter ready'));
    expect(owners).toHaveLength(1);
    expect(discord.identifyCount).toBe(1);
    const owner = owners[0] as BotProcess;
    const standby = bots.find((bot) => bot !== owner) as BotProcess;
    expect(await (await fetch(`${standby.healthUrl()}/readyz`)).json()).toMatchObject({ adapters: { discord: expect.stringContaining('standby') } });

    discord.dispatch('INTERACTION_CREATE', discord.payloads.guildChatInputInteraction({ options: [stringOption('question', 'kpc director name')] }));
    expect(JSON.stringify((await discord.waitForRequest('POST', '/interactions/:id/:token/callback')).body)).toContain('Taiho Kang');

    const killedAt = Date.now();
    owner.proc.kill('SIGKILL');
    while (discord.identifyCount < 2 && Date.now() - killedAt < 30_000) await sleep(100);
    expect(discord.identifyCount).toBe(2);
    // The new session is up once the standby says so; then it answers.
    while (!standby.lines.some((line) => line.msg === 'discord adapter ready') && Date.now() - killedAt < 30_000) await sleep(100);
    discord.dispatch('INTERACTION_CREATE', discord.payloads.guildChatInputInteraction({ options: [stringOption('question', 'kpc director name')] }));
    const reply = await discord.waitForRequest('POST', '/interactions/:id/:token/callback', 30_000);
    expect(JSON.stringify(reply.body)).toContain('Taiho Kang');
    expect(Date.now() - killedAt).toBeLessThan(30_000);
  }, 90_000);
});

describe('the database restarted', () => {
  it('keeps the replicas answering from memory, says why in /readyz, and logs the gap once it is back', async () => {
    api = await startSlackWebApi();
    const databaseUrl = await server.newDatabase();
    bots = await startSlackReplicas(2, { api, databaseUrl, knowledgeDir, dataDir, env: { RATE_LIMIT_PER_MINUTE: '0' } });
    const before = buildAppMentionEvent({ text: 'kpc director name', user: 'UDB0000001' });
    await postSignedEvent((bots[0] as BotProcess).slackUrl(), before, sign);
    await api.waitForCall('chat.postMessage', repliesTo(before.event.ts), 10_000);

    await server.stop();
    const gap = Array.from({ length: 10 }, (_, i) => buildAppMentionEvent({ text: 'kpc director name', user: `UGAP000000${i}` }));
    for (const [i, event] of gap.entries()) await postSignedEvent((bots[i % 2] as BotProcess).slackUrl(), event, sign);
    await Promise.all(gap.map((event) => api?.waitForCall('chat.postMessage', repliesTo(event.event.ts), 20_000)));
    const down = await fetch(`${(bots[0] as BotProcess).healthUrl()}/readyz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ database: expect.stringMatching(/^connecting: .*(database|ECONNREFUSED)/) });

    await server.start();
    await Promise.all(bots.map((bot) => untilReady(bot, 30_000)));
    expect(bots.every((bot) => bot.proc.exitCode === null)).toBe(true);
    const after = buildAppMentionEvent({ text: 'kpc director name', user: 'UDB0000002' });
    await postSignedEvent((bots[1] as BotProcess).slackUrl(), after, sign);
    await api.waitForCall('chat.postMessage', repliesTo(after.event.ts), 10_000);

    // The gap's questions were kept in memory and written once the database was back.
    let output = '';
    for (let tries = 0; tries < 50 && !output.includes('Questions: 12 '); tries++) {
      const stats = runBot(['stats'], { DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' });
      await stats.exited;
      output = stats.stdout();
      if (!output.includes('Questions: 12 ')) await sleep(200);
    }
    expect(output).toContain('Questions: 12 (slack 12)');
    expect(bots.flatMap((bot) => bot.lines.filter((line) => typeof line.stack === 'string' || (line.err as { stack?: string } | undefined)?.stack))).toEqual([]);
  }, 120_000);
});
