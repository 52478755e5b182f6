import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import type { KnowledgeProblem } from '../types.js';
import { reasonOf, type ListedFile } from './listFiles.js';
import { stampOf, type FileStamp } from './unchangedFiles.js';

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
  /** What `fstat` said of each file in `texts` on the descriptor it was read through. */
  readonly stamps: ReadonlyMap<string, FileStamp>;
  readonly errors: readonly KnowledgeProblem[];
  readonly warnings: readonly KnowledgeProblem[];
  /** Files that kept changing while they were read: skipped rather than read half written. */
  readonly stillChanging: readonly string[];
}

/**
 * Files are read with synchronous calls, this long at most before other work (questions) runs.
 * Measured on 25,606 small articles already in the page cache (2 shared cores): 0.5 s, against
 * 5.3 s with fs/promises and 32 files at once, whose four or five thread-pool round trips a file
 * cost far more than the reads themselves. Knowledge is a local folder of small files; a read that
 * hangs (a dead network mount) would hold up the process either way.
 */
const READ_SLICE_MS = 10;
/** An mtime further in the future than this is a clock off, not a write in progress. */
const CLOCK_SKEW_MS = 1000;
// O_NOFOLLOW: a file swapped for a link after the folder was listed is not followed anywhere;
// O_NONBLOCK: nor does a pipe swapped in block the read.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

export const STILL_CHANGING = 'still being written: skipped (it changed while it was read; reload again once it is saved)';

type Attempt =
  | { readonly kind: 'text'; readonly text: string; readonly stamp: FileStamp }
  | { readonly kind: 'error' | 'warning'; readonly problem: KnowledgeProblem }
  | { readonly kind: 'changing' };

/**
 * Reads the files as UTF-8 text, never a half-written one: a file that changed while it was
 * read, or was modified a moment ago, is read again after a pause, all such files together, a
 * few times; one that is still changing then is reported and left out.
 */
export async function readFiles(files: readonly ListedFile[], settings: ReadSettings): Promise<ReadResult> {
  const texts = new Map<string, string>();
  const stamps = new Map<string, FileStamp>();
  const errors: KnowledgeProblem[] = [];
  const warnings: KnowledgeProblem[] = [];
  let pending = files;
  for (let attempt = 1; pending.length > 0; attempt++) {
    const changing: ListedFile[] = [];
    let sliceStart = performance.now();
    for (const file of pending) {
      if (performance.now() - sliceStart >= READ_SLICE_MS) {
        await nextTurn();
        sliceStart = performance.now();
      }
      const result = readOnce(file, settings);
      if (result.kind === 'text') {
        texts.set(file.file, result.text);
        stamps.set(file.file, result.stamp);
      }
      else if (result.kind === 'error') errors.push(result.problem);
      else if (result.kind === 'warning') warnings.push(result.problem);
      else changing.push(file);
    }
    pending = changing;
    if (pending.length === 0 || attempt >= settings.attempts) break;
    await sleep(settings.settleMs);
  }
  for (const { file } of pending) errors.push({ file, message: STILL_CHANGING });
  return { texts, stamps, errors, warnings, stillChanging: pending.map(({ file }) => file) };
}

function readOnce({ file, source }: ListedFile, { maxFileBytes, settleMs }: ReadSettings): Attempt {
  let bytes: Buffer;
  let stamp: FileStamp;
  try {
    const fd = openSync(source, OPEN_FLAGS);
    try {
      const before = fstatSync(fd);
      if (!before.isFile()) return { kind: 'warning', problem: { file, message: 'not read: not a regular file' } };
      if (before.size > maxFileBytes) return tooLarge(file, before.size, maxFileBytes);
      // One byte more than the file had: reading it means the file grew meanwhile.
      bytes = readUpTo(fd, before.size + 1);
      const after = fstatSync(fd);
      const changed = bytes.length !== after.size || before.size !== after.size || before.mtimeMs !== after.mtimeMs;
      const age = Date.now() - after.mtimeMs;
      if (changed || (age < settleMs && age > -CLOCK_SKEW_MS)) return { kind: 'changing' };
      stamp = stampOf(after);
    } finally {
      closeSync(fd);
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
    return { kind: 'text', text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes), stamp };
  } catch {
    return { kind: 'error', problem: { file, line: lineOfFirstInvalidByte(bytes), message: 'not valid UTF-8 text (save the file as UTF-8)' } };
  }
}

/** The bytes of an open file from its start, up to `limit` of them or its end. */
function readUpTo(fd: number, limit: number): Buffer {
  const buffer = Buffer.allocUnsafe(limit);
  let length = 0;
  while (length < limit) {
    const read = readSync(fd, buffer, length, limit - length, length);
    if (read === 0) break;
    length += read;
  }
  return buffer.subarray(0, length);
}

function tooLarge(file: string, size: number, limit: number): Attempt {
  return { kind: 'error', problem: { file, message: `file too large: ${size} bytes (the limit is ${limit})` } };
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
