/**
 * The Discord adapter end to end: the real discord.js client logged in over 127.0.0.1 against a
 * local stand-in for Discord's REST API and gateway, which records what the bot sends back.
 */
import { PassThrough } from 'node:stream';
import type { APIEmbed, APIMessage } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDiscordAdapter, type DiscordAdapter } from '../adapters/discord/index.js';
import { EMBED_LIMITS } from '../adapters/discord/render.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Assistant } from '../src/assistant.js';
import { createEngine, type AnswerEngine, type KnowledgeEngine } from '../src/core/index.js';
import { QuestionLog, readQuestionLog } from '../src/insight/questionLog.js';
import { createLogger } from '../src/logger.js';
import { article, makeKnowledgeDir } from './helpers/knowledgeDir.js';
import { FIXTURE_IDS, startDiscordStandIn, stringOption, type DiscordStandIn, type RecordedRequest } from './support/discord/standIn.js';

const INTERNAL_TEXT = 'The Secretariat reviews per diem rates for resource persons every April.';
const CALLBACK = '/interactions/:id/:token/callback';

let discord: DiscordStandIn;
let folder: Awaited<ReturnType<typeof makeKnowledgeDir>>;
let engine: KnowledgeEngine;
let adapter: DiscordAdapter;
let assistant: Assistant;
let dataDir: string;
let logs: string;

async function startAdapter(engineForAdapter: AnswerEngine = engine): Promise<void> {
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => (logs += chunk.toString()));
  const logger = createLogger({ level: 'trace', pretty: false, destination: stream });
  assistant = new Assistant({
    engine: engineForAdapter,
    logger,
    log: new QuestionLog({ dir: dataDir, keepText: true, maxBytes: 1_000_000, keepFiles: 2 }),
  });
  adapter = createDiscordAdapter({
    assistant,
    logger,
    config: {
      token: discord.fixture.token,
      applicationId: discord.fixture.application.id,
      guildId: FIXTURE_IDS.guild,
      apiUrl: discord.restApiBase,
      adminRoleIds: new Set([FIXTURE_IDS.staffRole]),
      adminUserIds: new Set(),
    },
    clientOptions: {
      waitGuildTimeout: 1000,
      // discord.js spaces IDENTIFYs 5 s apart for Discord's rate limit; the stand-in has none.
      ws: { buildIdentifyThrottler: () => ({ waitForIdentify: async () => {} }) },
      rest: { retries: 0, timeout: 5000 },
    },
  });
  await adapter.start();
}

const ask = (question: string, options: { roles?: string[]; dm?: boolean } = {}) =>
  discord.dispatch(
    'INTERACTION_CREATE',
    options.dm
      ? discord.payloads.dmChatInputInteraction({ options: [stringOption('question', question)] })
      : discord.payloads.guildChatInputInteraction({ options: [stringOption('question', question)] }),
  );
const command = (name: string, roles?: string[]) =>
  discord.dispatch('INTERACTION_CREATE', discord.payloads.guildChatInputInteraction({ commandName: name, ...(roles ? { roles } : {}) }));

interface Callback {
  type: number;
  data: { embeds?: APIEmbed[]; content?: string; flags?: number; allowed_mentions?: { parse: string[]; replied_user?: boolean } };
}
const callback = async (): Promise<Callback> => (await discord.waitForRequest('POST', CALLBACK)).body as Callback;
const embedText = (embed: APIEmbed | undefined): string => JSON.stringify(embed ?? {});
const embedSize = (embed: APIEmbed): number =>
  (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.footer?.text.length ?? 0) +
  (embed.fields ?? []).reduce((sum, f) => sum + f.name.length + f.value.length, 0);
const sent = (): RecordedRequest[] =>
  discord.requests.filter((r) => r.method !== 'GET' && /\/(callback|messages|webhooks)/.test(r.path) && r.status < 300);

/** The bot's next message (its answer to a mention, reply or DM), once the bot is done handling it. */
async function botAnswer(): Promise<{ message: APIMessage; embed: APIEmbed; text: string }> {
  const post = await discord.waitForRequest('POST', '/channels/:id/messages');
  // The bot learns its answer's id from this response: wait until it has, or a reply could race it.
  while (assistant.inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  const message = post.responseBody as APIMessage;
  const embed = message.embeds[0] ?? {};
  return { message, embed, text: embedText(embed) };
}
const mention = (question: string) => {
  const message = discord.payloads.guildMentionMessage({ question });
  discord.dispatch('MESSAGE_CREATE', message);
  return message;
};
const dm = (content: string, replyTo?: APIMessage) =>
  discord.dispatch('MESSAGE_CREATE', discord.payloads.dmMessage({ content, ...(replyTo ? { replyTo } : {}) }));
const replyTo = (answer: APIMessage, question: string, options: { ping?: boolean } = {}) =>
  discord.dispatch('MESSAGE_CREATE', discord.payloads.guildReplyMessage({ question, replyTo: answer, ...options }));

const YUAN = 'The study mission was conducted by Professor of Management of Technology Benjamin Yuan';
const KERYDH = 'It was conducted by international experts: Kerydh Private Limited';

beforeEach(async () => {
  logs = '';
  discord = await startDiscordStandIn({ heartbeatIntervalMs: 250 });
  folder = await makeKnowledgeDir({
    'internal.md': article({ id: 'staff-travel', title: 'Staff travel rules', date: '2019-04-01', audience: 'internal' }, INTERNAL_TEXT),
  });
  engine = await createEngine({ knowledgeDir: folder.dir });
  dataDir = await mkdtemp(path.join(tmpdir(), 'apo-data-'));
});
afterEach(async () => {
  await adapter?.stop();
  // Let the question log finish writing before its folder goes.
  await assistant?.close(2_000);
  await discord.close();
  await folder.cleanup();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the Discord adapter', () => {
  describe('once started', () => {
    beforeEach(() => startAdapter());

    it('registers /ask, /help, /import, /reload and /stats in the configured guild', async () => {
      const put = await discord.waitForRequest('PUT', '/applications/:app/guilds/:guild/commands');
      expect((put.body as { name: string }[]).map((c) => c.name)).toEqual(['ask', 'help', 'import', 'reload', 'stats']);
      expect(put.path).toBe(`/applications/${FIXTURE_IDS.application}/guilds/${FIXTURE_IDS.guild}/commands`);
    });

    it('asks for the minimal gateway intents, without Message Content', async () => {
      const identify = (await discord.waitForGatewayOp(2)).d as { intents: number };
      expect(identify.intents).toBe(1 | (1 << 9) | (1 << 12));
    });

    it('answers /ask publicly with an embed: the quote, its source, and citations', async () => {
      ask('Who conducted the 2018 study mission?');
      const reply = await callback();
      expect(reply.type).toBe(4);
      expect(reply.data.flags ?? 0).toBe(0);
      const embed = reply.data.embeds?.[0];
      expect(embed?.title).toBe('Q: Who conducted the 2018 study mission?');
      expect(embed?.description).toMatch(/^> It was conducted by international experts: Kerydh Private Limited/);
      expect(embed?.description).toContain('— *APO drives SMEs to adopt Fourth Industrial Revolution* (2018-09-25), paragraph 6');
      expect(embed?.fields?.length).toBeGreaterThanOrEqual(1);
      expect(embed?.fields?.length).toBeLessThanOrEqual(3);
      expect(embed?.fields?.[0]).toMatchObject({ name: '1. APO drives SMEs to adopt Fourth Industrial Revolution' });
      // The quote is shown once: its passage holds nothing else, so the first source is its reference line.
      expect(embed?.fields?.[0]?.value).toBe('2018-09-25 · paragraph 6');
      expect(embed?.fields?.slice(1).some((field) => /\*\*\w[^*]*\*\*/.test(field.value))).toBe(true);
      expect(embed?.footer?.text).toContain('/help');
      expect(reply.data.allowed_mentions).toEqual({ parse: [], replied_user: false });
    });

    it('answers a mention as a reply to the message', async () => {
      const message = discord.payloads.guildMentionMessage({ question: 'kpc director name' });
      discord.dispatch('MESSAGE_CREATE', message);
      const post = await discord.waitForRequest('POST', '/channels/:id/messages');
      const body = post.body as { embeds: APIEmbed[]; message_reference: { message_id: string }; allowed_mentions: unknown };
      expect(post.path).toBe(`/channels/${FIXTURE_IDS.generalChannel}/messages`);
      expect(body.message_reference.message_id).toBe(message.id);
      expect(body.embeds[0]?.description).toContain('Taiho Kang');
      expect(body.allowed_mentions).toEqual({ parse: [], replied_user: false });
    });

    it('answers a direct message in the DM', async () => {
      discord.dispatch('MESSAGE_CREATE', discord.payloads.dmMessage({ content: 'Where was the 2017 observational study mission held?' }));
      const post = await discord.waitForRequest('POST', '/channels/:id/messages');
      expect(post.path).toBe(`/channels/${FIXTURE_IDS.dmChannel}/messages`);
      expect(embedText((post.body as { embeds: APIEmbed[] }).embeds[0])).toContain('Seoul');
    });

    it('ignores other bots, and guild messages that do not mention it', async () => {
      const robot = { ...discord.fixture.user, id: '1290000000000000999', username: 'other-bot', bot: true };
      discord.dispatch('MESSAGE_CREATE', discord.payloads.guildMentionMessage({ question: 'kpc director name', author: robot }));
      discord.dispatch('MESSAGE_CREATE', { ...discord.payloads.guildMentionMessage({ question: 'x' }), content: 'kpc director name', mentions: [] });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(discord.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/messages'))).toEqual([]);
    });

    describe('follow-ups', () => {
      it('answers a reply to its answer in the context of the question it answered', async () => {
        mention('Where did the 2017 mission take place?');
        const first = await botAnswer();
        expect(first.embed.description).toContain('in Seoul');

        replyTo(first.message, 'who conducted it?');
        const post = await discord.waitForRequest('POST', '/channels/:id/messages');
        const body = post.body as { embeds: APIEmbed[]; message_reference: { message_id: string }; allowed_mentions: unknown };
        const embed = body.embeds[0];
        expect(embed?.description).toMatch(new RegExp(`^\\*Reading “it” as: mission 2017\\*\n> ${YUAN}`));
        expect(embed?.description).toContain('— *ROK showcasing SME innovation* (2017-06-20), paragraph 5');
        expect(body.allowed_mentions).toEqual({ parse: [], replied_user: false });
      });

      it('follows a reply chain, and reads a reply to the 2018 answer as about 2018', async () => {
        mention('Where did the 2018 mission take place?');
        const first = await botAnswer();
        replyTo(first.message, 'who conducted it?');
        const second = await botAnswer();
        expect(second.embed.description).toContain(`> ${KERYDH}`);
        expect(second.text).toContain('Reading “it” as: mission 2018');

        replyTo(second.message, 'tell me more');
        const third = await botAnswer();
        expect(third.text).toContain('Going on with “APO drives SMEs to adopt Fourth Industrial Revolution” (2018-09-25)');
      });

      it('starts fresh for a new mention that is not a reply, and for a reply to a message that is not its answer', async () => {
        mention('Where did the 2018 mission take place?');
        const first = await botAnswer();
        replyTo(first.message, 'who conducted it?');
        expect((await botAnswer()).embed.description).toContain(KERYDH);

        mention('who conducted it?');
        const fresh = await botAnswer();
        expect(fresh.text).not.toContain('Reading');
        expect(fresh.embed.description).toMatch(new RegExp(`^> ${YUAN}`));
        // Alone, the question fits both missions: the other article's sentence is shown, labelled.
        expect(fresh.embed.fields?.[0]?.name).toBe('Also, in APO drives SMEs to adopt Fourth Industrial Revolution (2018-09-25)');
        expect(fresh.embed.fields?.[0]?.value).toContain(`> ${KERYDH}`);

        // Someone else's message, replied to with a mention of the bot: nothing to continue.
        const other = { ...first.message, id: '1290000000000009001', author: discord.fixture.user };
        discord.dispatch('MESSAGE_CREATE', { ...discord.payloads.guildReplyMessage({ question: '', replyTo: other }), content: `<@${discord.fixture.bot.id}> who conducted it?`, mentions: [discord.fixture.bot] });
        const unrelated = await botAnswer();
        expect(unrelated.text).not.toContain('Reading');
        expect(unrelated.embed.description).toMatch(new RegExp(`^> ${YUAN}`));
      });

      it('leaves alone a reply that does not ping it, which arrives without content', async () => {
        mention('Where did the 2018 mission take place?');
        const first = await botAnswer();
        replyTo(first.message, 'who conducted it?', { ping: false });
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(discord.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/messages'))).toHaveLength(1);
      });

      it('answers a DM follow-up in the context of the last exchange, and a reply to an older DM answer in its own', async () => {
        dm('Where did the 2018 mission take place?');
        const first = await botAnswer();
        dm('who conducted it?');
        const second = await botAnswer();
        expect(second.embed.description).toContain(`> ${KERYDH}`);
        expect(second.text).toContain('Reading “it” as: mission 2018');

        dm('Where did the 2017 mission take place?');
        await botAnswer();
        // The reply goes back to the 2018 answer, past the 2017 exchange since.
        dm('who conducted it?', first.message);
        const reply = await botAnswer();
        expect(reply.embed.description).toContain(`> ${KERYDH}`);
        expect(reply.text).toContain('Reading “it” as: mission 2018');
      });

      it('continues an /ask answer in a reply to it', async () => {
        ask('Where did the 2018 mission take place?');
        await callback();
        while (assistant.inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 5));
        const answer = discord.requests.find((r) => r.path.endsWith('/callback'))?.responseBody as { resource: { message: APIMessage } };
        replyTo(answer.resource.message, 'who conducted it?');
        const reply = await botAnswer();
        expect(reply.embed.description).toContain(`> ${KERYDH}`);
      });

      it('keeps a staff (internal) conversation out of its own, even under the same id', async () => {
        const first = mention('Where did the 2018 mission take place?');
        const answer = await botAnswer();
        assistant.ask({ platform: 'discord', userId: 'staff', channelKind: 'channel', question: 'Who reviews the per diem rates?', audience: 'internal', conversation: { id: first.id, kind: 'thread' } });
        replyTo(answer.message, 'tell me more');
        const more = await botAnswer();
        expect(more.text).toContain('Going on with “APO drives SMEs to adopt Fourth Industrial Revolution” (2018-09-25)');
        expect(more.text).not.toContain('Staff travel rules');
        expect(more.text).not.toContain('per diem');
      });
    });

    it('explains its usage privately for /help', async () => {
      command('help');
      const reply = await callback();
      expect(reply).toMatchObject({ type: 4, data: { flags: 64 } });
      expect(embedText(reply.data.embeds?.[0])).toContain('/ask question:');
    });

    it('never pings anyone, whatever the question says', async () => {
      ask('@everyone @here <@&1290000000000001003> who is the KPC director?');
      discord.dispatch('MESSAGE_CREATE', discord.payloads.guildMentionMessage({ question: '@everyone what is GCCEI?' }));
      await callback();
      await discord.waitForRequest('POST', '/channels/:id/messages');
      expect(sent().length).toBeGreaterThanOrEqual(2);
      for (const request of sent()) {
        const body = request.body as { data?: { allowed_mentions?: unknown }; allowed_mentions?: unknown };
        expect(body.data?.allowed_mentions ?? body.allowed_mentions).toEqual({ parse: [], replied_user: false });
      }
    });

    it('keeps a very long question within Discord limits', async () => {
      ask(`${'Who conducted the 2018 study mission and what happened afterwards? '.repeat(80)}`);
      const embed = (await callback()).data.embeds?.[0] as APIEmbed;
      expect(embed.title?.length).toBeLessThanOrEqual(EMBED_LIMITS.title);
      expect(embed.description).toContain('please keep it under 1000');
      expect(embedSize(embed)).toBeLessThanOrEqual(EMBED_LIMITS.total);
    });

    it('declines a question whose only answer is in an internal article, without naming it', async () => {
      ask('Who reviews the per diem rates?');
      const embed = (await callback()).data.embeds?.[0];
      expect(embedText(embed)).not.toContain('per diem rates for resource persons');
      expect(embedText(embed)).not.toContain('Staff travel rules');
      expect(embedText(embed)).toContain('The knowledge base covers:');
      // Staff see it: the same engine answers it for the internal audience.
      expect(engine.answer('Who reviews the per diem rates?').answer).toBe(INTERNAL_TEXT);
    });

    describe('/reload', () => {
      it('reloads for an admin role and reports privately', async () => {
        await folder.write('green.md', article({ id: 'green-2019', date: '2019-05-10' }, 'The APO ran a green productivity course in Fiji.'));
        command('reload', [FIXTURE_IDS.staffRole]);
        expect(await callback()).toMatchObject({ type: 5, data: { flags: 64 } });
        const edit = await discord.waitForRequest('PATCH', '/webhooks/:app/:token/messages/@original');
        const embed = (edit.body as { embeds: APIEmbed[] }).embeds[0];
        expect(embed?.title).toBe('Knowledge reloaded');
        expect(embed?.description).toContain('Articles: 3 → 4 · Passages: 17 → 18');
        expect(embed?.description).toContain('Added: `green-2019`');
      });

      it('keeps the old knowledge when a file is broken and names the file and problem', async () => {
        await folder.write('broken.md', article({ id: 'broken', date: 'someday' }));
        command('reload', [FIXTURE_IDS.staffRole]);
        await callback();
        const edit = await discord.waitForRequest('PATCH', '/webhooks/:app/:token/messages/@original');
        const embed = (edit.body as { embeds: APIEmbed[] }).embeds[0];
        expect(embed?.title).toBe('Reload refused');
        expect(embed?.description).toContain('Still serving the previous knowledge (3 articles, 17 passages)');
        expect(embed?.description).toContain('broken.md:4: front matter: "date" must be a real date as YYYY-MM-DD, got "someday"');
        expect(engine.stats().snapshotVersion).toBe(1);
      });

      it('refuses everyone else privately and logs the attempt', async () => {
        command('reload');
        const reply = await callback();
        expect(reply).toMatchObject({ type: 4, data: { flags: 64, content: expect.stringContaining('only server managers and knowledge base admins can use /reload') } });
        expect(engine.stats().snapshotVersion).toBe(1);
        expect(logs).toContain('discord reload refused: not an admin');
      });
    });

    describe('admin insight', () => {
      it('puts Helpful buttons under an answer and records the vote with its question', async () => {
        ask('kpc director name');
        const reply = await callback();
        const row = (reply.data as { components?: { components: { custom_id: string }[] }[] }).components?.[0];
        const helpful = row?.components.find((c) => c.custom_id.startsWith('vote:helpful:'));
        expect(helpful?.custom_id).toMatch(/^vote:helpful:[0-9a-f]{8}$/);

        const base = discord.payloads.guildChatInputInteraction();
        const answerMessage = { ...discord.payloads.guildMentionMessage({ question: 'x' }), author: discord.fixture.bot, mentions: [] };
        discord.dispatch('INTERACTION_CREATE', {
          ...base,
          type: 3,
          data: { custom_id: helpful?.custom_id, component_type: 2 },
          message: answerMessage,
        });
        const thanks = await callback();
        expect(thanks).toMatchObject({ type: 4, data: { flags: 64, content: 'Thanks, glad it helped.' } });
        await assistant.flush();
        const entries = await readQuestionLog(dataDir);
        expect(entries.map((e) => e.type)).toEqual(['question', 'vote']);
        expect(entries[1]).toMatchObject({ helpful: true, platform: 'discord', questionId: helpful?.custom_id.split(':')[2] });
      });

      it('puts vote buttons under a decline, and /stats lists a decline voted "should have been answered"', async () => {
        ask('How much does APO membership cost?');
        const reply = await callback();
        const row = (reply.data as { components?: { components: { custom_id: string; label: string }[] }[] }).components?.[0];
        expect(row?.components.map((c) => c.label)).toEqual(['This should have been answered', "Right, it isn't covered"]);
        const wrong = row?.components.find((c) => c.custom_id.startsWith('vote:should_answer:'));
        expect(wrong?.custom_id).toMatch(/^vote:should_answer:[0-9a-f]{8}$/);

        const base = discord.payloads.guildChatInputInteraction();
        const answerMessage = { ...discord.payloads.guildMentionMessage({ question: 'x' }), author: discord.fixture.bot, mentions: [] };
        discord.dispatch('INTERACTION_CREATE', { ...base, type: 3, data: { custom_id: wrong?.custom_id, component_type: 2 }, message: answerMessage });
        expect(await callback()).toMatchObject({ type: 4, data: { flags: 64, content: expect.stringContaining('the admins will see this question in the stats') } });
        await assistant.flush();
        expect((await readQuestionLog(dataDir))[1]).toMatchObject({ type: 'vote', helpful: false, platform: 'discord', questionId: wrong?.custom_id.split(':')[2] });

        discord.dispatch('INTERACTION_CREATE', discord.payloads.guildChatInputInteraction({ commandName: 'stats', roles: [FIXTURE_IDS.staffRole] }));
        expect(await callback()).toMatchObject({ type: 5, data: { flags: 64 } });
        const edit = await discord.waitForRequest('PATCH', '/webhooks/:app/:token/messages/@original');
        const description = (edit.body as { embeds: APIEmbed[] }).embeds[0]?.description ?? '';
        expect(description).toContain('on declines: 1 should have been answered, 0 rightly declined');
        expect(description).toContain('1 vote · How much does APO membership cost?');
      });

      it('shows admins what was asked and declined with /stats', async () => {
        ask('How much does APO membership cost?');
        await callback();
        discord.dispatch(
          'INTERACTION_CREATE',
          discord.payloads.guildChatInputInteraction({ commandName: 'stats', roles: [FIXTURE_IDS.staffRole], options: [stringOption('since', '7d')] }),
        );
        expect(await callback()).toMatchObject({ type: 5, data: { flags: 64 } });
        const edit = await discord.waitForRequest('PATCH', '/webhooks/:app/:token/messages/@original');
        const description = (edit.body as { embeds: APIEmbed[] }).embeds[0]?.description ?? '';
        expect(description).toContain('Answered: 0 (0%) · declined: 1');
        expect(description).toContain('1 × How much does APO membership cost?');
      });

      it('refuses /stats to others', async () => {
        command('stats');
        expect((await callback()).data.content).toContain('only server managers and knowledge base admins can use /stats');
      });

      it('reports what a reload would change with /reload dry_run, changing nothing', async () => {
        await folder.write('green.md', article({ id: 'green-2019', date: '2019-05-10' }, 'The APO ran a green productivity course in Fiji.'));
        discord.dispatch(
          'INTERACTION_CREATE',
          discord.payloads.guildChatInputInteraction({
            commandName: 'reload',
            roles: [FIXTURE_IDS.staffRole],
            options: [{ name: 'dry_run', type: 5, value: true }],
          }),
        );
        await callback();
        const edit = await discord.waitForRequest('PATCH', '/webhooks/:app/:token/messages/@original');
        const embed = (edit.body as { embeds: APIEmbed[] }).embeds[0];
        expect(embed?.title).toBe('Dry run');
        expect(embed?.description).toContain('Added: `green-2019`');
        expect(engine.stats().snapshotVersion).toBe(1);
      });
    });

    it('never writes the bot token to the log, even at trace level', async () => {
      ask('kpc director name');
      await callback();
      await discord.dropConnection(4000);
      await discord.waitForGatewayOp(6);
      expect(logs.length).toBeGreaterThan(0);
      expect(logs).not.toContain(discord.fixture.token);
      expect(logs).not.toContain(discord.fixture.token.split('.')[2]);
    });

    it('resumes after the gateway drops the connection, and keeps answering', async () => {
      await discord.dropConnection(4000);
      await discord.waitForGatewayOp(6);
      expect(discord.resumeCount).toBe(1);
      expect(discord.identifyCount).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 100));
      ask('kpc director name');
      expect((await callback()).data.embeds?.[0]?.description).toContain('Taiho Kang');
    });
  });

  it('keeps long answers within embed limits by trimming', async () => {
    const long = `The APO long sentence ${'about productivity and innovation in small firms '.repeat(150)}ends here.`;
    await folder.write('long.md', article({ id: 'long', title: 'A very long article' }, `${long}\n\n${long.replace('APO', 'KPC')}`));
    await engine.reload();
    await startAdapter();
    ask('What does the APO long sentence say about productivity and innovation in small firms?');
    const embed = (await callback()).data.embeds?.[0] as APIEmbed;
    expect(embed.description?.length).toBeLessThanOrEqual(EMBED_LIMITS.description);
    for (const field of embed.fields ?? []) expect(field.value.length).toBeLessThanOrEqual(EMBED_LIMITS.fieldValue);
    expect(embedSize(embed)).toBeLessThanOrEqual(EMBED_LIMITS.total);
    expect(embed.description).toMatch(/^> The APO long sentence about productivity/);
  });

  it('answers with a short error instead of leaving the interaction thinking when answering fails', async () => {
    const failing: AnswerEngine = {
      answer: () => {
        throw new Error('index corrupted');
      },
      reload: () => engine.reload(),
      stats: () => engine.stats(),
    };
    await startAdapter(failing);
    ask('kpc director name');
    const reply = await callback();
    expect(reply).toMatchObject({ type: 4, data: { flags: 64, content: expect.stringMatching(/^Sorry, I couldn't answer that just now \(reference [0-9a-f]{8}\)/) } });
    expect(logs).toContain('index corrupted');
  });
});
