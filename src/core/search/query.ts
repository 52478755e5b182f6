import { acronymKey } from '../knowledge/acronyms.js';
import { findConcepts } from '../knowledge/glossary.js';
import { termOf, tokenize, type Token } from '../text/analyze.js';
import { isOwnNumber, otherNumberTerm } from '../text/numbers.js';
import { isEnglishWord } from '../text/synonyms.js';
import { AMOUNT_WORDS, QUESTION_FILLERS } from '../text/stopWords.js';
import { allowedEdits, allowsPrefix, ENGLISH_WORD_ENDING, FUZZY_WEIGHT, longestEnding, termMatch } from './match.js';
import { findPeriods, type Period } from './periods.js';
import type { Snapshot } from './snapshot.js';

/**
 * One thing a question asks for, that a passage either has or lacks: a word, a glossary concept
 * (which any of its phrases satisfies), or a period (which the article's date or text satisfies).
 */
export type QueryUnit =
  | {
      readonly kind: 'term';
      readonly term: string;
      readonly words: readonly string[];
      readonly isName: boolean;
      /** The knowledge uses this word: it is matched as it is, never as a typo or a word's beginning. */
      readonly known: boolean;
      /** How many letters longer a word it begins may be, for a word the knowledge never uses (`termMatch`). */
      readonly longestEnding?: number;
      /** The word right after "which" or "what": it names the kind of thing asked for. */
      readonly focus: boolean;
      readonly weight: number;
      /** Carried over from an earlier question of the conversation, not asked in this one. */
      readonly carried?: boolean;
      /** A number the question gives of its own ("15 games"): like a name, a passage must have it. */
      readonly isNumber?: boolean;
      /** The same number written the other way: "three" for "3", "80" for "eighty". */
      readonly sameNumber?: string;
    }
  | {
      readonly kind: 'concept';
      readonly concept: string;
      readonly terms: readonly string[];
      readonly words: readonly string[];
      readonly focus: boolean;
      readonly weight: number;
      readonly carried?: boolean;
    }
  | { readonly kind: 'period'; readonly period: Period; readonly words: readonly string[]; readonly weight: number };

/** What kind of thing the question wants back, judged from its question word. */
export type AnswerKind = 'person' | 'date' | 'place' | 'number' | 'any';

export interface AnalyzedQuestion {
  readonly units: readonly QueryUnit[];
  /** Index terms to search for: every content word, including those inside concepts. */
  readonly searchTerms: readonly string[];
  readonly concepts: readonly string[];
  readonly periods: readonly Period[];
  readonly kind: AnswerKind;
  /** Surface forms of the content words, lowercased: exact matches of these count a little more. */
  readonly surfaceWords: ReadonlySet<string>;
  /** The mean weight of the units: the scale of a sentence's small bonuses. */
  readonly meanWeight: number;
  /** The question, lowercased: what it names itself is not its answer. */
  readonly questionLower: string;
  /** Terms of English words the knowledge never uses: they match words they begin only by a short ending (`ENGLISH_WORD_ENDING`). */
  readonly englishWords: ReadonlySet<string>;
}

const PERIOD_WEIGHT = 1;
/** A question that asks what an acronym means: "What does KPC stand for?", "the full name of AIA". */
const ASKS_WHAT_ACRONYM_MEANS = /\b(?:stands?|stood)\s+for\b|\bshort\s+for\b|\bfull\s+(?:name|form)\b|\b(?:acronym|abbreviation)s?\b/i;
/** ...and the words that say so, not what it is about. */
const ACRONYM_PHRASING: ReadonlySet<string> = new Set(['stand', 'stands', 'stood', 'short', 'full', 'form', 'acronym', 'acronyms', 'abbreviation', 'abbreviations', 'known']);
const UNKNOWN_WORD_SHARE = 0.6;
/** A question that asks for another name of something: "another word for diatom", "a synonym for e-commerce". */
const ASKS_ANOTHER_NAME = /\b(?:another|other)\s+(?:word|name|term|phrase)s?\b|\bsynonyms?\b/i;
/** ...and the words that say so: the answer's sentence has the other name, rarely these. */
const ANOTHER_NAME_PHRASING: ReadonlySet<string> = new Set(['another', 'other', 'word', 'words', 'name', 'names', 'term', 'terms', 'phrase', 'phrases', 'synonym', 'synonyms', 'meaning', 'means']);
/** A word written as an acronym: two capitals or more, perhaps with a plural "s" ("KPC", "SMEs"). */
const WRITTEN_AS_ACRONYM = /^\p{Lu}[\p{Lu}\p{N}&]+s?$/u;
/** Words carried over from an earlier question weigh this much of their own weight: below the question's own. */
export const CARRIED_SHARE = 0.5;

/** What a follow-up carries over from the conversation: the earlier subject, and its period. */
export interface Carried {
  /** Words of earlier questions, as written. */
  readonly words: readonly string[];
  /** The earlier period, as written: it counts only when the question names none of its own. */
  readonly period?: string;
  /** The earlier question: what kind of answer it wanted counts when this one doesn't say ("and in 2017?"). */
  readonly question?: string;
  /** Words of this question that only point back ("the 2018 one"): not asked for themselves. */
  readonly pointers?: readonly string[];
}

const KIND_PATTERNS: readonly [AnswerKind, RegExp][] = [
  ['person', /\b(who|whom|whose|which (person|people|expert|experts|official))\b/i],
  ['number', /\b(how (many|much|long|big|large|old|far|tall|high|often)|what (percentage|percent|share|proportion|number|fraction|age|amount))\b/i],
  ['date', /\b(when|(what|which) (year|date|month|day|century|decade))\b/i],
  ['place', /\b(where|(which|what) (city|cities|country|countries|place|places|location|economy|economies|state|region|town|river|continent|island))\b/i],
];

/** Inverse document frequency as BM25 defines it; an unseen term gets the highest value. */
export function inverseDocumentFrequency(snapshot: Snapshot, key: string): number {
  const total = snapshot.passages.length;
  const df = snapshot.documentFrequency.get(key) ?? 0;
  return Math.log(1 + (total - df + 0.5) / (df + 0.5));
}

/**
 * Breaks a question into the units a passage must cover to answer it. A follow-up's `carried`
 * words become units of their own, marked and weighing less than the question's own words.
 */
export function analyzeQuestion(snapshot: Snapshot, question: string, carried?: Carried): AnalyzedQuestion {
  const tokens = asPercent(tokenize(question));
  const ownPeriods = findPeriods(question);
  const periods = ownPeriods.length > 0 || carried?.period === undefined ? ownPeriods : findPeriods(carried.period);
  const inPeriod = (token: Token): boolean =>
    periods.some((p) => {
      const at = question.indexOf(p.text);
      return at >= 0 && token.start >= at && token.end <= at + p.text.length;
    });
  const asksAmount = (token: Token): boolean =>
    AMOUNT_WORDS.has(token.lower) && tokens[tokens.indexOf(token) - 1]?.lower === 'how';
  const pointers = new Set(carried?.pointers?.map((word) => word.toLowerCase()));
  // "What does KPC stand for?", "What is another word for diatom?": the words that ask for an
  // acronym's meaning or another name are only phrasing.
  const spellsOut = ASKS_WHAT_ACRONYM_MEANS.test(question);
  const otherName = ASKS_ANOTHER_NAME.test(question);
  const isPhrasing = (token: Token): boolean =>
    (spellsOut && ACRONYM_PHRASING.has(token.lower)) || (otherName && ANOTHER_NAME_PHRASING.has(token.lower));
  const isContent = (token: Token): boolean =>
    !token.stop && !QUESTION_FILLERS.has(token.lower) && !asksAmount(token) && !pointers.has(token.lower) && !isPhrasing(token);
  const idf = (key: string): number => inverseDocumentFrequency(snapshot, key);

  const units: QueryUnit[] = [];
  // A period narrows down which article; it says little about which sentence, so it weighs little.
  for (const period of periods) units.push({ kind: 'period', period, words: [period.text], weight: PERIOD_WEIGHT });

  // A typo inside a glossary phrase ("study misison") should not hide the phrase.
  const concepts = findConcepts(snapshot.glossary, tokens, {
    equal: (phraseTerm, term) => phraseTerm === term || (allowedEdits(term) > 0 && termMatch(term, phraseTerm) === FUZZY_WEIGHT),
    // termMatch's typos are editDistance's: a swap of two letters counts as one.
    typos: allowedEdits,
  });
  const covered = new Set<number>();
  for (const match of concepts) {
    const inside = tokens.slice(match.from, match.to);
    if (!inside.some(isContent)) continue;
    for (let i = match.from; i < match.to; i++) covered.add(i);
    units.push({
      kind: 'concept',
      concept: match.concept,
      terms: inside.filter(isContent).map((t) => t.term),
      words: inside.map((t) => t.surface),
      focus: isFocus(tokens, match.from),
      weight: idf(match.concept),
    });
  }

  const seen = new Set<string>();
  // An acronym no article uses as a word, but one defines ("NYC"), stands for its words. When the
  // question asks what an acronym means, or for another name of it, the acronym and its words are
  // asked for alike: the answer is the sentence that spells it out ("Korea Productivity Center
  // (KPC)"). Asked for another name, only a word written as an acronym is one: "the art library"
  // is not ART.
  const asksMeaning = (token: Token): boolean => spellsOut || (otherName && WRITTEN_AS_ACRONYM.test(token.surface));
  const expanded = new Map<number, readonly string[]>();
  tokens.forEach((token, i) => {
    const used = snapshot.documentFrequency.has(token.term);
    const words = used && !asksMeaning(token) ? undefined : snapshot.acronyms.get(acronymKey(token.lower));
    if (words !== undefined && isContent(token) && (asksMeaning(token) || !covered.has(i))) expanded.set(i, words);
  });
  const addTerm = (term: string, token: Token, i: number): void => {
    if (seen.has(term)) return;
    seen.add(term);
    units.push({ kind: 'term', term, words: [token.surface], isName: false, known: true, focus: isFocus(tokens, i), weight: idf(term) });
  };
  tokens.forEach((token, i) => {
    if (!isContent(token) || inPeriod(token)) return;
    const known = snapshot.documentFrequency.has(token.term);
    const expansion = expanded.get(i);
    if (expansion !== undefined) {
      if (!known) seen.add(token.term);
      for (const term of expansion) addTerm(term, token, i);
      // An acronym the articles never use stands only for its words.
      if (!known) return;
    }
    if (covered.has(i) || seen.has(token.term)) return;
    // A word no article uses may be the heart of the question ("membership") or just its phrasing
    // ("held"): it weighs less than the rarest word the articles do use, but still a lot.
    const weight = known ? idf(token.term) : UNKNOWN_WORD_SHARE * idf(token.term);
    seen.add(token.term);
    const isName = looksLikeName(token, i);
    // Every key in one literal, in one order (no spread): units are made for every question.
    units.push({
      kind: 'term',
      term: token.term,
      words: [token.surface],
      isName,
      known,
      longestEnding: known ? undefined : longestEndingOf(token, isName),
      focus: isFocus(tokens, i),
      weight,
      isNumber: isOwnNumber(question, tokens, i),
      sameNumber: otherNumberTerm(token.term),
    });
  });

  if (carried) addCarriedUnits(snapshot, carried.words, units, seen);

  const ownTerms = tokens.flatMap((token, i) => {
    if (!isContent(token)) return [];
    const expansion = expanded.get(i) ?? [];
    const sameNumber = otherNumberTerm(token.term);
    if (sameNumber !== undefined) return [token.term, sameNumber];
    return snapshot.documentFrequency.has(token.term) || expansion.length === 0 ? [token.term, ...expansion] : expansion;
  });
  const searchTerms = [...new Set([...ownTerms, ...units.flatMap(carriedTerms)])];
  const englishWords = new Set(
    units.flatMap((unit) => (unit.kind === 'term' && unit.longestEnding === ENGLISH_WORD_ENDING ? [unit.term] : [])),
  );
  return {
    units,
    searchTerms,
    concepts: [...new Set([...concepts.map((m) => m.concept), ...units.flatMap((u) => (u.kind === 'concept' && u.carried ? [u.concept] : []))])],
    periods,
    kind: kindOf(question) ?? (carried?.question === undefined ? undefined : kindOf(carried.question)) ?? 'any',
    surfaceWords: new Set(tokens.filter(isContent).map((t) => t.lower)),
    meanWeight: units.reduce((sum, unit) => sum + unit.weight, 0) / Math.max(1, units.length),
    questionLower: question.toLowerCase(),
    englishWords,
  };
}

/**
 * Units for words carried over from an earlier question, at `CARRIED_SHARE` of their weight; a
 * word or concept the question asks itself is not carried again.
 */
function addCarriedUnits(snapshot: Snapshot, words: readonly string[], units: QueryUnit[], seen: Set<string>): void {
  const tokens = tokenize(words.join(' '));
  const own = new Set(units.flatMap((unit) => (unit.kind === 'concept' ? [unit.concept] : [])));
  const covered = new Set<number>();
  for (const match of findConcepts(snapshot.glossary, tokens)) {
    for (let i = match.from; i < match.to; i++) covered.add(i);
    if (own.has(match.concept)) continue;
    own.add(match.concept);
    const inside = tokens.slice(match.from, match.to).filter((t) => !t.stop);
    units.push({
      kind: 'concept',
      concept: match.concept,
      terms: inside.map((t) => t.term),
      words: inside.map((t) => t.surface),
      focus: false,
      weight: CARRIED_SHARE * inverseDocumentFrequency(snapshot, match.concept),
      carried: true,
    });
  }
  tokens.forEach((token, i) => {
    if (covered.has(i) || token.stop || QUESTION_FILLERS.has(token.lower) || seen.has(token.term) || findPeriods(token.surface).length > 0) return;
    seen.add(token.term);
    const known = snapshot.documentFrequency.has(token.term);
    const weight = CARRIED_SHARE * (known ? 1 : UNKNOWN_WORD_SHARE) * inverseDocumentFrequency(snapshot, token.term);
    units.push({ kind: 'term', term: token.term, words: [token.surface], isName: false, known, focus: false, weight, carried: true });
  });
}

function carriedTerms(unit: QueryUnit): string[] {
  if (unit.kind === 'period' || !unit.carried) return [];
  return unit.kind === 'term' ? [unit.term] : [...unit.terms];
}

/** The kind of thing a question asks for, from its question words; undefined when they do not say. */
export function kindOf(question: string): AnswerKind | undefined {
  return KIND_PATTERNS.find(([, pattern]) => pattern.test(question))?.[0];
}

/** How many letters longer a word the token begins may be, when the knowledge never uses the token (see `ENGLISH_WORD_ENDING`). */
function longestEndingOf(token: Token, isName: boolean): number {
  // WordNet is looked up only for a word that may match as a beginning at all.
  return longestEnding(token.term, !isName && allowsPrefix(token.term) && isEnglishWord(token.lower));
}

/** Words that, asked for ("what share of jobs..."), ask for a percentage. */
const PROPORTION_WORDS: ReadonlySet<string> = new Set(['share', 'proportion', 'fraction', 'percentage']);
const PERCENT_TERM = termOf('percent');

/**
 * "What share of jobs...", "what proportion of firms...": the answer is a percentage, which an
 * article writes "60%" (the word "percent", see `lowerWord`), not with the question's word.
 */
function asPercent(tokens: Token[]): Token[] {
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    if (isFocus(tokens, i) && PROPORTION_WORDS.has(token.lower)) tokens[i] = { ...token, term: PERCENT_TERM };
  }
  return tokens;
}

/** The word right after "which" or "what" names the kind of thing the question asks for. */
function isFocus(tokens: readonly Token[], position: number): boolean {
  return position > 0 && /^(which|what)$/.test((tokens[position - 1] as Token).lower);
}

/**
 * A capitalised word that is not the question's first word, or an acronym: likely a name of a
 * place, person or organisation. A name the knowledge base never mentions means the question is
 * about something else, however well its other words match.
 */
function looksLikeName(token: Token, position: number): boolean {
  if (/^\p{Lu}[\p{Lu}\p{N}&]+$/u.test(token.surface)) return true;
  return position > 0 && /^\p{Lu}/u.test(token.surface) && /\p{Ll}/u.test(token.surface);
}
