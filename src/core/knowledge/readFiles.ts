import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KnowledgeProblem } from '../types.js';
import { reasonOf, type ListedFile } from './listFiles.js';

export interface ReadSettings {
  readonly maxFileBytes: number;
  /**
   * A file modified less than this long ago, or that changed while it was read, may be half
   * written: it is read again after this pause.
   */
  readonly settleMs: number;
  /** Reads of a file before it is reported as still being written. */
  readonly attempts: number;
}

export interface ReadResult {
  /** The text of each file that was read whole, by `file`. */
  readonly texts: ReadonlyMap<string, string>;
  readonly errors: readonly KnowledgeProblem[];
  readonly warnings: readonly KnowledgeProblem[];
  /** Files that kept changing while they were read: skipped rather than read half written. */
  readonly stillChanging: readonly string[];
}

/** Files read at once. */
const READ_CONCURRENCY = 32;
/** An mtime further in the future than this is a clock off, not a write in progress. */
const CLOCK_SKEW_MS = 1000;
// O_NOFOLLOW: a file swapped for a link after the folder was listed is not followed anywhere;
// O_NONBLOCK: nor does a pipe swapped in block the read.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

export const STILL_CHANGING = 'still being written: skipped (it changed while it was read; reload again once it is saved)';

type Attempt =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'error' | 'warning'; readonly problem: KnowledgeProblem }
  | { readonly kind: 'changing' };

/**
 * Reads the files as UTF-8 text, never a half-written one: a file that changed while it was
 * read, or was modified a moment ago, is read again after a pause, all such files together, a
 * few times; one that is still changing then is reported and left out.
 */
export async function readFiles(files: readonly ListedFile[], settings: ReadSettings): Promise<ReadResult> {
  const texts = new Map<string, string>();
  const errors: KnowledgeProblem[] = [];
  const warnings: KnowledgeProblem[] = [];
  let pending = files;
  for (let attempt = 1; pending.length > 0; attempt++) {
    const results = await mapConcurrently(pending, READ_CONCURRENCY, (file) => readOnce(file, settings));
    const changing: ListedFile[] = [];
    results.forEach((result, i) => {
      const file = pending[i] as ListedFile;
      if (result.kind === 'text') texts.set(file.file, result.text);
      else if (result.kind === 'error') errors.push(result.problem);
      else if (result.kind === 'warning') warnings.push(result.problem);
      else changing.push(file);
    });
    pending = changing;
    if (pending.length === 0 || attempt >= settings.attempts) break;
    await sleep(settings.settleMs);
  }
  for (const { file } of pending) errors.push({ file, message: STILL_CHANGING });
  return { texts, errors, warnings, stillChanging: pending.map(({ file }) => file) };
}

async function readOnce({ file, source }: ListedFile, { maxFileBytes, settleMs }: ReadSettings): Promise<Attempt> {
  let bytes: Buffer;
  try {
    const handle = await open(source, OPEN_FLAGS);
    try {
      const before = await handle.stat();
      if (!before.isFile()) return { kind: 'warning', problem: { file, message: 'not read: not a regular file' } };
      if (before.size > maxFileBytes) return tooLarge(file, before.size, maxFileBytes);
      bytes = await handle.readFile();
      const after = await handle.stat();
      const changed = bytes.length !== after.size || before.size !== after.size || before.mtimeMs !== after.mtimeMs;
      const age = Date.now() - after.mtimeMs;
      if (changed || (age < settleMs && age > -CLOCK_SKEW_MS)) return { kind: 'changing' };
      if (bytes.length > maxFileBytes) return tooLarge(file, bytes.length, maxFileBytes);
    } finally {
      await handle.close();
    }
  } catch (error) {
    // Gone, forbidden or out of reach: leave this file out and read the rest.
    return { kind: 'warning', problem: { file, message: `not read: ${reasonOf(error)}` } };
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    return { kind: 'error', problem: { file, line: lineAt(bytes, nul), message: 'binary file (it holds NUL bytes), not text: not read' } };
  }
  try {
    return { kind: 'text', text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes) };
  } catch {
    return { kind: 'error', problem: { file, line: lineOfFirstInvalidByte(bytes), message: 'not valid UTF-8 text (save the file as UTF-8)' } };
  }
}

function tooLarge(file: string, size: number, limit: number): Attempt {
  return { kind: 'error', problem: { file, message: `file too large: ${size} bytes (the limit is ${limit})` } };
}

/** `items.map(work)` with at most `limit` pieces of work under way at once; results in item order. */
async function mapConcurrently<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const at = next++;
      results[at] = await work(items[at] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The 1-based line of a byte offset. */
function lineAt(bytes: Buffer, offset: number): number {
  let line = 1;
  for (let i = bytes.indexOf(0x0a); i >= 0 && i < offset; i = bytes.indexOf(0x0a, i + 1)) line += 1;
  return line;
}

function lineOfFirstInvalidByte(bytes: Buffer): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      try {
        decoder.decode(bytes.subarray(lineStart, i));
      } catch {
        return line;
      }
      line += 1;
      lineStart = i + 1;
    }
  }
  return line;
}
