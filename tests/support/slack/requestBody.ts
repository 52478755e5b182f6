import type { IncomingMessage } from 'node:http';

/**
 * Arguments Slack documents as JSON-encoded when a Web API call is sent as a
 * form (`application/x-www-form-urlencoded`). WebClient sends that way by
 * default and JSON.stringifies every non-scalar argument, so these arrive as
 * strings and are parsed back so tests can assert on real objects.
 *
 * A fixed list instead of "anything that looks like JSON": a message whose
 * `text` happens to be `[1]` must stay a string.
 */
export const JSON_ENCODED_FORM_FIELDS: ReadonlySet<string> = new Set([
  'attachments',
  'blocks',
  'metadata',
  'unfurls',
  'user_auth_blocks',
  'view',
]);

// Generous for test payloads, small enough that a runaway test fails fast.
const MAX_BODY_BYTES = 1_000_000;

export async function readRawBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new Error(`request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export type ParsedBody =
  | { kind: 'parsed'; body: Record<string, unknown> }
  | { kind: 'unsupported'; reason: string };

/** Parses a request body the way Slack's servers accept it: form or JSON. */
export function parseRequestBody(contentTypeHeader: string | undefined, raw: string): ParsedBody {
  const mediaType = (contentTypeHeader ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (raw.length === 0) return { kind: 'parsed', body: {} };

  if (mediaType === 'application/x-www-form-urlencoded') {
    return { kind: 'parsed', body: parseForm(raw) };
  }
  if (mediaType === 'application/json') {
    try {
      const value: unknown = JSON.parse(raw);
      if (isPlainObject(value)) return { kind: 'parsed', body: value };
      return { kind: 'unsupported', reason: 'JSON body is not an object' };
    } catch {
      return { kind: 'unsupported', reason: 'JSON body does not parse' };
    }
  }
  return { kind: 'unsupported', reason: `unsupported content type "${contentTypeHeader ?? ''}"` };
}

function parseForm(raw: string): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    body[key] = JSON_ENCODED_FORM_FIELDS.has(key) ? parseJsonOrKeep(value) : value;
  }
  return body;
}

function parseJsonOrKeep(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    // Slack would reject this call; keeping the raw string lets the test see why.
    return value;
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
