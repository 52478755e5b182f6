/**
 * Playing Slack's side of an HTTP request to the app: sign the raw body the
 * way Slack does and POST it over a real socket.
 *
 * Slack's scheme (docs.slack.dev, "Verifying requests from Slack"): the
 * basestring is `v0:{X-Slack-Request-Timestamp}:{raw body}`, signed with
 * HMAC-SHA256 keyed by the app's signing secret, sent hex-encoded as
 * `X-Slack-Signature: v0=<hex>`. Receivers reject timestamps older than five
 * minutes to stop replays.
 */
import { createHmac } from 'node:crypto';
import type { SlashCommandFields } from './payloads.js';

// Builders live in payloads.ts; re-exported so one import serves a test.
export {
  buildAppMentionEvent,
  buildDirectMessageEvent,
  buildEventCallback,
  buildSlashCommand,
  buildUrlVerification,
  nextMessageTs,
} from './payloads.js';

export interface SlackSignatureHeaders {
  'X-Slack-Request-Timestamp': string;
  'X-Slack-Signature': string;
}

export function nowInSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

export function signSlackRequest(
  rawBody: string,
  signingSecret: string,
  timestampSeconds: number = nowInSeconds(),
): SlackSignatureHeaders {
  const digest = createHmac('sha256', signingSecret).update(`v0:${timestampSeconds}:${rawBody}`).digest('hex');
  return {
    'X-Slack-Request-Timestamp': String(timestampSeconds),
    'X-Slack-Signature': `v0=${digest}`,
  };
}

export interface SignedPostOptions {
  signingSecret: string;
  /** Sent as X-Slack-Retry-Num, like Slack's redeliveries. */
  retryNum?: number;
  /** Sent as X-Slack-Retry-Reason, e.g. 'http_timeout'. */
  retryReason?: string;
  /** Signing time in seconds; use an old one to test replay protection. */
  timestamp?: number;
  /** Replaces the computed X-Slack-Signature, to test tampering. */
  signature?: string;
  /** Path on the app; Bolt's default endpoint is '/slack/events'. */
  path?: string;
}

export interface SlackPostResult {
  status: number;
  headers: Headers;
  text: string;
  /** The JSON-parsed response body, or undefined when it is empty or not JSON. */
  body: unknown;
}

const DEFAULT_EVENTS_PATH = '/slack/events';

/**
 * POSTs an Events API payload as JSON, signed. Pass a string to send bytes
 * exactly as given (e.g. malformed JSON); anything else is JSON.stringified.
 */
export function postSignedEvent(
  appBaseUrl: string,
  payload: unknown,
  options: SignedPostOptions,
): Promise<SlackPostResult> {
  const rawBody = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return postSigned(appBaseUrl, rawBody, 'application/json', options);
}

/** POSTs slash command fields as a signed form, the way Slack delivers commands. */
export function postSignedSlashCommand(
  appBaseUrl: string,
  fields: SlashCommandFields,
  options: SignedPostOptions,
): Promise<SlackPostResult> {
  const rawBody = new URLSearchParams(fields).toString();
  // Exactly this value, no "; charset": Bolt's HTTPReceiver compares the header
  // verbatim and JSON-parses anything else, which fails on a form body.
  return postSigned(appBaseUrl, rawBody, 'application/x-www-form-urlencoded', options);
}

async function postSigned(
  appBaseUrl: string,
  rawBody: string,
  contentType: string,
  options: SignedPostOptions,
): Promise<SlackPostResult> {
  const signatureHeaders = signSlackRequest(rawBody, options.signingSecret, options.timestamp);
  const headers: Record<string, string> = {
    'Content-Type': contentType,
    'User-Agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    ...signatureHeaders,
  };
  if (options.signature !== undefined) headers['X-Slack-Signature'] = options.signature;
  if (options.retryNum !== undefined) headers['X-Slack-Retry-Num'] = String(options.retryNum);
  if (options.retryReason !== undefined) headers['X-Slack-Retry-Reason'] = options.retryReason;

  const url = new URL(options.path ?? DEFAULT_EVENTS_PATH, appBaseUrl);
  const response = await fetch(url, { method: 'POST', headers, body: rawBody });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: parseJsonOrUndefined(text) };
}

function parseJsonOrUndefined(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
