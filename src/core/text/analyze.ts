import { stemmer } from 'stemmer';
import { americanSpelling } from './spelling.js';
import { STOP_WORDS } from './stopWords.js';

/** One word of a text, with where it stands, so matches can be highlighted in the original. */
export interface Token {
  /** The word as written. */
  readonly surface: string;
  /** Lowercased, accents folded, possessive "'s" dropped. */
  readonly lower: string;
  /** The index term: `lower` in American spelling, stemmed (numbers are kept as they are). */
  readonly term: string;
  readonly start: number;
  readonly end: number;
  readonly stop: boolean;
}

// Letters and digits, joined by an inner "&", apostrophe or dot: "R&D", "Kim's", "3.5", "e.g";
// and "%", which is the word "percent" written as a sign.
const WORD = /[\p{L}\p{N}]+(?:[&'’.][\p{L}\p{N}]+)*|%/gu;
const POSSESSIVE = /['’]s$/;
const DIACRITICS = /\p{M}+/gu;
const HAS_LETTER = /\p{L}/u;

const termCache = new Map<string, string>();
const TERM_CACHE_LIMIT = 200_000;

/** Lowercases, folds accents and drops a possessive: the form stop words are matched against. */
export function lowerWord(word: string): string {
  if (word === '%') return 'percent';
  return word.toLowerCase().normalize('NFKD').replace(DIACRITICS, '').replace(POSSESSIVE, '').replace('’', "'");
}

const lowerCache = new Map<string, string>();

/** `lowerWord`, remembered: the same words come back in every passage and question. */
function cachedLower(surface: string): string {
  let lower = lowerCache.get(surface);
  if (lower === undefined) {
    lower = lowerWord(surface);
    if (lowerCache.size >= TERM_CACHE_LIMIT) lowerCache.clear();
    lowerCache.set(surface, lower);
  }
  return lower;
}

/** The index term for a lowercased word: American spelling, then the Porter stem. */
export function termOf(lower: string): string {
  let term = termCache.get(lower);
  if (term === undefined) {
    term = HAS_LETTER.test(lower) ? stemmer(americanSpelling(lower)) : lower;
    // The vocabulary of a knowledge base is bounded, but questions are not: cap the cache.
    if (termCache.size >= TERM_CACHE_LIMIT) termCache.clear();
    termCache.set(lower, term);
  }
  return term;
}

/** Splits a text into words with their offsets, lowercase forms, stems and stop-word flags. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of text.matchAll(WORD)) {
    const surface = match[0];
    const start = match.index;
    const lower = cachedLower(surface);
    if (lower.length === 0) continue;
    tokens.push({
      surface,
      lower,
      term: termOf(lower),
      start,
      end: start + surface.length,
      stop: STOP_WORDS.has(lower),
    });
  }
  return tokens;
}

/** The index terms of a text, stop words left out: what a field is indexed with. */
export function indexTerms(text: string): string[] {
  const terms: string[] = [];
  for (const token of tokenize(text)) if (!token.stop) terms.push(token.term);
  return terms;
}
