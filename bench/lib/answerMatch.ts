/**
 * Whether a quoted sentence holds a gold answer, the way SQuAD's gold spans are compared in the
 * answer benchmark: case, dash and quote variants and runs of white space do not count. Nothing
 * else is forgiven (no stemming, no number words, no dropped articles): "a million pigs" does not
 * hold "1 million", so a figure from here is a floor on what a reader would call right.
 */

/** Hyphen, dashes and minus signs that Wikipedia text and crowd workers use interchangeably. */
const DASHES = /[\u002D\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2E3A\u2E3B\uFE58\uFE63\uFF0D]/g;
/** Single quotes, apostrophes, primes and the backtick. */
const SINGLE_QUOTES = /[\u0027\u0060\u00B4\u2018\u2019\u201A\u201B\u2032\u02BC\uFF07]/g;
/** Double quotes, guillemets and double primes. */
const DOUBLE_QUOTES = /[\u0022\u00AB\u00BB\u201C\u201D\u201E\u201F\u2033\uFF02]/g;
const WHITE_SPACE = /\s+/gu;

/**
 * The text with case, dashes, quotes and white space folded: NFKC (so a composed "é" equals a
 * decomposed one, and a non-breaking space a space), lower case, every dash as "-", every single
 * quote as "'", every double quote as '"', every run of white space as one space, no space at
 * either end.
 */
export function foldForMatch(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(DASHES, '-')
    .replace(SINGLE_QUOTES, "'")
    .replace(DOUBLE_QUOTES, '"')
    .replace(WHITE_SPACE, ' ')
    .trim();
}

/** Whether `text` holds one of the gold answers, folded alike. An empty gold never matches. */
export function holdsGold(text: string, golds: readonly string[]): boolean {
  const folded = foldForMatch(text);
  return golds.some((gold) => {
    const wanted = foldForMatch(gold);
    return wanted !== '' && folded.includes(wanted);
  });
}
