import { createHash } from 'node:crypto';
import type { AsPlainObject } from 'minisearch';
import type { LoadedKnowledge } from '../knowledge/loadKnowledge.js';
import { parseArticle } from '../knowledge/article.js';
import { parseGlossary } from '../knowledge/glossary.js';
import { buildSnapshot, searchIndexOptions } from '../search/snapshot.js';
import { decodeIndex, encodeIndex } from './indexCodec.js';
import { IntReader, IntWriter } from './ints.js';

/**
 * The version of what the index cache holds. BUMP IT WHENEVER INDEXING CHANGES: how an article
 * file is parsed, what a passage and its sentences are (`splitParagraphs`, `splitSentences`,
 * `isFragment`), how text becomes index terms (`tokenize`, stemming, spelling, stop words), the
 * fields and options of `searchIndexOptions` (4: BM25 settings and every search option given),
 * what a snapshot counts in `documentFrequency` or learns as acronyms, glossary matching, or the
 * cache file's layout (`cacheFile.ts`, `indexCodec.ts`). A cache of another version is never read.
 * `indexingFingerprint` below catches most such changes even when the bump is forgotten; the bump
 * is still the rule, as no sample covers every word.
 */
export const INDEX_CACHE_VERSION = 4;

/** What a cache was built from: equal keys, equal snapshots. */
export interface CacheKey {
  readonly version: number;
  /** `indexingFingerprint()` of the engine that wrote it. */
  readonly indexing: string;
  /** The glossary's groups. */
  readonly glossary: string;
  /** Every article's file, id and content hash, in order. */
  readonly articles: string;
}

/** The key of a knowledge as this engine would index it. */
export function keyOf(knowledge: Pick<LoadedKnowledge, 'articles' | 'glossary'>): CacheKey {
  // One string hashed once: 25,606 updates of the hash took 32 ms.
  const articles = knowledge.articles.map(({ file, id, contentHash }) => `${file}\0${id}\0${contentHash}\n`).join('');
  return {
    version: INDEX_CACHE_VERSION,
    indexing: indexingFingerprint(),
    glossary: sha256(JSON.stringify(knowledge.glossary.groups)),
    articles: sha256(articles),
  };
}

/** Why a cache with key `cached` does not serve knowledge with key `current`; undefined when it does. */
export function staleReason(cached: CacheKey, current: CacheKey): string | undefined {
  if (cached.version !== current.version) return `written by index cache version ${cached.version}, this engine reads version ${current.version}`;
  if (cached.indexing !== current.indexing) return 'written by an engine that indexes differently';
  if (cached.articles !== current.articles) return 'the knowledge files changed';
  if (cached.glossary !== current.glossary) return 'the glossary changed';
  return undefined;
}

/** A file name part for a key: its parts hashed together. */
export function keyName(key: CacheKey): string {
  return sha256(`${key.version}\0${key.indexing}\0${key.glossary}\0${key.articles}`).slice(0, 16);
}

const PROBE_ARTICLE = `---
id: probe
title: "Green Productivity at the Korea Productivity Center"
date: 2018-09-25
source: APO News
audience: public
tags: [SMEs, green productivity, R&D]
---
The Korea Productivity Center (KPC) hosted 25 managers of small and medium enterprises (SMEs) from Seoul for 3.5 days in June 2017.

Photos: KPC

## What they learned
Participants' companies cut energy use by 12% after the Asian Productivity Organization's workshop, e.g. in the 1990s-style plants they ran; they met the organisers again in 2018.

The Centre of Excellence on GP analysed behaviours, colours and programmes: running, ran, better, best, children.`;

const PROBE_GLOSSARY = `synonyms:
  - [KPC, Korea Productivity Center]
  - [GP, green productivity]
`;

let fingerprint: string | undefined;

/**
 * A hash of everything this engine's indexing makes of a small sample article and glossary: the
 * parsed article, passages, index, document frequencies and acronyms. A change to any of the code
 * that makes them changes it for most changes, so a cache written before such a change is not
 * read even if `INDEX_CACHE_VERSION` was not bumped. Also checks, once, that an index decoded by
 * the codec is the index encoded (throws if not: the cache must not be used then).
 */
export function indexingFingerprint(): string {
  if (fingerprint !== undefined) return fingerprint;
  const parsed = parseArticle('probe.md', PROBE_ARTICLE);
  const glossary = parseGlossary('glossary.yml', PROBE_GLOSSARY);
  if (!parsed.ok || glossary.problems.length > 0) throw new Error('the index cache probe does not parse');
  const snapshot = buildSnapshot({ articles: [parsed.article], glossary: glossary.glossary, errors: [], warnings: [] }, { version: 1, knowledgeDir: '' });
  const index = JSON.stringify(snapshot.index);

  const out = new IntWriter();
  const steps = encodeIndex(snapshot.index, out);
  let step = steps.next();
  while (!step.done) step = steps.next();
  const ints = new Int32Array(out.count);
  let at = 0;
  for (const chunk of out.chunks()) {
    ints.set(chunk, at);
    at += chunk.length;
  }
  const decoded = decodeIndex(step.value, new IntReader(ints), searchIndexOptions());
  if (canonical(decoded.toJSON()) !== canonical(snapshot.index.toJSON())) {
    throw new Error('an index read back from the index cache format differs from the one written (has MiniSearch changed?)');
  }

  fingerprint = sha256(
    JSON.stringify([
      parsed.article,
      snapshot.passages.map(({ paragraph, text, quotable }) => [paragraph, text, quotable]),
      index,
      [...snapshot.documentFrequency],
      [...snapshot.acronymsByArticle],
    ]),
  );
  return fingerprint;
}

/** MiniSearch's JSON of an index with the terms sorted: the tree the terms are kept in may order them otherwise. */
function canonical(plain: AsPlainObject): string {
  const sorted = [...plain.index].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return JSON.stringify({ ...plain, index: sorted });
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
