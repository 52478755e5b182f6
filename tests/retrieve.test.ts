import type MiniSearch from 'minisearch';
import type { SearchResult } from 'minisearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKnowledge } from '../src/core/index.js';
import { indexedTerms } from '../src/core/search/indexedTerms.js';
import { analyzeQuestion, type AnalyzedQuestion } from '../src/core/search/query.js';
import { allowsPrefix, FUZZY_WEIGHT, indexEdits, PREFIX_WEIGHT } from '../src/core/search/match.js';
import { FIELD_BOOST, mayRead, postingBudget, rankPassages, search, unmatchedUnits, type SearchTuning } from '../src/core/search/retrieve.js';
import { buildSnapshot, CONCEPT_FIELD, SEARCH_FIELDS, type Passage, type Snapshot } from '../src/core/search/snapshot.js';
import { article, makeKnowledgeDir } from './helpers/knowledgeDir.js';

/**
 * A generated knowledge folder large enough for some words to be in most passages: 320 articles
 * of 5 paragraphs, their words drawn from a vocabulary of made-up words with Zipf frequencies
 * (the first words in nearly every passage, the last in a few), dated 2000 to 2019, one in eight
 * internal, with a glossary of one frequent and one rare group.
 */
const ARTICLES = 320;
const PARAGRAPHS = 5;
const VOCABULARY = 400;
/** A word in a single passage, which has none of the most frequent words. */
const LONE_WORD = 'quillotine';
/** A word only an internal article uses. */
const INTERNAL_WORD = 'vorpalline';

let folder: Awaited<ReturnType<typeof makeKnowledgeDir>>;
let snapshot: Snapshot;
let words: string[];

beforeAll(async () => {
  words = vocabulary(VOCABULARY);
  const random = seeded(20261129);
  const zipf = zipfSampler(VOCABULARY, random);
  const sentence = (): string => {
    const length = 6 + Math.floor(random() * 7);
    const drawn = Array.from({ length }, () => words[zipf()] as string);
    return `${capitalised(drawn.join(' '))}.`;
  };
  const files: Record<string, string> = {};
  for (let a = 0; a < ARTICLES; a++) {
    const paragraphs = Array.from({ length: PARAGRAPHS }, () => `${sentence()} ${sentence()}`);
    const lone = a === 7;
    if (lone) paragraphs[2] = `The ${LONE_WORD} ${words[300]} ${words[301]} ${words[302]} stood there alone.`;
    if (a === 3) paragraphs[1] = `${capitalised(words[1] as string)} ${INTERNAL_WORD} ${words[306]} ${words[307]} was kept for staff.`;
    files[`a${a}.md`] = article(
      {
        id: `a${a}`,
        title: capitalised(lone ? `${words[303]} ${words[304]}` : `${words[zipf()]} ${words[zipf()]} ${words[zipf()]}`),
        date: `${2000 + (a % 20)}-0${1 + (a % 9)}-1${a % 10}`,
        audience: a % 8 === 3 ? 'internal' : 'public',
        tags: lone ? `[${words[305]}]` : `[${words[zipf()]}, ${words[zipf()]}]`,
      },
      paragraphs.join('\n\n'),
    );
  }
  files['glossary.yml'] = `synonyms:\n  - [${words[0]}, ${words[9]} ${words[10]}]\n  - [${words[200]}, ${words[250]} ${words[251]}]\n`;
  folder = await makeKnowledgeDir(files, { shipped: false });
  const knowledge = await loadKnowledge(folder.dir);
  expect(knowledge.errors).toEqual([]);
  snapshot = buildSnapshot(knowledge, { version: 1, knowledgeDir: folder.dir });
});

afterAll(async () => {
  await folder?.cleanup();
});

/** Every word asked of the index: the reference that `search` must agree with. */
const ALL_WORDS: SearchTuning = { postingBudget: Number.POSITIVE_INFINITY };
/** Budgets of a tenth and of a third of the passages, and the engine's own (1,000 postings here). */
const BUDGETS = (): SearchTuning[] => [{ postingBudget: snapshot.passages.length / 10 }, { postingBudget: snapshot.passages.length / 3 }, {}];
const TENTH = (): SearchTuning => ({ postingBudget: snapshot.passages.length / 10 });

const everyone = (): boolean => true;
const publicOnly = (passage: Passage): boolean => mayRead('public', passage.article);

/** Questions of rare, middling and frequent words, typos (unknown words), years and glossary phrases. */
function questions(): string[] {
  const w = (i: number): string => words[i] as string;
  // Typos of the first word of at least `length` letters from i on: two letters swapped, one changed.
  const long = (i: number, length: number): string => words.slice(i).find((word) => word.length >= length) as string;
  const swapped = (word: string): string => `${word.slice(0, 2)}${word[3]}${word[2]}${word.slice(4)}`;
  const changed = (word: string): string => `${word.slice(0, 3)}${word[3] === 'a' ? 'e' : 'a'}${word.slice(4)}`;
  return [
    `${w(0)} ${w(1)} ${w(40)}`,
    `${w(2)} ${w(3)} ${w(120)} ${w(350)}`,
    `${w(1)} ${w(5)} ${w(17)} ${w(88)} ${w(260)}`,
    `${w(0)} ${w(2)} ${w(4)} ${w(6)} ${w(30)} ${w(31)} ${w(32)}`,
    `${w(390)} ${w(1)}`,
    `${w(150)} ${w(151)} ${w(3)} in ${2000 + 5}`,
    `${w(9)} ${w(10)} ${w(77)}`,
    `${w(250)} ${w(251)} ${w(1)} ${w(2)}`,
    `${swapped(long(120, 8))} ${w(0)} ${w(3)}`,
    `${changed(long(20, 7))} ${long(60, 9).slice(0, 6)} ${w(1)}`,
    `${changed(long(0, 6))} ${w(2)} ${w(45)}`,
    // A word's first letters begin many words, some of them frequent.
    `${w(0).slice(0, 4)} ${w(1).slice(0, 4)} ${w(33)}`,
    `${w(12)} ${w(13)} ${w(14)} ${w(15)} ${w(16)}`,
    `${w(70)} ${w(0)} ${w(2012 % VOCABULARY)} 2012`,
    `${w(300)} ${w(0)} ${w(1)} ${w(2)}`,
  ];
}

describe('search', () => {
  it('ranks the passages with an informative word exactly as a query of every word does', () => {
    let compared = 0;
    let cuts = 0;
    for (const tuning of BUDGETS()) {
      for (const visible of [everyone, publicOnly]) {
        for (const prefer of [undefined, 'a11']) {
          for (const question of questions()) {
            const analyzed = analyzeQuestion(snapshot, question);
            const reference = search(snapshot, analyzed, visible, { preferArticle: prefer }, ALL_WORDS);
            const cut = search(snapshot, analyzed, visible, { preferArticle: prefer }, tuning);
            const expected = expectedResults(reference, askedWords(question, tuning));
            expect(canonical(cut), question).toEqual(canonical(expected));
            expect(termsOf(cut), question).toEqual(termsOf(expected));
            compared += cut.length;
            if (cut.length < reference.length) cuts += 1;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(10_000);
    expect(cuts).toBeGreaterThan(50);
  });

  it('leaves out only passages that have none of the words asked', () => {
    const question = questions()[3] as string;
    const asked = askedWords(question, TENTH());
    const analyzed = analyzeQuestion(snapshot, question);
    const reference = search(snapshot, analyzed, everyone, {}, ALL_WORDS);
    const cut = new Set(search(snapshot, analyzed, everyone, {}, TENTH()).map((result) => result.id));
    const left = reference.filter((result) => !cut.has(result.id));
    expect(left.length).toBeGreaterThan(reference.length / 2);
    for (const result of left) expect(result.queryTerms.filter((term) => asked.has(term))).toEqual([]);
  });

  it('asks every word when they have no more postings together than the budget', () => {
    const question = `${words[150]} ${words[170]} ${words[300]} ${words[350]}`;
    const analyzed = analyzeQuestion(snapshot, question);
    expect(askedWords(question, TENTH())).toEqual(new Set(analyzed.searchTerms));
    const reference = search(snapshot, analyzed, everyone, {}, ALL_WORDS);
    expect(reference.length).toBeGreaterThan(0);
    expect(canonical(search(snapshot, analyzed, everyone, {}, TENTH()))).toEqual(canonical(reference));
  });

  it('asks a question of frequent words only its rarest one, and ranks what it finds by them all', () => {
    const question = `${words[0]} ${words[1]} ${words[2]}`;
    const analyzed = analyzeQuestion(snapshot, question);
    const frequencies = analyzed.searchTerms.map((term) => snapshot.documentFrequency.get(term) ?? 0);
    expect(Math.min(...frequencies)).toBeGreaterThan(snapshot.passages.length / 10);
    const rarest = analyzed.searchTerms[frequencies.indexOf(Math.min(...frequencies))] as string;
    expect(askedWords(question, TENTH())).toEqual(new Set([rarest]));
    const reference = search(snapshot, analyzed, everyone, {}, ALL_WORDS);
    const cut = search(snapshot, analyzed, everyone, {}, TENTH());
    expect(cut.length).toBeLessThan(reference.length);
    expect(canonical(cut)).toEqual(canonical(reference.filter((result) => result.terms.includes(rarest))));
  });

  it('asks the next rarest word when the words asked find nothing the reader may see', () => {
    const question = `${INTERNAL_WORD} ${words[0]} ${words[1]}`;
    const analyzed = analyzeQuestion(snapshot, question);
    expect(askedWords(question, TENTH())).toEqual(new Set([analyzed.searchTerms[0]]));
    const reference = search(snapshot, analyzed, publicOnly, {}, ALL_WORDS);
    const cut = search(snapshot, analyzed, publicOnly, {}, TENTH());
    expect(cut.length).toBeGreaterThan(0);
    expect(canonical(cut)).toEqual(canonical(expectedResults(reference, askedWords(question, TENTH()))));
    expect(unmatchedUnits(analyzed, cut, snapshot).map(termOf)).toEqual(unmatchedUnits(analyzed, reference, snapshot).map(termOf));
  });

  it('says an unknown word that stands for no index term found nothing', () => {
    const question = `xqzvbwk ${words[0]} ${words[1]}`;
    const analyzed = analyzeQuestion(snapshot, question);
    const cut = search(snapshot, analyzed, everyone, {}, TENTH());
    expect(cut.length).toBeGreaterThan(0);
    expect(unmatchedUnits(analyzed, cut, snapshot).map(termOf)).toEqual(['xqzvbwk']);
  });

  // MiniSearch also finds typos of the first letter, which `expand` leaves out (tested below):
  // the questions here have none.
  it('matches words the knowledge never uses as MiniSearch\'s fuzzy and prefix search does', () => {
    let loose = 0;
    for (const visible of [everyone, publicOnly]) {
      for (const question of questions()) {
        const analyzed = analyzeQuestion(snapshot, question);
        if (analyzed.periods.length > 0) continue;
        if (analyzed.searchTerms.some((term) => !snapshot.documentFrequency.has(term))) loose += 1;
        const reference = miniSearchQuery(analyzed, visible);
        const all = search(snapshot, analyzed, visible, {}, ALL_WORDS);
        expect(canonical(all), question).toEqual(canonical(reference));
        expect(termsOf(all), question).toEqual(termsOf(reference));
      }
    }
    expect(loose).toBeGreaterThanOrEqual(4);
  });

  it('walks 25 postings for each result a caller reads, up to the budget of a whole ranking', () => {
    expect(postingBudget(snapshot, 10)).toBe(250);
    expect(postingBudget(snapshot, 100)).toBe(1000);
    const large = { ...snapshot, passages: new Array<Passage>(250_000) };
    expect(postingBudget(large, 10)).toBe(250);
    expect(postingBudget(large, 1000)).toBe(2500);
    let fewer = 0;
    for (const question of questions()) {
      const analyzed = analyzeQuestion(snapshot, question);
      const read = search(snapshot, analyzed, everyone, { depth: 10 });
      expect(canonical(read), question).toEqual(canonical(search(snapshot, analyzed, everyone, {}, { postingBudget: 250 })));
      if (read.length < search(snapshot, analyzed, everyone).length) fewer += 1;
      // The engine's own passage ranking reads as deep as it is asked.
      expect(rankPassages(snapshot, question, 'internal', 10).map((ranked) => ranked.passage.index)).toEqual(read.slice(0, 10).map((result) => result.id));
    }
    expect(fewer).toBeGreaterThanOrEqual(5);
  });

  it('takes the budget from the size of the knowledge, never below 1,000 postings', () => {
    expect(postingBudget(snapshot)).toBe(1000);
    expect(postingBudget({ ...snapshot, passages: new Array<Passage>(250_000) })).toBe(2500);
    // This folder has words in more than 1,000 passages: the engine's own budget leaves them out.
    const frequent = [...snapshot.documentFrequency.values()].filter((df) => df > postingBudget(snapshot));
    expect(frequent.length).toBeGreaterThan(0);
  });
});

describe('search options', () => {
  it("passes MiniSearch only options its index already has, so merging them never adds a key", () => {
    // MiniSearch merges a search's options into the index's with `{ ...index, ...given }`, per
    // search and per word; see SEARCH_OPTION_DEFAULTS for why no merge may add a key.
    const index = snapshot.index as unknown as {
      _options: { searchOptions: Record<string, unknown> };
      executeQuery: (query: unknown, options?: Record<string, unknown>) => unknown;
    };
    const known = new Set(Object.keys(index._options.searchOptions));
    const given: string[][] = [];
    const executeQuery = index.executeQuery;
    index.executeQuery = function (this: unknown, query, options = {}) {
      given.push(Object.keys(options));
      if (typeof query === 'object' && query !== null) given.push(Object.keys(query));
      return executeQuery.call(this, query, options);
    };
    try {
      const prefer = snapshot.articles[0]?.id;
      for (const question of questions()) {
        search(snapshot, analyzeQuestion(snapshot, question), publicOnly, { preferArticle: prefer }, ALL_WORDS);
      }
    } finally {
      index.executeQuery = executeQuery;
    }
    // Whole queries, their parts (words and glossary concepts) and the words as one string.
    expect(given.length).toBeGreaterThan(3 * questions().length);
    expect(given.flat().filter((key) => !known.has(key))).toEqual([]);
  });
});

describe('unmatchedUnits', () => {
  it('never says a frequent word found nothing, though no passage found has it', () => {
    const question = `${LONE_WORD} ${words[1]}`;
    const analyzed = analyzeQuestion(snapshot, question);
    const cut = search(snapshot, analyzed, everyone);
    expect(cut.map((r) => r.id)).toEqual([snapshot.passages.findIndex((p) => p.text.includes(LONE_WORD))]);
    expect(cut[0]?.terms).not.toContain(analyzed.searchTerms[1]);
    expect(unmatchedUnits(analyzed, cut, snapshot)).toEqual([]);
  });

  it('says what a query of every word says, for every question', () => {
    for (const tuning of BUDGETS()) {
      for (const question of questions()) {
        const analyzed = analyzeQuestion(snapshot, question);
        const reference = search(snapshot, analyzed, everyone, {}, ALL_WORDS);
        const cut = search(snapshot, analyzed, everyone, {}, tuning);
        expect(unmatchedUnits(analyzed, cut, snapshot).map(termOf), question).toEqual(
          unmatchedUnits(analyzed, reference, snapshot).map(termOf),
        );
      }
    }
  });
});

describe('indexedTerms', () => {
  it("scores a word in a passage's fields exactly as MiniSearch does", () => {
    const terms = indexedTerms(snapshot.index);
    const boosts = { title: 0.3, text: 1, tags: 0.5 };
    const asked = [...new Set([0, 1, 2, 9, 40, 120, 300, 399].map((i) => analyzeQuestion(snapshot, words[i] as string).searchTerms[0] as string))];
    const cases = [
      ...asked.map((term) => ({ term, boosts })),
      ...analyzeQuestion(snapshot, `${words[0]} ${words[250]} ${words[251]}`).concepts.map((term) => ({ term, boosts: { [CONCEPT_FIELD]: 1 } })),
    ];
    expect(cases.length).toBe(asked.length + 2);
    // Every indexed passage, and one that is not: MiniSearch's own scores, 0 where it finds nothing.
    const ids = [...snapshot.passages.filter((passage) => passage.quotable).map((passage) => passage.index), -1];
    const passages = terms.passages(ids);
    for (const { term, boosts: fieldBoosts } of cases) {
      const own = new Map(
        snapshot.index.search(term, { fields: Object.keys(fieldBoosts), boost: fieldBoosts, fuzzy: false, prefix: false }).map((result) => [result.id as number, result.score]),
      );
      expect(own.size, term).toBeGreaterThan(0);
      const scores = new Float64Array(ids.length).fill(1);
      const has = new Uint8Array(ids.length);
      terms.addTerm(term, fieldBoosts, passages, scores, has);
      ids.forEach((id, i) => {
        expect(has[i], `${term} in ${id}`).toBe(own.has(id) ? 1 : 0);
        expect((scores[i] as number) - 1, `${term} in ${id}`).toBeCloseTo(own.get(id) ?? 0, 10);
      });
    }
  });

  it('adds nothing for a word no passage has, or to a passage that is not indexed', () => {
    const terms = indexedTerms(snapshot.index);
    const passages = terms.passages([-1, 0.5]);
    expect([...passages.shortIds]).toEqual([-1, -1]);
    const scores = new Float64Array(2);
    const has = new Uint8Array(2);
    terms.addTerm('xqzvbwk', { text: 1 }, terms.passages([0]), scores, has);
    terms.addTerm(analyzeQuestion(snapshot, words[0] as string).searchTerms[0] as string, { text: 1 }, passages, scores, has);
    expect([...scores, ...has]).toEqual([0, 0, 0, 0]);
    expect(() => terms.addTerm(analyzeQuestion(snapshot, words[0] as string).searchTerms[0] as string, { nofield: 1 }, passages, scores, has)).toThrow(
      /no field "nofield"/,
    );
  });

  it('finds typos after the first letter, and a letter or two too many in front, as MiniSearch measures them', () => {
    const terms = indexedTerms(snapshot.index);
    const options = (term: string) => ({ prefix: false, maxEdits: indexEdits(term), weights: { fuzzy: FUZZY_WEIGHT, prefix: PREFIX_WEIGHT } });
    const vocabulary = [...snapshot.documentFrequency.keys()];
    const long = vocabulary.filter((term) => term.length >= 7 && /^[a-z]+$/.test(term));
    expect(long.length).toBeGreaterThan(20);
    const weight = (term: string, edits: number): number => (FUZZY_WEIGHT * term.length) / (term.length + edits);
    let compared = 0;
    for (const term of long.slice(0, 40)) {
      const inside = `${term.slice(0, 2)}${term[2] === 'q' ? 'w' : 'q'}${term.slice(3)}`;
      const firstChanged = `${term[0] === 'q' ? 'w' : 'q'}${term.slice(1)}`;
      const oneInFront = `h${term}`;
      const twoInFront = `un${term}`;
      expect(terms.expand(inside, options(inside)).get(term), inside).toBeCloseTo(weight(term, 1), 10);
      expect(terms.expand(firstChanged, options(firstChanged)).has(term), firstChanged).toBe(false);
      expect(terms.expand(oneInFront, options(oneInFront)).get(term), oneInFront).toBeCloseTo(weight(term, 1), 10);
      expect(terms.expand(twoInFront, options(twoInFront)).get(term), twoInFront).toBeCloseTo(weight(term, 2), 10);
      // Exactly the terms so near, by brute force over the vocabulary.
      for (const query of [inside, oneInFront, twoInFront]) {
        const edits = indexEdits(query);
        const expected = vocabulary.filter((other) => {
          if (other === query) return false;
          if (other[0] === query[0]) return levenshtein(query, other) <= edits;
          return (other[0] === query[1] && levenshtein(query.slice(1), other) <= edits - 1) || (edits >= 2 && other === query.slice(2));
        });
        expect(new Set(terms.expand(query, options(query)).keys()), query).toEqual(new Set(expected));
        compared += expected.length;
      }
    }
    expect(compared).toBeGreaterThanOrEqual(120);
    // No index term starts with this letter: nothing found, nothing thrown.
    expect(terms.expand('ßuvolaxx', options('ßuvolaxx')).size).toBe(0);
  });

  it("fails loudly when MiniSearch's internals are not where it reads them", () => {
    const changed = { ...(snapshot.index as unknown as Record<string, unknown>), _idToShortId: undefined };
    expect(() => indexedTerms(changed as unknown as MiniSearch<unknown>)).toThrow(/MiniSearch's internals changed \(_idToShortId/);
  });
});

/**
 * The words `search` asks MiniSearch for, as its comment says: the rarest ones, as many as have at
 * most the budget's postings together, and at least one.
 */
function askedWords(question: string, tuning: SearchTuning): Set<string> {
  const analyzed = analyzeQuestion(snapshot, question);
  const budget = tuning.postingBudget ?? postingBudget(snapshot);
  const frequency = (term: string): number => snapshot.documentFrequency.get(term) ?? 0;
  const byRarity = [...indexTermsOf(analyzed), ...analyzed.concepts].sort((a, b) => frequency(a) - frequency(b));
  const asked = new Set<string>();
  let postings = 0;
  for (const term of byRarity) {
    postings += frequency(term);
    if (asked.size > 0 && postings > budget) break;
    asked.add(term);
  }
  return asked;
}

/** The index terms a question's words stand for: a word the knowledge never uses, those near it. */
function indexTermsOf(analyzed: AnalyzedQuestion): string[] {
  const terms = indexedTerms(snapshot.index);
  const weights = { fuzzy: FUZZY_WEIGHT, prefix: PREFIX_WEIGHT };
  const found = analyzed.searchTerms.flatMap((term) =>
    snapshot.documentFrequency.has(term) ? [term] : [...terms.expand(term, { prefix: allowsPrefix(term), maxEdits: indexEdits(term), weights }).keys()],
  );
  return [...new Set(found)];
}

/** The query `search` made before it asked for fewer words: one MiniSearch query of every word, loosely. */
function miniSearchQuery(analyzed: AnalyzedQuestion, visible: (passage: Passage) => boolean): SearchResult[] {
  const known = (term: string): boolean => snapshot.documentFrequency.has(term);
  const results = snapshot.index.search(
    {
      combineWith: 'OR',
      queries: [
        {
          queries: [...analyzed.searchTerms],
          fields: [...SEARCH_FIELDS],
          boost: FIELD_BOOST,
          fuzzy: (term: string) => (known(term) ? false : indexEdits(term) || false),
          prefix: (term: string) => !known(term) && allowsPrefix(term),
          weights: { fuzzy: FUZZY_WEIGHT, prefix: PREFIX_WEIGHT },
        },
        { queries: [...analyzed.concepts], fields: [CONCEPT_FIELD], fuzzy: false, prefix: false },
      ],
    },
    { filter: (result) => visible(snapshot.byId[result.id as number] as Passage) },
  );
  for (const result of results) result.score /= Math.max(1, result.queryTerms.length);
  return results;
}

/**
 * What `search` must return, from the results of a query of every word: those with a word asked;
 * when none has one, those with the next rarest word too, and so on.
 */
function expectedResults(reference: readonly SearchResult[], asked: ReadonlySet<string>): SearchResult[] {
  const frequency = (term: string): number => snapshot.documentFrequency.get(term) ?? 0;
  const words = new Set(asked);
  const others = [...new Set(reference.flatMap((result) => result.queryTerms))].filter((term) => !asked.has(term)).sort((a, b) => frequency(a) - frequency(b));
  for (;;) {
    const found = reference.filter((result) => result.queryTerms.some((term) => words.has(term)));
    if (found.length > 0 || others.length === 0) return found;
    words.add(others.shift() as string);
  }
}

/** Ids and scores, best first, scores to 9 significant digits, ties by id: two rankings compare equal. */
function canonical(results: readonly SearchResult[]): [number, string][] {
  return results
    .map((result): [number, string] => [result.id as number, result.score.toPrecision(9)])
    .sort((a, b) => Number(b[1]) - Number(a[1]) || a[0] - b[0]);
}

function termsOf(results: readonly SearchResult[]): Record<number, string[]> {
  return Object.fromEntries(results.map((result) => [result.id, [...result.terms].sort()]));
}

const termOf = (unit: { kind: string; term?: string; concept?: string }): string => unit.term ?? unit.concept ?? unit.kind;

/** Made-up words of two to four syllables, none a word of English or a stop word. */
function vocabulary(size: number): string[] {
  const onsets = ['b', 'd', 'f', 'g', 'k', 'l', 'm', 'n', 'p', 'r', 't', 'v', 'z'];
  const vowels = ['a', 'o', 'u', 'i'];
  const random = seeded(7);
  const found = new Set<string>();
  while (found.size < size) {
    const syllables = 2 + Math.floor(random() * 3);
    let word = '';
    for (let s = 0; s < syllables; s++) word += `${onsets[Math.floor(random() * onsets.length)]}${vowels[Math.floor(random() * vowels.length)]}`;
    found.add(`${word}x`);
  }
  return [...found];
}

/** Index i drawn with probability proportional to 1 / (i + 1). */
function zipfSampler(size: number, random: () => number): () => number {
  const cumulative: number[] = [];
  let total = 0;
  for (let i = 0; i < size; i++) cumulative.push((total += 1 / (i + 1)));
  return () => {
    const target = random() * total;
    let low = 0;
    let high = size - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((cumulative[middle] as number) < target) low = middle + 1;
      else high = middle;
    }
    return low;
  };
}

/** mulberry32: the same words for every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const capitalised = (text: string): string => `${text[0]?.toUpperCase() ?? ''}${text.slice(1)}`;

/** Edit distance: letters added, dropped or changed, as MiniSearch's fuzzy search counts them. */
function levenshtein(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min((row[j] as number) + 1, (next[j - 1] as number) + 1, (row[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length] as number;
}
