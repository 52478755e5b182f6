import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ListenOptions } from 'node:net';
import { HTTPModuleFunctions, HTTPResponseAck, verifySlackRequest, type App, type Receiver } from '@slack/bolt';
import type { Logger } from 'pino';
import type { EventClaims } from '../../src/store/types.js';
import { boltLoggerFrom } from './boltLogger.js';
import {
  checkHeaders,
  DEFAULT_REQUEST_LIMITS,
  mediaType,
  parseSlackBody,
  RecentSignatures,
  SSL_CHECK_MAX_BYTES,
  type Rejection,
  type SlackRequestLimits,
} from './requestChecks.js';

export interface SlackReceiverOptions {
  readonly signingSecret: string;
  readonly logger: Logger;
  /** Answers `GET /healthz`. */
  readonly healthz: (request: IncomingMessage, response: ServerResponse) => void;
  readonly limits?: Partial<SlackRequestLimits>;
  /**
   * Shared by the replicas: the same signed request delivered to several of them (a load balancer
   * retrying, a client sending twice) is acted on by one only.
   */
  readonly claims?: EventClaims;
  /** Where Slack posts events, commands and interactions. Default '/slack/events', as Bolt's. */
  readonly path?: string;
}

/**
 * Slack's HTTP requests, received for Bolt: a `Receiver` that checks what it can before reading a
 * body (signature headers present, timestamp within five minutes either way, announced length
 * under the cap), reads a bounded number of bodies at once up to a size cap, verifies the
 * signature with Bolt's own `verifySlackRequest`, refuses replays and payloads of the wrong
 * shape, then hands the event to `app.processEvent` with Bolt's `HTTPResponseAck`, so Bolt does
 * the routing and acknowledgement as with its HTTPReceiver. Nothing a client sends can end the
 * process: every refusal is an HTTP status and one log line, never the body.
 */
export class SlackHttpReceiver implements Receiver {
  readonly #options: SlackReceiverOptions;
  readonly #limits: SlackRequestLimits;
  readonly #logger: Logger;
  readonly #boltLogger;
  readonly #seen = new RecentSignatures();
  #app: App | undefined;
  #server: Server | undefined;
  #reading = 0;

  constructor(options: SlackReceiverOptions) {
    this.#options = options;
    this.#limits = { ...DEFAULT_REQUEST_LIMITS, ...options.limits };
    this.#logger = options.logger;
    this.#boltLogger = boltLoggerFrom(options.logger);
  }

  init(app: App): void {
    this.#app = app;
  }

  start(listen: number | ListenOptions): Promise<Server> {
    if (this.#server) return Promise.reject(new Error('slack receiver: already started'));
    const server = createServer((request, response) => {
      this.#handle(request, response).catch((error: unknown) => {
        this.#logger.error({ err: error }, 'slack request failed');
        if (!response.headersSent) response.writeHead(500).end();
      });
    });
    // Slack sends its headers and small bodies at once; a client trickling them holds a socket for
    // seconds, not Node's default minutes.
    server.headersTimeout = 10_000;
    server.requestTimeout = this.#limits.bodyTimeoutMs + 10_000;
    this.#server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(listen, () => {
        server.off('error', reject);
        resolve(server);
      });
    });
  }

  stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return Promise.resolve();
    return new Promise((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeIdleConnections();
    });
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '').split('?')[0];
    if (path === '/healthz' && request.method === 'GET') {
      this.#options.healthz(request, response);
      return;
    }
    if (path !== (this.#options.path ?? '/slack/events') || request.method !== 'POST') {
      response.writeHead(404).end();
      return;
    }
    // A client that hangs up mid-body makes the request emit 'error'; unheard, that would end the process.
    request.on('error', () => {});

    const nowMs = Date.now();
    const headers = checkHeaders(request.headers, Math.floor(nowMs / 1000), this.#limits);
    if (headers.kind === 'rejected') return this.#reject(request, response, headers.rejection);
    if (this.#reading >= this.#limits.maxConcurrentBodies) {
      response.setHeader('retry-after', '1');
      return this.#reject(request, response, { status: 503, reason: 'too many request bodies being read' });
    }

    const limit = headers.kind === 'maybe-ssl-check' ? SSL_CHECK_MAX_BYTES : this.#limits.maxBodyBytes;
    const read = await this.#readBody(request, limit);
    if (!Buffer.isBuffer(read)) return this.#reject(request, response, read);
    const text = read.toString('utf8');

    if (headers.kind === 'maybe-ssl-check') {
      const fields = new URLSearchParams(text);
      if (fields.get('ssl_check') === '1') return void response.writeHead(200).end();
      return this.#reject(request, response, { status: 401, reason: 'missing signature headers' });
    }

    try {
      verifySlackRequest({
        signingSecret: this.#options.signingSecret,
        body: text,
        headers: { 'x-slack-signature': headers.signature, 'x-slack-request-timestamp': headers.timestamp },
        nowMilliseconds: nowMs,
      });
    } catch {
      return this.#reject(request, response, { status: 401, reason: 'signature mismatch' });
    }
    if (!this.#seen.firstTime(headers.signature, nowMs)) {
      this.#logger.info({ path, retryNum: request.headers['x-slack-retry-num'] }, 'replayed slack request ignored');
      response.writeHead(200).end();
      return;
    }

    const parsed = parseSlackBody(mediaType(request.headers), text);
    if (parsed.kind === 'rejected') return this.#reject(request, response, parsed.rejection);
    if (parsed.kind === 'ssl-check') return void response.writeHead(200).end();
    if (parsed.kind === 'url-verification') return HTTPModuleFunctions.buildUrlVerificationResponse(response, { challenge: parsed.challenge });
    const claims = this.#options.claims;
    if (!claims) return this.#dispatch(request, response, parsed.body);
    const body = parsed.body;
    const ran = await claims.once(`slack:request:${headers.signature}`, () => this.#dispatch(request, response, body));
    if (!ran) {
      this.#logger.info({ path, retryNum: request.headers['x-slack-retry-num'] }, 'slack request handled by another replica: ignored');
      if (!response.headersSent) response.writeHead(200).end();
    }
  }

  /** Bolt's part, as its HTTPReceiver does it: the event with an ack that writes the HTTP response. */
  async #dispatch(request: IncomingMessage, response: ServerResponse, body: Record<string, unknown>): Promise<void> {
    const ack = new HTTPResponseAck({
      logger: this.#boltLogger,
      processBeforeResponse: false,
      httpRequest: request,
      httpRequestBody: body,
      httpResponse: response,
    });
    try {
      await this.#app?.processEvent({
        body,
        ack: ack.bind(),
        retryNum: HTTPModuleFunctions.extractRetryNumFromHTTPRequest(request),
        retryReason: HTTPModuleFunctions.extractRetryReasonFromHTTPRequest(request),
      });
    } catch (error) {
      ack.ack();
      this.#logger.error({ err: error, type: body.type }, 'slack event failed in Bolt');
      if (!response.headersSent) response.writeHead(500).end();
    }
  }

  /**
   * Reads the body into memory, at most `limit` bytes, within the time limit, counting it against
   * the bodies read at once. Returns the rejection when it is too long, too slow or cut off.
   */
  #readBody(request: IncomingMessage, limit: number): Promise<Buffer | Rejection> {
    this.#reading += 1;
    return new Promise<Buffer | Rejection>((resolve) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = (result: Buffer | Rejection): void => {
        clearTimeout(timer);
        request.off('data', onData).off('end', onEnd).off('error', onError).off('aborted', onError);
        resolve(result);
      };
      const onData = (chunk: Buffer): void => {
        size += chunk.length;
        if (size > limit) finish({ status: 413, reason: `body over ${limit} bytes` });
        else chunks.push(chunk);
      };
      const onEnd = (): void => finish(Buffer.concat(chunks));
      const onError = (): void => finish({ status: 400, reason: 'request cut off' });
      const timer = setTimeout(() => finish({ status: 408, reason: `body not received within ${this.#limits.bodyTimeoutMs} ms` }), this.#limits.bodyTimeoutMs);
      request.on('data', onData).on('end', onEnd).on('error', onError).on('aborted', onError);
    }).finally(() => {
      this.#reading -= 1;
    });
  }

  /**
   * Answers a refused request and logs it. The connection is closed rather than drained: a body
   * still on its way (a 4 MB one, say) is never read.
   */
  #reject(request: IncomingMessage, response: ServerResponse, rejection: Rejection): void {
    this.#logger.warn(
      {
        status: rejection.status,
        reason: rejection.reason,
        path: (request.url ?? '').split('?')[0]?.slice(0, 100),
        remoteAddress: request.socket.remoteAddress,
        contentLength: request.headers['content-length'],
      },
      'slack request rejected',
    );
    if (response.headersSent) return;
    request.pause();
    response.on('finish', () => {
      if (!request.complete) request.socket.destroy();
    });
    response.writeHead(rejection.status, { connection: 'close' }).end();
  }
}
