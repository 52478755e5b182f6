/**
 * Follow-up questions in Slack, end to end: the real Bolt app in HTTP mode on 127.0.0.1 receiving
 * signed events, its Web API client pointed at the local stand-in that records what it posts.
 */
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSlackAdapter, type SlackAdapter } from '../adapters/slack/index.js';
import type { SlackConfig } from '../adapters/slack/config.js';
import { Assistant } from '../src/assistant.js';
import { createEngine, type KnowledgeEngine } from '../src/core/index.js';
import { createLogger } from '../src/logger.js';
import { makeKnowledgeDir } from './helpers/knowledgeDir.js';
import {
  buildAppMentionEvent,
  buildChannelMessageEvent,
  buildDirectMessageEvent,
  buildSlashCommand,
  DEFAULT_SIGNING_SECRET,
  postSignedEvent,
  postSignedSlashCommand,
  SLACK_TEST_IDS,
  slackConfigFor,
  startSlackWebApi,
  type RecordedCall,
  type SlackWebApiStandIn,
} from './support/slack/index.js';

const signingSecret = DEFAULT_SIGNING_SECRET;
const { botUserId, channelId } = SLACK_TEST_IDS;
const settle = (ms = 200): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// Alone, "who conducted it?" quotes the 2017 mission (Benjamin Yuan); after a question about the
// 2018 mission it must quote the 2018 one's experts (Kerydh), so these tell context from luck.
const WHERE_2017 = 'Where did the 2017 mission take place?';
const WHERE_2018 = 'Where did the 2018 mission take place?';
const FOLLOW_UP = 'who conducted it?';

let api: SlackWebApiStandIn;
let folder: Awaited<ReturnType<typeof makeKnowledgeDir>>;
let engine: KnowledgeEngine;
let assistant: Assistant;
let adapter: SlackAdapter | undefined;
let appUrl: string;

async function startAdapter(overrides: Partial<SlackConfig> = {}): Promise<void> {
  const logger = createLogger({ level: 'debug', pretty: false, destination: new PassThrough().resume() });
  assistant = new Assistant({ engine, logger });
  adapter = createSlackAdapter({ assistant, config: slackConfigFor(api, overrides), logger });
  await adapter.start();
  appUrl = `http://127.0.0.1:${adapter.address()?.port}`;
}

const send = (payload: object) => postSignedEvent(appUrl, payload, { signingSecret });
const posts = (): RecordedCall[] => api.calls.filter((call) => call.method === 'chat.postMessage');
/** The n-th message the bot posts (1-based), already posted or still to come. */
const post = (n: number): Promise<RecordedCall> => api.waitForCall('chat.postMessage', (call) => posts().indexOf(call) === n - 1);
const everything = (call: RecordedCall): string => `${String(call.body.text)} ${JSON.stringify(call.body.blocks)}`;

/** A mention at the top of the channel, answered: the thread (its ts) the bot now takes part in. */
async function threadStartedBy(question: string, channel: string = channelId): Promise<string> {
  const mention = buildAppMentionEvent({ text: question, channel });
  const before = posts().length;
  await send(mention);
  expect((await post(before + 1)).body).toMatchObject({ channel, thread_ts: mention.event.ts });
  return mention.event.ts;
}

beforeEach(async () => {
  api = await startSlackWebApi();
  folder = await makeKnowledgeDir();
  engine = await createEngine({ knowledgeDir: folder.dir });
});
afterEach(async () => {
  await adapter?.stop();
  adapter = undefined;
  await assistant?.close(2_000);
  await api.close();
  await folder.cleanup();
});

describe('follow-up questions in Slack', () => {
  describe('in a channel thread where the bot has answered', () => {
    beforeEach(() => startAdapter());

    it('answers a reply without a mention, in the thread, reading it with the question before', async () => {
      const thread = await threadStartedBy(WHERE_2017);
      expect(posts()[0]?.body.text).toContain('Seoul');

      await send(buildChannelMessageEvent({ text: FOLLOW_UP, threadTs: thread }));

      const reply = await post(2);
      expect(reply.body).toMatchObject({ channel: channelId, thread_ts: thread });
      expect(String(reply.body.text)).toMatch(/^“The study mission was conducted by Professor of Management of Technology Benjamin Yuan/);
      expect(JSON.stringify(reply.body.blocks)).toContain('Reading “it” as: mission 2017');
    });

    it('carries the thread’s own subject, not whatever the question would mean alone', async () => {
      const thread = await threadStartedBy(WHERE_2018);
      await send(buildChannelMessageEvent({ text: FOLLOW_UP, threadTs: thread }));
      const reply = await post(2);
      expect(String(reply.body.text)).toMatch(/^“It was conducted by international experts: Kerydh Private Limited/);
      expect(JSON.stringify(reply.body.blocks)).toContain('Reading “it” as: mission 2018');
    });

    it('answers in a private channel too', async () => {
      const thread = await threadStartedBy(WHERE_2018, 'G0PRIVATE1');
      await send(buildChannelMessageEvent({ text: FOLLOW_UP, threadTs: thread, channel: 'G0PRIVATE1', channelType: 'group' }));
      expect(String((await post(2)).body.text)).toContain('Kerydh');
    });

    it('answers a mention in the thread once, however it arrives, and in context', async () => {
      const thread = await threadStartedBy(WHERE_2018);
      // With message.channels subscribed, Slack sends a mention in a thread twice: as app_mention
      // and as a message. Both orders, each a message of its own.
      for (const messageFirst of [true, false]) {
        const mention = buildAppMentionEvent({ text: FOLLOW_UP, threadTs: thread });
        const message = buildChannelMessageEvent({ text: mention.event.text, threadTs: thread, ts: mention.event.ts });
        for (const event of messageFirst ? [message, mention] : [mention, message]) await send(event);
      }
      const second = await post(2);
      await post(3);
      await settle();
      expect(posts()).toHaveLength(3);
      expect(second.body.thread_ts).toBe(thread);
      expect(everything(second)).toContain('Reading “it” as: mission 2018');
    });

    it('answers a retried delivery of a reply once', async () => {
      const thread = await threadStartedBy(WHERE_2018);
      const reply = buildChannelMessageEvent({ text: FOLLOW_UP, threadTs: thread });
      await send(reply);
      await send(reply);
      await post(2);
      await settle();
      expect(posts()).toHaveLength(2);
    });

    it('ignores other bots, its own messages and edits in the thread', async () => {
      const thread = await threadStartedBy(WHERE_2018);
      const fromBot = buildChannelMessageEvent({ text: FOLLOW_UP, threadTs: thread });
      await send({ ...fromBot, event: { ...fromBot.event, bot_id: 'B0OTHER01' } });
      await send(buildChannelMessageEvent({ text: FOLLOW_UP, threadTs: thread, user: botUserId }));
      const edit = buildChannelMessageEvent({ text: FOLLOW_UP, threadTs: thread });
      await send({ ...edit, event: { ...edit.event, subtype: 'message_changed' } });
      await settle();
      expect(posts()).toHaveLength(1);
    });
  });

  describe('elsewhere in channels', () => {
    beforeEach(() => startAdapter());

    it('ignores replies in threads where it never answered, and messages outside threads', async () => {
      const thread = await threadStartedBy(WHERE_2018);
      await send(buildChannelMessageEvent({ text: FOLLOW_UP, threadTs: '1700000000.000900' }));
      // The same thread timestamp in another channel is another thread.
      await send(buildChannelMessageEvent({ text: FOLLOW_UP, threadTs: thread, channel: 'C0OTHER001' }));
      await send(buildChannelMessageEvent({ text: FOLLOW_UP }));
      await settle();
      expect(posts()).toHaveLength(1);
    });

    it('does not carry one thread’s subject into another', async () => {
      await threadStartedBy(WHERE_2018);
      await send(buildAppMentionEvent({ text: FOLLOW_UP }));
      const other = await post(2);
      expect(String(other.body.text)).toContain('Benjamin Yuan');
      expect(everything(other)).not.toContain('Reading “it”');
    });
  });

  it('ignores replies without a mention when SLACK_THREAD_FOLLOWUPS is off, and still answers mentions in the thread', async () => {
    await startAdapter({ threadFollowUps: false });
    const thread = await threadStartedBy(WHERE_2018);
    await send(buildChannelMessageEvent({ text: FOLLOW_UP, threadTs: thread }));
    await settle();
    expect(posts()).toHaveLength(1);

    await send(buildAppMentionEvent({ text: FOLLOW_UP, threadTs: thread }));
    const mentioned = await post(2);
    expect(everything(mentioned)).toContain('Reading “it” as: mission 2018');
  });

  describe('in a direct message', () => {
    beforeEach(() => startAdapter());

    it('reads a follow-up with the last question and answer', async () => {
      await send(buildDirectMessageEvent({ text: WHERE_2018 }));
      await post(1);
      await send(buildDirectMessageEvent({ text: FOLLOW_UP }));
      const reply = await post(2);
      expect(reply.body).toMatchObject({ channel: SLACK_TEST_IDS.directMessageChannelId });
      expect(reply.body.thread_ts).toBeUndefined();
      expect(String(reply.body.text)).toContain('Kerydh');
      expect(everything(reply)).toContain('Reading “it” as: mission 2018');
    });

    it('reads a follow-up in a DM thread with the thread before it', async () => {
      await send(buildDirectMessageEvent({ text: WHERE_2018, threadTs: '1700000000.000500' }));
      await post(1);
      await send(buildDirectMessageEvent({ text: FOLLOW_UP, threadTs: '1700000000.000500' }));
      const reply = await post(2);
      expect(reply.body.thread_ts).toBe('1700000000.000500');
      expect(everything(reply)).toContain('Reading “it” as: mission 2018');
    });

    it('never carries one person’s DM into another’s', async () => {
      await send(buildDirectMessageEvent({ text: WHERE_2018 }));
      await post(1);
      await send(buildDirectMessageEvent({ text: FOLLOW_UP, channel: 'D0DIRECT02', user: 'U0HUMAN002' }));
      const other = await post(2);
      expect(other.body.channel).toBe('D0DIRECT02');
      expect(String(other.body.text)).toContain('Benjamin Yuan');
      expect(everything(other)).not.toContain('Reading “it”');
    });
  });

  it('reads every /apo question on its own', async () => {
    await startAdapter();
    const ask = (text: string) =>
      postSignedSlashCommand(appUrl, buildSlashCommand({ text, response_url: api.responseUrl() }), { signingSecret });
    await ask(WHERE_2018);
    await api.waitForResponse();
    await ask(FOLLOW_UP);
    const second = await api.waitForResponse((response) => api.responses.indexOf(response) === 1);
    expect(JSON.stringify(second.body)).toContain('Benjamin Yuan');
    expect(JSON.stringify(second.body)).not.toContain('Reading “it”');
  });
});
