import MiniSearch from 'minisearch';
import type { LoadedKnowledge } from '../knowledge/loadKnowledge.js';
import { findConcepts, type Glossary } from '../knowledge/glossary.js';
import { tokenize } from '../text/analyze.js';
import { splitParagraphs } from '../text/passages.js';
import type { Article, KnowledgeProblem } from '../types.js';
import { findPeriods, monthKey, periodKeys } from './periods.js';

/** A paragraph of an article: the unit that is indexed, ranked and cited. */
export interface Passage {
  /** Position in `Snapshot.passages`; also the id in the search index. */
  readonly index: number;
  readonly article: Article;
  readonly paragraph: number;
  readonly text: string;
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
  /** In how many passages each index term and glossary concept occurs. */
  readonly documentFrequency: ReadonlyMap<string, number>;
  readonly periods: ReadonlyMap<string, ArticlePeriods>;
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

export function createSearchIndex(): MiniSearch<IndexedPassage> {
  return new MiniSearch<IndexedPassage>({
    fields: [...SEARCH_FIELDS, CONCEPT_FIELD],
    storeFields: ['audience'],
    tokenize: splitTerms,
    processTerm: (term) => term,
    searchOptions: { tokenize: splitTerms, processTerm: (term) => term },
  });
}

/** Splits the articles into passages and indexes them: one immutable snapshot. */
export function buildSnapshot(
  knowledge: LoadedKnowledge,
  meta: { version: number; knowledgeDir: string },
): Snapshot {
  const index = createSearchIndex();
  const passages: Passage[] = [];
  const documentFrequency = new Map<string, number>();
  const periods = new Map<string, ArticlePeriods>();
  const countOnce = (terms: Iterable<string>): void => {
    for (const term of new Set(terms)) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
  };

  for (const article of knowledge.articles) {
    periods.set(article.id, articlePeriods(article));
    const titleTokens = tokenize(article.title);
    const titleTerms = titleTokens.filter((t) => !t.stop).map((t) => t.term);
    const titleConcepts = findConcepts(knowledge.glossary, titleTokens).map((m) => m.concept);
    const tagTerms = article.tags.flatMap((tag) => tokenize(tag).filter((t) => !t.stop).map((t) => t.term));

    for (const { paragraph, text } of splitParagraphs(article.body)) {
      const tokens = tokenize(text);
      const textTerms = tokens.filter((t) => !t.stop).map((t) => t.term);
      const concepts = [...titleConcepts, ...findConcepts(knowledge.glossary, tokens).map((m) => m.concept)];
      const passage: Passage = { index: passages.length, article, paragraph, text };
      passages.push(passage);
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
  }

  return Object.freeze({
    version: meta.version,
    loadedAt: new Date(),
    knowledgeDir: meta.knowledgeDir,
    articles: Object.freeze([...knowledge.articles]),
    passages: Object.freeze(passages),
    index,
    glossary: knowledge.glossary,
    documentFrequency,
    periods,
    problems: Object.freeze([...knowledge.errors, ...knowledge.warnings]),
  });
}

function articlePeriods(article: Article): ArticlePeriods {
  const year = Number(article.date.slice(0, 4));
  const month = Number(article.date.slice(5, 7));
  const mentioned = new Set(findPeriods(article.body).flatMap(periodKeys));
  return { dated: new Set([String(year), monthKey(year, month)]), mentioned };
}
