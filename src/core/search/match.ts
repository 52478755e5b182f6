import type { ConceptMatch } from '../knowledge/glossary.js';
import { lowerWord, termOf, type Token } from '../text/analyze.js';
import { synonymsOf } from '../text/synonyms.js';
import { wantedKeys } from './periods.js';
import type { QueryUnit } from './query.js';

/** Partial matches (a typo, a word cut short) count for less than the word itself. */
export const FUZZY_WEIGHT = 0.5;
export const PREFIX_WEIGHT = 0.4;
/** A synonym ("movie" for "film") counts for less than the word itself. */
export const SYNONYM_WEIGHT = 0.5;
const NUMBER = /^[\d.]+$/;

/**
 * How many typos a query term may have: none below 4 characters and never in a number; one up to
 * 8 characters, two from 9. Two letters swapped ("misison") count as one typo. A four-letter word
 * may have one ("Seol" for Seoul): only a word the knowledge never uses is read as a typo at all.
 * (SQuAD, tune / held-out, from 5 characters to 4: answer hit 70.7 / 69.0 -> 70.7 / 69.2, false
 * declines 4.0 / 5.0 -> 4.0 / 4.8, out-of-knowledge declines unchanged; SciFact nDCG@10 0.7018
 * -> 0.7031.)
 */
export function allowedEdits(term: string): number {
  if (NUMBER.test(term) || term.length < 4) return 0;
  return term.length < 9 ? 1 : 2;
}

/**
 * The edit distance the search index is asked for. Its distance counts a swap of two letters as
 * two edits, so words of 7 letters or more are looked up with one more; `termMatch` then keeps
 * only the matches within `allowedEdits` as we count them.
 */
export function indexEdits(term: string): number {
  const edits = allowedEdits(term);
  return edits === 1 && term.length >= 7 ? 2 : edits;
}

/**
 * An English word the knowledge never uses stands for a word it begins only with an ending this
 * long at most: its own forms ("rediscovered" for "rediscovery", "empowered" for "empowering"),
 * not another word ("part" for "participants"). A word cut short ("incub") or a name has no limit.
 */
export const ENGLISH_WORD_ENDING = 3;

/** How many letters longer a word a query term begins may be to match it: none when it `allowsPrefix` not. */
export function longestEnding(term: string, englishWord: boolean): number {
  if (!allowsPrefix(term)) return 0;
  return englishWord ? ENGLISH_WORD_ENDING : Infinity;
}

/** Whether a query term may match longer words it begins ("incub" finds "incubators"). */
export function allowsPrefix(term: string): boolean {
  return term.length >= 4 && !NUMBER.test(term);
}

/** The words, concepts and periods of a text (a sentence or a passage), found once. */
export interface TextFeatures {
  readonly tokens: readonly Token[];
  /** The index terms of its words, stop words left out. */
  readonly terms: ReadonlySet<string>;
  readonly concepts: ReadonlySet<string>;
  /** Where the glossary phrases stand, to highlight them. */
  readonly conceptMatches: readonly ConceptMatch[];
  readonly periods: ReadonlySet<string>;
}

/** How strongly one token's term matches a query term: 1 exact, less for a prefix or a typo, else 0. */
export function termMatch(queryTerm: string, term: string, longest = longestEnding(queryTerm, false)): number {
  if (term === queryTerm) return 1;
  if (term.length - queryTerm.length <= longest && term.startsWith(queryTerm)) return PREFIX_WEIGHT;
  const edits = allowedEdits(queryTerm);
  if (edits > 0 && Math.abs(term.length - queryTerm.length) <= edits && editDistance(queryTerm, term, edits) <= edits) {
    return FUZZY_WEIGHT;
  }
  return 0;
}

/**
 * `termMatch` for a word the knowledge never uses, remembered for the question: its sentences and
 * citations compare it with the same words again and again.
 */
const looseMatches = new WeakMap<QueryUnit, Map<string, number>>();

function looseMatch(unit: QueryUnit & { kind: 'term' }, term: string): number {
  let known = looseMatches.get(unit);
  if (known === undefined) looseMatches.set(unit, (known = new Map()));
  let match = known.get(term);
  if (match === undefined) known.set(term, (match = termMatch(unit.term, term, unit.longestEnding)));
  return match;
}

/** How well a text satisfies one unit of a question, from 0 to 1. */
export function unitMatch(unit: QueryUnit, features: TextFeatures): number {
  switch (unit.kind) {
    case 'term': {
      if (features.terms.has(unit.term)) return 1;
      if (unit.sameNumber !== undefined && features.terms.has(unit.sameNumber)) return 1;
      const synonym = hasAny(features.terms, synonymTerms(unit)) ? SYNONYM_WEIGHT : 0;
      // As in retrieval, a word the knowledge uses is only ever matched as it is (or as a synonym).
      if (unit.known) return synonym;
      let best = synonym;
      for (const term of features.terms) best = Math.max(best, looseMatch(unit, term));
      return best;
    }
    case 'concept': {
      if (features.concepts.has(unit.concept)) return 1;
      // The words of the phrase without the phrase itself ("the fourth revolution") count for less.
      const present = unit.terms.filter((term) => features.terms.has(term)).length;
      return unit.terms.length === 0 ? 0 : (0.7 * present) / unit.terms.length;
    }
    case 'period':
      return wantedKeys(unit.period).some((key) => features.periods.has(key)) ? 1 : 0;
  }
}

/** Whether a set has any of the terms (a loop: this runs for every unit and sentence read, and a closure a call was garbage). */
function hasAny(terms: ReadonlySet<string>, candidates: readonly string[]): boolean {
  for (const term of candidates) if (terms.has(term)) return true;
  return false;
}

const unitSynonyms = new WeakMap<QueryUnit, readonly string[]>();

/**
 * The index terms of a question word's synonyms, looked up the first time a text lacks the word
 * itself (so a search alone never reads WordNet). Names and words carried over from earlier
 * questions have none.
 */
function synonymTerms(unit: QueryUnit & { kind: 'term' }): readonly string[] {
  let terms = unitSynonyms.get(unit);
  if (terms === undefined) {
    const found = new Set<string>();
    if (!unit.isName && !unit.carried) {
      for (const word of synonymsOf(lowerWord(unit.words[0] ?? ''))) {
        const term = termOf(word);
        if (term !== unit.term) found.add(term);
      }
    }
    terms = [...found];
    unitSynonyms.set(unit, terms);
  }
  return terms;
}

/**
 * Whether a token stands for one of a question's units, for highlighting it in a snippet: a word
 * the knowledge uses and a glossary phrase's words are looked up in one set, built once per
 * question; a word it never uses matches loosely (`termMatch`). Periods are never highlighted.
 */
export function questionTokens(units: readonly QueryUnit[]): (token: Token) => boolean {
  const exact = new Set<string>();
  const loose: (QueryUnit & { kind: 'term' })[] = [];
  for (const unit of units) {
    if (unit.kind === 'term') {
      if (unit.known) exact.add(unit.term);
      else loose.push(unit);
    } else if (unit.kind === 'concept') {
      for (const term of unit.terms) exact.add(term);
    }
  }
  return (token) => {
    if (token.stop) return false;
    if (exact.has(token.term)) return true;
    for (const unit of loose) if (looseMatch(unit, token.term) > 0) return true;
    return false;
  };
}

/** Rows of the edit distance table, reused by every call (calls are synchronous) and grown as needed. */
let rows = [new Int32Array(32), new Int32Array(32), new Int32Array(32)];

/**
 * Edit distance where inserting, deleting or changing a letter, or swapping two neighbours, is
 * one edit (optimal string alignment). Gives up, returning `limit + 1`, once it must exceed `limit`.
 */
export function editDistance(a: string, b: string, limit: number): number {
  if (b.length + 1 > (rows[0] as Int32Array).length) rows = rows.map(() => new Int32Array(2 * (b.length + 1)));
  let [beforePrevious, previous, current] = rows as [Int32Array, Int32Array, Int32Array];
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const bj = b.charCodeAt(j - 1);
      let value = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + (ai === bj ? 0 : 1));
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj) {
        value = Math.min(value, (beforePrevious[j - 2] as number) + 1);
      }
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > limit) return limit + 1;
    [beforePrevious, previous, current] = [previous, current, beforePrevious];
  }
  return Math.min(previous[b.length] as number, limit + 1);
}
