/**
 * What the Slack adapter's HTTP endpoint does with requests that are not what Slack sends: huge or
 * unsigned bodies, too many at once, timestamps out of range, payloads of the wrong shape, replays.
 * The real Bolt app in HTTP mode on 127.0.0.1, with the Web API stand-in behind it.
 */
import { PassThrough } from 'node:stream';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSlackAdapter, type SlackAdapter, type SlackRequestLimits } from '../adapters/slack/index.js';
import { Assistant } from '../src/assistant.js';
import { createEngine } from '../src/core/index.js';
import { QuestionLog } from '../src/insight/questionLog.js';
import { createLogger } from '../src/logger.js';
import { RateLimiter } from '../src/rateLimit.js';
import { makeKnowledgeDir } from './helpers/knowledgeDir.js';
import {
  buildAppMentionEvent,
  buildSlashCommand,
  DEFAULT_SIGNING_SECRET,
  nowInSeconds,
  postSignedEvent,
  postSignedSlashCommand,
  slackConfigFor,
  startSlackWebApi,
  type SlackWebApiStandIn,
} from './support/slack/index.js';
import { openRawPost } from './support/slack/rawPost.js';

const signingSecret = DEFAULT_SIGNING_SECRET;
const FOUR_MB = String(4 * 1024 * 1024);
const settle = (ms = 150): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let api: SlackWebApiStandIn;
let folder: Awaited<ReturnType<typeof makeKnowledgeDir>>;
let assistant: Assistant;
let dataDir: string;
let adapter: SlackAdapter;
let appUrl: string;
let logs: string;

async function startAdapter(limits: Partial<SlackRequestLimits> = {}): Promise<void> {
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => (logs += chunk.toString()));
  const logger = createLogger({ level: 'debug', pretty: false, destination: stream });
  assistant = new Assistant({
    engine: await createEngine({ knowledgeDir: folder.dir }),
    logger,
    log: new QuestionLog({ dir: dataDir, keepText: true, maxBytes: 1_000_000, keepFiles: 2 }),
    limiter: new RateLimiter(0),
  });
  adapter = createSlackAdapter({ assistant, config: slackConfigFor(api), logger, limits });
  await adapter.start();
  appUrl = `http://127.0.0.1:${adapter.address()?.port}`;
}

const posts = () => api.calls.filter((call) => call.method === 'chat.postMessage');
/** Headers that look signed (a fresh timestamp, a v0 signature) without knowing the secret. */
const plausibleHeaders = (contentLength: string) => ({
  'Content-Type': 'application/json',
  'Content-Length': contentLength,
  'X-Slack-Request-Timestamp': String(nowInSeconds()),
  'X-Slack-Signature': `v0=${'0'.repeat(64)}`,
});

beforeEach(async () => {
  logs = '';
  api = await startSlackWebApi();
  folder = await makeKnowledgeDir();
  dataDir = await mkdtemp(path.join(tmpdir(), 'apo-data-'));
});
afterEach(async () => {
  await adapter?.stop();
  await assistant?.close(2_000);
  await api.close();
  await folder.cleanup();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the Slack HTTP endpoint', () => {
  describe('before reading a body', () => {
    beforeEach(() => startAdapter());

    it('answers an unsigned POST announcing 4 MB with 401 before any byte of the body is sent', async () => {
      const post = await openRawPost(appUrl, { 'Content-Type': 'application/json', 'Content-Length': FOUR_MB });
      expect(await post.status()).toBe(401);
      post.close();
      expect(logs).toContain('slack request rejected');
      expect(logs).toContain('missing signature headers');
    });

    it('answers a signed-looking POST announcing 4 MB with 413 before any byte of the body is sent', async () => {
      const post = await openRawPost(appUrl, plausibleHeaders(FOUR_MB));
      expect(await post.status()).toBe(413);
      post.close();
      expect(logs).toContain('body over');
    });

    it('answers 413 to a chunked body once it passes the cap, without waiting for the rest', async () => {
      const headers = { ...plausibleHeaders('0'), 'Transfer-Encoding': 'chunked' } as Record<string, string>;
      delete headers['Content-Length'];
      const post = await openRawPost(appUrl, headers);
      const chunk = 'x'.repeat(64 * 1024);
      for (let i = 0; i < 9; i += 1) post.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
      expect(await post.status()).toBe(413);
      post.close();
    });

    it.each([
      ['ten minutes in the future', 600],
      ['a year in the future', 365 * 24 * 3600],
      ['six minutes in the past', -360],
    ])('rejects a correctly signed request stamped %s with 401, and never answers it', async (_when, offset) => {
      const reply = await postSignedEvent(appUrl, buildAppMentionEvent({ text: 'kpc director name' }), {
        signingSecret,
        timestamp: nowInSeconds() + offset,
      });
      expect(reply.status).toBe(401);
      await settle();
      expect(posts()).toEqual([]);
      expect(logs).toContain('timestamp out of range');
    });
  });

  describe('reading bodies', () => {
    it('answers 503 to bodies beyond the concurrent-read bound, and a signed request after them is answered', async () => {
      await startAdapter({ maxConcurrentBodies: 2 });
      // Two senders that announce 100 bytes and send 10 hold both places.
      const slow = await Promise.all([openRawPost(appUrl, plausibleHeaders('100')), openRawPost(appUrl, plausibleHeaders('100'))]);
      for (const post of slow) post.write('{"type":"x');
      await settle(50);
      const third = await openRawPost(appUrl, plausibleHeaders('100'));
      expect(await third.status()).toBe(503);
      third.close();
      expect(logs).toContain('too many request bodies being read');
      // They finish; their signatures are wrong.
      for (const post of slow) post.write('"'.padEnd(90, ' '));
      expect(await Promise.all(slow.map((post) => post.status()))).toEqual([401, 401]);
      const reply = await postSignedEvent(appUrl, buildAppMentionEvent({ text: 'kpc director name' }), { signingSecret });
      expect(reply.status).toBe(200);
      expect(String((await api.waitForCall('chat.postMessage')).body.text)).toContain('Taiho Kang');
    });

    it('gives up on a body that stops arriving, with 408, and frees its place', async () => {
      await startAdapter({ maxConcurrentBodies: 1, bodyTimeoutMs: 200 });
      const stalled = await openRawPost(appUrl, plausibleHeaders('100'));
      stalled.write('{"type":');
      expect(await stalled.status()).toBe(408);
      const reply = await postSignedEvent(appUrl, buildAppMentionEvent({ text: 'kpc director name' }), { signingSecret });
      expect(reply.status).toBe(200);
    });
  });

  describe('payloads', () => {
    beforeEach(() => startAdapter());

    it.each([
      ['null', 'null'],
      ['an array', '[]'],
      ['a string', '"hello"'],
      ['a number', '42'],
      ['broken JSON', '{"type":'],
      ['an object without a type', '{}'],
      ['an event_callback without an event', '{"type":"event_callback","event":null}'],
    ])('answers 400 to a signed JSON body that is %s, logs it, and keeps serving', async (_what, body) => {
      const reply = await postSignedEvent(appUrl, body, { signingSecret });
      expect(reply.status).toBe(400);
      expect(logs).toContain('slack request rejected');
      const next = await postSignedEvent(appUrl, buildAppMentionEvent({ text: 'kpc director name' }), { signingSecret });
      expect(next.status).toBe(200);
      expect(String((await api.waitForCall('chat.postMessage')).body.text)).toContain('Taiho Kang');
    });

    it.each([
      ['a payload of null', { payload: 'null' }],
      ['a payload that is not JSON', { payload: '{' }],
      ['neither a command nor a payload', { text: 'hello' }],
    ])('answers 400 to a signed form body with %s', async (_what, fields) => {
      const reply = await postSignedSlashCommand(appUrl, fields as Record<string, string>, { signingSecret });
      expect(reply.status).toBe(400);
      expect(logs).toContain('slack request rejected');
    });

    it('never logs the body of a rejected request', async () => {
      await postSignedEvent(appUrl, '["secret-looking-body-text"]', { signingSecret });
      expect(logs).toContain('slack request rejected');
      expect(logs).not.toContain('secret-looking-body-text');
    });

    it("answers Slack's unsigned ssl_check", async () => {
      const reply = await fetch(`${appUrl}/slack/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'ssl_check=1&token=legacy-verification-token',
      });
      expect(reply.status).toBe(200);
    });

    it('answers 404 elsewhere and keeps serving /healthz', async () => {
      expect((await fetch(`${appUrl}/nowhere`)).status).toBe(404);
      expect((await fetch(`${appUrl}/slack/events`)).status).toBe(404);
      expect((await fetch(`${appUrl}/healthz`)).status).toBe(200);
    });
  });

  describe('replays', () => {
    beforeEach(() => startAdapter());

    it('answers a replayed signed /apo command once', async () => {
      const fields = buildSlashCommand({ text: 'kpc director name', response_url: api.responseUrl() });
      const timestamp = nowInSeconds();
      const replies = [];
      for (let i = 0; i < 3; i += 1) replies.push(await postSignedSlashCommand(appUrl, fields, { signingSecret, timestamp }));
      expect(replies.map((reply) => reply.status)).toEqual([200, 200, 200]);
      await api.waitForResponse();
      await settle(300);
      expect(api.responses).toHaveLength(1);
      expect(logs).toContain('replayed slack request ignored');
    });

    it('still answers the same command signed again later, as a new request', async () => {
      const fields = () => buildSlashCommand({ text: 'kpc director name', response_url: api.responseUrl() });
      await postSignedSlashCommand(appUrl, fields(), { signingSecret, timestamp: nowInSeconds() - 1 });
      await postSignedSlashCommand(appUrl, fields(), { signingSecret });
      await settle(300);
      expect(api.responses).toHaveLength(2);
    });
  });
});
