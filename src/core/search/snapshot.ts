import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import MiniSearch, { type Options } from 'minisearch';
import type { LoadedKnowledge } from '../knowledge/loadKnowledge.js';
import { learnAcronyms } from '../knowledge/acronyms.js';
import { findConcepts, type Glossary } from '../knowledge/glossary.js';
import { tokenize } from '../text/analyze.js';
import { isFragment, splitParagraphs } from '../text/passages.js';
import type { Article, Audience, KnowledgeProblem } from '../types.js';
import { ReadingCache } from './passageReading.js';
import { findPeriods, monthKey, periodKeys } from './periods.js';

/** A paragraph of an article: the unit that is indexed, ranked and cited. */
export interface Passage {
  /** Position in `Snapshot.passages`; also the id in the search index. */
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

/** Everything needed to answer, built once and never changed: a reload builds a new one. */
export interface Snapshot {
  readonly version: number;
  readonly loadedAt: Date;
  readonly knowledgeDir: string;
  readonly articles: readonly Article[];
  readonly passages: readonly Passage[];
  readonly index: MiniSearch<IndexedPassage>;
  readonly glossary: Glossary;
  /** Acronyms the articles define, and titles' initials: "nyc" to new, york, city (see `acronyms.ts`). */
  readonly acronyms: ReadonlyMap<string, readonly string[]>;
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
  readonly audience: Article['audience'];
}

export const SEARCH_FIELDS = ['title', 'text', 'tags'] as const;
export const CONCEPT_FIELD = 'concepts';

/** Fields are analysed before they reach MiniSearch, so it only splits on the spaces we put. */
const splitTerms = (text: string): string[] => (text.length === 0 ? [] : text.split(' '));

/** The options of the search index: a restored index (see `cache/`) must be given the same. */
export function searchIndexOptions(): Options<IndexedPassage> {
  return {
    fields: [...SEARCH_FIELDS, CONCEPT_FIELD],
    storeFields: ['audience'],
    tokenize: splitTerms,
    processTerm: (term) => term,
    searchOptions: { tokenize: splitTerms, processTerm: (term) => term },
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
  readonly acronyms: ReadonlyMap<string, readonly string[]>;
  /**
   * Whether each passage, in `Snapshot.passages` order, is quotable: `isFragment` is most of the
   * cost of splitting articles into passages (0.85 of 1.0 s at 100k passages).
   */
  readonly quotable: readonly boolean[];
}

/** Passage readings kept per snapshot: a few questions' worth of candidates, a few megabytes at most. */
const READING_CACHE_SIZE = 512;
/** A reload builds its snapshot in slices this long, so questions asked meanwhile are answered. */
const BUILD_SLICE_MS = 10;

/** Splits the articles into passages and indexes them: one immutable snapshot. */
export function buildSnapshot(knowledge: LoadedKnowledge, meta: { version: number; knowledgeDir: string }): Snapshot {
  const steps = snapshotSteps(knowledge, meta);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * `buildSnapshot` a slice at a time, letting other work run between slices: what a reload uses,
 * so the bot goes on answering from the current snapshot while the next one is built.
 */
export async function buildSnapshotInSlices(knowledge: LoadedKnowledge, meta: { version: number; knowledgeDir: string }): Promise<Snapshot> {
  const steps = snapshotSteps(knowledge, meta);
  let sliceStart = performance.now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() - sliceStart >= BUILD_SLICE_MS) {
      await nextTurn();
      sliceStart = performance.now();
    }
  }
}

/** Builds a snapshot, yielding after each article. */
function* snapshotSteps(knowledge: LoadedKnowledge, meta: { version: number; knowledgeDir: string }): Generator<void, Snapshot> {
  const index = createSearchIndex();
  const passages: Passage[] = [];
  const documentFrequency = new Map<string, number>();
  const periods = new Periods();
  const countOnce = (terms: Iterable<string>): void => {
    for (const term of new Set(terms)) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
  };

  for (const article of knowledge.articles) {
    periods.add(article);
    const titleTokens = tokenize(article.title);
    const titleTerms = titleTokens.filter((t) => !t.stop).map((t) => t.term);
    const titleConcepts = findConcepts(knowledge.glossary, titleTokens).map((m) => m.concept);
    const tagTerms = article.tags.flatMap((tag) => tokenize(tag).filter((t) => !t.stop).map((t) => t.term));

    for (const { paragraph, text } of splitParagraphs(article.body)) {
      const quotable = !isFragment(text);
      const passage: Passage = { index: passages.length, article, paragraph, text, quotable };
      passages.push(passage);
      if (!quotable) continue;
      const tokens = tokenize(text);
      const textTerms = tokens.filter((t) => !t.stop).map((t) => t.term);
      const concepts = [...titleConcepts, ...findConcepts(knowledge.glossary, tokens).map((m) => m.concept)];
      countOnce([...textTerms, ...titleTerms, ...concepts]);
      index.add({
        id: passage.index,
        title: titleTerms.join(' '),
        // The title's words count as words of the text too ("flat"), and a little more in the title field.
        text: [...titleTerms, ...textTerms].join(' '),
        tags: tagTerms.join(' '),
        concepts: concepts.join(' '),
        audience: article.audience,
      });
    }
    yield;
  }

  return assemble(knowledge, meta, passages, periods, { index, documentFrequency, acronyms: learnAcronyms(knowledge.articles) });
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
      if (quotable === undefined) throw new Error(`the index has ${parts.quotable.length} passages, the knowledge more`);
      if (quotable) indexed += 1;
      passages.push({ index: passages.length, article, paragraph, text, quotable });
    }
  }
  if (passages.length !== parts.quotable.length) throw new Error(`the index has ${parts.quotable.length} passages, the knowledge ${passages.length}`);
  if (indexed !== parts.index.documentCount) throw new Error(`the index has ${parts.index.documentCount} quotable passages, the knowledge ${indexed}`);
  return assemble(knowledge, meta, passages, periods, parts);
}

function assemble(
  knowledge: LoadedKnowledge,
  meta: { version: number; knowledgeDir: string },
  passages: Passage[],
  periods: Periods,
  parts: Omit<IndexedParts, 'quotable'>,
): Snapshot {
  return Object.freeze({
    version: meta.version,
    loadedAt: new Date(),
    knowledgeDir: meta.knowledgeDir,
    articles: Object.freeze([...knowledge.articles]),
    passages: Object.freeze(passages),
    index: parts.index,
    glossary: knowledge.glossary,
    acronyms: parts.acronyms,
    documentFrequency: parts.documentFrequency,
    periods: periods.byArticle,
    coveredPeriods: periods.covered,
    // Array.prototype.sort is stable: articles of one date keep their folder order.
    articlesByDate: Object.freeze([...knowledge.articles].sort((a, b) => b.date.localeCompare(a.date))),
    readings: new ReadingCache(READING_CACHE_SIZE),
    problems: Object.freeze([...knowledge.errors, ...knowledge.warnings]),
  });
}

/** Each article's periods, and per audience every period some article it may read is in or names. */
class Periods {
  readonly byArticle = new Map<string, ArticlePeriods>();
  readonly covered: Record<Audience, Set<string>> = { public: new Set(), internal: new Set() };

  add(article: Article): void {
    const periodsOf = articlePeriods(article);
    this.byArticle.set(article.id, periodsOf);
    for (const audience of article.audience === 'public' ? (['public', 'internal'] as const) : (['internal'] as const)) {
      for (const key of [...periodsOf.dated, ...periodsOf.mentioned]) this.covered[audience].add(key);
    }
  }
}

function articlePeriods(article: Article): ArticlePeriods {
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
