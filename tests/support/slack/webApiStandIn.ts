import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { DEFAULT_BOT_TOKEN, SLACK_TEST_IDS } from './ids.js';
import { parseRequestBody, readRawBody } from './requestBody.js';
import { WaitableLog } from '../waitableLog.js';
import { listenOnLoopback } from '../listen.js';
import {
  DEFAULT_RESPONDERS,
  slackError,
  type MethodAnswer,
  type MethodContext,
  type MethodResponder,
  type PostedMessage,
  type WorkspaceIdentity,
} from './webApiMethods.js';

export type { MethodAnswer, MethodContext, MethodResponder, WorkspaceIdentity } from './webApiMethods.js';

/** One Web API call as the stand-in received it. */
export interface RecordedCall {
  /** e.g. "chat.postMessage" */
  method: string;
  /** From `Authorization: Bearer …`, else the `token` argument; undefined when neither was sent. */
  token: string | undefined;
  /** Parsed arguments; JSON-encoded form fields (blocks, view, …) are parsed back to objects. */
  body: Record<string, unknown>;
  receivedAt: Date;
}

/** One POST to a `response_url` (what Bolt's `respond()` sends). */
export interface RecordedResponse {
  /** The `<id>` in `/response/<id>`. */
  id: string;
  body: Record<string, unknown>;
  receivedAt: Date;
}

/** A file shared in Slack, as the stand-in serves it (see addFile). */
export interface StandInFile {
  readonly id: string;
  readonly name: string;
  readonly size: number;
  /** Where the stand-in serves the bytes; GET it with `Authorization: Bearer <bot token>`. */
  readonly url_private: string;
  readonly url_private_download: string;
  readonly mimetype: string;
}

/** One GET of a file URL: who asked (the token) and what was answered. */
export interface RecordedDownload {
  fileId: string;
  token: string | undefined;
  status: number;
  receivedAt: Date;
}

export interface SlackWebApiOptions {
  /** The only token the stand-in accepts. Default 'xoxb-test-token'. */
  botToken?: string;
  /** The app-level token `apps.connections.open` (Socket Mode) accepts. Default 'xapp-test-token'. */
  appToken?: string;
  /** Overrides for the fake workspace's ids and names (see SLACK_TEST_IDS). */
  identity?: Partial<WorkspaceIdentity>;
}

export interface SlackWebApiStandIn {
  /** Pass as WebClient's / Bolt's `slackApiUrl`: `http://127.0.0.1:<port>/api/`. */
  readonly url: string;
  /** `http://127.0.0.1:<port>`, for building other URLs on this server. */
  readonly origin: string;
  readonly botToken: string;
  readonly identity: Readonly<WorkspaceIdentity>;
  /** Snapshot of every Web API call since start or the last reset(). */
  readonly calls: readonly RecordedCall[];
  /** Snapshot of every response_url POST since start or the last reset(). */
  readonly responses: readonly RecordedResponse[];
  /** Snapshot of every file download (GET of a url_private) since start or the last reset(). */
  readonly downloads: readonly RecordedDownload[];
  /**
   * Shares a file: the stand-in serves `bytes` at the returned url_private(_download) on 127.0.0.1,
   * to requests with the bot token only (others get 403, like a missing files:read). Put the
   * returned object in a `file_share` message's `files`. `size` overrides the size Slack reports.
   */
  /**
   * Serves a file at a url_private. With `signInPage`, answers its download as Slack does when the
   * app lacks the files:read scope: 200 with an HTML sign-in page instead of the file.
   */
  addFile(name: string, bytes: Uint8Array | string, options?: { mimetype?: string; size?: number; signInPage?: boolean }): StandInFile;
  /** Resolves with the first matching call, already recorded or still to come. */
  waitForCall(
    method: string,
    predicate?: (call: RecordedCall) => boolean,
    timeoutMs?: number,
  ): Promise<RecordedCall>;
  /** Resolves with the first matching response_url POST, already recorded or still to come. */
  waitForResponse(predicate?: (response: RecordedResponse) => boolean, timeoutMs?: number): Promise<RecordedResponse>;
  /** A response_url on this server; POSTs to it are recorded in `responses`. */
  responseUrl(id?: string): string;
  /** The next call to `method` answers `{ ok: false, error }`. Queue several for several failures. */
  failNext(method: string, error: string): void;
  /** Replace the answer for one method (also for methods the stand-in does not know). */
  respondTo(method: string, responder: MethodResponder): void;
  /** Forget recorded calls/responses, queued failures and custom responders. */
  reset(): void;
  close(): Promise<void>;
}

const DEFAULT_WAIT_MS = 5_000;

/**
 * Starts a stand-in for Slack's Web API (and for response_url webhooks) on
 * 127.0.0.1 with an OS-chosen port. Start it BEFORE constructing a Bolt App:
 * Bolt calls `auth.test` from its constructor.
 */
export async function startSlackWebApi(options: SlackWebApiOptions = {}): Promise<SlackWebApiStandIn> {
  const botToken = options.botToken ?? DEFAULT_BOT_TOKEN;
  const appToken = options.appToken ?? 'xapp-test-token';
  const identity: WorkspaceIdentity = { ...SLACK_TEST_IDS, ...options.identity };
  const callLog = new WaitableLog<RecordedCall>((call) => `${call.method} ${JSON.stringify(call.body).slice(0, 120)}`);
  const responseLog = new WaitableLog<RecordedResponse>((response) => JSON.stringify(response.body).slice(0, 200));
  const queuedFailures = new Map<string, string[]>();
  const customResponders = new Map<string, MethodResponder>();
  const files = new Map<string, Buffer>();
  const posted: PostedMessage[] = [];
  const downloadLog: RecordedDownload[] = [];

  // Counters, not clocks, make ids unique: tests post faster than a microsecond tick.
  let sequence = 0;
  const next = (): number => ++sequence;
  // Message timestamps follow the clock, as Slack's do (a reply's ts is after its question's),
  // one microsecond apart at least so each is unique.
  let lastMicros = 0;
  const nextTs = (): string => {
    lastMicros = Math.max(Date.now() * 1000, lastMicros + 1);
    return `${Math.floor(lastMicros / 1_000_000)}.${String(lastMicros % 1_000_000).padStart(6, '0')}`;
  };
  const methodContext = (body: Record<string, unknown>): MethodContext => ({
    body,
    identity,
    nextTs,
    nextId: (prefix) => `${prefix}${String(next()).padStart(8, '0')}`,
    posted,
  });

  function answerApiCall(call: RecordedCall): MethodAnswer {
    if (call.token === undefined) return slackError('not_authed');
    // Socket Mode's one Web API call is made with the app-level token, every other with the bot's.
    if (call.token !== (call.method === 'apps.connections.open' ? appToken : botToken)) return slackError('invalid_auth');

    const failure = queuedFailures.get(call.method)?.shift();
    if (failure !== undefined) return slackError(failure);

    const responder = customResponders.get(call.method) ?? DEFAULT_RESPONDERS[call.method];
    if (responder === undefined) return slackError('unknown_method');
    const answer: MethodAnswer = { ok: true, ...responder(methodContext(call.body)) };
    // What the bot posted is in the channel's history from now on.
    if (call.method === 'chat.postMessage' && answer.ok === true && typeof answer.channel === 'string' && answer.message !== undefined) {
      posted.push({ channel: answer.channel, message: answer.message as MethodAnswer });
    }
    return answer;
  }

  async function handleApiCall(request: IncomingMessage, response: ServerResponse, method: string): Promise<void> {
    const parsed = parseRequestBody(request.headers['content-type'], await readRawBody(request));
    const body = parsed.kind === 'parsed' ? parsed.body : {};
    const call: RecordedCall = { method, token: readToken(request, body), body, receivedAt: new Date() };
    callLog.push(call);
    // Slack answers API errors with HTTP 200 and ok:false; only rate limits use a status code.
    sendJson(response, 200, parsed.kind === 'parsed' ? answerApiCall(call) : slackError('invalid_form_data'));
  }

  async function handleResponseUrl(request: IncomingMessage, response: ServerResponse, id: string): Promise<void> {
    const parsed = parseRequestBody(request.headers['content-type'], await readRawBody(request));
    if (parsed.kind === 'unsupported') {
      sendJson(response, 400, slackError('invalid_payload'));
      return;
    }
    responseLog.push({ id, body: parsed.body, receivedAt: new Date() });
    sendJson(response, 200, { ok: true });
  }

  const signInPages = new Set<string>();

  function serveFile(request: IncomingMessage, response: ServerResponse, fileId: string): void {
    const token = readToken(request, {});
    const bytes = files.get(fileId);
    const status = bytes === undefined ? 404 : token !== botToken ? 403 : 200;
    downloadLog.push({ fileId, token, status, receivedAt: new Date() });
    if (status !== 200 || bytes === undefined) {
      response.writeHead(status, { 'content-type': 'text/plain' });
      response.end(status === 404 ? 'file not found' : 'not authorised');
      return;
    }
    if (signInPages.has(fileId)) {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end('<!DOCTYPE html><html><head><title>Slack</title></head><body><h1>Sign in to your workspace</h1></body></html>');
      return;
    }
    // No content-length: the bot must stop reading past its limit itself, as for a chunked body.
    response.writeHead(200, { 'content-type': 'application/octet-stream' });
    response.end(bytes);
  }

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const fileId = /^\/files-pri\/(F\w+)\/[^/]+$/.exec(path)?.[1];
    if (request.method === 'GET' && fileId !== undefined) {
      serveFile(request, response, fileId);
      return;
    }
    const apiMethod = /^\/api\/([\w.]+)$/.exec(path)?.[1];
    const responseId = /^\/response\/([\w.-]+)$/.exec(path)?.[1];
    if (request.method !== 'POST' || (apiMethod === undefined && responseId === undefined)) {
      sendJson(response, 404, slackError('not_found'));
      return;
    }
    if (apiMethod !== undefined) await handleApiCall(request, response, apiMethod);
    else if (responseId !== undefined) await handleResponseUrl(request, response, responseId);
  }

  const server = createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      // Surface stand-in bugs to the test as a 500 instead of a hung request.
      if (!response.headersSent) sendJson(response, 500, slackError(`stand_in_error: ${String(error)}`));
      else response.destroy();
    });
  });
  const port = await listenOnLoopback(server);
  const origin = `http://127.0.0.1:${port}`;

  return {
    url: `${origin}/api/`,
    origin,
    botToken,
    identity,
    get calls() {
      return callLog.entries;
    },
    get responses() {
      return responseLog.entries;
    },
    get downloads() {
      return [...downloadLog];
    },
    addFile(name, bytes, options = {}) {
      const id = `F${String(next()).padStart(9, '0')}`;
      const buffer = Buffer.from(bytes);
      files.set(id, buffer);
      if (options.signInPage) signInPages.add(id);
      const url = `${origin}/files-pri/${id}/${encodeURIComponent(name)}`;
      return { id, name, size: options.size ?? buffer.length, url_private: url, url_private_download: `${url}?download=1`, mimetype: options.mimetype ?? 'text/plain' };
    },
    waitForCall(method, predicate = () => true, timeoutMs = DEFAULT_WAIT_MS) {
      return callLog.waitFor(
        (call) => call.method === method && predicate(call),
        timeoutMs,
        `a matching ${method} call to the Slack stand-in`,
      );
    },
    waitForResponse(predicate = () => true, timeoutMs = DEFAULT_WAIT_MS) {
      return responseLog.waitFor(
        predicate,
        timeoutMs,
        'a matching response_url POST to the Slack stand-in',
      );
    },
    responseUrl(id = `r${next()}`) {
      return `${origin}/response/${encodeURIComponent(id)}`;
    },
    failNext(method, error) {
      const queue = queuedFailures.get(method) ?? [];
      queue.push(error);
      queuedFailures.set(method, queue);
    },
    respondTo(method, responder) {
      customResponders.set(method, responder);
    },
    reset() {
      callLog.clear();
      responseLog.clear();
      queuedFailures.clear();
      customResponders.clear();
      downloadLog.length = 0;
      posted.length = 0;
    },
    async close() {
      callLog.rejectPending('Slack stand-in closed while a test was still waiting for a call');
      responseLog.rejectPending('Slack stand-in closed while a test was still waiting for a response_url POST');
      // fetch keeps connections alive; drop them so close() does not wait for their idle timeout.
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

function readToken(request: IncomingMessage, body: Record<string, unknown>): string | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  if (bearer !== undefined) return bearer;
  return typeof body.token === 'string' ? body.token : undefined;
}

function sendJson(response: ServerResponse, status: number, payload: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(payload));
}
