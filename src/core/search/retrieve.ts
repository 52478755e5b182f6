import type { SearchResult } from 'minisearch';
import type { Article, Audience } from '../types.js';
import { allowsPrefix, indexEdits, termMatch, FUZZY_WEIGHT, PREFIX_WEIGHT } from './match.js';
import { wantedKeys, type Period } from './periods.js';
import { analyzeQuestion, type AnalyzedQuestion, type QueryUnit } from './query.js';
import { CONCEPT_FIELD, SEARCH_FIELDS, type Passage, type Snapshot } from './snapshot.js';

/**
 * Retrieval: asks the MiniSearch index for the passages that match an analysed question, with
 * the field, period and follow-up boosts. `answer.ts` reads the passages it finds.
 */

/** Articles dated in a period the question names rank this much higher. */
const DATED_PERIOD_BOOST = 2;
const MENTIONED_PERIOD_BOOST = 1.3;
/**
 * The text field holds the title's words too, so the title field only adds a little (SciFact
 * nDCG@10: title boost 1.5 on its own field 0.6663; title words in the text field and boost 0.3,
 * with the two changes in `search`, 0.7019; see docs/BENCHMARKS.md).
 */
const FIELD_BOOST = { title: 0.3, text: 1, tags: 0.5 };
/** The previous answer's article ranks this much higher for a follow-up that names no period. */
const PREVIOUS_ARTICLE_BOOST = 1.5;

/** Staff read every article; the public only public ones, and never learns of the others. */
export function mayRead(audience: Audience, article: Article): boolean {
  return audience === 'internal' || article.audience === 'public';
}

/** A passage found for a question, as `rankPassages` returns it. */
export interface RankedPassage {
  readonly passage: Passage;
  readonly score: number;
}

/**
 * The passages that match a question, best first: the retrieval step of `answerQuestion` on its
 * own (same analysis, glossary, typo tolerance, field and date boosts), for benchmarks and tools.
 */
export function rankPassages(snapshot: Snapshot, question: string, audience: Audience, limit: number): RankedPassage[] {
  const visible = (passage: Passage): boolean => mayRead(audience, passage.article);
  const analyzed = analyzeQuestion(snapshot, question);
  if (analyzed.units.length === 0) return [];
  return search(snapshot, analyzed, visible)
    .slice(0, limit)
    .map((result) => ({ passage: snapshot.byId[result.id] as Passage, score: result.score }));
}

/**
 * The articles that match a question, best first, each scored by its best passage (MaxP).
 */
export function rankArticles(snapshot: Snapshot, question: string, audience: Audience, limit: number): RankedPassage[] {
  const best = new Map<string, RankedPassage>();
  for (const ranked of rankPassages(snapshot, question, audience, Number.POSITIVE_INFINITY)) {
    if (!best.has(ranked.passage.article.id)) best.set(ranked.passage.article.id, ranked);
    if (best.size >= limit) break;
  }
  return [...best.values()];
}

export function search(snapshot: Snapshot, analyzed: AnalyzedQuestion, visible: (p: Passage) => boolean, preferArticle?: string): SearchResult[] {
  const periodBoost = periodBoosts(snapshot, analyzed.periods);
  const datedBoost =
    preferArticle === undefined
      ? periodBoost
      : (passage: Passage): number => (periodBoost?.(passage) ?? 1) * (passage.article.id === preferArticle ? PREVIOUS_ARTICLE_BOOST : 1);
  const known = (term: string): boolean => snapshot.documentFrequency.has(term);
  const queries: ({ queries: string[] } & Record<string, unknown>)[] = [];
  if (analyzed.searchTerms.length > 0) {
    queries.push({
      queries: [...analyzed.searchTerms],
      fields: [...SEARCH_FIELDS],
      boost: FIELD_BOOST,
      // A word the knowledge uses is searched as it is; only a word it never uses may be a typo or
      // a word cut short. Expanding known words ("cell" to "cellular") adds noise, not recall,
      // and in a large vocabulary it is most of the search's cost.
      fuzzy: (term: string) => (known(term) ? false : indexEdits(term) || false),
      prefix: (term: string) => !known(term) && allowsPrefix(term),
      weights: { fuzzy: FUZZY_WEIGHT, prefix: PREFIX_WEIGHT },
    });
  }
  if (analyzed.concepts.length > 0) {
    queries.push({ queries: [...analyzed.concepts], fields: [CONCEPT_FIELD], fuzzy: false, prefix: false });
  }
  const results = snapshot.index.search(
    { combineWith: 'OR', queries },
    {
      // A passage another snapshot sharing the index added or replaced is not this one's (see `update.ts`).
      filter: (result) => {
        const passage = snapshot.byId[result.id as number];
        return passage !== undefined && visible(passage);
      },
      ...(datedBoost
        ? {
            boostDocument: (id: number) => {
              const passage = snapshot.byId[id];
              return passage === undefined ? 0 : datedBoost(passage);
            },
          }
        : {}),
    },
  );
  // MiniSearch multiplies a score by the number of query words matched. BM25 already adds a
  // share for every word, so that counted each word twice and let several common words beat one
  // rare one (SciFact nDCG@10 0.6693 with it, 0.7019 without): undo it.
  for (const result of results) result.score /= Math.max(1, result.queryTerms.length);
  return results.sort(byScoreIn(snapshot));
}

/** A score factor for passages of articles dated in, or naming, a period the question names. */
function periodBoosts(snapshot: Snapshot, periods: readonly Period[]): ((p: Passage) => number) | undefined {
  if (periods.length === 0) return undefined;
  const keys = periods.flatMap(wantedKeys);
  return (passage) => {
    const periodsOf = snapshot.periods.get(passage.article.id);
    if (!periodsOf) return 1;
    if (keys.some((key) => periodsOf.dated.has(key))) return DATED_PERIOD_BOOST;
    if (keys.some((key) => periodsOf.mentioned.has(key))) return MENTIONED_PERIOD_BOOST;
    return 1;
  };
}

/**
 * Units no visible passage matched at all: the words of the question that found nothing. The
 * index is asked loosely (see `indexEdits`), so its matches are checked again with `termMatch`.
 */
export function unmatchedUnits(analyzed: AnalyzedQuestion, results: readonly SearchResult[], snapshot: Snapshot): QueryUnit[] {
  const found = new Set<string>();
  for (const result of results) for (const term of result.terms) found.add(term);
  const matched = (queryTerm: string): boolean => {
    if (found.has(queryTerm)) return true;
    for (const term of found) if (termMatch(queryTerm, term) > 0) return true;
    return false;
  };
  return analyzed.units.filter((unit) => {
    if (unit.kind === 'term') return !matched(unit.term);
    if (unit.kind === 'concept') return !found.has(unit.concept) && !unit.terms.some(matched);
    return snapshot.passages.length === 0;
  });
}


/**
 * Best first; passages of equal score in the knowledge's order (file, then paragraph), so that
 * the order never depends on ids, which differ after a reload in place (`update.ts`).
 */
function byScoreIn(snapshot: Snapshot): (a: SearchResult, b: SearchResult) => number {
  return (a, b) => b.score - a.score || inKnowledgeOrder(snapshot.byId[a.id as number], snapshot.byId[b.id as number]);
}

function inKnowledgeOrder(a: Passage | undefined, b: Passage | undefined): number {
  if (a === undefined || b === undefined) return 0;
  if (a.article.file !== b.article.file) return a.article.file < b.article.file ? -1 : 1;
  return a.paragraph - b.paragraph;
}
