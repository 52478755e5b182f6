import { stemmer } from 'stemmer';
import { irregularBase } from './lemmas.js';
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
/** A possessive ending: "Apple's" names "Apple". */
export const POSSESSIVE = /['’]s$/i;
const DIACRITICS = /\p{M}+/gu;
const HAS_LETTER = /\p{L}/u;

/** Lowercases, folds accents and drops a possessive: the form stop words are matched against. */
export function lowerWord(word: string): string {
  if (word === '%') return 'percent';
  return word.toLowerCase().normalize('NFKD').replace(DIACRITICS, '').replace(POSSESSIVE, '').replace('’', "'");
}

/** Bounds of each word cache: entries, and characters of keys plus values (a proxy for their memory). */
export const WORD_CACHE_LIMITS = { entries: 50_000, chars: 2_000_000 } as const;
/** Longer words are not vocabulary that comes back: computing them again is cheaper than keeping them. */
const LONGEST_CACHED_WORD = 40;

/**
 * A memo of one word function. The vocabulary of a knowledge base is bounded but questions are
 * not, so it is bounded by entries and by characters, and emptied when either would be passed.
 * Keys are copied, so a cached word never keeps alive the whole question it was cut from.
 */
class WordCache {
  readonly #map = new Map<string, string>();
  #chars = 0;

  constructor(readonly compute: (word: string) => string) {}

  get(word: string): string {
    let value = this.#map.get(word);
    if (value !== undefined) return value;
    value = this.compute(word);
    if (word.length > LONGEST_CACHED_WORD) return value;
    const chars = word.length + value.length;
    if (this.#map.size >= WORD_CACHE_LIMITS.entries || this.#chars + chars > WORD_CACHE_LIMITS.chars) {
      this.#map.clear();
      this.#chars = 0;
    }
    this.#map.set(ownCopy(word), ownCopy(value));
    this.#chars += chars;
    return value;
  }

  sizes(): { entries: number; chars: number } {
    let chars = 0;
    for (const [key, value] of this.#map) chars += key.length + value.length;
    return { entries: this.#map.size, chars };
  }
}

/**
 * A copy of a string that shares no memory with the text it was cut from: V8 represents a slice
 * of 13 or more characters as a view into its parent, which would keep the whole question alive.
 */
function ownCopy(text: string): string {
  return text.length < 13 ? text : ` ${text}`.slice(1);
}

/** `lowerWord`, remembered: the same words come back in every passage and question. */
const lowerCache = new WordCache(lowerWord);

/** The base word of an irregular form, American spelling, then the Porter stem, remembered. */
const termCache = new WordCache((lower) => (HAS_LETTER.test(lower) ? stemmer(americanSpelling(irregularBase(lower))) : lower));

/** The index term for a lowercased word: an irregular form's base word ("met": "meet"), American spelling, then the Porter stem. */
export function termOf(lower: string): string {
  return termCache.get(lower);
}

/** How full each word cache is, for tests and benchmarks. */
export function wordCacheSizes(): { lower: { entries: number; chars: number }; term: { entries: number; chars: number } } {
  return { lower: lowerCache.sizes(), term: termCache.sizes() };
}

/** Splits a text into words with their offsets, lowercase forms, stems and stop-word flags. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of text.matchAll(WORD)) {
    const surface = match[0];
    const start = match.index;
    const lower = lowerCache.get(surface);
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
