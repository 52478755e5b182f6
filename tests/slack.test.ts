/**
 * The Slack adapter end to end: the real Bolt app in HTTP mode on 127.0.0.1, receiving signed
 * Events API and slash-command requests, with its Web API client pointed at a local stand-in for
 * Slack that records what the bot posts.
 */
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSlackAdapter, type SlackAdapter } from '../adapters/slack/index.js';
import type { SlackConfig } from '../adapters/slack/config.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Assistant } from '../src/assistant.js';
import { createEngine, type KnowledgeEngine } from '../src/core/index.js';
import { QuestionLog, readQuestionLog } from '../src/insight/questionLog.js';
import { createLogger } from '../src/logger.js';
import { RateLimiter } from '../src/rateLimit.js';
import { article, makeKnowledgeDir } from './helpers/knowledgeDir.js';
import {
  buildAppMentionEvent,
  buildDirectMessageEvent,
  buildEventCallback,
  buildSlashCommand,
  buildUrlVerification,
  DEFAULT_SIGNING_SECRET,
  nowInSeconds,
  postSignedEvent,
  postSignedSlashCommand,
  SLACK_TEST_IDS,
  slackConfigFor,
  startSlackWebApi,
  type RecordedCall,
  type SlackWebApiStandIn,
} from './support/slack/index.js';

const signingSecret = DEFAULT_SIGNING_SECRET;
const ADMIN = 'U0ADMIN001';
const settle = (ms = 150): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let api: SlackWebApiStandIn;
let folder: Awaited<ReturnType<typeof makeKnowledgeDir>>;
let engine: KnowledgeEngine;
let assistant: Assistant;
let dataDir: string;
let adapter: SlackAdapter;
let appUrl: string;
let logs: string;

async function startAdapter(overrides: Partial<SlackConfig> = {}, options: { ratePerMinute?: number } = {}): Promise<void> {
  const config = slackConfigFor(api, { adminUserIds: new Set([ADMIN]), ...overrides });
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => (logs += chunk.toString()));
  const logger = createLogger({ level: 'trace', pretty: false, destination: stream });
  assistant = new Assistant({
    engine,
    logger,
    log: new QuestionLog({ dir: dataDir, keepText: true, maxBytes: 1_000_000, keepFiles: 2 }),
    limiter: new RateLimiter(options.ratePerMinute ?? 0),
  });
  adapter = createSlackAdapter({ assistant, config, logger });
  await adapter.start();
  appUrl = `http://127.0.0.1:${adapter.address()?.port}`;
}

const posts = (): RecordedCall[] => api.calls.filter((call) => call.method === 'chat.postMessage');
const blockText = (body: Record<string, unknown>): string => JSON.stringify(body.blocks);

beforeEach(async () => {
  logs = '';
  api = await startSlackWebApi();
  folder = await makeKnowledgeDir();
  engine = await createEngine({ knowledgeDir: folder.dir });
  dataDir = await mkdtemp(path.join(tmpdir(), 'apo-data-'));
});
afterEach(async () => {
  await adapter?.stop();
  // Let the question log finish writing before its folder goes.
  await assistant?.close(2_000);
  await api.close();
  await folder.cleanup();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the Slack adapter', () => {
  describe('when mentioned in a channel', () => {
    beforeEach(() => startAdapter());

    it('answers in a thread under the question, quoting and citing', async () => {
      const mention = buildAppMentionEvent({ text: 'who conducted the 2018 study mission?' });

      const delivery = await postSignedEvent(appUrl, mention, { signingSecret });

      expect(delivery.status).toBe(200);
      const post = await api.waitForCall('chat.postMessage');
      expect(post.body).toMatchObject({ channel: SLACK_TEST_IDS.channelId, thread_ts: mention.event.ts });
      expect(post.body.text).toMatch(/^“It was conducted by international experts/);
      const blocks = post.body.blocks as { type: string; text?: { text: string } }[];
      expect(blocks[0]?.text?.text).toMatch(/^>It was conducted by international experts: Kerydh Private Limited/);
      expect(blockText(post.body)).toContain('From *APO drives SMEs to adopt Fourth Industrial Revolution* (2018-09-25), paragraph 6');
      // The quote is shown once: its passage holds nothing else, so the first source is its reference line.
      expect(blockText(post.body)).toContain('"text":"*1. APO drives SMEs to adopt Fourth Industrial Revolution* · 2018-09-25 · paragraph 6"');
      expect(blockText(post.body).split('It was conducted by international experts')).toHaveLength(2);
      expect(blockText(post.body)).toContain('*study mission*');
      expect(blocks.length).toBeLessThanOrEqual(50);
    });

    it('answers inside the thread when mentioned in one', async () => {
      const mention = buildAppMentionEvent({ text: 'kpc director name', threadTs: '1700000000.000100' });
      await postSignedEvent(appUrl, mention, { signingSecret });
      expect((await api.waitForCall('chat.postMessage')).body).toMatchObject({ thread_ts: '1700000000.000100' });
    });

    it('says plainly when the knowledge base does not cover the question, and lists what it does', async () => {
      await postSignedEvent(appUrl, buildAppMentionEvent({ text: 'What is the weather in Tokyo today?' }), { signingSecret });
      const post = await api.waitForCall('chat.postMessage');
      expect(blockText(post.body)).toContain("I couldn't find an answer to that in the knowledge base. Nothing matched: weather, Tokyo, today.");
      expect(blockText(post.body)).toContain('The knowledge base covers:');
      expect(blockText(post.body)).toContain('• *ROK showcasing SME innovation* (2017-06-20)');
    });

    it('escapes mrkdwn in the echoed question, so nobody can ping the channel or inject links', async () => {
      const text = 'Who is <!channel> &lt;!here&gt; <https://evil.example|click me> at the KPC?';
      await postSignedEvent(appUrl, buildAppMentionEvent({ text }), { signingSecret });
      const post = await api.waitForCall('chat.postMessage');
      const rendered = `${blockText(post.body)} ${String(post.body.text)}`;
      expect(rendered).not.toMatch(/<!channel>|<!here>|<https?:/);
      expect(rendered).toContain('&lt;!here&gt;');
    });

    it('escapes article text in the notification text as well as in the blocks', async () => {
      await folder.write('alert.md', article({ id: 'alert-2019', title: 'Alerts <!here>', date: '2019-05-10' }, 'The APO alerted <!channel> to the green productivity course in Fiji.'));
      await engine.reload();
      await postSignedEvent(appUrl, buildAppMentionEvent({ text: 'Where was the green productivity course?' }), { signingSecret });
      const post = await api.waitForCall('chat.postMessage');
      expect(String(post.body.text)).toContain('Fiji');
      expect(JSON.stringify(post.body)).not.toMatch(/<!channel>|<!here>/);
      expect(String(post.body.text)).toContain('&lt;!channel&gt;');
      expect(String(post.body.text)).toContain('Alerts &lt;!here&gt;');
    });

    it('answers a retried delivery only once', async () => {
      const mention = buildAppMentionEvent({ text: 'kpc director name' });
      await postSignedEvent(appUrl, mention, { signingSecret, timestamp: nowInSeconds() - 60 });
      // Slack's retry comes later and is signed afresh (a byte-identical replay is refused before Bolt).
      const retry = await postSignedEvent(appUrl, mention, { signingSecret, retryNum: 1, retryReason: 'http_timeout' });
      expect(retry.status).toBe(200);
      await api.waitForCall('chat.postMessage');
      await settle();
      expect(posts()).toHaveLength(1);
      expect(logs).toContain('repeated slack delivery ignored');
    });

    it('ignores other bots and its own messages', async () => {
      const fromBot = buildAppMentionEvent({ text: 'kpc director name' });
      await postSignedEvent(appUrl, { ...fromBot, event: { ...fromBot.event, bot_id: 'B0OTHER01' } }, { signingSecret });
      await postSignedEvent(appUrl, buildAppMentionEvent({ text: 'kpc director name', user: SLACK_TEST_IDS.botUserId }), { signingSecret });
      await settle();
      expect(posts()).toEqual([]);
    });

    it('replies with a short error instead of silence when posting the answer fails', async () => {
      api.failNext('chat.postMessage', 'msg_too_long');
      await postSignedEvent(appUrl, buildAppMentionEvent({ text: 'kpc director name' }), { signingSecret });
      const apology = await api.waitForCall('chat.postMessage', (call) => String(call.body.text).startsWith('Sorry'));
      expect(apology.body.text).toMatch(/^Sorry, I couldn't answer that just now \(reference [0-9a-f]{8}\)/);
      const reference = /reference ([0-9a-f]{8})/.exec(String(apology.body.text))?.[1];
      expect(logs).toContain(`"questionId":"${reference}"`);
      expect(logs).toContain('slack question failed');
    });
  });

  it('answers mentions only in SLACK_CHANNELS when it is set', async () => {
    await startAdapter({ channels: new Set(['C0ALLOWED1']) });
    await postSignedEvent(appUrl, buildAppMentionEvent({ text: 'kpc director name' }), { signingSecret });
    await postSignedEvent(appUrl, buildAppMentionEvent({ text: 'kpc director name', channel: 'C0ALLOWED1' }), { signingSecret });
    const post = await api.waitForCall('chat.postMessage');
    await settle();
    expect(posts()).toHaveLength(1);
    expect(post.body.channel).toBe('C0ALLOWED1');
  });

  describe('in a direct message', () => {
    beforeEach(() => startAdapter());

    it('answers in the DM', async () => {
      await postSignedEvent(appUrl, buildDirectMessageEvent({ text: 'Where was the 2017 observational study mission held?' }), {
        signingSecret,
      });
      const post = await api.waitForCall('chat.postMessage');
      expect(post.body.channel).toBe(SLACK_TEST_IDS.directMessageChannelId);
      expect(post.body.thread_ts).toBeUndefined();
      expect(post.body.text).toContain('Seoul');
    });

    it('answers in the thread when asked in one', async () => {
      await postSignedEvent(appUrl, buildDirectMessageEvent({ text: 'kpc director name', threadTs: '1700000000.000200' }), {
        signingSecret,
      });
      expect((await api.waitForCall('chat.postMessage')).body.thread_ts).toBe('1700000000.000200');
    });

    it('ignores edits and other message subtypes', async () => {
      const edit = buildDirectMessageEvent({ text: 'kpc director name' });
      await postSignedEvent(appUrl, { ...edit, event: { ...edit.event, subtype: 'message_changed' } }, { signingSecret });
      await settle();
      expect(posts()).toEqual([]);
    });
  });

  describe('/apo', () => {
    const command = (text: string, user: string = SLACK_TEST_IDS.humanUserId) =>
      postSignedSlashCommand(appUrl, buildSlashCommand({ text, user_id: user, response_url: api.responseUrl() }), { signingSecret });

    it('answers a question in the channel', async () => {
      await startAdapter();
      const reply = await command('Who was the former President of the Asian Association of Business Incubation?');
      expect(reply.status).toBe(200);
      const response = await api.waitForResponse();
      expect(response.body).toMatchObject({ response_type: 'in_channel', text: expect.stringContaining('Benjamin Yuan') });
    });

    it('answers privately when SLACK_PRIVATE_REPLIES is on', async () => {
      await startAdapter({ privateReplies: true });
      await command('kpc director name');
      expect((await api.waitForResponse()).body).toMatchObject({ response_type: 'ephemeral' });
    });

    it.each([['help'], ['']])('explains its usage privately for "/apo %s"', async (text) => {
      await startAdapter();
      const reply = await command(text);
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('/apo') });
      expect(JSON.stringify(reply.body)).toContain('`/apo reload` re-reads the knowledge base');
      expect(JSON.stringify(reply.body)).toContain('`/apo stats [7d]`');
    });

    describe('reload', () => {
      beforeEach(() => startAdapter());

      it('reloads for an admin and reports what changed', async () => {
        await folder.write('green.md', article({ id: 'green-2019', title: 'Green productivity', date: '2019-05-10' }, 'The APO ran a green productivity course in Fiji.'));
        await command('reload', ADMIN);
        const response = await api.waitForResponse();
        expect(response.body.response_type).toBe('ephemeral');
        const text = JSON.stringify(response.body.blocks);
        expect(text).toContain('*Knowledge reloaded*');
        expect(text).toContain('Articles: 2 → 3 · Passages: 16 → 17');
        expect(text).toContain('Added: `green-2019`');
        expect(engine.answer('Where was the green productivity course?').answer).toContain('Fiji');
      });

      it('keeps the old knowledge when a file is broken, and names the file and the problem', async () => {
        await folder.write('green.md', article({ id: 'green-2019', date: '2019-05-10' }, 'The APO ran a green productivity course in Fiji.'));
        await folder.write('broken.md', article({ id: 'broken', date: 'soon' }));
        await command('reload', ADMIN);
        const response = await api.waitForResponse();
        const text = JSON.stringify(response.body.blocks);
        expect(text).toContain('*Reload refused: still serving the previous knowledge* (2 articles, 16 passages');
        expect(text).toContain('broken.md:4: front matter: \\"date\\" must be a real date as YYYY-MM-DD, got \\"soon\\"');
        expect(engine.answer('Where was the green productivity course?').answered).toBe(false);
        expect(engine.stats().snapshotVersion).toBe(1);
      });

      it('refuses a non-admin politely and logs the attempt', async () => {
        await folder.write('green.md', article({ id: 'green-2019' }, 'The APO ran a green productivity course in Fiji.'));
        await command('reload');
        const response = await api.waitForResponse();
        expect(response.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('only knowledge base admins can use `/apo reload`') });
        expect(engine.stats().snapshotVersion).toBe(1);
        expect(logs).toContain('slack reload refused: not an admin');
        expect(logs).toContain(`"userId":"${SLACK_TEST_IDS.humanUserId}"`);
      });
    });
  });

  describe('admin insight', () => {
    const command = (text: string, user: string = SLACK_TEST_IDS.humanUserId) =>
      postSignedSlashCommand(appUrl, buildSlashCommand({ text, user_id: user, response_url: api.responseUrl() }), { signingSecret });

    beforeEach(() => startAdapter());

    it('puts Helpful buttons under an answer and records the vote with its question', async () => {
      await postSignedEvent(appUrl, buildAppMentionEvent({ text: 'kpc director name' }), { signingSecret });
      const post = await api.waitForCall('chat.postMessage');
      const actions = (post.body.blocks as { type: string; elements?: { action_id: string; value: string }[] }[]).find((b) => b.type === 'actions');
      const helpful = actions?.elements?.find((e) => e.action_id === 'apo_vote_helpful');
      expect(helpful?.value).toMatch(/^[0-9a-f]{8}$/);

      const click = {
        type: 'block_actions',
        user: { id: SLACK_TEST_IDS.humanUserId, username: 'ada', team_id: SLACK_TEST_IDS.teamId },
        api_app_id: SLACK_TEST_IDS.apiAppId,
        token: 'legacy-verification-token',
        container: { type: 'message', message_ts: '1700000000.000300', channel_id: SLACK_TEST_IDS.channelId, is_ephemeral: false },
        trigger_id: '1.2.3',
        team: { id: SLACK_TEST_IDS.teamId, domain: SLACK_TEST_IDS.teamDomain },
        channel: { id: SLACK_TEST_IDS.channelId, name: 'general' },
        response_url: api.responseUrl(),
        actions: [{ type: 'button', action_id: 'apo_vote_helpful', block_id: `apo_vote_${helpful?.value}`, value: helpful?.value, action_ts: '1700000001.000100', text: { type: 'plain_text', text: 'Helpful' } }],
      };
      const reply = await postSignedSlashCommand(appUrl, { payload: JSON.stringify(click) }, { signingSecret });
      expect(reply.status).toBe(200);
      expect((await api.waitForResponse()).body).toMatchObject({ response_type: 'ephemeral', replace_original: false, text: 'Thanks, glad it helped.' });
      await assistant.flush();
      const entries = await readQuestionLog(dataDir);
      expect(entries.map((e) => e.type)).toEqual(['question', 'vote']);
      expect(entries[1]).toMatchObject({ questionId: helpful?.value, helpful: true, platform: 'slack' });
    });

    it('puts vote buttons under a decline, and /apo stats lists a decline voted "should have been answered"', async () => {
      await postSignedEvent(appUrl, buildAppMentionEvent({ text: 'How much does APO membership cost?' }), { signingSecret });
      const post = await api.waitForCall('chat.postMessage');
      const actions = (post.body.blocks as { type: string; elements?: { action_id: string; value: string; text: { text: string } }[] }[]).find((b) => b.type === 'actions');
      expect(actions?.elements?.map((e) => e.text.text)).toEqual([':thumbsdown: This should have been answered', ":thumbsup: Right, it isn't covered"]);
      const wrong = actions?.elements?.find((e) => e.action_id === 'apo_vote_should_answer');
      expect(wrong?.value).toMatch(/^[0-9a-f]{8}$/);

      const click = {
        type: 'block_actions',
        user: { id: SLACK_TEST_IDS.humanUserId, username: 'ada', team_id: SLACK_TEST_IDS.teamId },
        api_app_id: SLACK_TEST_IDS.apiAppId,
        token: 'legacy-verification-token',
        container: { type: 'message', message_ts: '1700000000.000300', channel_id: SLACK_TEST_IDS.channelId, is_ephemeral: false },
        trigger_id: '1.2.3',
        team: { id: SLACK_TEST_IDS.teamId, domain: SLACK_TEST_IDS.teamDomain },
        channel: { id: SLACK_TEST_IDS.channelId, name: 'general' },
        response_url: api.responseUrl(),
        actions: [{ type: 'button', action_id: 'apo_vote_should_answer', block_id: `apo_vote_${wrong?.value}`, value: wrong?.value, action_ts: '1700000001.000100', text: { type: 'plain_text', text: 'This should have been answered' } }],
      };
      expect((await postSignedSlashCommand(appUrl, { payload: JSON.stringify(click) }, { signingSecret })).status).toBe(200);
      expect((await api.waitForResponse()).body.text).toContain('the admins will see this question in the stats');
      await assistant.flush();
      expect((await readQuestionLog(dataDir))[1]).toMatchObject({ type: 'vote', questionId: wrong?.value, helpful: false, platform: 'slack' });

      await command('stats', ADMIN);
      const text = JSON.stringify((await api.waitForResponse()).body);
      expect(text).toContain('on declines: 1 should have been answered, 0 rightly declined');
      expect(text).toContain('1 vote · How much does APO membership cost?  [weak-match]');
    });

    it('shows admins the questions asked and the ones declined with /apo stats', async () => {
      await postSignedEvent(appUrl, buildAppMentionEvent({ text: 'How much does APO membership cost?' }), { signingSecret });
      await api.waitForCall('chat.postMessage');
      await command('stats 7d', ADMIN);
      const text = JSON.stringify((await api.waitForResponse()).body);
      expect(text).toContain('Answered: 0 (0%) · declined: 1');
      expect(text).toContain('1 × How much does APO membership cost?');
    });

    it('refuses /apo stats to others', async () => {
      await command('stats');
      expect((await api.waitForResponse()).body.text).toContain('only knowledge base admins can use `/apo stats`');
      expect(logs).toContain('slack stats refused: not an admin');
    });

    it('reports what a reload would change with /apo reload dry-run, changing nothing', async () => {
      await folder.write('green.md', article({ id: 'green-2019', date: '2019-05-10' }, 'The APO ran a green productivity course in Fiji.'));
      await command('reload dry-run', ADMIN);
      const text = JSON.stringify((await api.waitForResponse()).body.blocks);
      expect(text).toContain('*Dry run: nothing changed.* A reload would make these changes');
      expect(text).toContain('Added: `green-2019`');
      expect(engine.stats().snapshotVersion).toBe(1);
    });
  });

  it('tells a user who asks too fast to wait, kindly', async () => {
    await startAdapter({}, { ratePerMinute: 1 });
    await postSignedEvent(appUrl, buildAppMentionEvent({ text: 'kpc director name' }), { signingSecret });
    await postSignedEvent(appUrl, buildAppMentionEvent({ text: 'kpc director name' }), { signingSecret });
    await api.waitForCall('chat.postMessage');
    const second = await api.waitForCall('chat.postMessage');
    expect(second.body.text).toMatch(/^You're asking faster than I can keep up with\. Please wait \d+ seconds? and ask again\.$/);
  });

  it('never writes the bot token or the signing secret to the log, even at trace level', async () => {
    await startAdapter();
    await postSignedEvent(appUrl, buildAppMentionEvent({ text: 'kpc director name' }), { signingSecret });
    await postSignedEvent(appUrl, buildAppMentionEvent({ text: 'kpc' }), { signingSecret: 'wrong' });
    await api.waitForCall('chat.postMessage');
    await settle();
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).not.toContain(api.botToken);
    expect(logs).not.toContain(signingSecret);
  });

  describe('request checks', () => {
    beforeEach(() => startAdapter());

    it('rejects a bad or missing signature and a stale timestamp with 401, and never answers', async () => {
      const mention = () => buildAppMentionEvent({ text: 'kpc director name' });
      const bad = await postSignedEvent(appUrl, mention(), { signingSecret: 'wrong-secret' });
      const forged = await postSignedEvent(appUrl, mention(), { signingSecret, signature: 'v0=0000' });
      const stale = await postSignedEvent(appUrl, mention(), { signingSecret, timestamp: nowInSeconds() - 6 * 60 });
      const missing = await fetch(`${appUrl}/slack/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(mention()),
      });
      expect([bad.status, forged.status, stale.status, missing.status]).toEqual([401, 401, 401, 401]);
      await settle();
      expect(posts()).toEqual([]);
    });

    it('answers the url_verification challenge', async () => {
      const reply = await postSignedEvent(appUrl, buildUrlVerification('challenge-apo'), { signingSecret });
      expect(reply.body).toEqual({ challenge: 'challenge-apo' });
    });

    it('answers the health check while knowledge is loaded', async () => {
      const response = await fetch(`${appUrl}/healthz`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok', articles: 2, passages: 16 });
    });

    it('ignores events it does not handle', async () => {
      const reply = await postSignedEvent(appUrl, buildEventCallback({ type: 'reaction_added', user: 'U1', reaction: 'tada' }), { signingSecret });
      expect(reply.status).toBe(200);
      await settle();
      expect(posts()).toEqual([]);
    });
  });
});
