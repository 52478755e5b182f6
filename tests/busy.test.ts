/**
 * A burst larger than the bot can answer at once: past MAX_IN_FLIGHT questions being handled, the
 * asker is told at once that the bot is busy, instead of waiting in a backlog.
 */
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createSlackAdapter, type SlackAdapter } from '../adapters/slack/index.js';
import { Assistant } from '../src/assistant.js';
import { loadConfig } from '../src/config.js';
import { createEngine } from '../src/core/index.js';
import { createLogger } from '../src/logger.js';
import { RateLimiter } from '../src/rateLimit.js';
import { SHIPPED_KNOWLEDGE } from './helpers/knowledgeDir.js';
import { listenOnLoopback } from './support/listen.js';
import { buildAppMentionEvent, DEFAULT_SIGNING_SECRET, postSignedEvent, slackConfigFor, startSlackWebApi, type SlackWebApiStandIn } from './support/slack/index.js';

const logger = createLogger({ level: 'silent' });

/**
 * A Slack Web API that takes its time: calls reach the stand-in (and are recorded) at once, but the
 * answers to chat.postMessage are held back until `release()`.
 */
async function slowSlack(api: SlackWebApiStandIn) {
  const held: (() => void)[] = [];
  let released = false;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const headers: Record<string, string> = {};
      for (const name of ['content-type', 'authorization']) if (typeof request.headers[name] === 'string') headers[name] = request.headers[name];
      void fetch(new URL(request.url ?? '/', api.origin), { method: request.method ?? 'POST', headers, body: Buffer.concat(chunks) }).then(async (answer) => {
        const body = await answer.text();
        const send = (): void => void response.writeHead(answer.status, { 'content-type': 'application/json' }).end(body);
        if (request.url?.endsWith('/chat.postMessage') && !released) held.push(send);
        else send();
      });
    });
  });
  const port = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}/api/`,
    release(): void {
      released = true;
      for (const send of held.splice(0)) send();
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

let api: SlackWebApiStandIn | undefined;
let slow: Awaited<ReturnType<typeof slowSlack>> | undefined;
let adapter: SlackAdapter | undefined;
afterEach(async () => {
  slow?.release();
  await adapter?.stop();
  await slow?.close();
  await api?.close();
  [api, slow, adapter] = [undefined, undefined, undefined];
});

describe('a burst past the limit of questions in flight', () => {
  it('gets the busy reply at once while the first answers are still being posted, and nobody gets silence', async () => {
    api = await startSlackWebApi();
    slow = await slowSlack(api);
    const assistant = new Assistant({ engine: await createEngine({ knowledgeDir: SHIPPED_KNOWLEDGE }), logger, maxInFlight: 3 });
    adapter = createSlackAdapter({ assistant, logger, config: slackConfigFor(api, { apiUrl: slow.url }) });
    await adapter.start();
    const url = `http://127.0.0.1:${adapter.address()?.port}`;

    const events = Array.from({ length: 10 }, (_, i) => buildAppMentionEvent({ text: 'kpc director name', user: `U${i}` }));
    const acks = await Promise.all(events.map((event) => postSignedEvent(url, event, { signingSecret: DEFAULT_SIGNING_SECRET })));
    expect(acks.map((ack) => ack.status)).toEqual(events.map(() => 200));

    // Every asker has a reply on its way while none of the three answers has finished posting.
    const replies = await Promise.all(
      events.map((event) => api!.waitForCall('chat.postMessage', (call) => call.body.thread_ts === event.event.ts, 5_000)),
    );
    const texts = replies.map((call) => String(call.body.text));
    expect(texts.filter((text) => text.includes('Taiho Kang'))).toHaveLength(3);
    expect(texts.filter((text) => text === "I'm busy answering other questions; please ask again in a few seconds.")).toHaveLength(7);
    // The busy replies are being posted too, so they count until Slack has taken them.
    expect(assistant.inFlight).toBe(10);

    // Once the replies are posted, the next question is answered again.
    slow.release();
    while (assistant.inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const next = buildAppMentionEvent({ text: 'kpc director name', user: 'U10' });
    await postSignedEvent(url, next, { signingSecret: DEFAULT_SIGNING_SECRET });
    const reply = await api.waitForCall('chat.postMessage', (call) => call.body.thread_ts === next.event.ts);
    expect(String(reply.body.text)).toContain('Taiho Kang');
  });
});

describe('Assistant', () => {
  it('replies busy past maxInFlight, without counting it against the rate limit', async () => {
    const assistant = new Assistant({ engine: await createEngine({ knowledgeDir: SHIPPED_KNOWLEDGE }), logger, maxInFlight: 1, limiter: new RateLimiter(2) });
    const ask = () => assistant.ask({ platform: 'slack', userId: 'U1', channelKind: 'channel', question: 'kpc director name', audience: 'internal' });
    let finish: () => void = () => {};
    expect((await ask()).kind).toBe('answer');
    void assistant.track(new Promise<void>((resolve) => (finish = resolve)));
    expect(await ask()).toMatchObject({ kind: 'busy', message: expect.stringContaining('ask again in a few seconds') });
    finish();
    await assistant.flush();
    await new Promise((resolve) => setImmediate(resolve));
    // The busy reply did not use up the second question of the minute.
    expect((await ask()).kind).toBe('answer');
    expect((await ask()).kind).toBe('rate-limited');
    await assistant.close(1_000);
  });
});

describe('MAX_IN_FLIGHT', () => {
  it('defaults to 128, reads a whole number, and names itself when wrong', () => {
    expect(loadConfig({}).maxInFlight).toBe(128);
    expect(loadConfig({ MAX_IN_FLIGHT: '8' }).maxInFlight).toBe(8);
    expect(() => loadConfig({ MAX_IN_FLIGHT: 'many' })).toThrow('MAX_IN_FLIGHT must be a number, got "many"');
  });
});
