/**
 * The pieces the sentence choice is made of: the edit distance typo matching relies on, and the
 * cache of passage readings that spares re-reading popular passages.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EMPTY_GLOSSARY } from '../src/core/index.js';
import { editDistance } from '../src/core/search/match.js';
import { readPassageText, ReadingCache, type PassageReading } from '../src/core/search/passageReading.js';
import { tokenize } from '../src/core/text/analyze.js';

/** Optimal string alignment distance, the textbook table, without a limit. */
function referenceDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[];
      const up = d[i - 1] as number[];
      row[j] = Math.min((up[j] as number) + 1, (row[j - 1] as number) + 1, (up[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
      }
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

describe('editDistance', () => {
  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('mission', 'misison', 2)).toBe(1);
    expect(editDistance('incubator', 'incubtaor', 2)).toBe(1);
    expect(editDistance('kitten', 'sitting', 5)).toBe(3);
  });

  it('agrees with the textbook table, and gives limit + 1 past the limit', () => {
    const word = fc.string({ unit: fc.constantFrom(...'abcde'), maxLength: 12 });
    fc.assert(
      fc.property(word, word, fc.integer({ min: 0, max: 4 }), (a, b, limit) => {
        const exact = referenceDistance(a, b);
        expect(editDistance(a, b, limit)).toBe(exact <= limit ? exact : limit + 1);
      }),
      { numRuns: 2000 },
    );
  });

  it('works after a long word has grown its rows', () => {
    expect(editDistance('a'.repeat(100), 'a'.repeat(99) + 'b', 3)).toBe(1);
    expect(editDistance('abc', 'acb', 2)).toBe(1);
  });
});

describe('readPassageText', () => {
  const title = 'Study mission on smart SMEs';
  const text = 'The mission began in Tokyo. It visited 12 firms in 2018! Prof. Kim led it.';
  const reading = readPassageText(title, text, EMPTY_GLOSSARY, ['2019']);

  it('gives each sentence the same words as reading the sentence alone, with offsets in the passage', () => {
    expect(reading.sentences.map((s) => s.sentence.text)).toEqual(['The mission began in Tokyo.', 'It visited 12 firms in 2018!', 'Prof. Kim led it.']);
    for (const { sentence, features } of reading.sentences) {
      const alone = tokenize(sentence.text).map((token) => ({ ...token, start: token.start + sentence.start, end: token.end + sentence.start }));
      expect(features.tokens).toEqual(alone);
      for (const token of features.tokens) expect(text.slice(token.start, token.end)).toBe(token.surface);
    }
    // The passage's own token objects: a reading holds each word once.
    expect(reading.sentences[1]?.features.tokens[0]).toBe(reading.whole.tokens.find((token) => token.surface === 'It'));
  });

  it('reads the title and the passage as one text, with the article periods and those the text names', () => {
    expect(reading.whole.tokens).toEqual([...tokenize(title), ...tokenize(text)]);
    expect(reading.whole.periods).toEqual(new Set(['2018', '2019']));
    expect(reading.sentences[1]?.features.periods).toEqual(new Set(['2018']));
    expect(reading.sentences[0]?.features.terms).toEqual(new Set(['mission', 'begin', 'tokyo']));
  });
});

describe('ReadingCache', () => {
  const reading = (): PassageReading => readPassageText('t', 'x.', EMPTY_GLOSSARY, []);
  /** A reader that counts its reads. */
  const counting = (): { read: () => PassageReading; reads: () => number } => {
    let count = 0;
    return {
      read: () => {
        count += 1;
        return reading();
      },
      reads: () => count,
    };
  };

  it('keeps a passage read a second time, while it stays among the most recently used', () => {
    const cache = new ReadingCache(2);
    const { read, reads } = counting();
    // Read once: not kept.
    cache.get(1, read);
    expect(cache.size).toBe(0);
    const first = cache.get(1, read);
    expect(cache.get(1, read)).toBe(first);
    expect(reads()).toBe(2);
    cache.get(2, read);
    cache.get(2, read);
    cache.get(1, read); // 1 is now the most recent, 2 the least
    cache.get(3, read);
    cache.get(3, read); // kept: evicts 2
    expect(reads()).toBe(6);
    expect(cache.size).toBe(2);
    expect(cache.get(1, read)).toBe(first);
    expect(reads()).toBe(6);
    cache.get(2, read);
    expect(reads()).toBe(7);
  });

  it('forgets a passage read once after as many other reads as it keeps readings', () => {
    const cache = new ReadingCache(2);
    const { read, reads } = counting();
    cache.get(1, read);
    cache.get(2, read);
    cache.get(3, read); // 1 is no longer remembered as read once
    cache.get(1, read);
    expect(cache.size).toBe(0);
    cache.get(3, read); // read twice among the last reads: kept
    expect(cache.size).toBe(1);
    expect(reads()).toBe(5);
    cache.get(3, read);
    expect(reads()).toBe(5);
  });
});
