/**
 * A Discord message taken over from a replica that died while answering it (see EventClaims):
 * the real discord.js client against the local stand-in, with claims that say "taken over". The
 * bot reads the channel after the question and replies only when no reply of its own is there.
 */
import { REST, Routes, type APIMessage } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDiscordAdapter, type DiscordAdapter } from '../adapters/discord/index.js';
import { Assistant } from '../src/assistant.js';
import { createEngine } from '../src/core/index.js';
import { createLogger } from '../src/logger.js';
import type { Claim, EventClaims } from '../src/store/types.js';
import { makeKnowledgeDir } from './helpers/knowledgeDir.js';
import { FIXTURE_IDS, startDiscordStandIn, type DiscordStandIn } from './support/discord/standIn.js';

let discord: DiscordStandIn;
let folder: Awaited<ReturnType<typeof makeKnowledgeDir>>;
let adapter: DiscordAdapter | undefined;

/** Claims as a replica sees them after another died: every event is handed over with `takenOver`, as often as it comes. */
class TakenOverClaims implements EventClaims {
  stillMine = true;
  beforeHandle: () => Promise<void> = async () => {};
  async once(_key: string, handle: (claim: Claim) => Promise<void>): Promise<boolean> {
    await this.beforeHandle();
    await handle({ takenOver: true, stillMine: async () => this.stillMine });
    return true;
  }
}

async function start(claims: EventClaims): Promise<void> {
  const logger = createLogger({ level: 'silent' });
  const assistant = new Assistant({ engine: await createEngine({ knowledgeDir: folder.dir }), logger });
  adapter = createDiscordAdapter({
    assistant,
    logger,
    claims,
    config: {
      token: discord.fixture.token,
      applicationId: discord.fixture.application.id,
      guildId: FIXTURE_IDS.guild,
      apiUrl: discord.restApiBase,
      adminRoleIds: new Set(),
      adminUserIds: new Set(),
    },
    clientOptions: { waitGuildTimeout: 1000, ws: { buildIdentifyThrottler: () => ({ waitForIdentify: async () => {} }) }, rest: { retries: 0, timeout: 5000 } },
  });
  await adapter.start();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const repliesTo = (message: APIMessage) =>
  discord.requests.filter((r) => r.method === 'POST' && r.route === '/channels/:channelId/messages' && JSON.stringify(r.body).includes(message.id));

/** Resolves once the bot has read the channel (the takeover's look) and had time to reply after it. */
async function lookedAndSettled(): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!discord.requests.some((r) => r.method === 'GET' && r.route === '/channels/:channelId/messages') && Date.now() < deadline) await sleep(20);
  await sleep(500);
}

beforeEach(async () => {
  discord = await startDiscordStandIn({ heartbeatIntervalMs: 250 });
  folder = await makeKnowledgeDir();
});
afterEach(async () => {
  await adapter?.stop();
  adapter = undefined;
  await discord.close();
  await folder.cleanup();
});

describe('a Discord message taken over from a replica that died', () => {
  it('is answered when the dead replica had not replied', async () => {
    await start(new TakenOverClaims());
    const question = discord.payloads.guildMentionMessage({ question: 'kpc director name' });
    discord.dispatch('MESSAGE_CREATE', question);
    const reply = await discord.waitForRequest('POST', '/channels/:channelId/messages', 10_000);
    expect(JSON.stringify(reply.responseBody)).toContain('Taiho Kang');
    // It looked first: the channel's messages after the question.
    expect(discord.requests.some((r) => r.method === 'GET' && r.route === '/channels/:channelId/messages' && r.query.after === question.id)).toBe(true);
  }, 30_000);

  it('is not answered again when the dead replica had replied', async () => {
    const claims = new TakenOverClaims();
    // The replica that died had posted its reply before it died (its claim was not marked done).
    claims.beforeHandle = async () => {
      await new REST({ api: discord.restApiBase, version: '10', retries: 0 })
        .setToken(discord.fixture.token)
        .post(Routes.channelMessages(question.channel_id), { body: { content: 'Answer from the replica that died', message_reference: { message_id: question.id } } });
    };
    await start(claims);
    const question = discord.payloads.guildMentionMessage({ question: 'kpc director name' });
    discord.dispatch('MESSAGE_CREATE', question);
    await lookedAndSettled();
    expect(repliesTo(question).map((r) => JSON.stringify(r.body))).toEqual([expect.stringContaining('Answer from the replica that died')]);
  }, 30_000);

  it('is not answered by a replica whose claim another took over meanwhile', async () => {
    const claims = new TakenOverClaims();
    claims.stillMine = false;
    await start(claims);
    const question = discord.payloads.guildMentionMessage({ question: 'kpc director name' });
    discord.dispatch('MESSAGE_CREATE', question);
    await lookedAndSettled();
    expect(repliesTo(question)).toHaveLength(0);
  }, 30_000);
});
