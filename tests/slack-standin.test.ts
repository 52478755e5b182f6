/**
 * Proves the Slack stand-in is good enough to test against: the real
 * WebClient and the real Bolt App talk to it over real sockets on 127.0.0.1.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { App, webApi } from '@slack/bolt';
import {
  boltOptionsFor,
  buildAppMentionEvent,
  buildDirectMessageEvent,
  buildSlashCommand,
  buildUrlVerification,
  DEFAULT_SIGNING_SECRET,
  nowInSeconds,
  postSignedEvent,
  postSignedSlashCommand,
  signSlackRequest,
  SLACK_TEST_IDS,
  startAppOnLoopback,
  startSlackWebApi,
  type SlackWebApiStandIn,
} from './support/slack/index.js';

// Bolt re-exports the very @slack/web-api module it uses; importing it from
// there avoids depending on a package that is not in our package.json.
const { WebClient } = webApi;

const signingSecret = DEFAULT_SIGNING_SECRET;
const sixMinutesAgo = (): number => nowInSeconds() - 6 * 60;
const settle = (ms = 100): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function clientFor(api: SlackWebApiStandIn, token = api.botToken): InstanceType<typeof WebClient> {
  return new WebClient(token, { slackApiUrl: api.url, retryConfig: { retries: 0 } });
}

describe('signSlackRequest', () => {
  it('matches the worked example in Slack\'s "Verifying requests" guide', () => {
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V' +
      '&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=' +
      '&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN' +
      '&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    const headers = signSlackRequest(body, '8f742231b10e8888abcd99yyyzzz85a5', 1531420618);
    expect(headers).toEqual({
      'X-Slack-Request-Timestamp': '1531420618',
      'X-Slack-Signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    });
  });
});

describe('Web API stand-in, driven by the real WebClient', () => {
  let api: SlackWebApiStandIn;

  beforeEach(async () => {
    api = await startSlackWebApi();
  });
  afterEach(async () => {
    await api.close();
  });

  it('records chat.postMessage with its blocks parsed back from the form body', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*APO* answer' } }];

    const result = await clientFor(api).chat.postMessage({ channel: 'C123', text: 'fallback', blocks });

    expect(result.ok).toBe(true);
    expect(result.channel).toBe('C123');
    expect(result.ts).toMatch(/^\d{10}\.\d{6}$/);
    const call = await api.waitForCall('chat.postMessage');
    expect(call.token).toBe(api.botToken);
    expect(call.body).toMatchObject({ channel: 'C123', text: 'fallback', blocks });
    expect(call.receivedAt).toBeInstanceOf(Date);
  });

  it('hands out a fresh ts for every message', async () => {
    const client = clientFor(api);
    const first = await client.chat.postMessage({ channel: 'C123', text: 'one' });
    const second = await client.chat.postMessage({ channel: 'C123', text: 'two' });
    expect(first.ts).not.toBe(second.ts);
  });

  it('answers auth.test with the fake workspace identity', async () => {
    const result = await clientFor(api).auth.test();
    expect(result).toMatchObject({
      ok: true,
      team_id: SLACK_TEST_IDS.teamId,
      user_id: SLACK_TEST_IDS.botUserId,
      bot_id: SLACK_TEST_IDS.botId,
    });
  });

  it('answers the other methods a bot uses', async () => {
    const client = clientFor(api);
    await expect(client.chat.postEphemeral({ channel: 'C1', user: 'U1', text: 'psst' })).resolves.toMatchObject({
      ok: true,
      message_ts: expect.any(String),
    });
    await expect(client.chat.update({ channel: 'C1', ts: '1.000001', text: 'edited' })).resolves.toMatchObject({
      ok: true,
      ts: '1.000001',
    });
    await expect(client.users.info({ user: SLACK_TEST_IDS.humanUserId })).resolves.toMatchObject({
      user: { id: SLACK_TEST_IDS.humanUserId, name: SLACK_TEST_IDS.humanUserName },
    });
    await expect(client.conversations.info({ channel: 'D0DM' })).resolves.toMatchObject({
      channel: { id: 'D0DM', is_im: true },
    });
    const view = { type: 'modal' as const, title: { type: 'plain_text' as const, text: 'APO' }, blocks: [] };
    await expect(client.views.open({ trigger_id: 't1', view })).resolves.toMatchObject({ ok: true });
    await expect(client.views.publish({ user_id: 'U1', view: { type: 'home', blocks: [] } })).resolves.toMatchObject({
      ok: true,
    });
    expect((await api.waitForCall('views.open')).body.view).toEqual(view);
  });

  it('rejects an unknown method and a wrong token the way Slack does', async () => {
    await expect(clientFor(api).apiCall('apo.doesNotExist')).rejects.toMatchObject({
      data: { ok: false, error: 'unknown_method' },
    });
    await expect(clientFor(api, 'xoxb-wrong').chat.postMessage({ channel: 'C1', text: 'hi' })).rejects.toMatchObject({
      data: { error: 'invalid_auth' },
    });
    const rejected = await api.waitForCall('chat.postMessage');
    expect(rejected.token).toBe('xoxb-wrong');
  });

  it('fails the next call on demand, then recovers', async () => {
    api.failNext('chat.postMessage', 'channel_not_found');
    const client = clientFor(api);

    await expect(client.chat.postMessage({ channel: 'C1', text: 'hi' })).rejects.toMatchObject({
      code: 'slack_webapi_platform_error',
      data: { error: 'channel_not_found' },
    });
    await expect(client.chat.postMessage({ channel: 'C1', text: 'hi' })).resolves.toMatchObject({ ok: true });
  });

  it('lets a test replace one method\'s answer', async () => {
    api.respondTo('users.info', ({ body }) => ({ user: { id: body.user, name: 'custom' } }));
    await expect(clientFor(api).users.info({ user: 'U9' })).resolves.toMatchObject({
      ok: true,
      user: { id: 'U9', name: 'custom' },
    });
  });

  it('accepts JSON bodies and a token in the body', async () => {
    const asJson = await fetch(`${api.url}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${api.botToken}` },
      body: JSON.stringify({ channel: 'C7', text: 'json', blocks: [{ type: 'divider' }] }),
    });
    expect(await asJson.json()).toMatchObject({ ok: true, channel: 'C7' });

    const tokenInBody = await fetch(`${api.url}auth.test`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: api.botToken }).toString(),
    });
    expect(await tokenInBody.json()).toMatchObject({ ok: true });

    expect((await api.waitForCall('chat.postMessage')).body.blocks).toEqual([{ type: 'divider' }]);
    expect((await api.waitForCall('auth.test')).token).toBe(api.botToken);
  });

  it('waits for calls that arrive later, and times out with a readable message', async () => {
    const pending = api.waitForCall('chat.postMessage', (call) => call.body.channel === 'C-late');
    await clientFor(api).chat.postMessage({ channel: 'C-late', text: 'late' });
    await expect(pending).resolves.toMatchObject({ body: { channel: 'C-late' } });

    await expect(api.waitForCall('chat.update', undefined, 50)).rejects.toThrow(
      /Timed out after 50 ms waiting for a matching chat\.update call to the Slack stand-in\. Seen so far:\n  chat\.postMessage /,
    );
  });

  it('forgets everything on reset()', async () => {
    api.failNext('auth.test', 'ratelimited');
    await clientFor(api).chat.postMessage({ channel: 'C1', text: 'hi' });
    api.reset();
    expect(api.calls).toEqual([]);
    await expect(clientFor(api).auth.test()).resolves.toMatchObject({ ok: true });
  });
});

describe('the real Bolt App in HTTP mode against the stand-in', () => {
  let api: SlackWebApiStandIn;
  let app: App;
  let appUrl: string;

  beforeEach(async () => {
    // The stand-in must be up first: Bolt calls auth.test from its constructor.
    api = await startSlackWebApi();
    app = new App(boltOptionsFor(api, signingSecret));
    appUrl = await startAppOnLoopback(app);
  });
  afterEach(async () => {
    await app.stop();
    await api.close();
  });

  it('delivers a signed app_mention; say() posts into the thread', async () => {
    app.event('app_mention', async ({ event, say }) => {
      await say({ text: `you said: ${event.text}`, thread_ts: event.thread_ts ?? event.ts });
    });
    const mention = buildAppMentionEvent({ text: 'what is the SME programme?' });

    const delivery = await postSignedEvent(appUrl, mention, { signingSecret });

    expect(delivery.status).toBe(200);
    const post = await api.waitForCall('chat.postMessage');
    expect(post.token).toBe(api.botToken);
    expect(post.body).toMatchObject({
      channel: SLACK_TEST_IDS.channelId,
      thread_ts: mention.event.ts,
      text: `you said: <@${SLACK_TEST_IDS.botUserId}> what is the SME programme?`,
    });
    expect(api.calls.map((call) => call.method)).toContain('auth.test');
  });

  it('passes Slack\'s retry headers through to the listener context', async () => {
    const seen: { retryNum?: number; retryReason?: string }[] = [];
    app.event('app_mention', async ({ context }) => {
      seen.push({ retryNum: context.retryNum, retryReason: context.retryReason });
    });

    await postSignedEvent(appUrl, buildAppMentionEvent(), { signingSecret, retryNum: 1, retryReason: 'http_timeout' });

    await expect.poll(() => seen).toEqual([{ retryNum: 1, retryReason: 'http_timeout' }]);
  });

  it('delivers a direct message to app.message; say() answers in the DM', async () => {
    app.message(async ({ message, say }) => {
      if (message.channel_type === 'im') await say('hello from apo-bot');
    });

    const delivery = await postSignedEvent(appUrl, buildDirectMessageEvent({ text: 'hi' }), { signingSecret });

    expect(delivery.status).toBe(200);
    const post = await api.waitForCall('chat.postMessage');
    expect(post.body).toMatchObject({ channel: SLACK_TEST_IDS.directMessageChannelId, text: 'hello from apo-bot' });
  });

  it('answers 401 to a bad signature and runs no handler', async () => {
    let handlerRan = false;
    app.event('app_mention', async () => {
      handlerRan = true;
    });

    const wrongSecret = await postSignedEvent(appUrl, buildAppMentionEvent(), { signingSecret: 'not-the-secret' });
    const tampered = await postSignedEvent(appUrl, buildAppMentionEvent(), { signingSecret, signature: 'v0=deadbeef' });

    expect(wrongSecret.status).toBe(401);
    expect(tampered.status).toBe(401);
    await settle();
    expect(handlerRan).toBe(false);
    expect(api.calls.filter((call) => call.method === 'chat.postMessage')).toEqual([]);
  });

  it('answers 401 to a correctly signed but stale request (over five minutes old)', async () => {
    let handlerRan = false;
    app.event('app_mention', async () => {
      handlerRan = true;
    });

    const stale = await postSignedEvent(appUrl, buildAppMentionEvent(), { signingSecret, timestamp: sixMinutesAgo() });

    expect(stale.status).toBe(401);
    await settle();
    expect(handlerRan).toBe(false);
  });

  it('echoes the url_verification challenge', async () => {
    const verification = buildUrlVerification('challenge-3eZbrw1aBm2r');

    const reply = await postSignedEvent(appUrl, verification, { signingSecret });

    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ challenge: 'challenge-3eZbrw1aBm2r' });
  });

  it('routes a signed slash command to app.command; ack() answers the request, respond() posts to response_url', async () => {
    app.command('/apo', async ({ command, ack, respond }) => {
      await ack();
      await respond({ response_type: 'ephemeral', text: `searching for "${command.text}"` });
    });
    const responseUrl = api.responseUrl('cmd-1');
    const command = buildSlashCommand({ command: '/apo', text: 'export grants', response_url: responseUrl });

    const reply = await postSignedSlashCommand(appUrl, command, { signingSecret });

    expect(reply.status).toBe(200);
    const response = await api.waitForResponse((r) => r.id === 'cmd-1');
    expect(response.body).toEqual({ response_type: 'ephemeral', text: 'searching for "export grants"' });
  });

  it('returns the ack() payload as the slash command\'s HTTP response', async () => {
    app.command('/apo', async ({ ack }) => {
      await ack({ response_type: 'ephemeral', text: 'on it' });
    });

    const reply = await postSignedSlashCommand(appUrl, buildSlashCommand({ response_url: api.responseUrl() }), {
      signingSecret,
    });

    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ response_type: 'ephemeral', text: 'on it' });
  });
});
