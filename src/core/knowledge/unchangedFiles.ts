import { lstatSync, type Stats } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Article } from '../types.js';
import type { Glossary } from './glossary.js';
import type { ListedFile } from './listFiles.js';

/** What `stat` says of a file: equal stamps, and an old enough one, mean the same content. */
export interface FileStamp {
  readonly dev: number;
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
}

/**
 * A file a load read whole and that loaded without problems, and what it loaded as. Its stamp is
 * the one `fstat` gave on the descriptor the text was read through.
 */
export interface LoadedFile extends FileStamp {
  /** The real path it was read from (for a link, where it led). */
  readonly source: string;
  /** The article it holds, or the glossary (with the hash of its text). */
  readonly outcome: { readonly article: Article } | { readonly glossary: Glossary; readonly contentHash: string };
}

/** The part of a load that a later load of the same folder can take files from. */
export interface EarlierLoad {
  readonly files?: ReadonlyMap<string, LoadedFile>;
  readonly listedAtMs?: number;
}

/**
 * A file whose mtime or ctime is this close to (or after) the start of the load that read it may
 * have been written again in the same timestamp tick after it was read, leaving its stamp as it
 * was (git's "racy" files): it is read again rather than trusted. The margin covers the coarsest
 * common timestamps (2 s on FAT and exFAT, 1 s on ext3 and HFS+) and the kernel's coarse clock,
 * which lags `Date.now()` by a few milliseconds. A network share whose clock is further off than
 * this is not covered (nor is it by git).
 */
export const RACY_MARGIN_MS = 3000;
/** Stat calls run this long at most before other work (questions) runs. */
const STAT_SLICE_MS = 10;

export function stampOf(stats: Stats): FileStamp {
  return { dev: stats.dev, ino: stats.ino, size: stats.size, mtimeMs: stats.mtimeMs, ctimeMs: stats.ctimeMs };
}

export interface UnchangedFiles {
  /** The earlier load's records of the files that need no read, by `file`. */
  readonly unchanged: ReadonlyMap<string, LoadedFile>;
  /** The other files, in listing order. */
  readonly toRead: readonly ListedFile[];
}

/**
 * Sorts the listed files into those that can be taken from an earlier load without being opened
 * and those to read. A file needs no read when it was read from the same real path, `lstat` gives
 * the same stamp now, and it had not been touched for `RACY_MARGIN_MS` before that load began
 * listing the folder. Anything in doubt (a stat that fails, a link now where a file was, a file
 * over `maxFileBytes`) is left for a read, which reports it as it always does.
 */
export async function unchangedFiles(files: readonly ListedFile[], earlier: EarlierLoad, maxFileBytes: number): Promise<UnchangedFiles> {
  const records = earlier.files;
  if (records === undefined || records.size === 0 || earlier.listedAtMs === undefined) return { unchanged: new Map(), toRead: files };
  const settledBefore = earlier.listedAtMs - RACY_MARGIN_MS;
  const unchanged = new Map<string, LoadedFile>();
  const toRead: ListedFile[] = [];
  let sliceStart = performance.now();
  for (const listed of files) {
    if (performance.now() - sliceStart >= STAT_SLICE_MS) {
      await nextTurn();
      sliceStart = performance.now();
    }
    const record = records.get(listed.file);
    if (record !== undefined && isUnchanged(listed.source, record, settledBefore, maxFileBytes)) unchanged.set(listed.file, record);
    else toRead.push(listed);
  }
  return { unchanged, toRead };
}

function isUnchanged(source: string, record: LoadedFile, settledBefore: number, maxFileBytes: number): boolean {
  if (record.source !== source || record.size > maxFileBytes) return false;
  if (record.mtimeMs >= settledBefore || record.ctimeMs >= settledBefore) return false;
  let stats: Stats | undefined;
  try {
    stats = lstatSync(source, { throwIfNoEntry: false });
  } catch {
    return false;
  }
  return stats !== undefined && stats.isFile() && sameStamp(stats, record);
}

function sameStamp(stats: Stats, stamp: FileStamp): boolean {
  return (
    stats.ino === stamp.ino &&
    stats.dev === stamp.dev &&
    stats.size === stamp.size &&
    stats.mtimeMs === stamp.mtimeMs &&
    stats.ctimeMs === stamp.ctimeMs
  );
}
