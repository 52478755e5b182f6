import type { Article } from '../types.js';
import { tokenize } from '../text/analyze.js';

/**
 * Acronyms the articles spell out themselves: "Korea Productivity Center (KPC)", "small and
 * medium enterprises (SMEs)", and the initials of a title like "New York City". A question that
 * uses an acronym the articles never use as a word ("NYC") is read as the words it stands for,
 * so the glossary file only needs what the text never says.
 */

/** An acronym in brackets: two to eight capitals (digits and "&" may stand inside), perhaps a plural "s". */
const IN_BRACKETS = /\(\s*(\p{Lu}[\p{Lu}\p{N}&]{1,7})(s?)\s*\)/gu;
/** Small words an expansion may hold that the acronym skips: "Bank of Korea" is BOK or BK. */
const SKIPPABLE = new Set(['of', 'and', 'for', 'the', 'in', 'on', 'to', 'a', 'an', '&']);
/** Words looked at before the brackets. */
const MAX_EXPANSION_WORDS = 12;
const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?|&/gu;
/**
 * The parts of a hyphenated word after its first may be spelled or skipped: "Asia-Pacific Economic
 * Cooperation (APEC)" spells both, "small- and medium-sized enterprises (SMEs)" only "medium".
 */
const AFTER_HYPHEN = /[-‐‑]$/u;

/** One acronym with the words it stands for, as written. */
export interface LearnedAcronym {
  readonly acronym: string;
  readonly expansion: string;
}

/** The acronyms a text defines, each with its expansion, in order of appearance. */
export function findAcronyms(text: string): LearnedAcronym[] {
  const found: LearnedAcronym[] = [];
  for (const match of text.matchAll(IN_BRACKETS)) {
    const acronym = match[1] as string;
    const before = text.slice(Math.max(0, match.index - 200), match.index);
    const words = [...before.matchAll(WORD)]
      .map((m) => ({ word: m[0], optional: AFTER_HYPHEN.test(before.slice(0, m.index)) }))
      .slice(-MAX_EXPANSION_WORDS);
    const expansion = expansionOf(acronym, words);
    if (expansion !== undefined) found.push({ acronym: acronym + (match[2] as string), expansion });
  }
  return found;
}

/**
 * The shortest run of words ending right before the brackets whose initials spell the acronym's
 * letters, small words allowed between (and skipped rather than spelled, when either would do);
 * undefined if there is none.
 */
function expansionOf(acronym: string, words: readonly { readonly word: string; readonly optional: boolean }[]): string | undefined {
  const letters = [...acronym.toLowerCase()].filter((c) => /\p{L}/u.test(c));
  if (letters.length < 2) return undefined;
  // Index of the first word of a run that ends at word `i` and spells letters 0..`letter`, or -1.
  const walk = (i: number, letter: number): number => {
    if (i < 0) return -1;
    const { word, optional } = words[i] as { word: string; optional: boolean };
    const lower = word.toLowerCase();
    const spells = lower.startsWith(letters[letter] as string);
    if (SKIPPABLE.has(lower) || optional) {
      const skipped = walk(i - 1, letter);
      if (skipped >= 0) return skipped;
    }
    if (!spells) return -1;
    return letter === 0 ? i : walk(i - 1, letter - 1);
  };
  const first = walk(words.length - 1, letters.length - 1);
  if (first < 0 || words.length - first < 2) return undefined;
  return words
    .slice(first)
    .map(({ word, optional }, i) => (optional && i > 0 ? `-${word}` : ` ${word}`))
    .join('')
    .trim();
}

/**
 * A title of three to five capitalised words ("New York City") is often written by its initials
 * ("NYC") though the text never says so: the initials, in capitals.
 */
export function titleInitials(title: string): string | undefined {
  const words = [...title.matchAll(WORD)].map((m) => m[0]).filter((word) => !SKIPPABLE.has(word.toLowerCase()));
  if (words.length < 3 || words.length > 5) return undefined;
  if (!words.every((word) => /^\p{Lu}\p{Ll}/u.test(word))) return undefined;
  return words.map((word) => (word[0] as string).toUpperCase()).join('');
}

/** An acronym an article defines, by its key (`acronymKey`), with the index terms it stands for. */
export type AcronymDefinition = readonly [key: string, terms: readonly string[]];

/**
 * The acronyms one article defines, in order, each with the index terms of its words: its text's
 * definitions, then its title's initials. Empty for most articles.
 */
export function acronymsOfArticle(article: Article): AcronymDefinition[] {
  const defined = findAcronyms(article.body);
  const initials = titleInitials(article.title);
  if (initials !== undefined) defined.push({ acronym: initials, expansion: article.title });
  const definitions: AcronymDefinition[] = [];
  for (const { acronym, expansion } of defined) {
    const terms = tokenize(expansion).filter((token) => !token.stop).map((token) => token.term);
    if (terms.length >= 2) definitions.push([acronymKey(acronym), terms]);
  }
  return definitions;
}

/**
 * The articles' definitions merged, in the articles' order: the first definition of an acronym
 * wins. `byArticle` holds each article's `acronymsOfArticle`, by id (articles defining none may be
 * left out).
 */
export function mergeAcronyms(articles: readonly Article[], byArticle: ReadonlyMap<string, readonly AcronymDefinition[]>): Map<string, readonly string[]> {
  const learned = new Map<string, readonly string[]>();
  for (const article of articles) {
    for (const [key, terms] of byArticle.get(article.id) ?? []) if (!learned.has(key)) learned.set(key, terms);
  }
  return learned;
}

/** Each article's definitions, by id, for the articles that define any. */
export function acronymsByArticle(articles: readonly Article[]): Map<string, readonly AcronymDefinition[]> {
  const byArticle = new Map<string, readonly AcronymDefinition[]>();
  for (const article of articles) {
    const definitions = acronymsOfArticle(article);
    if (definitions.length > 0) byArticle.set(article.id, definitions);
  }
  return byArticle;
}

/**
 * What each acronym the articles define stands for, as index terms: "nyc" to new, york, city.
 * Keys are lowercase and singular ("SMEs" is "sme"); the first definition of an acronym wins.
 */
export function learnAcronyms(articles: readonly Article[]): Map<string, readonly string[]> {
  return mergeAcronyms(articles, acronymsByArticle(articles));
}

/** How an acronym is looked up: lowercase, a plural "s" dropped ("SMEs", "smes" and "SME" are one). */
export function acronymKey(word: string): string {
  const lower = word.toLowerCase();
  return lower.length > 2 && lower.endsWith('s') ? lower.slice(0, -1) : lower;
}
