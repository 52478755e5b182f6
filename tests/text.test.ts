import { describe, expect, it } from 'vitest';
import { tokenize } from '../src/core/text/analyze.js';
import { splitParagraphs } from '../src/core/text/passages.js';
import { splitSentences } from '../src/core/text/sentences.js';
import { americanSpelling } from '../src/core/text/spelling.js';

const sentencesOf = (text: string): string[] => splitSentences(text).map((s) => s.text);

describe('splitSentences', () => {
  it('splits at sentence ends and keeps offsets into the text', () => {
    const text = 'The mission ran for five days. It was held in Seoul! Was it useful? Yes.';
    const sentences = splitSentences(text);
    expect(sentences.map((s) => s.text)).toEqual([
      'The mission ran for five days.',
      'It was held in Seoul!',
      'Was it useful?',
      'Yes.',
    ]);
    for (const s of sentences) expect(text.slice(s.start, s.end)).toBe(s.text);
  });

  it('does not split after an initial such as "D. CAMP"', () => {
    expect(sentencesOf('They visited the Gyeonggi Center and D. CAMP. They had the opportunity to learn.')).toEqual([
      'They visited the Gyeonggi Center and D. CAMP.',
      'They had the opportunity to learn.',
    ]);
  });

  it('does not split after initials with dots between ("J.S. Bach", "L.A. Reid") or after "Op."', () => {
    expect(sentencesOf('He admired J.S. Bach and Mozart. The signing to L.A. Reid came later. His Op. 3 was printed in 1830. It sold well.')).toEqual([
      'He admired J.S. Bach and Mozart.',
      'The signing to L.A. Reid came later.',
      'His Op. 3 was printed in 1830.',
      'It sold well.',
    ]);
  });

  it('does not split after a single small letter used as an abbreviation ("r. 1206", "b. 1950", "c. 1500")', () => {
    expect(
      sentencesOf('In 1207, the Mongol ruler Genghis Khan (r. 1206–1227) took the city. Chopin (b. 1810) left c. 1830. It rained.'),
    ).toEqual(['In 1207, the Mongol ruler Genghis Khan (r. 1206–1227) took the city.', 'Chopin (b. 1810) left c. 1830.', 'It rained.']);
  });

  it('does not split after titles and company abbreviations like "Prof." and "Pte. Ltd."', () => {
    expect(
      sentencesOf('It was led by Prof. Hank Huang and Dr. Kim of Kerydh Pte. Ltd., Singapore. The next day was free.'),
    ).toEqual(['It was led by Prof. Hank Huang and Dr. Kim of Kerydh Pte. Ltd., Singapore.', 'The next day was free.']);
  });

  it('ends a sentence at "Ltd." when a new sentence follows', () => {
    expect(sentencesOf('The host was Kerydh Pte. Ltd. The company advises SMEs.')).toEqual([
      'The host was Kerydh Pte. Ltd.',
      'The company advises SMEs.',
    ]);
  });

  it('keeps "e.g." and decimals inside the sentence', () => {
    expect(sentencesOf('Some hubs, e.g. incubators, grew 3.5 times. Others did not.')).toEqual([
      'Some hubs, e.g. incubators, grew 3.5 times.',
      'Others did not.',
    ]);
  });

  it('splits after a closing quote', () => {
    expect(sentencesOf('Kim said, “Education matters.” Participants agreed.')).toEqual([
      'Kim said, “Education matters.”',
      'Participants agreed.',
    ]);
  });

  it('treats list items on their own lines as sentences', () => {
    expect(sentencesOf('Topics:\n- innovation policy\n- startup funding')).toEqual([
      'Topics:',
      '- innovation policy',
      '- startup funding',
    ]);
  });
});

describe('splitParagraphs', () => {
  it('numbers paragraphs from 1 and skips headings and blank runs', () => {
    expect(splitParagraphs('# Heading\n\nFirst para\nstill first.\n\n\n\nSecond para.\r\n\r\nThird.')).toEqual([
      { paragraph: 1, text: 'First para\nstill first.' },
      { paragraph: 2, text: 'Second para.' },
      { paragraph: 3, text: 'Third.' },
    ]);
  });
});

describe('tokenize', () => {
  it('stems words, drops possessives, flags stop words, and keeps offsets', () => {
    const text = "Kim's role in the organisations";
    const tokens = tokenize(text);
    expect(tokens.map((t) => t.term)).toEqual(['kim', 'role', 'in', 'the', 'organ']);
    expect(tokens.map((t) => t.stop)).toEqual([false, false, true, true, false]);
    expect(tokens.map((t) => text.slice(t.start, t.end))).toEqual(["Kim's", 'role', 'in', 'the', 'organisations']);
  });

  it('keeps "R&D", numbers and accented words as single tokens, and reads "%" as "percent"', () => {
    expect(tokenize('R&D grew 95% in Québec').map((t) => t.lower)).toEqual(['r&d', 'grew', '95', 'percent', 'in', 'quebec']);
  });
});

describe('americanSpelling', () => {
  it('maps British spellings to American ones', () => {
    expect(['centre', 'programme', 'organisation', 'digitalised', 'labour'].map(americanSpelling)).toEqual([
      'center',
      'program',
      'organization',
      'digitalized',
      'labor',
    ]);
  });

  it('leaves words that merely end in -ise alone', () => {
    expect(['enterprise', 'expertise', 'rise', 'promise'].map(americanSpelling)).toEqual([
      'enterprise',
      'expertise',
      'rise',
      'promise',
    ]);
  });
});
