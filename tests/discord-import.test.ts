/**
 * `/import` in Discord end to end: the real discord.js client against the local stand-in, which
 * serves the attachment on 127.0.0.1; a scratch knowledge folder receives the article.
 */
import { readdir, readFile } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import path from 'node:path';
import type { APIEmbed, APIMessage, APIUser } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDiscordAdapter, type DiscordAdapter } from '../adapters/discord/index.js';
import { Assistant } from '../src/assistant.js';
import { createEngine, type KnowledgeEngine } from '../src/core/index.js';
import { createLogger } from '../src/logger.js';
import { FIXTURES, makeKnowledgeDir } from './helpers/knowledgeDir.js';
import { FIXTURE_IDS, startDiscordStandIn, stringOption, type AttachmentFixture, type DiscordStandIn } from './support/discord/standIn.js';

const CALLBACK = '/interactions/:id/:token/callback';
const ORIGINAL = '/webhooks/:app/:token/messages/@original';
const SEED = '2018-apo-drives-smes-4ir.txt';
const ADMIN = [FIXTURE_IDS.staffRole];

let discord: DiscordStandIn;
let folder: Awaited<ReturnType<typeof makeKnowledgeDir>>;
let engine: KnowledgeEngine;
let adapter: DiscordAdapter;
let assistant: Assistant;
let logs: string;

beforeEach(async () => {
  logs = '';
  discord = await startDiscordStandIn({ heartbeatIntervalMs: 250 });
  folder = await makeKnowledgeDir({}, { shipped: false });
  engine = await createEngine({ knowledgeDir: folder.dir });
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => (logs += chunk.toString()));
  const logger = createLogger({ level: 'trace', pretty: false, destination: stream });
  assistant = new Assistant({ engine, logger });
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
      ws: { buildIdentifyThrottler: () => ({ waitForIdentify: async () => {} }) },
      rest: { retries: 0, timeout: 5000 },
    },
  });
  await adapter.start();
});
afterEach(async () => {
  await adapter?.stop();
  await assistant?.close(2_000);
  await discord.close();
  await folder.cleanup();
});

interface Body {
  type?: number;
  content?: string;
  flags?: number;
  embeds?: APIEmbed[];
  components?: { components: { custom_id: string; label: string }[] }[];
  allowed_mentions?: { parse: string[] };
  data?: Body;
}

async function seedFile(): Promise<AttachmentFixture> {
  return discord.hostFile(SEED, await readFile(path.join(FIXTURES, 'seeds', SEED)));
}

/** Runs /import and returns the ephemeral reply as edited (the preview or a refusal) and its stored message. */
async function runImport(file: AttachmentFixture, roles: string[] = ADMIN): Promise<{ body: Body; message: APIMessage }> {
  discord.dispatch('INTERACTION_CREATE', discord.payloads.guildImportInteraction({ file, roles }));
  const deferred = (await discord.waitForRequest('POST', CALLBACK)).body as Body;
  expect(deferred).toMatchObject({ type: 5, data: { flags: 64 } });
  const edit = await discord.waitForRequest('PATCH', ORIGINAL);
  return { body: edit.body as Body, message: edit.responseBody as APIMessage };
}

const click = (message: APIMessage, customId: string, user?: APIUser) =>
  discord.dispatch('INTERACTION_CREATE', discord.payloads.guildButtonInteraction({ customId, message, roles: ADMIN, ...(user ? { user } : {}) }));

const articles = async (): Promise<string[]> => (await readdir(folder.dir)).filter((name) => name.endsWith('.md'));

describe('/import in Discord', () => {
  it('previews a seed page privately with Add and Cancel; Add writes it, reloads, and the bot answers from it', async () => {
    const { body, message } = await runImport(await seedFile());
    expect(discord.downloads).toHaveLength(1);
    expect(body.allowed_mentions).toMatchObject({ parse: [] });
    expect(message.flags! & 64).toBe(64);
    const text = JSON.stringify(body.embeds);
    expect(text).toContain('APO drives SMEs to adopt Fourth Industrial Revolution');
    expect(text).toContain('2018-09-25');
    expect(text).toMatch(/Paragraphs: \d+/);
    expect(text).toContain('Adds a new article');
    const buttons = body.components?.[0]?.components ?? [];
    expect(buttons.map((b) => b.label)).toEqual(['Add', 'Cancel']);
    expect(buttons[0]?.custom_id).toMatch(/^apo_import_add:[\w-]+$/);
    expect(buttons[1]?.custom_id).toMatch(/^apo_import_cancel:[\w-]+$/);
    expect(await articles()).toEqual([]);

    click(message, buttons[0]!.custom_id);
    expect(((await discord.waitForRequest('POST', CALLBACK)).body as Body).type).toBe(6);
    const done = (await discord.waitForRequest('PATCH', ORIGINAL)).body as Body;
    expect(done.components).toEqual([]);
    const doneText = JSON.stringify(done.embeds);
    expect(doneText).toContain('Article added');
    expect(doneText).toContain('Knowledge reloaded');
    expect(await articles()).toHaveLength(1);
    expect(engine.stats().articles).toBe(1);

    discord.dispatch('INTERACTION_CREATE', discord.payloads.guildChatInputInteraction({ options: [stringOption('question', 'Who organized the study mission on the Fourth Industrial Revolution?')] }));
    const answer = (await discord.waitForRequest('POST', CALLBACK)).body as Body;
    const answerText = JSON.stringify(answer.data?.embeds);
    expect(answerText).toContain('APO drives SMEs to adopt Fourth Industrial Revolution');
    expect(answerText).toContain('Korea Productivity Center');
    expect(logs).toContain('discord import added');
  });

  it('writes nothing on Cancel', async () => {
    const { body, message } = await runImport(await seedFile());
    click(message, body.components![0]!.components[1]!.custom_id);
    const update = (await discord.waitForRequest('POST', CALLBACK)).body as Body;
    expect(update).toMatchObject({ type: 7, data: { components: [] } });
    expect(JSON.stringify(update.data?.embeds)).toContain('Nothing was written');
    expect(await articles()).toEqual([]);
    // The preview is gone: Add afterwards does nothing either.
    click(message, body.components![0]!.components[0]!.custom_id);
    await discord.waitForRequest('POST', CALLBACK);
    const followUp = (await discord.waitForRequest('POST', '/webhooks/:app/:token')).body as Body;
    expect(followUp.content).toContain('expired or was already used');
    expect(await articles()).toEqual([]);
  });

  it('refuses a non-admin as /reload does, downloading nothing', async () => {
    discord.dispatch('INTERACTION_CREATE', discord.payloads.guildImportInteraction({ file: await seedFile(), roles: [] }));
    const reply = (await discord.waitForRequest('POST', CALLBACK)).body as Body;
    expect(reply).toMatchObject({ type: 4, data: { flags: 64, content: expect.stringContaining('only server managers and knowledge base admins can use /import') } });
    expect(discord.downloads).toHaveLength(0);
    expect(logs).toContain('discord import refused: not an admin');
  });

  it('refuses a .pdf, and a file over 1 MiB, naming the limit, without downloading', async () => {
    const pdf = discord.hostFile('report.pdf', '%PDF-1.4', 'application/pdf');
    const refusedPdf = JSON.stringify((await runImport(pdf)).body.embeds);
    expect(refusedPdf).toContain('.txt, .html, .htm, .md');
    const big = { ...(await seedFile()), size: 1024 * 1024 + 1 };
    const refusedBig = JSON.stringify((await runImport(big)).body.embeds);
    expect(refusedBig).toContain('1048576 bytes (1 MiB)');
    expect(discord.downloads).toHaveLength(0);
    expect(await articles()).toEqual([]);
  });

  it('refuses a file whose download is bigger than it claimed, at 1 MiB', async () => {
    const served = discord.hostFile('huge.txt', 'x'.repeat(1024 * 1024 + 10));
    const refused = JSON.stringify((await runImport({ ...served, size: 100 })).body.embeds);
    expect(refused).toContain('limit of 1048576 bytes');
  });

  it('refuses Add clicked by another user, leaving the preview for its admin', async () => {
    const { body, message } = await runImport(await seedFile());
    const other: APIUser = { id: '1290000000000000202', username: 'other.admin', discriminator: '0', global_name: null, avatar: null };
    const add = body.components![0]!.components[0]!.custom_id;
    click(message, add, other);
    await discord.waitForRequest('POST', CALLBACK);
    const refusal = (await discord.waitForRequest('POST', '/webhooks/:app/:token')).body as Body;
    expect(refusal).toMatchObject({ flags: 64, content: 'Only the admin who sent the file can add it.' });
    expect(await articles()).toEqual([]);
    // The admin who sent it still can.
    click(message, add);
    await discord.waitForRequest('POST', CALLBACK);
    expect(JSON.stringify(((await discord.waitForRequest('PATCH', ORIGINAL)).body as Body).embeds)).toContain('Article added');
    expect(await articles()).toHaveLength(1);
  });
});
