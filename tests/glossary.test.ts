/**
 * Glossary matching in questions looks only at the phrases whose first word is within a typo or
 * two of a question's word, instead of trying every phrase at every word. It must find exactly
 * what trying every phrase found.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import SearchableMap from 'minisearch/SearchableMap';
import { beforeAll, describe, expect, it } from 'vitest';
import { findConcepts, parseGlossary, type ConceptMatch, type Glossary, type GlossaryPhrase, type TermEquality } from '../src/core/knowledge/glossary.js';
import { keysWithinTypos, REMEMBERED_WORDS } from '../src/core/knowledge/typoLookup.js';
import { allowedEdits, FUZZY_WEIGHT, termMatch } from '../src/core/search/match.js';
import { tokenize, type Token } from '../src/core/text/analyze.js';
import { SHIPPED_KNOWLEDGE } from './helpers/knowledgeDir.js';

/** The equality questions use (search/query.ts): the same term, or one within its allowed typos. */
const questionEquality: TermEquality = (phraseTerm, term) =>
  phraseTerm === term || (allowedEdits(term) > 0 && termMatch(term, phraseTerm) === FUZZY_WEIGHT);

/** The matching as it was: every phrase, longest first, tried at every word. */
function everyPhraseAtEveryWord(glossary: Glossary, tokens: readonly Token[], equal: TermEquality): ConceptMatch[] {
  const all: GlossaryPhrase[] = [...glossary.phrasesByFirstTerm.values()].flat().sort((a, b) => b.terms.length - a.terms.length);
  const matches: ConceptMatch[] = [];
  let i = 0;
  while (i < tokens.length) {
    const found = all.find((phrase) => phrase.terms.every((term, k) => tokens[i + k] !== undefined && equal(term, (tokens[i + k] as Token).term)));
    if (found) {
      matches.push({ concept: found.concept, from: i, to: i + found.terms.length });
      i += found.terms.length;
    } else {
      i += 1;
    }
  }
  return matches;
}

let glossary: Glossary;
let words: string[];
beforeAll(async () => {
  const file = path.join(SHIPPED_KNOWLEDGE, 'glossary.yml');
  glossary = parseGlossary('glossary.yml', await readFile(file, 'utf8')).glossary;
  words = [...new Set(glossary.groups.flat().flatMap((phrase) => phrase.split(/\s+/)))];
});

/** A word of the glossary, or of a question, with up to two typos of every kind. */
const typo = (word: string) =>
  fc.array(fc.tuple(fc.constantFrom('swap', 'drop', 'add', 'change'), fc.nat(), fc.constantFrom(...'aeiouyrstnlkm')), { maxLength: 2 }).map((edits) =>
    edits.reduce((w, [kind, at, letter]) => {
      if (w.length < 2) return w;
      const i = at % (w.length - 1);
      if (kind === 'swap') return `${w.slice(0, i)}${w[i + 1]}${w[i]}${w.slice(i + 2)}`;
      if (kind === 'drop') return `${w.slice(0, i)}${w.slice(i + 1)}`;
      if (kind === 'add') return `${w.slice(0, i)}${letter}${w.slice(i)}`;
      return `${w.slice(0, i)}${letter}${w.slice(i + 1)}`;
    }, word),
  );

describe('findConcepts in a question', () => {
  it('finds exactly what trying every phrase at every word found, typos included', () => {
    const text = fc
      .array(
        fc.oneof(
          fc.constantFrom(...words).chain(typo),
          fc.constantFrom('the', 'of', 'who', 'study', 'mission', 'misison', 'organised', 'Korea', 'Productivity', 'Centre', 'start-ups'),
        ),
        { maxLength: 12 },
      )
      .map((parts) => parts.join(' '));
    fc.assert(
      fc.property(text, (question) => {
        const tokens = tokenize(question);
        expect(findConcepts(glossary, tokens, { equal: questionEquality, typos: allowedEdits })).toEqual(
          everyPhraseAtEveryWord(glossary, tokens, questionEquality),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('finds a phrase with a swapped pair of letters', () => {
    const tokens = tokenize('Who led the study misison of the Korea Productivity Centre?');
    const found = findConcepts(glossary, tokens, { equal: questionEquality, typos: allowedEdits });
    expect(found.map((m) => tokens.slice(m.from, m.to).map((t) => t.surface).join(' '))).toEqual(['study misison', 'Korea Productivity Centre']);
  });
});

describe('keysWithinTypos', () => {
  const countingMap = () => {
    const map = new SearchableMap<number>();
    for (const key of ['incubator', 'mission', 'productivity']) map.set(key, 1);
    const calls = { has: 0, fuzzyGet: 0 };
    const has = map.has.bind(map);
    const fuzzyGet = map.fuzzyGet.bind(map);
    map.has = (key) => ((calls.has += 1), has(key));
    map.fuzzyGet = (key, distance) => ((calls.fuzzyGet += 1), fuzzyGet(key, distance));
    return { map, calls };
  };

  it('finds a key with a swap and a changed letter', () => {
    const { map } = countingMap();
    expect([...keysWithinTypos(map, 'incbuatro', 2)]).toEqual(['incubator']);
  });

  it('looks each word up once per map, and forgets past its bound', () => {
    const { map, calls } = countingMap();
    expect([...keysWithinTypos(map, 'misison', 1)]).toEqual(['mission']);
    const once = { ...calls };
    expect(once.has + once.fuzzyGet).toBeGreaterThan(0);
    expect([...keysWithinTypos(map, 'misison', 1)]).toEqual(['mission']);
    expect(calls).toEqual(once);
    // Another number of typos is another lookup; so is the same word in another map.
    expect([...keysWithinTypos(map, 'misison', 0)]).toEqual([]);
    expect(calls.has).toBe(once.has + 1);
    const other = countingMap();
    expect([...keysWithinTypos(other.map, 'misison', 1)]).toEqual(['mission']);
    expect(other.calls).toEqual(once);
    // Past REMEMBERED_WORDS words, the memo starts again.
    for (let i = 0; i < REMEMBERED_WORDS; i++) keysWithinTypos(map, `w${i}`, 0);
    const before = { ...calls };
    keysWithinTypos(map, 'misison', 1);
    expect(calls).not.toEqual(before);
  });

  it('looks nothing up for a word longer than every key by more than its typos', () => {
    // A 490-letter word has about 120,000 sets of swaps: trying each stalled a question for seconds.
    const { map, calls } = countingMap();
    const word = Array.from({ length: 490 }, (_, i) => String.fromCharCode(0xac00 + ((i * 7919) % 11172))).join('');
    expect(keysWithinTypos(map, word, 2).size).toBe(0);
    expect(calls).toEqual({ has: 0, fuzzyGet: 0 });
  });
});
