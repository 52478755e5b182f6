/**
 * The retrievers the quality benchmark compares. Anything that implements
 * `Retriever` can be added to the list in bench/quality.ts.
 */
import lunr from 'lunr';
import MiniSearch from 'minisearch';
import { stemmer } from 'stemmer';

import type { BenchDoc } from './beir.js';
import { compareLikeStrcmp } from './metrics.js';
import type { ScoredDoc } from './metrics.js';

export interface Retriever {
  /** Short name without whitespace: used in the table, the run tag and the run file name. */
  name: string;
  build(docs: readonly BenchDoc[]): void | Promise<void>;
  /** At most k documents, best first, for one query. */
  search(query: string, k: number): ScoredDoc[];
}

function notBuilt(name: string): Error {
  return new Error(`${name}: search() called before build()`);
}

/**
 * MiniSearch exactly as a user gets it out of the box: only the fields are
 * named; tokenizer, term processing, BM25 parameters, prefix/fuzzy matching
 * and OR-combination are all MiniSearch's defaults.
 */
export class MiniSearchDefaultRetriever implements Retriever {
  readonly name = 'minisearch-default';
  private index: MiniSearch<BenchDoc> | undefined;

  build(docs: readonly BenchDoc[]): void {
    // BenchDoc's `id` is MiniSearch's default id field, so no option is needed.
    const index = new MiniSearch<BenchDoc>({ fields: ['title', 'text'] });
    index.addAll(docs);
    this.index = index;
  }

  search(query: string, k: number): ScoredDoc[] {
    if (this.index === undefined) throw notBuilt(this.name);
    return this.index
      .search(query)
      .slice(0, k)
      .map((result) => ({ docId: String(result.id), score: result.score }));
  }
}

/**
 * Lunr 2 with its default pipeline (trimmer, English stop words, Porter
 * stemmer) over the title and text fields.
 */
export class LunrDefaultRetriever implements Retriever {
  readonly name = 'lunr-default';
  private index: lunr.Index | undefined;

  build(docs: readonly BenchDoc[]): void {
    this.index = lunr((builder) => {
      builder.ref('id');
      builder.field('title');
      builder.field('text');
      for (const doc of docs) builder.add(doc);
    });
  }

  search(query: string, k: number): ScoredDoc[] {
    if (this.index === undefined) throw notBuilt(this.name);
    const cleaned = toLunrQuery(query);
    // Lunr matches every document for an empty query string; nothing is the honest answer.
    if (cleaned === '') return [];
    return this.index
      .search(cleaned)
      .slice(0, k)
      .map((result) => ({ docId: result.ref, score: result.score }));
  }
}

/** Characters lunr's query parser treats as syntax, which `\` turns into plain text. */
const LUNR_ESCAPABLE = /[:~^+\\-]/g;

/**
 * Turn free text into a lunr query that means "any of these words".
 *
 * `index.search()` parses its input as lunr query syntax: `field:term`
 * (an unknown field throws QueryParseError), `term~1` (edit distance),
 * `term^10` (boost), a leading `+`/`-` (required/prohibited), `*` (wildcard).
 * Claims such as "CD4+ T-cells" or "ratio 1:2" would throw or change meaning.
 * Also, the query side only stems: it does not run lunr's trimmer, so
 * "properties." never matches the indexed "properti". So the query is
 * tokenized and trimmed exactly as lunr does at index time, then the syntax
 * characters still inside a token are escaped. `*` cannot be escaped (the
 * parser turns any term containing it into a wildcard), so it splits tokens.
 */
export function toLunrQuery(text: string): string {
  return lunr
    .tokenizer(text.replace(/\*/g, ' '))
    .map((token) => lunr.trimmer(token).toString())
    .filter((term) => term !== '')
    .map((term) => term.replace(LUNR_ESCAPABLE, (char) => `\\${char}`))
    .join(' ');
}

/** Lucene's EnglishAnalyzer default stop set (ENGLISH_STOP_WORDS_SET, 33 words). */
export const LUCENE_ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set([
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'but', 'by', 'for', 'if', 'in', 'into', 'is', 'it', 'no', 'not',
  'of', 'on', 'or', 'such', 'that', 'the', 'their', 'then', 'there', 'these', 'they', 'this', 'to', 'was',
  'will', 'with',
]);

/** Lowercase ASCII-alphanumeric tokens, Lucene English stop words removed, optionally Porter-stemmed. */
export function analyzeForBm25(text: string, stemming = true): string[] {
  const tokens = (text.toLowerCase().match(/[a-z0-9]+/g) ?? []).filter((token) => !LUCENE_ENGLISH_STOP_WORDS.has(token));
  return stemming ? tokens.map((token) => stemmer(token)) : tokens;
}

interface Postings {
  docIndexes: number[];
  termFrequencies: number[];
}

/**
 * A plain flat BM25 (title and text concatenated into one field) with
 * Anserini's BEIR settings k1 = 0.9, b = 0.4. It is not a contender: it exists
 * to check the evaluator against SOURCE.md's independent Python run of the
 * same recipe: 0.6627 nDCG@10 without stemming, 0.6767 with Porter stemming
 * (Anserini's Lucene run gets 0.6789; the gap is Lucene's StandardTokenizer,
 * possessive filter and lossy one-byte document lengths, not reproduced here).
 *
 * Scoring follows Lucene's BM25Similarity: idf = ln(1 + (N - df + 0.5) /
 * (df + 0.5)) and tf part = tf / (tf + k1 (1 - b + b dl / avgdl)); Lucene's
 * constant (k1 + 1) factor is left out as it does not change the ranking. A
 * word repeated in the query counts once per occurrence, as Anserini's
 * bag-of-words query does by boosting a term by its count.
 */
export class Bm25ReferenceRetriever implements Retriever {
  readonly name: string;
  private readonly stemming: boolean;
  private readonly k1 = 0.9;
  private readonly b = 0.4;
  private docIds: string[] = [];
  private docLengths = new Float64Array(0);
  private averageDocLength = 0;
  private postings = new Map<string, Postings>();

  constructor({ stemming = true }: { stemming?: boolean } = {}) {
    this.stemming = stemming;
    this.name = stemming ? 'bm25-reference' : 'bm25-reference-nostem';
  }

  build(docs: readonly BenchDoc[]): void {
    this.docIds = docs.map((doc) => doc.id);
    this.docLengths = new Float64Array(docs.length);
    this.postings = new Map();
    let totalLength = 0;

    docs.forEach((doc, docIndex) => {
      const terms = analyzeForBm25(`${doc.title} ${doc.text}`, this.stemming);
      this.docLengths[docIndex] = terms.length;
      totalLength += terms.length;
      for (const [term, frequency] of countTerms(terms)) {
        let list = this.postings.get(term);
        if (list === undefined) {
          list = { docIndexes: [], termFrequencies: [] };
          this.postings.set(term, list);
        }
        list.docIndexes.push(docIndex);
        list.termFrequencies.push(frequency);
      }
    });
    this.averageDocLength = docs.length > 0 ? totalLength / docs.length : 0;
  }

  search(query: string, k: number): ScoredDoc[] {
    const docCount = this.docIds.length;
    const scores = new Float64Array(docCount);
    const matched: number[] = [];

    for (const [term, queryFrequency] of countTerms(analyzeForBm25(query, this.stemming))) {
      const list = this.postings.get(term);
      if (list === undefined) continue;
      const documentFrequency = list.docIndexes.length;
      const idf = Math.log(1 + (docCount - documentFrequency + 0.5) / (documentFrequency + 0.5));
      list.docIndexes.forEach((docIndex, position) => {
        const tf = list.termFrequencies[position] ?? 0;
        const lengthNorm = 1 - this.b + (this.b * (this.docLengths[docIndex] ?? 0)) / this.averageDocLength;
        if (scores[docIndex] === 0) matched.push(docIndex);
        scores[docIndex] = (scores[docIndex] ?? 0) + (queryFrequency * idf * tf) / (tf + this.k1 * lengthNorm);
      });
    }

    // Ties are cut in trec_eval's order so the top k is the set it would keep.
    return matched
      .map((docIndex) => ({ docId: this.docIds[docIndex] ?? '', score: scores[docIndex] ?? 0 }))
      .sort((x, y) => y.score - x.score || compareLikeStrcmp(y.docId, x.docId))
      .slice(0, k);
  }
}

function countTerms(terms: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
  return counts;
}
