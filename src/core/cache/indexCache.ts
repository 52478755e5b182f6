import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { searchIndexOptions, type IndexedParts, type Snapshot } from '../search/snapshot.js';
import type { Article } from '../types.js';
import { keyOf, type CacheKey } from './cacheKey.js';
import { readCacheFile, writeCacheFile, type CacheContents, type CachedArticle, type CacheRead } from './cacheFile.js';
import { decodeIndex, encodeIndex } from './indexCodec.js';
import { IntReader, IntWriter } from './ints.js';

/**
 * The index cache: a snapshot's indexed parts (search index, document frequencies, acronyms, which
 * passages are quotable) and its articles' parsed fields, written to a file after a build and read
 * at the next start, so a restart over unchanged knowledge skips parsing, tokenizing and indexing.
 * The key (`cacheKey.ts`) says which knowledge and engine a file serves; the file format is in
 * `cacheFile.ts`, the index's encoding in `indexCodec.ts`.
 */

/** Encoding runs this long at most before other work (questions) runs. */
const SLICE_MS = 10;

/** A cache file read and checked, whose index is decoded only once its key fits the knowledge. */
export class CachedIndex {
  readonly #contents: CacheContents;

  constructor(contents: CacheContents) {
    this.#contents = contents;
  }

  get file(): string {
    return this.#contents.file;
  }

  get key(): CacheKey {
    return this.#contents.header.key;
  }

  /**
   * The articles as parsed when the file was written, by file: `loadKnowledge` takes an article
   * whose file still has the same content hash as it is, without parsing it again.
   */
  articles(): ReadonlyMap<string, CachedArticle> {
    return new Map(this.#contents.header.articles.map((article) => [article.file, article]));
  }

  /** The indexed parts. Throws when the data does not decode into parts that fit its header. */
  parts(): IndexedParts {
    const { header, ints } = this.#contents;
    const input = new IntReader(ints);
    const index = decodeIndex(header.index, input, searchIndexOptions());

    const terms = header.index.terms;
    const documentFrequency = new Map<string, number>();
    const frequencies = input.count(2, 'document frequencies');
    for (let i = 0; i < frequencies; i++) {
      const place = input.next();
      const term = place >= 0 ? terms[place] : header.otherFrequencies[-1 - place]?.[0];
      if (term === undefined) throw new Error(`document frequency of term ${place}, which is not listed`);
      documentFrequency.set(term, input.next());
    }

    const passages = input.count(1, 'passages');
    if (passages !== header.passages) throw new Error(`${passages} passages, the header says ${header.passages}`);
    // Each passage's id, plus one, negative when the passage is not quotable (not in the index).
    const quotable: boolean[] = [];
    const ids: number[] = [];
    for (let i = 0; i < passages; i++) {
      const signed = input.next();
      if (signed === 0) throw new Error(`passage ${i} has no id`);
      quotable.push(signed > 0);
      ids.push(Math.abs(signed) - 1);
    }
    if (!input.done) throw new Error(`${ints.length - input.at} integers more than the index needs`);

    const acronymsByArticle = new Map(header.acronymsByArticle.map(([article, definitions]) => [article, definitions]));
    return { index, documentFrequency, acronymsByArticle, quotable, ids };
  }
}

export type OpenedCache = Exclude<CacheRead, { kind: 'read' }> | { readonly kind: 'read'; readonly cache: CachedIndex };

/** The newest cache file of a knowledge folder in `dir`, read and checked; never throws. */
export async function openIndexCache(dir: string, knowledgeDir: string): Promise<OpenedCache> {
  const read = await readCacheFile(dir, knowledgeDir);
  return read.kind === 'read' ? { kind: 'read', cache: new CachedIndex(read.contents) } : read;
}

export interface SavedCache {
  readonly file: string;
  readonly bytes: number;
  /** From start to the file renamed into place. */
  readonly tookMs: number;
  /** Of which spent encoding on the event loop, in slices of at most ~10 ms. */
  readonly encodeMs: number;
}

/**
 * Writes a snapshot's cache file into `dir`, replacing the knowledge folder's older one. Encodes a
 * slice at a time, so questions are answered meanwhile; the snapshot must not change (none does).
 */
export async function saveIndexCache(dir: string, snapshot: Snapshot): Promise<SavedCache> {
  const started = performance.now();
  let encodeMs = 0;
  const out = new IntWriter();
  const inSlices = async <R>(steps: Generator<void, R>): Promise<R> => {
    let sliceStart = performance.now();
    for (;;) {
      const step = steps.next();
      if (step.done) {
        encodeMs += performance.now() - sliceStart;
        return step.value;
      }
      if (performance.now() - sliceStart >= SLICE_MS) {
        encodeMs += performance.now() - sliceStart;
        await nextTurn();
        sliceStart = performance.now();
      }
    }
  };

  const index = await inSlices(encodeIndex(snapshot.index, out));
  const otherFrequencies = await inSlices(encodeRest(snapshot, index.terms, out));
  const { file, bytes } = await writeCacheFile(
    dir,
    {
      key: keyOf(snapshot),
      knowledgeDir: snapshot.knowledgeDir,
      writtenAt: new Date().toISOString(),
      passages: snapshot.passages.length,
      articles: snapshot.articles.map(cachedArticle),
      acronymsByArticle: [...snapshot.acronymsByArticle],
      otherFrequencies,
      index,
    },
    out.chunks(),
  );
  return { file, bytes, tookMs: performance.now() - started, encodeMs };
}

/** An article as the cache keeps it: its parsed fields, without the body its file holds. */
function cachedArticle(article: Article): CachedArticle {
  const { body, file, contentHash, ...fields } = article;
  return { file, contentHash, fields };
}

/** Document frequencies in their order (each by its term's place), then each passage's id and whether it is quotable. */
function* encodeRest(snapshot: Snapshot, terms: readonly string[], out: IntWriter): Generator<void, [string, number][]> {
  const placeOf = new Map(terms.map((term, place) => [term, place]));
  const other: [string, number][] = [];
  out.push(snapshot.documentFrequency.size);
  let step = 0;
  for (const [term, count] of snapshot.documentFrequency) {
    const place = placeOf.get(term);
    if (place === undefined) other.push([term, count]);
    out.push(place ?? -other.length);
    out.push(count);
    if (++step % 1024 === 0) yield;
  }
  out.push(snapshot.passages.length);
  for (const passage of snapshot.passages) {
    out.push(passage.quotable ? passage.index + 1 : -(passage.index + 1));
    if (++step % 4096 === 0) yield;
  }
  return other;
}
