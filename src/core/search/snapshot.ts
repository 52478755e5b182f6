import MiniSearch, { type Options } from 'minisearch';
import type { LoadedKnowledge } from '../knowledge/loadKnowledge.js';
import { acronymsByArticle, mergeAcronyms, type AcronymDefinition } from '../knowledge/acronyms.js';
import { findConcepts, type Glossary } from '../knowledge/glossary.js';
import { runAtOnce, runInSlices } from '../slices.js';
import { tokenize } from '../text/analyze.js';
import { isFragment, splitParagraphs } from '../text/passages.js';
import type { Article, Audience, KnowledgeProblem } from '../types.js';
import { ReadingCache } from './passageReading.js';
import { findPeriods, monthKey, periodKeys } from './periods.js';

/** A paragraph of an article: the unit that is indexed, ranked and cited. */
export interface Passage {
  /**
   * The passage's id in the search index (`Snapshot.byId`). A build numbers the passages in order;
   * a reload in place (`update.ts`) keeps the ids of the passages it keeps and gives new passages
   * ids the index never had.
   */
  readonly index: number;
  readonly article: Article;
  readonly paragraph: number;
  readonly text: string;
  /**
   * False for a paragraph that is not a sentence (a photo credit, a source line, a few words):
   * it keeps its paragraph number but is not indexed, so it is never quoted or cited.
   */
  readonly quotable: boolean;
}

/** Where an article stands in time: its own date, and the periods its text names. */
export interface ArticlePeriods {
  /** "2018" and "2018-09" for an article dated 2018-09-25. */
  readonly dated: ReadonlySet<string>;
  /** Years, months and decades the text names: "2017", "2017-06", "1970s". */
  readonly mentioned: ReadonlySet<string>;
}

/**
 * Everything needed to answer, never changed once made. A reload makes a new one: from scratch, or
 * in place (`update.ts`), sharing the search index, whose passages each snapshot sees through `byId`.
 */
export interface Snapshot {
  readonly version: number;
  readonly loadedAt: Date;
  readonly knowledgeDir: string;
  readonly articles: readonly Article[];
  /** The passages, in article order. */
  readonly passages: readonly Passage[];
  /**
   * The passages by id. Undefined for an id that is not this snapshot's: a passage an in-place
   * reload replaced, or one a later snapshot sharing the index added. The search index is asked
   * through this, so a snapshot never sees another's passages.
   */
  readonly byId: readonly (Passage | undefined)[];
  /** The id the next new passage gets: above every id the index has had. */
  readonly nextId: number;
  readonly index: MiniSearch<IndexedPassage>;
  readonly glossary: Glossary;
  /** Acronyms the articles define, and titles' initials: "nyc" to new, york, city (see `acronyms.ts`). */
  readonly acronyms: ReadonlyMap<string, readonly string[]>;
  /** Each article's own definitions, for the articles that define any: `acronyms` merges them. */
  readonly acronymsByArticle: ReadonlyMap<string, readonly AcronymDefinition[]>;
  /** In how many passages each index term and glossary concept occurs. */
  readonly documentFrequency: ReadonlyMap<string, number>;
  readonly periods: ReadonlyMap<string, ArticlePeriods>;
  /** Per audience, every period key ("2018", "2018-09", "1970s") some article it may read is dated in or names. */
  readonly coveredPeriods: Readonly<Record<Audience, ReadonlySet<string>>>;
  /** The articles, newest first (articles of the same date in folder order). */
  readonly articlesByDate: readonly Article[];
  /** Passages read lately, so popular ones are not tokenized again for every question. */
  readonly readings: ReadingCache;
  readonly problems: readonly KnowledgeProblem[];
}

/** What the search index stores per passage: fields as space-separated index terms. */
export interface IndexedPassage {
  readonly id: number;
  readonly title: string;
  readonly text: string;
  readonly tags: string;
  readonly concepts: string;
}

export const SEARCH_FIELDS = ['title', 'text', 'tags'] as const;
export const CONCEPT_FIELD = 'concepts';

/** Fields are analysed before they reach MiniSearch, so it only splits on the spaces we put. */
const splitTerms = (text: string): string[] => (text.length === 0 ? [] : text.split(' '));

/**
 * BM25 as the engine ranks passages: MiniSearch's BM25+ with its term saturation `k` lower and
 * its length normalisation `b` higher than its defaults (1.2 and 0.7), so that a long passage
 * that names a word many times ranks less above a short one that names it once. Chosen on the
 * even half of SciFact's claims (nDCG@10 0.7119 -> 0.7144) and checked on the odd half
 * (0.6881 -> 0.6892; R@100 0.9440 -> 0.9507); SQuAD answers and APO questions are as before.
 * The gain is small: see docs/BENCHMARKS.md.
 */
export const BM25 = { k: 0.9, b: 0.8, d: 0.5 } as const;

/**
 * Every option a search of the index passes (`ask` in retrieve.ts), each at its default. MiniSearch
 * merges options with object spreads, `{ ...defaults, ...given }`, once a search and again once a
 * query word. On Node 20's V8, a spread that adds keys its first object lacks is about ten times
 * slower than one that only overwrites, and what it makes survives young-generation collections
 * (at the shipped size, about 1 MB copied by each scavenge, pauses of 2 to 5 ms). With every key
 * present in the index's options and in each search's, each merge only overwrites. MiniSearch
 * reads an undefined option as absent.
 */
export const SEARCH_OPTION_DEFAULTS = {
  combineWith: 'OR',
  queries: undefined,
  fields: undefined,
  boost: {},
  boostTerm: undefined,
  boostDocument: undefined,
  filter: undefined,
  fuzzy: false,
  prefix: false,
} as const;

/** The options of the search index: a restored index (see `cache/`) must be given the same. */
export function searchIndexOptions(): Options<IndexedPassage> {
  return {
    fields: [...SEARCH_FIELDS, CONCEPT_FIELD],
    // Nothing is stored: a result's passage is `Snapshot.byId[id]`. A stored field cost an
    // object per passage and an Object.assign per result.
    tokenize: splitTerms,
    processTerm: (term) => term,
    searchOptions: { ...SEARCH_OPTION_DEFAULTS, tokenize: splitTerms, processTerm: (term) => term, bm25: BM25 },
  };
}

export function createSearchIndex(): MiniSearch<IndexedPassage> {
  return new MiniSearch<IndexedPassage>(searchIndexOptions());
}

/**
 * What indexing computes from the knowledge, the costly part of a snapshot: what the index cache
 * keeps, so a restart over the same knowledge skips tokenizing and indexing (see `cache/`).
 */
export interface IndexedParts {
  readonly index: MiniSearch<IndexedPassage>;
  readonly documentFrequency: ReadonlyMap<string, number>;
  readonly acronymsByArticle: ReadonlyMap<string, readonly AcronymDefinition[]>;
  /**
   * Whether each passage, in `Snapshot.passages` order, is quotable: `isFragment` is most of the
   * cost of splitting articles into passages (0.85 of 1.0 s at 100k passages).
   */
  readonly quotable: readonly boolean[];
  /** Each passage's id, in the same order. */
  readonly ids: readonly number[];
}

/** Passage readings kept per snapshot: a few questions' worth of candidates, a few megabytes at most. */
const READING_CACHE_SIZE = 512;

/** Splits the articles into passages and indexes them: one immutable snapshot. */
export function buildSnapshot(knowledge: LoadedKnowledge, meta: { version: number; knowledgeDir: string }): Snapshot {
  return runAtOnce(snapshotSteps(knowledge, meta));
}

/**
 * `buildSnapshot` a slice at a time, letting other work run between slices: what a reload uses,
 * so the bot goes on answering from the current snapshot while the next one is built.
 */
export function buildSnapshotInSlices(
  knowledge: LoadedKnowledge,
  meta: { version: number; knowledgeDir: string },
  progress?: (articles: number, passages: number) => void,
): Promise<Snapshot> {
  return runInSlices(snapshotSteps(knowledge, meta, progress));
}

/** Builds a snapshot, yielding after each article. */
function* snapshotSteps(
  knowledge: LoadedKnowledge,
  meta: { version: number; knowledgeDir: string },
  progress?: (articles: number, passages: number) => void,
): Generator<void, Snapshot> {
  const index = createSearchIndex();
  const passages: Passage[] = [];
  const documentFrequency = new Map<string, number>();
  const periods = new Periods();

  for (const article of knowledge.articles) {
    periods.add(article);
    const indexed = indexArticle(article, knowledge.glossary, passages.length);
    passages.push(...indexed.passages);
    for (const { document, terms } of indexed.documents) {
      for (const term of terms) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
      index.add(document);
    }
    progress?.(periods.byArticle.size, passages.length);
    yield;
  }

  const parts = { index, documentFrequency, acronymsByArticle: acronymsByArticle(knowledge.articles) };
  return yield* assembleSteps(knowledge.articles, knowledge, meta, passages, periods, parts);
}

/** A quotable passage's document in the search index, and the terms it counts in `documentFrequency`. */
export interface PassageDocument {
  readonly document: IndexedPassage;
  readonly terms: ReadonlySet<string>;
}

/**
 * An article split into passages, with ids from `firstId` on, and each quotable passage's index
 * document. The same article and glossary always give the same documents: an in-place reload
 * removes a passage from the index by making its document again.
 */
export function indexArticle(article: Article, glossary: Glossary, firstId: number): { passages: Passage[]; documents: PassageDocument[] } {
  const titleTokens = tokenize(article.title);
  const titleTerms = titleTokens.filter((t) => !t.stop).map((t) => t.term);
  const titleConcepts = findConcepts(glossary, titleTokens).map((m) => m.concept);
  const tagTerms = article.tags.flatMap((tag) => tokenize(tag).filter((t) => !t.stop).map((t) => t.term));
  const passages: Passage[] = [];
  const documents: PassageDocument[] = [];
  for (const { paragraph, text } of splitParagraphs(article.body)) {
    const quotable = !isFragment(text);
    const passage: Passage = { index: firstId + passages.length, article, paragraph, text, quotable };
    passages.push(passage);
    if (!quotable) continue;
    const tokens = tokenize(text);
    const textTerms = tokens.filter((t) => !t.stop).map((t) => t.term);
    const concepts = [...titleConcepts, ...findConcepts(glossary, tokens).map((m) => m.concept)];
    documents.push({
      document: {
        id: passage.index,
        title: titleTerms.join(' '),
        // The title's words count as words of the text too ("flat"), and a little more in the title field.
        text: [...titleTerms, ...textTerms].join(' '),
        tags: tagTerms.join(' '),
        concepts: concepts.join(' '),
      },
      terms: new Set([...textTerms, ...titleTerms, ...concepts]),
    });
  }
  return { passages, documents };
}

/**
 * A snapshot from parts indexed before (read from the index cache) and the knowledge they were
 * indexed from: only the passages and periods are computed again. Throws when the parts do not
 * fit the knowledge (another number of passages or of indexed ones).
 */
export function restoreSnapshot(knowledge: LoadedKnowledge, parts: IndexedParts, meta: { version: number; knowledgeDir: string }): Snapshot {
  const passages: Passage[] = [];
  const periods = new Periods();
  let indexed = 0;
  for (const article of knowledge.articles) {
    periods.add(article);
    for (const { paragraph, text } of splitParagraphs(article.body)) {
      const quotable = parts.quotable[passages.length];
      const id = parts.ids[passages.length];
      if (quotable === undefined || id === undefined) throw new Error(`the index has ${parts.quotable.length} passages, the knowledge more`);
      if (quotable) indexed += 1;
      if (quotable && !parts.index.has(id)) throw new Error(`passage ${passages.length} has id ${id}, which the index does not hold`);
      passages.push({ index: id, article, paragraph, text, quotable });
    }
  }
  if (passages.length !== parts.quotable.length) throw new Error(`the index has ${parts.quotable.length} passages, the knowledge ${passages.length}`);
  if (indexed !== parts.index.documentCount) throw new Error(`the index has ${parts.index.documentCount} quotable passages, the knowledge ${indexed}`);
  return runAtOnce(assembleSteps(knowledge.articles, knowledge, meta, passages, periods, parts));
}

/** Articles gone through between two yields of `coveredPeriodsSteps`. */
const ITEMS_PER_STEP = 8192;

/**
 * A snapshot of these articles and passages (in article order) over an index, yielding now and
 * then. Its `articles` are given apart from the load's: an in-place reload keeps the article
 * objects of unchanged articles.
 */
export function* assembleSteps(
  articles: readonly Article[],
  knowledge: Pick<LoadedKnowledge, 'glossary' | 'errors' | 'warnings'>,
  meta: {
    version: number;
    knowledgeDir: string;
    readings?: ReadingCache;
    nextId?: number;
    byId?: readonly (Passage | undefined)[];
    articlesByDate?: readonly Article[];
  },
  passages: Passage[],
  periods: { readonly byArticle: ReadonlyMap<string, ArticlePeriods>; readonly covered: Readonly<Record<Audience, ReadonlySet<string>>> },
  parts: Pick<IndexedParts, 'index' | 'documentFrequency' | 'acronymsByArticle'>,
): Generator<void, Snapshot> {
  // Ids only go up: a reading cached for an id must never be taken for another passage's.
  let nextId = meta.nextId ?? 0;
  let inOrder = true;
  if (meta.byId === undefined) {
    passages.forEach((passage, i) => {
      nextId = Math.max(nextId, passage.index + 1);
      inOrder &&= passage.index === i;
    });
  }
  // A build numbers its passages in order: they are their own list by id.
  let byId = meta.byId ?? (inOrder ? passages : undefined);
  if (byId === undefined) {
    const sparse: (Passage | undefined)[] = [];
    for (const passage of passages) sparse[passage.index] = passage;
    byId = sparse;
  }
  yield;
  const acronyms = mergeAcronyms(articles, parts.acronymsByArticle);
  yield;
  const articlesByDate = meta.articlesByDate ?? [...articles].sort(newerFirst);
  yield;
  return Object.freeze({
    version: meta.version,
    loadedAt: new Date(),
    knowledgeDir: meta.knowledgeDir,
    articles: Object.freeze([...articles]),
    passages: Object.freeze(passages),
    // Not frozen: a reload in place copies it, and copying a frozen array of 100k takes ten times longer.
    byId,
    nextId,
    index: parts.index,
    glossary: knowledge.glossary,
    acronyms,
    acronymsByArticle: parts.acronymsByArticle,
    documentFrequency: parts.documentFrequency,
    periods: periods.byArticle,
    coveredPeriods: periods.covered,
    articlesByDate: Object.freeze(articlesByDate),
    // Readings depend on a passage's text and the glossary alone: an in-place reload keeps them.
    readings: meta.readings ?? new ReadingCache(READING_CACHE_SIZE),
    problems: Object.freeze([...knowledge.errors, ...knowledge.warnings]),
  });
}

/**
 * Newest first, and articles of one date in file order. Dates are YYYY-MM-DD, so comparing them as
 * strings compares them as dates.
 */
export function newerFirst(a: Article, b: Article): number {
  if (a.date !== b.date) return a.date < b.date ? 1 : -1;
  return a.file < b.file ? -1 : a.file > b.file ? 1 : 0;
}

/** Per audience, every period key some article it may read is dated in or names. */
export function* coveredPeriodsSteps(
  articles: readonly Article[],
  periods: ReadonlyMap<string, ArticlePeriods>,
): Generator<void, Record<Audience, Set<string>>> {
  const covered: Record<Audience, Set<string>> = { public: new Set(), internal: new Set() };
  let step = 0;
  for (const article of articles) {
    const periodsOf = periods.get(article.id);
    if (periodsOf !== undefined) coverPeriods(covered, article, periodsOf);
    if (++step % ITEMS_PER_STEP === 0) yield;
  }
  return covered;
}

function coverPeriods(covered: Record<Audience, Set<string>>, article: Article, periodsOf: ArticlePeriods): void {
  for (const keys of [periodsOf.dated, periodsOf.mentioned]) {
    for (const key of keys) {
      covered.internal.add(key);
      if (article.audience === 'public') covered.public.add(key);
    }
  }
}

/** Each article's periods, and per audience every period some article it may read is in or names. */
export class Periods {
  readonly byArticle = new Map<string, ArticlePeriods>();
  readonly covered: Record<Audience, Set<string>> = { public: new Set(), internal: new Set() };

  /** Adds an article; its periods are found in its text unless given (an in-place reload has them). */
  add(article: Article, known?: ArticlePeriods): void {
    const periodsOf = known ?? articlePeriods(article);
    this.byArticle.set(article.id, periodsOf);
    coverPeriods(this.covered, article, periodsOf);
  }
}

export function articlePeriods(article: Article): ArticlePeriods {
  const year = Number(article.date.slice(0, 4));
  const month = Number(article.date.slice(5, 7));
  const mentioned = new Set(findPeriods(article.body).flatMap(periodKeys));
  return { dated: new Set([String(year), monthKey(year, month)]), mentioned };
}

const articlesById = new WeakMap<Snapshot, ReadonlyMap<string, Article>>();

/** An article of a snapshot by its id; the map is made once per snapshot, on first use. */
export function articleById(snapshot: Snapshot, id: string): Article | undefined {
  let byId = articlesById.get(snapshot);
  if (byId === undefined) {
    byId = new Map(snapshot.articles.map((article) => [article.id, article]));
    articlesById.set(snapshot, byId);
  }
  return byId.get(id);
}

const passagesByArticle = new WeakMap<Snapshot, Map<string, Passage[]>>();

/** An article's quotable passages in paragraph order, grouped once per snapshot. */
export function passagesOf(snapshot: Snapshot, articleId: string): readonly Passage[] {
  let byArticle = passagesByArticle.get(snapshot);
  if (byArticle === undefined) {
    byArticle = new Map();
    for (const passage of snapshot.passages) {
      if (!passage.quotable) continue;
      const list = byArticle.get(passage.article.id) ?? [];
      list.push(passage);
      byArticle.set(passage.article.id, list);
    }
    passagesByArticle.set(snapshot, byArticle);
  }
  return byArticle.get(articleId) ?? [];
}
