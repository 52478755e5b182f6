/**
 * Proves the Discord stand-in against the real discord.js client over real sockets on
 * 127.0.0.1: login, slash-command replies, mention and DM replies, file uploads, command
 * registration and gateway resume.
 */

import { once } from 'node:events';
import zlib from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ApplicationCommandOptionType,
  Events,
  GatewayIntentBits,
  GatewayOpcodes,
  InteractionResponseType,
  MessageFlags,
} from 'discord.js';
import type { ChatInputApplicationCommandData, Client, ClientEvents } from 'discord.js';
import { WebSocket } from 'ws';
import { buildTestClient, createTestClient } from './support/discord/client.js';
import { FIXTURE_IDS, startDiscordStandIn, stringOption } from './support/discord/standIn.js';
import type { DiscordStandIn } from './support/discord/standIn.js';

/** The arguments of the next `event` the client emits. */
function nextEvent<E extends keyof ClientEvents>(client: Client, event: E, timeoutMs = 5000): Promise<ClientEvents[E]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`No ${String(event)} within ${timeoutMs} ms`)), timeoutMs);
    client.once(event, (...args: ClientEvents[E]) => {
      clearTimeout(timer);
      resolve(args);
    });
  });
}

function bodyOf(request: { body: unknown }): Record<string, unknown> {
  expect(request.body).toBeTypeOf('object');
  return request.body as Record<string, unknown>;
}

describe('Discord stand-in with a logged-in discord.js client', () => {
  let discord: DiscordStandIn;
  let client: Client<true>;

  beforeEach(async () => {
    discord = await startDiscordStandIn({ heartbeatIntervalMs: 250 });
    client = await createTestClient(discord);
  });

  afterEach(async () => {
    await client.destroy();
    await discord.close();
  });

  it('logs in over REST and the gateway and becomes ready with the guild cached', async () => {
    expect(client.isReady()).toBe(true);
    expect(client.user.id).toBe(discord.fixture.bot.id);
    expect(client.user.bot).toBe(true);
    expect(client.application.id).toBe(discord.fixture.application.id);

    const guild = client.guilds.cache.get(FIXTURE_IDS.guild);
    expect(guild?.available).toBe(true);
    expect(guild?.channels.cache.get(FIXTURE_IDS.generalChannel)?.name).toBe('general');
    expect(guild?.members.me?.id).toBe(discord.fixture.bot.id);

    const gatewayRequest = await discord.waitForRequest('GET', '/gateway/bot');
    expect(gatewayRequest.headers.authorization).toBe(`Bot ${discord.fixture.token}`);
    expect(discord.unmatchedRequests).toEqual([]);

    // discord.js 14.28 without zlib-sync asks for plain JSON text frames.
    expect(discord.gatewayConnections[0]).toMatchObject({ path: '/gateway', query: { v: '10', encoding: 'json' } });
    expect(discord.gatewayConnections[0]?.query).not.toHaveProperty('compress');

    const identify = await discord.waitForGatewayOp(GatewayOpcodes.Identify);
    const intents = (identify.d as { intents: number }).intents;
    expect(intents & GatewayIntentBits.MessageContent).toBe(0);
    expect(intents).toBe(GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages | GatewayIntentBits.DirectMessages);
    expect(discord.identifyCount).toBe(1);

    // HELLO said 250 ms, so a heartbeat and its ACK happen within the test.
    await discord.waitForGatewayOp(GatewayOpcodes.Heartbeat);
  });

  it('delivers a slash command and records the reply callback with allowed_mentions', async () => {
    const received = nextEvent(client, Events.InteractionCreate);
    const payload = discord.payloads.guildChatInputInteraction({
      options: [stringOption('question', 'Which SME programmes run in 2025?')],
    });
    discord.dispatch('INTERACTION_CREATE', payload);

    const [interaction] = await received;
    if (!interaction.isChatInputCommand()) throw new Error('expected a chat-input command');
    expect(interaction.commandName).toBe('ask');
    expect(interaction.options.getString('question')).toBe('Which SME programmes run in 2025?');
    expect(interaction.guildId).toBe(FIXTURE_IDS.guild);
    expect(interaction.channelId).toBe(FIXTURE_IDS.generalChannel);
    expect(interaction.user.id).toBe(discord.fixture.user.id);
    expect(interaction.inCachedGuild()).toBe(true);

    await interaction.reply({ content: 'Here is what I found.', allowedMentions: { parse: [] } });

    const callback = await discord.waitForRequest('POST', '/interactions/:id/:token/callback');
    expect(callback.path).toBe(`/interactions/${payload.id}/${payload.token}/callback`);
    expect(callback.headers.authorization).toBeUndefined();
    expect(callback.status).toBe(204);
    expect(bodyOf(callback)).toMatchObject({
      type: InteractionResponseType.ChannelMessageWithSource,
      data: { content: 'Here is what I found.', allowed_mentions: { parse: [] } },
    });

    // A follow-up goes through the interaction webhook.
    await expect(interaction.followUp({ content: 'and more' })).resolves.toBeDefined();
    const followUp = await discord.waitForRequest('POST', `/webhooks/${discord.fixture.application.id}/:token`);
    expect(bodyOf(followUp)).toMatchObject({ content: 'and more' });
  });

  it('records deferReply as callback type 5 and editReply as a PATCH of @original', async () => {
    const received = nextEvent(client, Events.InteractionCreate);
    const payload = discord.payloads.guildChatInputInteraction();
    discord.dispatch('INTERACTION_CREATE', payload);
    const [interaction] = await received;
    if (!interaction.isChatInputCommand()) throw new Error('expected a chat-input command');

    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const edited = await interaction.editReply({ content: 'Answer after thinking.', allowedMentions: { parse: [] } });

    const callback = await discord.waitForRequest('POST', '/interactions/:id/:token/callback');
    expect(bodyOf(callback)).toMatchObject({
      type: InteractionResponseType.DeferredChannelMessageWithSource,
      data: { flags: MessageFlags.Ephemeral },
    });
    const patch = await discord.waitForRequest('PATCH', '/webhooks/:applicationId/:token/messages/@original');
    expect(patch.path).toBe(`/webhooks/${discord.fixture.application.id}/${payload.token}/messages/@original`);
    expect(bodyOf(patch)).toMatchObject({ content: 'Answer after thinking.', allowed_mentions: { parse: [] } });
    expect(edited.content).toBe('Answer after thinking.');
    expect(edited.author.id).toBe(discord.fixture.bot.id);
  });

  it('serves a canned failure once, e.g. an interaction that expired', async () => {
    discord.respondOnce('POST', '/interactions/:id/:token/callback', {
      status: 404,
      body: { message: 'Unknown interaction', code: 10062 },
    });
    const received = nextEvent(client, Events.InteractionCreate);
    discord.dispatch('INTERACTION_CREATE', discord.payloads.guildChatInputInteraction());
    const [interaction] = await received;
    if (!interaction.isChatInputCommand()) throw new Error('expected a chat-input command');

    await expect(interaction.reply({ content: 'too late' })).rejects.toMatchObject({ code: 10062, status: 404 });
    expect((await discord.waitForRequest('POST', '/interactions/:id/:token/callback')).route).toMatch(/^canned /);
  });

  it('delivers a DM slash command with a user instead of a member', async () => {
    const received = nextEvent(client, Events.InteractionCreate);
    discord.dispatch('INTERACTION_CREATE', discord.payloads.dmChatInputInteraction({ options: [stringOption('question', 'hi')] }));
    const [interaction] = await received;
    if (!interaction.isChatInputCommand()) throw new Error('expected a chat-input command');
    expect(interaction.guildId).toBeNull();
    expect(interaction.member).toBeNull();
    expect(interaction.channel?.isDMBased()).toBe(true);

    const response = await interaction.reply({ content: 'DM answer', withResponse: true });
    const callback = await discord.waitForRequest('POST', '/interactions/:id/:token/callback');
    expect(callback.query).toEqual({ with_response: 'true' });
    expect(bodyOf(callback)).toMatchObject({ type: InteractionResponseType.ChannelMessageWithSource, data: { content: 'DM answer' } });
    expect(response.resource?.message?.content).toBe('DM answer');
  });

  it('delivers a guild mention and records the reply with a message_reference', async () => {
    const received = nextEvent(client, Events.MessageCreate);
    const payload = discord.payloads.guildMentionMessage({ question: 'What does APO do for SMEs?' });
    discord.dispatch('MESSAGE_CREATE', payload);

    const [message] = await received;
    expect(message.content).toBe(`<@${discord.fixture.bot.id}> What does APO do for SMEs?`);
    expect(message.mentions.users.has(discord.fixture.bot.id)).toBe(true);
    expect(message.inGuild()).toBe(true);

    await message.channel.sendTyping();
    await discord.waitForRequest('POST', `/channels/${FIXTURE_IDS.generalChannel}/typing`);
    const sent = await message.reply({ content: 'APO helps SMEs by…', allowedMentions: { repliedUser: false } });

    const post = await discord.waitForRequest('POST', '/channels/:channelId/messages');
    expect(post.path).toBe(`/channels/${FIXTURE_IDS.generalChannel}/messages`);
    expect(bodyOf(post)).toMatchObject({
      content: 'APO helps SMEs by…',
      message_reference: { message_id: payload.id },
      allowed_mentions: { replied_user: false },
    });
    expect(sent.reference?.messageId).toBe(payload.id);
    expect(sent.author.id).toBe(discord.fixture.bot.id);
  });

  it('delivers a DM (through Partials.Channel) and records the reply', async () => {
    const received = nextEvent(client, Events.MessageCreate);
    const payload = discord.payloads.dmMessage({ content: 'Is there a programme for food SMEs?' });
    discord.dispatch('MESSAGE_CREATE', payload);

    const [message] = await received;
    expect(message.channel.isDMBased()).toBe(true);
    expect(message.guildId).toBeNull();
    expect(message.content).toBe('Is there a programme for food SMEs?');

    await message.reply('Yes: see the catalogue.');
    const post = await discord.waitForRequest('POST', '/channels/:channelId/messages');
    expect(post.path).toBe(`/channels/${FIXTURE_IDS.dmChannel}/messages`);
    expect(bodyOf(post)).toMatchObject({ content: 'Yes: see the catalogue.', message_reference: { message_id: payload.id } });
  });

  it('parses multipart bodies when a reply carries a file', async () => {
    const received = nextEvent(client, Events.MessageCreate);
    discord.dispatch('MESSAGE_CREATE', discord.payloads.guildMentionMessage({ question: 'send the list' }));
    const [message] = await received;

    const sent = await message.reply({ content: 'Attached.', files: [{ attachment: Buffer.from('line 1\nline 2\n'), name: 'answer.txt' }] });

    const post = await discord.waitForRequest('POST', '/channels/:channelId/messages');
    expect(post.headers['content-type']).toMatch(/^multipart\/form-data/);
    expect(bodyOf(post)).toMatchObject({ content: 'Attached.' });
    expect(post.files).toHaveLength(1);
    expect(post.files[0]).toMatchObject({ field: 'files[0]', name: 'answer.txt' });
    expect(post.files[0]?.data.toString()).toBe('line 1\nline 2\n');
    expect(sent.attachments.first()?.name).toBe('answer.txt');
  });

  it('rejects messages over 2000 characters like Discord does', async () => {
    const received = nextEvent(client, Events.MessageCreate);
    discord.dispatch('MESSAGE_CREATE', discord.payloads.guildMentionMessage({ question: 'long' }));
    const [message] = await received;

    await expect(message.reply('x'.repeat(2001))).rejects.toMatchObject({ code: 50035, status: 400 });
  });

  it('registers global and guild commands and echoes them with ids', async () => {
    const definition: ChatInputApplicationCommandData = {
      name: 'ask',
      description: 'Ask about APO SME programmes',
      options: [{ type: ApplicationCommandOptionType.String, name: 'question', description: 'Your question', required: true }],
    };
    const global = await client.application.commands.set([definition]);
    const guildCommands = await client.application.commands.set([definition], FIXTURE_IDS.guild);

    const put = await discord.waitForRequest('PUT', '/applications/:applicationId/commands');
    expect(put.body).toEqual([expect.objectContaining({ name: 'ask', description: 'Ask about APO SME programmes' })]);
    await discord.waitForRequest('PUT', '/applications/:applicationId/guilds/:guildId/commands');
    expect(global.first()?.id).toMatch(/^\d+$/);
    expect(guildCommands.first()?.guildId).toBe(FIXTURE_IDS.guild);
  });

  it('answers the lookups a bot makes: application, user, channel', async () => {
    const application = await client.application.fetch();
    const user = await client.users.fetch(discord.fixture.user.id, { force: true });
    const channel = await client.channels.fetch(FIXTURE_IDS.generalChannel, { force: true });

    expect(application.name).toBe(discord.fixture.application.name);
    expect(user.username).toBe(discord.fixture.user.username);
    expect(channel?.isTextBased()).toBe(true);
    expect(discord.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /gateway/bot',
      'GET /applications/@me',
      `GET /users/${discord.fixture.user.id}`,
      `GET /channels/${FIXTURE_IDS.generalChannel}`,
    ]);
  });

  it('resumes after a dropped connection and replays what was dispatched meanwhile', async () => {
    const resumed = nextEvent(client, Events.ShardResume);
    await discord.dropConnection();

    // Dispatched while the client is away: it must come back through the RESUME replay.
    const missedPayload = discord.payloads.guildMentionMessage({ question: 'sent while you were away' });
    const missedArrives = nextEvent(client, Events.MessageCreate);
    discord.dispatch('MESSAGE_CREATE', missedPayload);

    const resume = await discord.waitForGatewayOp(GatewayOpcodes.Resume);
    expect(resume.d).toMatchObject({ token: discord.fixture.token, seq: expect.any(Number) });
    const [, replayedCount] = await resumed;
    expect(replayedCount).toBeGreaterThanOrEqual(1);
    const [missed] = await missedArrives;
    expect(missed.id).toBe(missedPayload.id);

    expect(discord.resumeCount).toBe(1);
    expect(discord.identifyCount).toBe(1);
    expect(discord.gatewayConnections.at(-1)?.path).toBe('/gateway-resume');

    const later = nextEvent(client, Events.MessageCreate);
    discord.dispatch('MESSAGE_CREATE', discord.payloads.guildMentionMessage({ question: 'after the resume' }));
    const [message] = await later;
    expect(message.content).toContain('after the resume');
  });

  it('resumes when the TCP connection is cut without a close frame', async () => {
    const resumed = nextEvent(client, Events.ShardResume);
    await discord.terminateConnection();
    await resumed;
    expect(discord.resumeCount).toBe(1);
    expect(discord.identifyCount).toBe(1);
  });

  it('starts a new session with IDENTIFY when the gateway closes with 1000', async () => {
    await discord.waitForGatewayOp(GatewayOpcodes.Identify); // the login's own IDENTIFY
    await discord.dropConnection(1000);
    await discord.waitForGatewayOp(GatewayOpcodes.Identify);
    expect(discord.identifyCount).toBe(2);
    expect(discord.resumeCount).toBe(0);

    // The new session's READY and GUILD_CREATE are sent before the next dispatch reaches it.
    const later = nextEvent(client, Events.MessageCreate);
    discord.dispatch('MESSAGE_CREATE', discord.payloads.dmMessage({ content: 'new session' }));
    expect((await later)[0].content).toBe('new session');
  });
});

describe('Discord stand-in without a ready client', () => {
  let discord: DiscordStandIn;
  const clients: Client[] = [];

  beforeEach(async () => {
    discord = await startDiscordStandIn({ heartbeatIntervalMs: 250 });
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.destroy()));
    await discord.close();
  });

  it('refuses a wrong bot token with 401, which discord.js reports as an invalid token', async () => {
    const client = buildTestClient(discord);
    clients.push(client);
    await expect(client.login('not-the-token')).rejects.toMatchObject({ code: 'TokenInvalid' });
    const request = await discord.waitForRequest('GET', '/gateway/bot');
    expect(request.status).toBe(401);
    expect(discord.identifyCount).toBe(0);
  });

  it('refuses IDENTIFY with the privileged MessageContent intent (close 4014)', async () => {
    const client = buildTestClient(discord, {
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.MessageContent],
    });
    clients.push(client);
    const disconnected = nextEvent(client, Events.ShardDisconnect);
    void client.login(discord.fixture.token).catch(() => undefined);
    const [event] = await disconnected;
    expect(event.code).toBe(4014);
    expect(discord.identifyCount).toBe(0);
  });

  it('speaks zlib-stream to a client that asks for it', async () => {
    const socket = new WebSocket(`${discord.gatewayUrl}?v=10&encoding=json&compress=zlib-stream`);
    const inflate = zlib.createInflate();
    const [frame] = (await once(socket, 'message')) as [Buffer];
    expect(frame.subarray(-4).toString('hex')).toBe('0000ffff');
    const text = await new Promise<string>((resolve) => {
      const chunks: Buffer[] = [];
      inflate.on('data', (chunk: Buffer) => chunks.push(chunk));
      inflate.write(frame);
      inflate.flush(zlib.constants.Z_SYNC_FLUSH, () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
    expect(JSON.parse(text)).toMatchObject({ op: GatewayOpcodes.Hello, d: { heartbeat_interval: 250 } });
    socket.close();
    await once(socket, 'close');
  });

  it('records unknown routes as 404s', async () => {
    const response = await fetch(`${discord.restApiBase}/v10/guilds/${FIXTURE_IDS.guild}/audit-logs`, {
      headers: { authorization: `Bot ${discord.fixture.token}` },
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ message: '404: Not Found', code: 0 });
    expect(discord.unmatchedRequests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /guilds/${FIXTURE_IDS.guild}/audit-logs`,
    ]);
  });
});
