import type { Sentence } from '../text/sentences.js';
import type { TextFeatures } from './match.js';
import type { AnalyzedQuestion, AnswerKind, QueryUnit } from './query.js';
import { SENTENCE_WEIGHTS } from './sentenceWeights.js';

/**
 * What is known of one sentence of a candidate passage when it is weighed as the answer to a
 * question, each signal kept apart so that `SENTENCE_WEIGHTS` can weigh it. "Question weight"
 * is that of the question's words and glossary concepts, its periods apart (they have signals of
 * their own: a period says which article more than which sentence); "in mean weights" divides it
 * by the mean unit weight, so that a long question and a short one score on the same scale.
 */
export interface SentenceSignals {
  /** Question weight the sentence covers in its passage's context (`coverageInContext`), in mean weights. */
  readonly matched: number;
  /** ...of it, the focus word's ("which incubators"). */
  readonly focusMatched: number;
  /** Question weight its passage covers (with the article's title), in mean weights. */
  readonly passageMatched: number;
  /** ...of it, the focus word's. */
  readonly focusPassageMatched: number;
  /** Share of the question weight the passage covers, 0 to 1. */
  readonly passageCoverage: number;
  /** Share of the question weight the sentence covers in context, 0 to 1. */
  readonly sentenceCoverage: number;
  /** The passage's search score over the best passage's, 0 to 1. */
  readonly searchRatio: number;
  /** Weight of the periods asked about that the passage or its article's dates have, in mean weights. */
  readonly periodInPassage: number;
  /** Periods asked about that the sentence itself names, in an article not dated in them. */
  readonly periodInSentence: number;
  /** Question weight the sentence takes over from the sentence before (`withAntecedent`), in mean weights. */
  readonly antecedentMatched: number;
  /** Question weight the sentence after covers by itself, in mean weights: the sentence that names the topic is often followed by the answer. */
  readonly nextMatched: number;
  /** Share of the question's words and concepts that the sentence matches by itself, 0 to 1. */
  readonly unitShare: number;
  /** Share of the names the question gives (capitalised words, acronyms) that the sentence has itself; 1 when it gives none. */
  readonly namesInSentence: number;
  /** The question's content words as written that the sentence has, each counted once. */
  readonly written: number;
  /** Pairs of neighbouring question terms that stand in order within three words of each other. */
  readonly pairs: number;
  /** ...and right next to each other. */
  readonly exactPairs: number;
  /** 1 when the sentence names the kind of thing asked for (`hasKind`). */
  readonly hasKind: number;
  /** 1 again when that kind is a date... */
  readonly kindDate: number;
  /** ...or a number. */
  readonly kindNumber: number;
  /** ln(1 + the sentence's words). */
  readonly logWords: number;
}

/**
 * The signals in the order of `SENTENCE_WEIGHTS`, and their weights. A sentence is scored from
 * a vector of its signals written into scratch space (every answer scores dozens of sentences,
 * and an object of twenty numbers a sentence was a tenth of an answer's garbage).
 */
const SIGNALS = Object.keys(SENTENCE_WEIGHTS) as (keyof SentenceSignals)[];
const WEIGHTS = Float64Array.from(SIGNALS, (signal) => SENTENCE_WEIGHTS[signal]);
const AT = Object.fromEntries(SIGNALS.map((signal, i) => [signal, i])) as Record<keyof SentenceSignals, number>;
const vector = new Float64Array(SIGNALS.length);

/** How well a sentence answers the question: its signals (`sentenceSignals`) weighed by `SENTENCE_WEIGHTS`, a log-odds. */
export function sentenceScore(
  analyzed: AnalyzedQuestion,
  features: TextFeatures,
  sentence: Sentence,
  sentenceMatches: readonly number[],
  context: SentenceContext,
): number {
  readSignals(analyzed, features, sentence, sentenceMatches, context);
  let score = 0;
  for (let i = 0; i < WEIGHTS.length; i++) score += (WEIGHTS[i] as number) * (vector[i] as number);
  return score;
}

/** What a sentence is read with: its passage, and its own matches beside its neighbours'. */
export interface SentenceContext {
  /** Per unit, how well the passage (with its article's title and dates) matches it. */
  readonly passageMatches: readonly number[];
  /** Per unit, whether it is a period the article is dated in. */
  readonly datedIn: readonly boolean[];
  readonly searchScore: number;
  readonly topScore: number;
  /** Per unit, how well the sentence matches it by itself, and the sentence after (if any). */
  readonly own: readonly number[];
  readonly next: readonly number[] | undefined;
  /** Where the sentence's mentions of each kind of answer are kept (see `SentenceReading`); none: found again. */
  readonly reading?: { kindMentions?: Map<AnswerKind, readonly string[]> };
}

/** The signals of one sentence; `sentenceMatches` are its own with what it inherits (`withAntecedent`). */
export function sentenceSignals(
  analyzed: AnalyzedQuestion,
  features: TextFeatures,
  sentence: Sentence,
  sentenceMatches: readonly number[],
  context: SentenceContext,
): SentenceSignals {
  readSignals(analyzed, features, sentence, sentenceMatches, context);
  return Object.fromEntries(SIGNALS.map((signal, i) => [signal, vector[i]])) as unknown as SentenceSignals;
}

/** Writes a sentence's signals into `vector`. */
function readSignals(
  analyzed: AnalyzedQuestion,
  features: TextFeatures,
  sentence: Sentence,
  sentenceMatches: readonly number[],
  context: SentenceContext,
): void {
  const { units, meanWeight } = analyzed;
  // One pass over the question's units, summing weights: this runs for every sentence read.
  let matched = 0;
  let focusMatched = 0;
  let passageMatched = 0;
  let focusPassageMatched = 0;
  let wordWeight = 0;
  let inherited = 0;
  let next = 0;
  let periodInPassage = 0;
  let periodInSentence = 0;
  let words = 0;
  let ownWords = 0;
  let names = 0;
  let ownNames = 0;
  // A loop, not forEach: see `coverageInContext`.
  for (let i = 0; i < units.length; i++) {
    const unit = units[i] as QueryUnit;
    const inPassage = context.passageMatches[i] ?? 0;
    const inSentence = sentenceMatches[i] ?? 0;
    if (unit.kind === 'period') {
      periodInPassage += unit.weight * inPassage;
      // In an article that spans many years, a sentence that names the period asked about ("In
      // 2012, she signed...") is about that time, not another one of the article's.
      if (!context.datedIn[i] && inSentence > 0) periodInSentence += 1;
      continue;
    }
    const own = context.own[i] ?? 0;
    // As `coverageInContext`: half of what the passage matches carries over to each sentence.
    const effective = Math.max(inSentence, 0.5 * inPassage);
    wordWeight += unit.weight;
    matched += unit.weight * effective;
    passageMatched += unit.weight * inPassage;
    if (unit.focus) {
      focusMatched += unit.weight * effective;
      focusPassageMatched += unit.weight * inPassage;
    }
    inherited += unit.weight * (inSentence - own);
    next += unit.weight * (context.next?.[i] ?? 0);
    words += 1;
    if (own > 0) ownWords += 1;
    if (unit.kind === 'term' && unit.isName) {
      names += 1;
      if (own > 0) ownNames += 1;
    }
  }

  // Each of the question's words as written counts once: a sentence that repeats one is no better for it.
  const written = writtenWords(analyzed, features);
  const kind = namesKind(kindMentions(analyzed.kind, sentence.text, context.reading), analyzed.questionLower) ? 1 : 0;
  vector[AT.matched] = matched / meanWeight;
  vector[AT.focusMatched] = focusMatched / meanWeight;
  vector[AT.passageMatched] = passageMatched / meanWeight;
  vector[AT.focusPassageMatched] = focusPassageMatched / meanWeight;
  vector[AT.passageCoverage] = wordWeight === 0 ? 0 : passageMatched / wordWeight;
  vector[AT.sentenceCoverage] = wordWeight === 0 ? 0 : matched / wordWeight;
  vector[AT.searchRatio] = context.searchScore / context.topScore;
  vector[AT.periodInPassage] = periodInPassage / meanWeight;
  vector[AT.periodInSentence] = periodInSentence;
  vector[AT.antecedentMatched] = inherited / meanWeight;
  vector[AT.nextMatched] = next / meanWeight;
  vector[AT.unitShare] = words === 0 ? 0 : ownWords / words;
  vector[AT.namesInSentence] = names === 0 ? 1 : ownNames / names;
  vector[AT.written] = written;
  adjacentPairs(analyzed, features);
  vector[AT.hasKind] = kind;
  vector[AT.kindDate] = analyzed.kind === 'date' ? kind : 0;
  vector[AT.kindNumber] = analyzed.kind === 'number' ? kind : 0;
  vector[AT.logWords] = Math.log(1 + features.tokens.length);
}

export function coverage(units: readonly QueryUnit[], matches: readonly number[]): number {
  const total = units.reduce((sum, unit) => sum + unit.weight, 0);
  const got = units.reduce((sum, unit, i) => sum + unit.weight * (matches[i] ?? 0), 0);
  return total === 0 ? 0 : got / total;
}

/**
 * Share of the question's weight a sentence covers in its context, 0 to 1. A sentence often names
 * its subject only through its passage ("It was conducted by..." after "The OSM was
 * inaugurated..."), so half of what the passage matches carries over to it; a period is the
 * article's, so the passage's match stands.
 */
export function coverageInContext(analyzed: AnalyzedQuestion, sentenceMatches: readonly number[], passageMatches: readonly number[]): number {
  let total = 0;
  let got = 0;
  // A loop, not forEach: sums a closure updates are numbers allocated on the heap, each time.
  const { units } = analyzed;
  for (let i = 0; i < units.length; i++) {
    const unit = units[i] as QueryUnit;
    const inPassage = passageMatches[i] ?? 0;
    total += unit.weight;
    got += unit.weight * (unit.kind === 'period' ? inPassage : Math.max(sentenceMatches[i] ?? 0, 0.5 * inPassage));
  }
  return total === 0 ? 0 : got / total;
}

/** A sentence that starts by pointing back ("It was opened by...", "This protects them from..."). */
const POINTS_BACK = /^(?:it|its|this|these|that|those|they|their|he|his|she|her|the latter|such)\b/i;
/** How much of what the sentence before matches a sentence that points back to it inherits. */
const ANTECEDENT_SHARE = 0.8;
/**
 * ...and how much any other sentence inherits: the sentence after the one that names the topic
 * often holds the answer ("He claimed the area for France and named it..." after the sentence
 * naming Verrazzano). Above the half of the passage's matches every sentence gets in context.
 */
const FOLLOWING_SHARE = 0.65;

/**
 * A sentence's matches with what it points back to: "The OSM was inaugurated... It was opened by
 * Dr. Kim" answers "Who opened the OSM?" though the second sentence never names it. A sentence
 * that starts with "it", "this", "they"... inherits most of the sentence before's matches, any
 * other sentence a little less.
 */
export function withAntecedent(sentence: Sentence, own: readonly number[], previous: readonly number[] | undefined): readonly number[] {
  if (previous === undefined) return own;
  const share = POINTS_BACK.test(sentence.text) ? ANTECEDENT_SHARE : FOLLOWING_SHARE;
  return own.map((match, i) => Math.max(match, share * (previous[i] ?? 0)));
}

/**
 * Scratch space for reading a sentence's words, reused by every call (calls are synchronous) and
 * grown as needed: every answer reads dozens of sentences, and a set and two typed arrays a
 * sentence were garbage.
 */
const seen: string[] = [];
let lastAt = new Int32Array(16);
let closestAfter = new Int32Array(16);

/** How many of the question's words as written the sentence has, each counted once. */
function writtenWords(analyzed: AnalyzedQuestion, features: TextFeatures): number {
  seen.length = 0;
  for (const token of features.tokens) {
    if (analyzed.surfaceWords.has(token.lower) && !seen.includes(token.lower)) seen.push(token.lower);
  }
  const count = seen.length;
  seen.length = 0;
  return count;
}

/**
 * How many pairs of neighbouring question terms stand in order in the sentence within three
 * words of each other (signal `pairs`), and how many right next to each other (`exactPairs`),
 * written into `vector`.
 */
function adjacentPairs(analyzed: AnalyzedQuestion, features: TextFeatures): void {
  const order = termOrder(analyzed);
  const count = analyzed.searchTerms.length;
  // Per question term, where it last stood (by token, stop words counted) and, for each with a
  // next term, how close that one came after it: one pass over the sentence.
  if (lastAt.length < count) {
    lastAt = new Int32Array(2 * count);
    closestAfter = new Int32Array(2 * count);
  }
  const last = lastAt.fill(-1, 0, count);
  const closest = closestAfter.fill(FAR, 0, count);
  const { tokens } = features;
  for (let at = 0; at < tokens.length; at++) {
    const token = tokens[at] as (typeof tokens)[number];
    if (token.stop) continue;
    const k = order.get(token.term);
    if (k === undefined) continue;
    const before = k > 0 ? (last[k - 1] as number) : -1;
    if (before >= 0) closest[k - 1] = Math.min(closest[k - 1] as number, at - before);
    last[k] = at;
  }
  let near = 0;
  let next = 0;
  for (let i = 0; i + 1 < count; i++) {
    const distance = closest[i] as number;
    if (distance <= 3) near += 1;
    if (distance === 1) next += 1;
  }
  vector[AT.pairs] = near;
  vector[AT.exactPairs] = next;
}

/** Farther than any two words of a sentence. */
const FAR = 2 ** 31 - 1;

const termOrders = new WeakMap<AnalyzedQuestion, ReadonlyMap<string, number>>();

/** Each of the question's search terms by its place among them, found once per question. */
function termOrder(analyzed: AnalyzedQuestion): ReadonlyMap<string, number> {
  let order = termOrders.get(analyzed);
  if (order === undefined) {
    order = new Map(analyzed.searchTerms.map((term, i) => [term, i]));
    termOrders.set(analyzed, order);
  }
  return order;
}

const MONTHS = 'jan(?:uary)?|feb(?:ruary)?|march|april|may|june|july|aug(?:ust)?|sep(?:tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';

/** Where a sentence names the kind of thing a question asks for; global, for every mention. */
const KIND_MENTIONS: Record<Exclude<AnswerKind, 'any'>, RegExp> = {
  // Two capitalised words in a row, not at the start: a name like "Taiho Kang".
  person: /(?<=.)\b\p{Lu}[\p{Ll}'’]+(?:-\p{Lu}?\p{Ll}+)?\s+\p{Lu}\p{Ll}+/gu,
  date: new RegExp(`\\b(?:(?:1\\d|20)\\d\\ds?|\\d0s|${MONTHS})\\b`, 'gi'),
  place: /\b(?:in|at|from)\s+(?:the\s+)?\p{Lu}\p{L}*/gu,
  number: /\d[\d,.]*|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|dozens?|hundreds?|thousands?|millions?|billions?|percent)\b/gi,
};

/**
 * Whether a sentence names the kind of thing asked for, other than what the question names
 * itself: for "What happened in 2008?" a sentence's "2008" is the question's, not an answer.
 */
export function hasKind(kind: AnswerKind, text: string, questionLower: string): boolean {
  return namesKind(kindMentions(kind, text), questionLower);
}

function namesKind(mentions: readonly string[], questionLower: string): boolean {
  return mentions.some((mention) => !questionLower.includes(mention));
}

const NONE: readonly string[] = [];

/** A sentence's mentions of a kind of answer, lowercase, kept in its reading when given one. */
function kindMentions(kind: AnswerKind, text: string, reading?: { kindMentions?: Map<AnswerKind, readonly string[]> }): readonly string[] {
  if (kind === 'any') return NONE;
  let mentions = reading?.kindMentions?.get(kind);
  if (mentions === undefined) {
    mentions = [...text.matchAll(KIND_MENTIONS[kind])].map((match) => match[0].toLowerCase().replace(/^(?:in|at|from)\s+(?:the\s+)?/, ''));
    if (mentions.length === 0) mentions = NONE;
    if (reading) (reading.kindMentions ??= new Map()).set(kind, mentions);
  }
  return mentions;
}
