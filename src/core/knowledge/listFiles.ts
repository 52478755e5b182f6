import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { KnowledgeProblem } from '../types.js';

/** A file found in the knowledge folder. */
export interface ListedFile {
  /** Its path relative to the knowledge folder, as reports name it (a link by its own name). */
  readonly file: string;
  /** The absolute real path to read: for a link, where it leads. */
  readonly source: string;
}

export interface Listing {
  /** Sorted by `file`. */
  readonly files: readonly ListedFile[];
  /** Folders and links left out, each with why; sorted by `file`. */
  readonly warnings: readonly KnowledgeProblem[];
}

/** Listing and sorting run this long at most before other work (questions) runs. */
const LIST_SLICE_MS = 10;
/** Items sorted in one go before the sorted runs are merged. */
const SORT_RUN = 1024;

/** Work done a slice at a time: `if (slices.due()) await slices.next()` in the loop. */
class Slices {
  #start = performance.now();

  due(): boolean {
    return performance.now() - this.#start >= LIST_SLICE_MS;
  }

  async next(): Promise<void> {
    await nextTurn();
    this.#start = performance.now();
  }
}

/**
 * The files of a knowledge folder and its subfolders, leaving out hidden ones. Throws only when
 * the folder itself cannot be read. A subfolder that cannot be read (permissions, a path longer
 * than the system allows) is left out with a warning, so one bad folder never hides the rest.
 *
 * Symbolic links are followed only while their real path stays inside the folder's real path:
 * Kubernetes ConfigMap volumes present every file as a link into a hidden `..data` folder beside
 * it. A link out of the folder, to nothing, or in a loop is a warning and is not read.
 */
export async function listFiles(dir: string): Promise<Listing> {
  const root = await realpath(dir);
  const files: ListedFile[] = [];
  const warnings: KnowledgeProblem[] = [];
  const slices = new Slices();
  const skip = (file: string, message: string): void => {
    warnings.push({ file, message: `not read: ${message}` });
  };

  // Throws for the top folder (the caller reports it); a subfolder's failure is a warning.
  const entriesOf = async (folder: string, realFolder: string): Promise<Dirent[] | undefined> => {
    if (folder === '') return readdir(realFolder, { withFileTypes: true });
    try {
      return await readdir(realFolder, { withFileTypes: true });
    } catch (error) {
      warnings.push({ file: folder, message: `folder not read: ${reasonOf(error)}` });
      return undefined;
    }
  };

  const walk = async (folder: string, realFolder: string, ancestors: ReadonlySet<string>): Promise<void> => {
    const entries = await entriesOf(folder, realFolder);
    for (const entry of entries ?? []) {
      if (slices.due()) await slices.next();
      if (entry.name.startsWith('.')) continue;
      // Plain joins: both sides are already normal, and path.join cost 35-60 ms a 25,606-file folder.
      const file = folder === '' ? entry.name : folder + path.sep + entry.name;
      const real = realFolder.endsWith(path.sep) ? realFolder + entry.name : realFolder + path.sep + entry.name;
      if (entry.isDirectory()) await walk(file, real, new Set([...ancestors, real]));
      else if (entry.isFile()) files.push({ file, source: real });
      else if (entry.isSymbolicLink()) await followLink(file, real, ancestors);
      else skip(file, 'not a regular file or folder');
    }
  };

  const followLink = async (file: string, link: string, ancestors: ReadonlySet<string>): Promise<void> => {
    let target: string;
    try {
      target = await realpath(link);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') skip(file, 'a symbolic link to nothing (its target does not exist)');
      else if (code === 'ELOOP') skip(file, 'a symbolic link in a loop');
      else skip(file, reasonOf(error));
      return;
    }
    if (!isInside(root, target)) return skip(file, 'a symbolic link that leads out of the knowledge folder');
    try {
      const kind = await stat(target);
      if (kind.isDirectory()) {
        if (ancestors.has(target)) return skip(file, 'a symbolic link in a loop (it leads back to a folder it is in)');
        await walk(file, target, new Set([...ancestors, target]));
      } else if (kind.isFile()) {
        files.push({ file, source: target });
      } else {
        skip(file, 'a symbolic link to something that is not a regular file or folder');
      }
    } catch (error) {
      skip(file, reasonOf(error));
    }
  };

  await walk('', root, new Set([root]));
  return { files: await sortedInSlices(files, slices), warnings: warnings.sort(byFile) };
}

function byFile(a: { readonly file: string }, b: { readonly file: string }): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : 0;
}

/**
 * The items sorted by `file`, a slice at a time: one `sort` of 25,606 names in directory hash order
 * holds the event loop 35-60 ms. Runs of `SORT_RUN` items are sorted, then merged pairwise (a
 * stable bottom-up merge sort), checking the time between runs and every `SORT_RUN` merged items.
 */
export async function sortedInSlices<T extends { readonly file: string }>(items: readonly T[], slices = new Slices()): Promise<T[]> {
  let from = items.slice();
  for (let start = 0; start < from.length; start += SORT_RUN) {
    const run = from.slice(start, start + SORT_RUN).sort(byFile);
    for (let i = 0; i < run.length; i++) from[start + i] = run[i] as T;
    if (slices.due()) await slices.next();
  }
  let to = new Array<T>(from.length);
  for (let width = SORT_RUN; width < from.length; width *= 2) {
    for (let start = 0; start < from.length; start += 2 * width) {
      const middle = Math.min(start + width, from.length);
      const end = Math.min(start + 2 * width, from.length);
      let left = start;
      let right = middle;
      for (let out = start; out < end; out++) {
        // Stable: on equal names the left run's item comes first.
        if (right >= end || (left < middle && byFile(from[left] as T, from[right] as T) <= 0)) to[out] = from[left++] as T;
        else to[out] = from[right++] as T;
        if ((out - start) % SORT_RUN === SORT_RUN - 1 && slices.due()) await slices.next();
      }
    }
    [from, to] = [to, from];
  }
  return from;
}

function isInside(root: string, target: string): boolean {
  const relative = path.relative(root, target);
  return !path.isAbsolute(relative) && relative.split(path.sep)[0] !== '..';
}

/** Why a file or folder could not be read, in words, without the absolute path. */
export function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied (the bot runs as a user that may not read it)';
    case 'ENAMETOOLONG':
      return 'its path is longer than the system allows';
    case 'ENOENT':
      return 'it was removed while the folder was read';
    case 'ELOOP':
      return 'a symbolic link in a loop';
    default:
      return code ?? String((error as Error).message ?? error);
  }
}
