import type { IncomingHttpHeaders } from 'node:http';

/** What the HTTP endpoint is willing to read. Options on the type; defaults in DEFAULT_REQUEST_LIMITS. */
export interface SlackRequestLimits {
  /**
   * Largest request body read, in bytes; larger ones get 413. Slack's requests are small: an
   * event or slash command is a few kilobytes, and the largest (a message at Slack's
   * 40,000-character limit, sent again in its rich-text blocks, every character \u-escaped)
   * stays under 500 KB. Bolt's own limit is 4 MB.
   */
  readonly maxBodyBytes: number;
  /** Bodies read at the same time; more get 503, which Slack retries. */
  readonly maxConcurrentBodies: number;
  /** A body not fully arrived by then gets 408 (Slack sends its small bodies at once). */
  readonly bodyTimeoutMs: number;
}

export const DEFAULT_REQUEST_LIMITS: SlackRequestLimits = Object.freeze({
  maxBodyBytes: 512 * 1024,
  maxConcurrentBodies: 32,
  bodyTimeoutMs: 10_000,
});

/** Slack's rule: a request is valid within five minutes of its timestamp, either way. */
export const SIGNATURE_WINDOW_SECONDS = 5 * 60;

/** Slack's unsigned SSL check (`ssl_check=1&token=…`) fits in this; nothing unsigned is read past it. */
export const SSL_CHECK_MAX_BYTES = 256;

export interface Rejection {
  readonly status: 400 | 401 | 408 | 413 | 503;
  /** Why, for the log line: never the body or a secret. */
  readonly reason: string;
}

export type HeaderCheck =
  | { readonly kind: 'signed'; readonly signature: string; readonly timestamp: number }
  | { readonly kind: 'maybe-ssl-check' }
  | { readonly kind: 'rejected'; readonly rejection: Rejection };

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return typeof value === 'string' ? value : undefined;
};

/** The media type of a Content-Type header, lower case, without parameters. */
export function mediaType(headers: IncomingHttpHeaders): string {
  return (header(headers, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * Everything that can be decided from the headers alone, before a byte of the body is read:
 * the signature headers are there and well formed, the timestamp is within five minutes of now
 * (past or future), and the announced length is within the cap.
 */
export function checkHeaders(headers: IncomingHttpHeaders, nowSeconds: number, limits: SlackRequestLimits): HeaderCheck {
  const signature = header(headers, 'x-slack-signature');
  const timestampText = header(headers, 'x-slack-request-timestamp');
  const length = header(headers, 'content-length');
  const announced = length === undefined ? undefined : Number(length);
  if (signature === undefined || timestampText === undefined) {
    // Slack's SSL check is the one request it does not sign; it is tiny and always a form.
    const small = announced !== undefined && announced <= SSL_CHECK_MAX_BYTES;
    if (small && mediaType(headers) === 'application/x-www-form-urlencoded') return { kind: 'maybe-ssl-check' };
    return rejected(401, 'missing signature headers');
  }
  if (!/^v0=[0-9a-f]{64}$/.test(signature)) return rejected(401, 'malformed signature');
  if (!/^\d{1,12}$/.test(timestampText)) return rejected(401, 'malformed timestamp');
  const timestamp = Number(timestampText);
  if (Math.abs(nowSeconds - timestamp) > SIGNATURE_WINDOW_SECONDS) return rejected(401, 'timestamp out of range');
  if (announced !== undefined && announced > limits.maxBodyBytes) return rejected(413, `body over ${limits.maxBodyBytes} bytes`);
  return { kind: 'signed', signature, timestamp };
}

const rejected = (status: Rejection['status'], reason: string): HeaderCheck => ({ kind: 'rejected', rejection: { status, reason } });

export type ParsedBody =
  | { readonly kind: 'event'; readonly body: Record<string, unknown> }
  | { readonly kind: 'url-verification'; readonly challenge: string }
  | { readonly kind: 'ssl-check' }
  | { readonly kind: 'rejected'; readonly rejection: Rejection };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const malformed = (reason: string): ParsedBody => ({ kind: 'rejected', rejection: { status: 400, reason } });

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * A signed body as Bolt expects it, or why not. Slack sends events as a JSON object with a
 * `type`; slash commands as a form with `command`; interactions as a form whose `payload` is a
 * JSON object with a `type`. Anything else (null, arrays, broken JSON, an event without its
 * event) is refused here, so Bolt only ever sees the shapes it was written for.
 */
export function parseSlackBody(contentType: string, text: string): ParsedBody {
  if (contentType === 'application/x-www-form-urlencoded') {
    const fields = Object.fromEntries(new URLSearchParams(text));
    if (fields.payload !== undefined) return typed(parseJson(fields.payload), 'form payload');
    if (fields.ssl_check === '1') return { kind: 'ssl-check' };
    if (typeof fields.command === 'string' && fields.command !== '') return { kind: 'event', body: { text: '', ...fields } };
    return malformed('form body is neither a command nor an interaction payload');
  }
  if (contentType === 'application/json') {
    const body = parseJson(text);
    if (isObject(body) && body.type === 'url_verification') {
      return typeof body.challenge === 'string' ? { kind: 'url-verification', challenge: body.challenge } : malformed('url_verification without a challenge');
    }
    return typed(body, 'JSON body');
  }
  return malformed(`unsupported content type "${contentType.slice(0, 60)}"`);
}

function typed(body: unknown, what: string): ParsedBody {
  if (!isObject(body)) return malformed(`${what} is not a JSON object`);
  if (typeof body.type !== 'string') return malformed(`${what} has no type`);
  if (body.type === 'event_callback' && !(isObject(body.event) && typeof body.event.type === 'string')) {
    return malformed('event_callback without an event');
  }
  return { kind: 'event', body };
}

/**
 * Signatures of requests already accepted, kept for as long as their timestamp is valid, so a
 * replayed request (same body, same timestamp, same signature) is acknowledged but never acted
 * on twice. Slack's own retries are signed afresh, so they still pass; events are also
 * de-duplicated by message, which catches those.
 */
export class RecentSignatures {
  // Insertion order is expiry order: every entry lives the same time from when it was seen.
  readonly #expiries = new Map<string, number>();
  constructor(
    // A timestamp up to five minutes ahead stays valid for ten minutes from now.
    readonly keepMs = 2 * SIGNATURE_WINDOW_SECONDS * 1000,
    readonly capacity = 100_000,
  ) {}

  /** True the first time a signature is seen within its window; false for a replay. */
  firstTime(signature: string, nowMs: number): boolean {
    for (const [key, expiry] of this.#expiries) {
      if (expiry > nowMs && this.#expiries.size < this.capacity) break;
      this.#expiries.delete(key);
    }
    if (this.#expiries.has(signature)) return false;
    this.#expiries.set(signature, nowMs + this.keepMs);
    return true;
  }
}
