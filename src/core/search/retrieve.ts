import type { SearchResult } from 'minisearch';
import type { Article, Audience } from '../types.js';
import { allowsPrefix, ENGLISH_WORD_ENDING, indexEdits, longestEnding, termMatch, FUZZY_WEIGHT, PREFIX_WEIGHT } from './match.js';
import { indexedTerms } from './indexedTerms.js';
import { wantedKeys, type Period } from './periods.js';
import { analyzeQuestion, type AnalyzedQuestion, type QueryUnit } from './query.js';
import { CONCEPT_FIELD, SEARCH_FIELDS, SEARCH_OPTION_DEFAULTS, type Passage, type Snapshot } from './snapshot.js';

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
export const FIELD_BOOST = { title: 0.3, text: 1, tags: 0.5 };
/** Glossary concepts are asked in their own field, unboosted. */
const CONCEPT_BOOST = { [CONCEPT_FIELD]: 1 };
/** Partial matches of a word the knowledge never uses (see `indexWords`). */
const LOOSE_WEIGHTS = { fuzzy: FUZZY_WEIGHT, prefix: PREFIX_WEIGHT };
/** The previous answer's article ranks this much higher for a follow-up that names no period. */
const PREVIOUS_ARTICLE_BOOST = 1.5;
/** See `postingBudget`. */
const POSTING_BUDGET_SHARE = 0.01;
const MIN_POSTING_BUDGET = 1000;
const POSTINGS_PER_RESULT_READ = 25;

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
  return searchFor(snapshot, question, audience, limit)
    .slice(0, limit)
    .map((result) => ({ passage: snapshot.byId[result.id] as Passage, score: result.score }));
}

/**
 * The articles that match a question, best first, each scored by its best passage (MaxP). The
 * search reads as deep as `limit` passages at least (see `postingBudget`).
 */
export function rankArticles(snapshot: Snapshot, question: string, audience: Audience, limit: number): RankedPassage[] {
  const best = new Map<string, RankedPassage>();
  for (const result of searchFor(snapshot, question, audience, limit)) {
    const passage = snapshot.byId[result.id] as Passage;
    if (!best.has(passage.article.id)) best.set(passage.article.id, { passage, score: result.score });
    if (best.size >= limit) break;
  }
  return [...best.values()];
}

/** `search` for a question as the audience asks it, read `depth` results deep. */
function searchFor(snapshot: Snapshot, question: string, audience: Audience, depth: number): SearchResult[] {
  const analyzed = analyzeQuestion(snapshot, question);
  if (analyzed.units.length === 0) return [];
  return search(snapshot, analyzed, (passage) => mayRead(audience, passage.article), { depth });
}

/** Tuning of `search` for tests and benchmarks; the engine uses the defaults. */
export interface SearchTuning {
  /** Postings MiniSearch may walk for a question (default: `postingBudget(snapshot, depth)`). */
  readonly postingBudget?: number;
}

/** What the caller of `search` wants besides the question. */
export interface SearchOptions {
  /** The article a follow-up's answer came from: it ranks a little higher. */
  readonly preferArticle?: string | undefined;
  /** How many of the best results the caller reads (default: all of them); see `postingBudget`. */
  readonly depth?: number;
}

/**
 * The passages that match an analysed question, best first, scored by BM25 over every question
 * word (the field, period and follow-up boosts applied).
 *
 * Walking the postings of frequent words is most of a large index's search time, and they barely
 * move a ranking, so MiniSearch is asked only for the question's informative words: its rarest
 * index terms, as many as have at most `postingBudget` postings together, and at least one (a
 * word the knowledge never uses stands for the terms near it, see `indexWords`). The passages it
 * finds are then scored for the other, frequent terms too, exactly as MiniSearch would have
 * scored them (`indexedTerms.ts`), so they rank as in a query of every word; only passages with
 * none of the informative words are left out. When the words asked find nothing the reader may
 * see, the next rarest is asked, and so on: a question whose names the knowledge lacks is
 * answered, or declined, from the passages its other words find, as before.
 */
export function search(
  snapshot: Snapshot,
  analyzed: AnalyzedQuestion,
  visible: (p: Passage) => boolean,
  { preferArticle, depth }: SearchOptions = {},
  tuning: SearchTuning = {},
): SearchResult[] {
  const boost = documentBoost(snapshot, analyzed.periods, preferArticle);
  const budget = tuning.postingBudget ?? postingBudget(snapshot, depth);
  const frequency = (word: Word): number => snapshot.documentFrequency.get(word.term) ?? 0;
  const asWritten = indexWords(snapshot, analyzed);
  if (asWritten.reduce((sum, word) => sum + frequency(word), 0) <= budget) {
    return ask(snapshot, asWritten, visible, boost).sort(byScoreIn(snapshot));
  }

  // Array.prototype.sort is stable: words as frequent as each other keep the question's order.
  const words = [...asWritten].sort((a, b) => frequency(a) - frequency(b));
  let asked = 1;
  for (let postings = frequency(words[0] as Word); asked < words.length; asked++) {
    postings += frequency(words[asked] as Word);
    if (postings > budget) break;
  }
  let results = ask(snapshot, words.slice(0, asked), visible, boost);
  for (; results.length === 0 && asked < words.length; asked++) results = ask(snapshot, words.slice(asked, asked + 1), visible, boost);
  const left = words.slice(asked);
  addWords(snapshot, results, left, boost);
  notAsked.set(results, new Set(left.map((word) => word.term)));
  return results.sort(byScoreIn(snapshot));
}

/**
 * The postings `search` lets MiniSearch walk for a question. A caller that ranks every result
 * gets 1 % of the passages, and never fewer than 1,000, which MiniSearch walks in a few
 * milliseconds (so a knowledge base of a few hundred passages is always asked every word):
 * below 1,000, recall deep in the ranking suffers (SciFact R@100: 0.9320 at 1,000, 0.9276 at
 * 500, 0.9157 at 250). A caller that reads only the best `depth` results (an answer reads ten)
 * needs candidates for those places only: 25 postings a result read, at most as many as above
 * (with MiniSearch's default BM25, SciFact nDCG@10 0.7035 at 250, 0.7000 at 1,000; SQuAD answers
 * the same at 250 as at 1,000).
 */
export function postingBudget(snapshot: Snapshot, depth = Number.POSITIVE_INFINITY): number {
  const wholeRanking = Math.max(MIN_POSTING_BUDGET, POSTING_BUDGET_SHARE * snapshot.passages.length);
  return Math.min(wholeRanking, POSTINGS_PER_RESULT_READ * depth);
}

/**
 * The frequent words `search` did not ask MiniSearch for, by the results it returned: they are in
 * many passages, so `unmatchedUnits` must not say they found nothing.
 */
const notAsked = new WeakMap<readonly SearchResult[], ReadonlySet<string>>();

/** An index term or glossary concept asked for, and the weight of its matches. */
interface Word {
  readonly term: string;
  readonly concept: boolean;
  readonly weight: number;
}

/**
 * What a question asks the index for: its words and glossary concepts. A word the knowledge uses
 * is asked as it is; one it never uses may be a typo or a word cut short, and stands for the
 * index terms within its edits and those it begins, at less weight (`indexEdits`, `allowsPrefix`,
 * FUZZY_WEIGHT, PREFIX_WEIGHT). Expanding known words ("cell" to "cellular") adds noise, not
 * recall, and in a large vocabulary it is most of the search's cost. A term two question words
 * stand for is asked once, with their weights added.
 */
function indexWords(snapshot: Snapshot, analyzed: AnalyzedQuestion): Word[] {
  const terms = new Map<string, number>();
  const add = (term: string, weight: number): void => {
    terms.set(term, (terms.get(term) ?? 0) + weight);
  };
  for (const term of analyzed.searchTerms) {
    if (snapshot.documentFrequency.has(term)) add(term, 1);
    else {
      const options = { prefix: allowsPrefix(term), maxEdits: indexEdits(term), weights: LOOSE_WEIGHTS };
      const longest = analyzed.englishWords.has(term) ? term.length + ENGLISH_WORD_ENDING : Infinity;
      // A match longer than that begins with the term: it is no typo (edits are fewer than its extra letters).
      for (const [match, weight] of indexedTerms(snapshot.index).expand(term, options)) if (match.length <= longest) add(match, weight);
    }
  }
  return [
    ...[...terms].map(([term, weight]) => ({ term, concept: false, weight })),
    ...analyzed.concepts.map((term) => ({ term, concept: true, weight: 1 })),
  ];
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

/** A passage's score factor for the period and follow-up boosts; undefined when none applies. */
type DocumentBoost = ((passage: Passage) => number) | undefined;

/** One MiniSearch query of the given words, each result's score the plain sum of its words' BM25. */
function ask(snapshot: Snapshot, words: readonly Word[], visible: (p: Passage) => boolean, boost: DocumentBoost): SearchResult[] {
  const weights = new Map(words.flatMap((word) => (word.concept ? [] : [[word.term, word.weight] as const])));
  const concepts = words.flatMap((word) => (word.concept ? [word.term] : []));
  const queries: ({ queries: string[] } & Record<string, unknown>)[] = [];
  // The words as one query string, split again by the index's own tokenizer (on spaces, as
  // index terms have none): MiniSearch then prepares a query's options once for all of them
  // instead of once a word (it still merges them once a word: see SEARCH_OPTION_DEFAULTS).
  if (weights.size > 0) {
    queries.push({
      queries: [[...weights.keys()].join(' ')],
      fields: [...SEARCH_FIELDS],
      boost: FIELD_BOOST,
      boostTerm: (term: string) => weights.get(term) ?? 1,
      fuzzy: false,
      prefix: false,
    });
  }
  if (concepts.length > 0) {
    queries.push({ queries: [concepts.join(' ')], fields: [CONCEPT_FIELD], fuzzy: false, prefix: false });
  }
  const results = snapshot.index.search(
    { combineWith: 'OR', queries },
    {
      ...SEARCH_OPTION_DEFAULTS,
      // A passage another snapshot sharing the index added or replaced is not this one's (see `update.ts`).
      filter: (result) => {
        const passage = snapshot.byId[result.id as number];
        return passage !== undefined && visible(passage);
      },
      boostDocument: boost
        ? (id: number) => {
            const passage = snapshot.byId[id];
            return passage === undefined ? 0 : boost(passage);
          }
        : undefined,
    },
  );
  // MiniSearch multiplies a score by the number of query words matched. BM25 already adds a
  // share for every word, so that counted each word twice and let several common words beat one
  // rare one (SciFact nDCG@10 0.6693 with it, 0.7019 without): undo it.
  for (const result of results) result.score /= Math.max(1, result.queryTerms.length);
  return results;
}

/**
 * Adds known words to results found by other words: each result's score grows by the words' BM25
 * in its fields, and its terms by the words it has, as if MiniSearch had been asked for them too
 * (its `match`, which nothing here reads, is left as it was).
 */
function addWords(snapshot: Snapshot, results: readonly SearchResult[], words: readonly Word[], boost: DocumentBoost): void {
  if (results.length === 0 || words.length === 0) return;
  const terms = indexedTerms(snapshot.index);
  const passages = terms.passages(results.map((result) => result.id as number));
  const scores = new Float64Array(results.length);
  const has = new Uint8Array(results.length);
  for (const { term, concept, weight } of words) {
    has.fill(0);
    terms.addTerm(term, concept ? CONCEPT_BOOST : FIELD_BOOST, passages, scores, has, weight);
    for (let i = 0; i < results.length; i++) {
      if (has[i] === 0) continue;
      const result = results[i] as SearchResult;
      if (!result.queryTerms.includes(term)) result.queryTerms.push(term);
      if (!result.terms.includes(term)) result.terms.push(term);
    }
  }
  for (let i = 0; i < results.length; i++) {
    const score = scores[i] as number;
    if (score === 0) continue;
    const result = results[i] as SearchResult;
    result.score += (boost?.(snapshot.byId[result.id as number] as Passage) ?? 1) * score;
  }
}

function documentBoost(snapshot: Snapshot, periods: readonly Period[], preferArticle: string | undefined): DocumentBoost {
  const periodBoost = periodBoosts(snapshot, periods);
  if (preferArticle === undefined) return periodBoost;
  return (passage) => (periodBoost?.(passage) ?? 1) * (passage.article.id === preferArticle ? PREVIOUS_ARTICLE_BOOST : 1);
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
 * A frequent word `search` did not ask for is in many passages: it never found nothing.
 */
export function unmatchedUnits(analyzed: AnalyzedQuestion, results: readonly SearchResult[], snapshot: Snapshot): QueryUnit[] {
  const found = new Set<string>(notAsked.get(results));
  for (const result of results) for (const term of result.terms) found.add(term);
  const matched = (queryTerm: string): boolean => {
    if (found.has(queryTerm)) return true;
    const longest = longestEnding(queryTerm, analyzed.englishWords.has(queryTerm));
    for (const term of found) if (termMatch(queryTerm, term, longest) > 0) return true;
    return false;
  };
  return analyzed.units.filter((unit) => {
    if (unit.kind === 'term') return !matched(unit.term) && !(unit.sameNumber !== undefined && found.has(unit.sameNumber));
    if (unit.kind === 'concept') return !found.has(unit.concept) && !unit.terms.some(matched);
    return snapshot.passages.length === 0;
  });
}
