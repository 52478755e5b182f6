/**
 * A local stand-in for Discord: one HTTP server on 127.0.0.1 that serves the REST API under
 * /api/v10 and the gateway as a WebSocket, so tests can run the real discord.js client over
 * real sockets, dispatch events to it, and check what it sends back.
 *
 *   const discord = await startDiscordStandIn();
 *   const client = await createTestClient(discord);            // see client.ts
 *   discord.dispatch('INTERACTION_CREATE', discord.payloads.guildChatInputInteraction({
 *     options: [stringOption('question', 'What is the SME programme?')],
 *   }));
 *   const callback = await discord.waitForRequest('POST', '/interactions/:id/:token/callback');
 *   await client.destroy();
 *   await discord.close();
 */

import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { createFixture } from './fixture.js';
import type { DiscordFixture } from './fixture.js';
import { GatewayStandIn } from './gateway.js';
import type { GatewayConnectionInfo, ReceivedGatewayPayload } from './gateway.js';
import {
  buildDmChatInputInteraction,
  buildDmMessage,
  buildGuildButtonInteraction,
  buildGuildChatInputInteraction,
  buildGuildImportInteraction,
  buildGuildMentionMessage,
  buildGuildReplyMessage,
} from './payloads.js';
import type {
  AttachmentFixture,
  ChatInputInteractionOptions,
  GuildButtonInteractionOptions,
  DmMessageOptions,
  GuildChatInputInteractionOptions,
  GuildMentionMessageOptions,
  GuildReplyMessageOptions,
} from './payloads.js';
import { FILES_PREFIX, RestStandIn } from './rest.js';
import type { CannedResponse, RecordedRequest } from './rest.js';
import { compileRoutePattern } from './routePattern.js';
import { DiscordState } from './state.js';
import { nextSnowflake } from './snowflake.js';
import { listenOnLoopback } from '../listen.js';

export interface DiscordStandInOptions {
  /** The world to serve; default `createFixture()`. */
  readonly fixture?: DiscordFixture;
  /** Sent in HELLO. Short by default so heartbeats happen within a test. */
  readonly heartbeatIntervalMs?: number;
  /** Privileged intents (bitfield) the application may request; default none, like a fresh bot. */
  readonly allowedPrivilegedIntents?: number;
}

const GATEWAY_PATH = '/gateway';
/** A different path for resume_gateway_url, so tests can tell a resume connection apart. */
const RESUME_GATEWAY_PATH = '/gateway-resume';
const DEFAULT_TIMEOUT_MS = 5000;

export interface DiscordStandIn {
  readonly fixture: DiscordFixture;
  /** Pass as discord.js `rest.api`; discord.js appends `/v10` and the route. */
  readonly restApiBase: string;
  /** What GET /gateway/bot returns; discord.js appends `?v=10&encoding=json`. */
  readonly gatewayUrl: string;
  /** What READY gives as resume_gateway_url. */
  readonly resumeGatewayUrl: string;

  /** Every REST request so far, in order, including rejected and unknown ones. */
  readonly requests: readonly RecordedRequest[];
  /** Requests no route served (404s): calls the stand-in, and maybe the test, did not expect. */
  readonly unmatchedRequests: readonly RecordedRequest[];
  /** The next unclaimed request matching, e.g. `waitForRequest('POST', '/channels/:id/messages')`. */
  waitForRequest(method: string, pathPattern: string | RegExp, timeoutMs?: number): Promise<RecordedRequest>;
  /** Makes the next matching request fail (or succeed) with this response, e.g. a 500 or 429. */
  respondOnce(method: string, pathPattern: string | RegExp, response: CannedResponse): void;

  /** Sends a dispatch (op 0) in the current gateway session; returns its sequence number. */
  dispatch(event: string, data: unknown): number;
  /** Closes the gateway socket; by default with 4000, which discord.js answers with RESUME. */
  dropConnection(code?: number): Promise<void>;
  /** Drops the TCP connection without a close frame. */
  terminateConnection(): Promise<void>;
  /** Sends a raw gateway payload, e.g. `{ op: 7 }` (RECONNECT) or `{ op: 9, d: false }`. */
  sendGatewayPayload(payload: { op: number; d?: unknown }): void;
  /** Gateway payloads the client sent (HEARTBEAT, IDENTIFY, RESUME…), in order. */
  readonly gatewayPayloads: readonly ReceivedGatewayPayload[];
  /** The next unclaimed payload with this opcode. */
  waitForGatewayOp(op: number, timeoutMs?: number): Promise<ReceivedGatewayPayload>;
  readonly gatewayConnections: readonly GatewayConnectionInfo[];
  readonly identifyCount: number;
  readonly resumeCount: number;

  /**
   * Serves `bytes` over HTTP on 127.0.0.1, as Discord's CDN serves an attachment; returns what an
   * attachment option needs (`payloads.guildImportInteraction({ file })`). Downloads are recorded
   * in `requests` with the path `/attachments/...`.
   */
  hostFile(filename: string, bytes: Uint8Array | string, contentType?: string): AttachmentFixture;
  /** Downloads of hosted files so far. */
  readonly downloads: readonly RecordedRequest[];

  /** Builders bound to this stand-in's fixture. */
  readonly payloads: {
    guildChatInputInteraction(options?: GuildChatInputInteractionOptions): ReturnType<typeof buildGuildChatInputInteraction>;
    dmChatInputInteraction(options?: ChatInputInteractionOptions): ReturnType<typeof buildDmChatInputInteraction>;
    guildMentionMessage(options: GuildMentionMessageOptions): ReturnType<typeof buildGuildMentionMessage>;
    /** A reply to a message (e.g. the bot's answer, from a request's `responseBody`). */
    guildReplyMessage(options: GuildReplyMessageOptions): ReturnType<typeof buildGuildReplyMessage>;
    dmMessage(options: DmMessageOptions): ReturnType<typeof buildDmMessage>;
    /** `/import file:` with an attachment (see `hostFile`). */
    guildImportInteraction(options: Parameters<typeof buildGuildImportInteraction>[1]): ReturnType<typeof buildGuildImportInteraction>;
    /** A click on a button of `message` (e.g. the bot's reply, from a request's `responseBody`). */
    guildButtonInteraction(options: GuildButtonInteractionOptions): ReturnType<typeof buildGuildButtonInteraction>;
  };

  close(): Promise<void>;
}

export async function startDiscordStandIn(options: DiscordStandInOptions = {}): Promise<DiscordStandIn> {
  const fixture = options.fixture ?? createFixture();
  const state = new DiscordState(fixture);
  const server = createServer();
  const sockets = new WebSocketServer({ noServer: true });

  const port = await listenOnLoopback(server);
  const origin = `127.0.0.1:${port}`;
  const gatewayUrl = `ws://${origin}${GATEWAY_PATH}`;
  const resumeGatewayUrl = `ws://${origin}${RESUME_GATEWAY_PATH}`;

  const rest = new RestStandIn(state, { gatewayUrl });
  const gateway = new GatewayStandIn({
    fixture,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 1000,
    resumeGatewayUrl,
    allowedPrivilegedIntents: options.allowedPrivilegedIntents ?? 0,
    onDispatch: (event, data) => state.observeDispatch(event, data),
  });

  server.on('request', (request, response) => {
    rest.handle(request, response).catch((error: unknown) => {
      // handle() answers every request itself; reaching here means the socket itself failed.
      response.destroy(error instanceof Error ? error : undefined);
    });
  });
  server.on('upgrade', (request, socket, head) => {
    const path = new URL(request.url ?? '/', 'http://stand-in').pathname;
    if (path !== GATEWAY_PATH && path !== RESUME_GATEWAY_PATH) {
      socket.destroy();
      return;
    }
    sockets.handleUpgrade(request, socket, head, (webSocket) => gateway.accept(webSocket, request));
  });

  return {
    fixture,
    restApiBase: `http://${origin}/api`,
    gatewayUrl,
    resumeGatewayUrl,

    get requests() {
      return rest.requests.entries;
    },
    get unmatchedRequests() {
      return rest.requests.entries.filter((r) => r.route === undefined);
    },
    waitForRequest(method, pathPattern, timeoutMs = DEFAULT_TIMEOUT_MS) {
      const pattern = compileRoutePattern(pathPattern);
      const wanted = method.toUpperCase();
      return rest.requests.waitFor(
        (r) => r.method === wanted && pattern.match(r.path) !== null,
        timeoutMs,
        `${wanted} ${pattern.source}`,
      );
    },
    respondOnce: (method, pathPattern, response) => rest.respondOnce(method, pathPattern, response),

    dispatch: (event, data) => gateway.dispatch(event, data),
    dropConnection: (code) => gateway.dropConnection(code === undefined ? {} : { code }),
    terminateConnection: () => gateway.dropConnection({ terminate: true }),
    sendGatewayPayload: (payload) => gateway.sendRaw(payload),
    get gatewayPayloads() {
      return gateway.received.entries;
    },
    waitForGatewayOp(op, timeoutMs = DEFAULT_TIMEOUT_MS) {
      return gateway.received.waitFor((p) => p.op === op, timeoutMs, `gateway op ${op}`);
    },
    get gatewayConnections() {
      return gateway.connections;
    },
    get identifyCount() {
      return gateway.identifyCount;
    },
    get resumeCount() {
      return gateway.resumeCount;
    },

    hostFile(filename, bytes, contentType = 'text/plain; charset=utf-8') {
      const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
      const folder = `${FILES_PREFIX}${nextSnowflake()}/`;
      // Stored under the decoded path, which is what requests are matched by.
      rest.files.set(`${folder}${filename}`, { bytes: data, contentType });
      return { filename, size: data.length, url: `http://${origin}${folder}${encodeURIComponent(filename)}`, contentType };
    },
    get downloads() {
      return rest.requests.entries.filter((r) => r.route === 'file');
    },

    payloads: {
      guildImportInteraction: (o) => buildGuildImportInteraction(fixture, o),
      guildButtonInteraction: (o) => buildGuildButtonInteraction(fixture, o),
      guildChatInputInteraction: (o) => buildGuildChatInputInteraction(fixture, o),
      dmChatInputInteraction: (o) => buildDmChatInputInteraction(fixture, o),
      guildMentionMessage: (o) => buildGuildMentionMessage(fixture, o),
      guildReplyMessage: (o) => buildGuildReplyMessage(fixture, o),
      dmMessage: (o) => buildDmMessage(fixture, o),
    },

    async close() {
      gateway.close();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      // Keep-alive sockets from discord.js's HTTP agent would otherwise hold close() open.
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

export type { RecordedRequest, CannedResponse } from './rest.js';
export type { ReceivedGatewayPayload, GatewayConnectionInfo } from './gateway.js';
export type { RecordedFile } from './httpBody.js';
export { createFixture, FIXTURE_IDS, FIXTURE_TOKEN } from './fixture.js';
export type { DiscordFixture, GuildFixture, TextChannelFixture } from './fixture.js';
export { attachmentOption, stringOption } from './payloads.js';
export type { AttachmentFixture } from './payloads.js';
