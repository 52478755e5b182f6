import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { indexTerms, tokenize, WORD_CACHE_LIMITS, wordCacheSizes } from '../src/core/text/analyze.js';

const withinBounds = (): void => {
  for (const cache of Object.values(wordCacheSizes())) {
    expect(cache.entries).toBeLessThanOrEqual(WORD_CACHE_LIMITS.entries);
    expect(cache.chars).toBeLessThanOrEqual(WORD_CACHE_LIMITS.chars);
  }
};

/** A 490-character question of one unique Hangul word: the most memory a question can make a cache hold. */
const longUniqueQuestion = (i: number): string => {
  let text = '';
  for (let n = i; text.length < 490; n = Math.floor(n / 7) + text.length * 31) text += String.fromCharCode(0xac00 + ((n * 2654435761) % 11172));
  return text;
};

describe('the word caches', () => {
  it('never hold more than their bound, however many unique long questions are asked', () => {
    for (let i = 0; i < 6_000; i++) {
      tokenize(longUniqueQuestion(i));
      if (i % 500 === 0) withinBounds();
    }
    withinBounds();
  });

  it('stay within their bound for any text, and tokenizing still gives the same terms', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 500 }), { maxLength: 20 }), (texts) => {
        for (const text of texts) expect(indexTerms(text)).toEqual(indexTerms(text));
        withinBounds();
      }),
      { numRuns: 200 },
    );
  });

  it('still remember ordinary words', () => {
    tokenize('Productivity productivity');
    const before = wordCacheSizes().term.entries;
    tokenize('productivity');
    expect(wordCacheSizes().term.entries).toBe(before);
    expect(before).toBeGreaterThan(0);
  });
});
