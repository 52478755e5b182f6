import { findConcepts } from '../knowledge/glossary.js';
import { tokenize, type Token } from '../text/analyze.js';
import { AMOUNT_WORDS, QUESTION_FILLERS } from '../text/stopWords.js';
import { allowedEdits, FUZZY_WEIGHT, termMatch } from './match.js';
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
      /** The word right after "which" or "what": it names the kind of thing asked for. */
      readonly focus: boolean;
      readonly weight: number;
    }
  | {
      readonly kind: 'concept';
      readonly concept: string;
      readonly terms: readonly string[];
      readonly words: readonly string[];
      readonly focus: boolean;
      readonly weight: number;
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
}

const PERIOD_WEIGHT = 1;
const UNKNOWN_WORD_SHARE = 0.6;

const KIND_PATTERNS: readonly [AnswerKind, RegExp][] = [
  ['person', /\b(who|whom|whose|which (person|people|expert|experts|official))\b/i],
  ['date', /\b(when|what (year|date|month|day)|which (year|date|month))\b/i],
  ['number', /\b(how (many|much|long|big|large)|what (percentage|percent|share|proportion|number|fraction))\b/i],
  ['place', /\b(where|which (city|cities|country|countries|place|places|location|economy|economies))\b/i],
];

/** Inverse document frequency as BM25 defines it; an unseen term gets the highest value. */
export function inverseDocumentFrequency(snapshot: Snapshot, key: string): number {
  const total = snapshot.passages.length;
  const df = snapshot.documentFrequency.get(key) ?? 0;
  return Math.log(1 + (total - df + 0.5) / (df + 0.5));
}

/** Breaks a question into the units a passage must cover to answer it. */
export function analyzeQuestion(snapshot: Snapshot, question: string): AnalyzedQuestion {
  const tokens = tokenize(question);
  const periods = findPeriods(question);
  const inPeriod = (token: Token): boolean =>
    periods.some((p) => {
      const at = question.indexOf(p.text);
      return at >= 0 && token.start >= at && token.end <= at + p.text.length;
    });
  const asksAmount = (token: Token): boolean =>
    AMOUNT_WORDS.has(token.lower) && tokens[tokens.indexOf(token) - 1]?.lower === 'how';
  const isContent = (token: Token): boolean => !token.stop && !QUESTION_FILLERS.has(token.lower) && !asksAmount(token);
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
  tokens.forEach((token, i) => {
    if (covered.has(i) || !isContent(token) || inPeriod(token) || seen.has(token.term)) return;
    seen.add(token.term);
    const known = snapshot.documentFrequency.has(token.term);
    // A word no article uses may be the heart of the question ("membership") or just its phrasing
    // ("held"): it weighs less than the rarest word the articles do use, but still a lot.
    const weight = known ? idf(token.term) : UNKNOWN_WORD_SHARE * idf(token.term);
    units.push({ kind: 'term', term: token.term, words: [token.surface], isName: looksLikeName(token, i), known, focus: isFocus(tokens, i), weight });
  });

  const searchTerms = [...new Set(tokens.filter(isContent).map((t) => t.term))];
  return {
    units,
    searchTerms,
    concepts: [...new Set(concepts.map((m) => m.concept))],
    periods,
    kind: KIND_PATTERNS.find(([, pattern]) => pattern.test(question))?.[0] ?? 'any',
    surfaceWords: new Set(tokens.filter(isContent).map((t) => t.lower)),
    meanWeight: units.reduce((sum, unit) => sum + unit.weight, 0) / Math.max(1, units.length),
  };
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
