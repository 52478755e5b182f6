/**
 * Reading request bodies the way Discord accepts them: JSON, or multipart/form-data when
 * files are attached, where the JSON part travels in a `payload_json` field and each file in
 * a `files[n]` field.
 */

import type { IncomingMessage } from 'node:http';

export interface RecordedFile {
  /** The form field, e.g. `files[0]`. */
  readonly field: string;
  readonly name: string;
  readonly contentType: string;
  readonly data: Buffer;
}

export interface ParsedBody {
  /** The JSON body, or the parsed `payload_json` (plus any other text fields) of a multipart body. */
  readonly body: unknown;
  readonly files: readonly RecordedFile[];
}

export class BodyParseError extends Error {}

export async function readRaw(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new BodyParseError(`${what} is not valid JSON`);
  }
}

export async function parseBody(raw: Buffer, contentType: string | undefined): Promise<ParsedBody> {
  if (raw.length === 0) return { body: undefined, files: [] };
  const type = (contentType ?? '').toLowerCase();
  if (type.startsWith('application/json')) {
    return { body: parseJson(raw.toString('utf8'), 'The request body'), files: [] };
  }
  if (type.startsWith('multipart/form-data')) return parseMultipart(raw, contentType ?? '');
  // Anything else is recorded as text so the test can see what arrived.
  return { body: raw.toString('utf8'), files: [] };
}

async function parseMultipart(raw: Buffer, contentType: string): Promise<ParsedBody> {
  // The fetch API's Response already knows how to split a multipart body; no parser to write.
  const form = await new Response(new Uint8Array(raw), { headers: { 'content-type': contentType } }).formData();
  const files: RecordedFile[] = [];
  const fields: Record<string, unknown> = {};
  let payload: unknown;
  for (const [field, value] of form.entries()) {
    if (typeof value === 'string') {
      if (field === 'payload_json') payload = parseJson(value, 'The payload_json field');
      else fields[field] = value;
    } else {
      files.push({
        field,
        name: value.name,
        contentType: value.type,
        data: Buffer.from(await value.arrayBuffer()),
      });
    }
  }
  const body = payload !== undefined && typeof payload === 'object' && payload !== null ? { ...payload, ...fields } : fields;
  return { body, files };
}
