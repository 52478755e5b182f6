import { createHash, randomBytes } from 'node:crypto';
import { endianness } from 'node:os';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { z } from 'zod';
import type { ParsedBefore } from '../knowledge/article.js';
import { INDEX_CACHE_VERSION, keyName, type CacheKey } from './cacheKey.js';
import type { IndexHeader } from './indexCodec.js';

/**
 * The index cache file: `APOIDX` and a line end (8 bytes), the header's length in bytes (32-bit,
 * little-endian), the header's sha256 (32 bytes), the header as JSON, zeros up to a multiple of 4
 * bytes, then the data: 32-bit integers in this machine's byte order, whose sha256 the header
 * holds. Every byte is checked before anything is used. One file per knowledge
 * folder: `<folder hash>-<key hash>.idx`. Written to a temporary file in the same folder and
 * renamed, so a reader sees a whole file or none; older files of the folder are then removed.
 */

const MAGIC = Buffer.from('APOIDX\r\n', 'latin1');
const SUFFIX = '.idx';
/** Writing runs this long at most before other work (questions) runs. */
const SLICE_MS = 10;
/** The magic, the header's length and the header's sha256. */
const PREFIX_BYTES = MAGIC.length + 4 + 32;
/** A temporary file this old was left by a writer that died: removed with the stale files. */
const ABANDONED_MS = 10 * 60_000;

/** An article's parsed fields, without its body (the file has it), for `loadKnowledge` to reuse. */
export interface CachedArticle extends ParsedBefore {
  readonly file: string;
}

export interface CacheHeader {
  readonly version: number;
  readonly endian: string;
  readonly key: CacheKey;
  readonly knowledgeDir: string;
  readonly writtenAt: string;
  /** Every passage, indexed or not. */
  readonly passages: number;
  readonly articles: readonly CachedArticle[];
  /** Each article's acronym definitions, for the articles that define any: [article id, [[acronym, terms]...]]. */
  readonly acronymsByArticle: readonly (readonly [string, readonly (readonly [string, readonly string[]])[]])[];
  /** Document frequencies of words that are not index terms (the others are in the data). */
  readonly otherFrequencies: readonly (readonly [string, number])[];
  readonly index: IndexHeader;
  /** How many integers the data holds, and their sha256. */
  readonly ints: number;
  readonly sha256: string;
}

const keySchema = z.object({ version: z.number(), indexing: z.string(), glossary: z.string(), articles: z.string() });
const headerSchema = z.object({
  version: z.literal(INDEX_CACHE_VERSION),
  endian: z.string(),
  key: keySchema,
  knowledgeDir: z.string(),
  writtenAt: z.string(),
  passages: z.number().int().nonnegative(),
  articles: z.array(
    z.object({
      file: z.string(),
      contentHash: z.string(),
      fields: z.object({
        id: z.string(),
        title: z.string(),
        date: z.string(),
        source: z.string(),
        audience: z.enum(['public', 'internal']),
        url: z.string().optional(),
        tags: z.array(z.string()),
        credit: z.string().optional(),
      }),
    }),
  ),
  acronymsByArticle: z.array(z.tuple([z.string(), z.array(z.tuple([z.string(), z.array(z.string())]))])),
  otherFrequencies: z.array(z.tuple([z.string(), z.number().int().positive()])),
  index: z.object({
    documentCount: z.number().int().nonnegative(),
    nextId: z.number().int().nonnegative(),
    fieldIds: z.record(z.string(), z.number().int()),
    averageFieldLength: z.array(z.number()),
    dirtCount: z.number().int().nonnegative(),
    terms: z.array(z.string()),
    storedValues: z.array(z.string()),
  }),
  ints: z.number().int().nonnegative(),
  sha256: z.string(),
});

/** A cache file read whole and checked: its header, and its data as integers. */
export interface CacheContents {
  readonly file: string;
  readonly header: CacheHeader;
  readonly ints: Int32Array;
}

export type CacheRead =
  | { readonly kind: 'none' }
  /** Written by another version of the engine, or on a machine of the other byte order. */
  | { readonly kind: 'other-version'; readonly file: string; readonly reason: string }
  /** Cut short, damaged or not a cache file: never trusted. */
  | { readonly kind: 'damaged'; readonly file: string; readonly reason: string }
  | { readonly kind: 'read'; readonly contents: CacheContents };

/** The start of the names of a knowledge folder's cache files. */
function prefixOf(knowledgeDir: string): string {
  return `${createHash('sha256').update(path.resolve(knowledgeDir)).digest('hex').slice(0, 12)}-`;
}

/** Reads the newest cache file of a knowledge folder; never throws. */
export async function readCacheFile(dir: string, knowledgeDir: string): Promise<CacheRead> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none' };
    return { kind: 'damaged', file: dir, reason: `the folder cannot be read: ${(error as Error).message}` };
  }
  const prefix = prefixOf(knowledgeDir);
  const candidates = names.filter((name) => name.startsWith(prefix) && name.endsWith(SUFFIX));
  if (candidates.length === 0) return { kind: 'none' };
  const dated = await Promise.all(
    candidates.map(async (name) => ({ name, mtimeMs: await stat(path.join(dir, name)).then((s) => s.mtimeMs, () => -1) })),
  );
  const newest = dated.sort((a, b) => b.mtimeMs - a.mtimeMs)[0] as { name: string };
  const file = path.join(dir, newest.name);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    return { kind: 'damaged', file, reason: `cannot be read: ${(error as Error).message}` };
  }
  return parseCacheFile(file, bytes);
}

/** The header and data of a cache file's bytes, checked whole: length, JSON, fields and checksum. */
export function parseCacheFile(file: string, bytes: Buffer): CacheRead {
  const damaged = (reason: string): CacheRead => ({ kind: 'damaged', file, reason });
  if (bytes.length < PREFIX_BYTES || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) return damaged('not an index cache file');
  const headerLength = bytes.readUInt32LE(MAGIC.length);
  const headerStart = PREFIX_BYTES;
  if (headerStart + headerLength > bytes.length) return damaged(`cut short: ${bytes.length} bytes, the header alone needs ${headerStart + headerLength}`);
  const headerBytes = bytes.subarray(headerStart, headerStart + headerLength);
  if (!createHash('sha256').update(headerBytes).digest().equals(bytes.subarray(MAGIC.length + 4, PREFIX_BYTES))) {
    return damaged('the header does not match its checksum');
  }
  let json: unknown;
  try {
    json = JSON.parse(headerBytes.toString('utf8'));
  } catch (error) {
    return damaged(`header is not JSON: ${(error as Error).message}`);
  }
  const version = (json as { version?: unknown } | null)?.version;
  if (version !== INDEX_CACHE_VERSION) return { kind: 'other-version', file, reason: `index cache version ${String(version)}, this engine reads ${INDEX_CACHE_VERSION}` };
  const parsed = headerSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return damaged(`header: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  const header = parsed.data as CacheHeader;
  if (header.endian !== endianness()) return { kind: 'other-version', file, reason: `written on a ${header.endian} machine, this one is ${endianness()}` };

  const dataStart = align4(headerStart + headerLength);
  const expected = dataStart + header.ints * 4;
  if (bytes.length !== expected) return damaged(`${bytes.length} bytes, its header says ${expected}`);
  const data = bytes.subarray(dataStart);
  if (createHash('sha256').update(data).digest('hex') !== header.sha256) return damaged('the data does not match its checksum');
  // An Int32Array needs its start at a multiple of 4 in memory: copy when the buffer's is not.
  const aligned: Uint8Array = data.byteOffset % 4 === 0 ? data : new Uint8Array(data);
  return { kind: 'read', contents: { file, header, ints: new Int32Array(aligned.buffer, aligned.byteOffset, header.ints) } };
}

/**
 * Writes a cache file atomically (a temporary file in the same folder, then a rename), then
 * removes the folder's older cache files and temporary files abandoned by a writer that died.
 * `header` lacks the data's size and checksum, added here. Returns the file and its size.
 */
export async function writeCacheFile(
  dir: string,
  header: Omit<CacheHeader, 'ints' | 'sha256' | 'version' | 'endian'>,
  chunks: readonly Int32Array[],
): Promise<{ file: string; bytes: number }> {
  const hash = createHash('sha256');
  let ints = 0;
  const data: Buffer[] = [];
  for (const chunk of chunks) {
    ints += chunk.length;
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    // A million integers hash in a few milliseconds: let other work run between them.
    hash.update(bytes);
    data.push(bytes);
    await nextTurn();
  }
  const full: CacheHeader = { version: INDEX_CACHE_VERSION, endian: endianness(), ...header, ints, sha256: hash.digest('hex') };
  // At 100k passages the header is 7 MiB of JSON, 80 ms to stringify at once: written a slice at a time.
  const pieces: string[] = [];
  let sliceStart = performance.now();
  for (const _ of jsonPieces(full, pieces)) {
    if (performance.now() - sliceStart < SLICE_MS) continue;
    await nextTurn();
    sliceStart = performance.now();
  }
  const buffers = frame(Buffer.from(pieces.join(''), 'utf8'), data);

  await mkdir(dir, { recursive: true });
  const prefix = prefixOf(header.knowledgeDir);
  const name = `${prefix}${keyName(header.key)}${SUFFIX}`;
  const file = path.join(dir, name);
  const temp = path.join(dir, `${name}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx');
  try {
    for (const buffer of buffers) {
      for (let at = 0; at < buffer.length; ) at += (await handle.write(buffer, at, buffer.length - at)).bytesWritten;
    }
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await removeStale(dir, prefix, name);
  return { file, bytes: buffers.reduce((sum, buffer) => sum + buffer.length, 0) };
}

/** The bytes of a cache file, in pieces: `header` must already hold the data's size and checksum. */
export function encodeCacheFile(header: CacheHeader, data: readonly Buffer[]): Buffer[] {
  return frame(Buffer.from(JSON.stringify(header), 'utf8'), data);
}

function frame(json: Buffer, data: readonly Buffer[]): Buffer[] {
  const prefix = Buffer.alloc(PREFIX_BYTES);
  MAGIC.copy(prefix);
  prefix.writeUInt32LE(json.length, MAGIC.length);
  createHash('sha256').update(json).digest().copy(prefix, MAGIC.length + 4);
  const padding = Buffer.alloc(align4(PREFIX_BYTES + json.length) - (PREFIX_BYTES + json.length));
  return [prefix, json, padding, ...data];
}

/** Best effort: a file another process removed first, or may not be removed, is left alone. */
async function removeStale(dir: string, prefix: string, keep: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const now = Date.now();
  for (const name of names) {
    if (!name.startsWith(prefix) || name === keep) continue;
    const target = path.join(dir, name);
    if (name.endsWith(SUFFIX)) await rm(target, { force: true }).catch(() => undefined);
    else if (name.endsWith('.tmp')) {
      const age = await stat(target).then((s) => now - s.mtimeMs, () => 0);
      if (age > ABANDONED_MS) await rm(target, { force: true }).catch(() => undefined);
    }
  }
}

const align4 = (n: number): number => Math.ceil(n / 4) * 4;

/** `JSON.stringify(value)` in pieces, yielding every few hundred items of a long array. */
function* jsonPieces(value: unknown, out: string[]): Generator<void> {
  if (Array.isArray(value)) {
    out.push('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.push(',');
      out.push(JSON.stringify(value[i]) ?? 'null');
      if (i % 256 === 255) yield;
    }
    out.push(']');
  } else if (value !== null && typeof value === 'object') {
    let first = true;
    out.push('{');
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue;
      out.push(`${first ? '' : ','}${JSON.stringify(key)}:`);
      first = false;
      yield* jsonPieces(item, out);
    }
    out.push('}');
  } else {
    out.push(JSON.stringify(value));
  }
}
