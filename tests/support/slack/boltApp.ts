import type { AddressInfo } from 'node:net';
import { LogLevel, type App, type AppOptions } from '@slack/bolt';
import type { SlackConfig } from '../../../adapters/slack/config.js';
import { DEFAULT_SIGNING_SECRET } from './ids.js';
import type { SlackWebApiStandIn } from './webApiStandIn.js';

/**
 * App options that point a real Bolt App at the Web API stand-in.
 *
 * - `clientOptions.slackApiUrl` is the only knob needed: Bolt hands
 *   clientOptions to every WebClient it builds (app.client and the
 *   per-request `client` behind say()).
 * - `retries: 0` because WebClient's default policy retries failed HTTP
 *   requests for about 30 minutes, which turns a bug into a hung test.
 */
export function boltOptionsFor(api: SlackWebApiStandIn, signingSecret: string): AppOptions {
  return {
    token: api.botToken,
    signingSecret,
    clientOptions: { slackApiUrl: api.url, retryConfig: { retries: 0 } },
    logLevel: LogLevel.ERROR,
  };
}

/**
 * Starts an HTTP-mode App on 127.0.0.1 with an OS-chosen port and returns its
 * base URL (events go to `<base>/slack/events`). Bolt forwards app.start's
 * argument to node's `server.listen`, so a ListenOptions object picks the
 * host; a bare port number would listen on every interface.
 */
export async function startAppOnLoopback(app: App): Promise<string> {
  const server = await app.start({ port: 0, host: '127.0.0.1' });
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

/**
 * The adapter's settings for a test or benchmark against the stand-in: HTTP mode on 127.0.0.1
 * with an OS-chosen port, the stand-in as Web API, nobody admin, replies public, thread follow-ups
 * on.
 */
export function slackConfigFor(api: SlackWebApiStandIn, overrides: Partial<SlackConfig> = {}): SlackConfig {
  return {
    mode: 'http',
    botToken: api.botToken,
    appToken: undefined,
    signingSecret: DEFAULT_SIGNING_SECRET,
    port: 0,
    host: '127.0.0.1',
    apiUrl: api.url,
    adminUserIds: new Set(),
    channels: undefined,
    privateReplies: false,
    threadFollowUps: true,
    ...overrides,
  };
}
