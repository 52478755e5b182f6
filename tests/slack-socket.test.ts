import { afterEach, expect, it } from 'vitest';
import { createSlackAdapter, type SlackAdapter } from '../adapters/slack/index.js';
import { Assistant } from '../src/assistant.js';
import { createEngine } from '../src/core/index.js';
import { createLogger } from '../src/logger.js';
import { SHIPPED_KNOWLEDGE } from './helpers/knowledgeDir.js';
import { buildAppMentionEvent, SLACK_TEST_IDS, slackConfigFor, startSlackWebApi, type SlackWebApiStandIn } from './support/slack/index.js';
import { startSocketModeServer, type SocketModeStandIn } from './support/slack/socketModeStandIn.js';

let api: SlackWebApiStandIn;
let socket: SocketModeStandIn;
let adapter: SlackAdapter;

afterEach(async () => {
  await adapter.stop();
  await socket.close();
  await api.close();
});

it('runs in Socket Mode: connects with the app token and answers a mention that arrives over the socket', async () => {
  api = await startSlackWebApi();
  socket = await startSocketModeServer(api);
  const engine = await createEngine({ knowledgeDir: SHIPPED_KNOWLEDGE });
  const logger = createLogger({ level: 'silent' });
  adapter = createSlackAdapter({
    assistant: new Assistant({ engine, logger }),
    logger,
    config: slackConfigFor(api, { mode: 'socket', appToken: 'xapp-test-token', signingSecret: undefined }),
  });

  await adapter.start();
  expect(socket.connections).toBe(1);
  expect((await api.waitForCall('apps.connections.open')).token).toBe('xapp-test-token');

  const mention = buildAppMentionEvent({ text: 'kpc director name' });
  await socket.sendEvent(mention);

  const post = await api.waitForCall('chat.postMessage');
  expect(post.body).toMatchObject({ channel: SLACK_TEST_IDS.channelId, thread_ts: mention.event.ts });
  expect(post.body.text).toContain('Taiho Kang');
});
