import type { SearchResult } from 'minisearch';
import { declineHeadline } from '../declines.js';
import { looksNotEnglish } from '../text/language.js';
import { smallTalkOf } from '../text/smallTalk.js';
import type { Sentence } from '../text/sentences.js';
import { lowerWord, POSSESSIVE, type Token } from '../text/analyze.js';
import type {
  AlternativeAnswer,
  Answer,
  Article,
  ArticleRef,
  Audience,
  Citation,
  ConversationTurn,
  Decline,
  DeclineReason,
  Highlight,
} from '../types.js';
import { questionTokens, unitMatch, type TextFeatures } from './match.js';
import { readPassageText, type PassageReading } from './passageReading.js';
import { distanceInDays, wantedKeys, type Period } from './periods.js';
import { analyzeQuestion, type AnalyzedQuestion, type Carried, type QueryUnit } from './query.js';
import { namedUnmatchedWords, suggestQuestions, type AnswersFrom } from './rephrase.js';
import { mayRead, search, unmatchedUnits } from './retrieve.js';
import { coverage, coverageInContext, sentenceScore, withAntecedent } from './sentenceScore.js';
import { buildSnippet, mergeHighlights, snippetWindow } from './snippet.js';
import { passagesOf, type Passage, type Snapshot } from './snapshot.js';

export interface AnswerSettings {
  /** Longer questions are declined with reason `too-long`. */
  readonly maxQuestionLength: number;
  /** Whether a decline suggests questions to rephrase with (default true; off while checking one). */
  readonly suggest?: boolean;
}

/** How a follow-up question leans on its conversation (see `followUp.ts`). */
export interface FollowUp {
  /** The earlier subject and period, weighing less than the question's own words. */
  readonly carried: Carried;
  /** The article the previous answer quoted: its passages rank a little higher. */
  readonly preferArticle?: string;
  /** An article not to answer from: the previous one, when the question changes the period. */
  readonly avoidArticle?: string;
  /** The only article to answer from: the previous one, when "it" most likely means what it was about. */
  readonly onlyArticle?: string;
}

/**
 * How much of a question's weight the answering passage must cover; less is declined. A question
 * of four words or more may leave more uncovered (a word of its own phrasing, "What religion was
 * she raised in?" for "a Methodist household"); in a shorter one a missing word is the subject
 * ("Who is the president of Japan?"), unless it is a follow-up, whose subject comes from the
 * conversation. SQuAD tuning half: see docs/BENCHMARKS.md.
 */
const MIN_PASSAGE_COVERAGE = 0.45;
const MIN_SHORT_QUESTION_COVERAGE = 0.6;
const SHORT_QUESTION_UNITS = 4;
/** ...and how much the quoted sentence itself must cover. */
const MIN_SENTENCE_COVERAGE = 0.3;
/**
 * A passage that covers less of the question than this is quoted only when no other passage read
 * has a better sentence (see `answerQuestion`). SQuAD (tune / held-out): out-of-knowledge
 * questions declined 83.6 / 84.3 -> 85.8 / 88.0, answer hit unchanged, false declines 3.4 / 4.0 ->
 * 4.4 / 4.4; every share from 0.47 to 0.53 meets the issue-11 targets on both halves.
 */
const OUTSCORED_PASSAGE_COVERAGE = 0.5;
/** Passages read closely for the best sentence. */
const CANDIDATE_PASSAGES = 6;
const MAX_CITATIONS = 3;
/** A decline names the articles of this many best results. */
const NEAREST_RESULTS = 10;
/** The results an answer reads (see `postingBudget`). */
const SEARCH_DEPTH = Math.max(CANDIDATE_PASSAGES, NEAREST_RESULTS);
/** This many words found nothing, and they are at least a third of the question: declined. */
const MAX_UNKNOWN_WORDS = 2;
/**
 * Another article's best sentence scoring at least this share of the best one's is offered
 * beside it, when the question names no period: it fits both about equally.
 */
const ALTERNATIVE_SHARE = 0.85;

/** Answers one question from one snapshot. Pure: the same snapshot and question give the same answer. */
export function answerQuestion(
  snapshot: Snapshot,
  rawQuestion: string,
  audience: Audience,
  settings: AnswerSettings,
  followUp?: FollowUp,
): Omit<Answer, 'tookMs'> {
  const question = rawQuestion.trim();
  const avoid = followUp?.avoidArticle;
  const only = followUp?.onlyArticle;
  const visible = (passage: Passage): boolean =>
    mayRead(audience, passage.article) && passage.article.id !== avoid && (only === undefined || passage.article.id === only);
  let analyzed: AnalyzedQuestion | undefined;
  // Object.assign, not `{ ...a, more }`, here and below: see SEARCH_OPTION_DEFAULTS (snapshot.ts).
  const decline = (reason: DeclineReason, detail: Partial<Omit<Decline, 'reason'>> = {}): Omit<Answer, 'tookMs'> =>
    Object.assign(declined(snapshot, question, audience, { reason, unmatchedTerms: [], nearest: [], ...detail }, settings), {
      turn: turnOf(question, analyzed),
    });

  if (question.length === 0) return decline('empty-question');
  if (question.length > settings.maxQuestionLength) return decline('too-long', { limit: settings.maxQuestionLength });
  // "Hi" and "thanks" are not questions, and a question in Spanish would only match nothing:
  // both get a reply that says what the bot does, not a list of words that found nothing.
  if (smallTalkOf(question) !== undefined) return decline('greeting');
  if (looksNotEnglish(question)) return decline('not-english');

  analyzed = analyzeQuestion(snapshot, question, followUp?.carried);
  if (analyzed.units.length === 0) return decline('no-match');
  const ownUnits = analyzed.units.filter((unit) => unit.kind === 'period' || !unit.carried);

  const covered = snapshot.coveredPeriods[audience];
  const uncovered = analyzed.periods.find((period) => !wantedKeys(period).some((key) => covered.has(key)));
  if (uncovered) {
    return decline('period-not-covered', { period: uncovered.text, nearest: nearestInTime(snapshot, uncovered, audience) });
  }

  const prefer = followUp?.preferArticle !== undefined && analyzed.periods.length === 0 ? followUp.preferArticle : undefined;
  const results = search(snapshot, analyzed, visible, { preferArticle: prefer, depth: SEARCH_DEPTH });
  // Words carried over from earlier questions never make a question unanswerable: only its own do.
  const unmatched = unmatchedUnits(analyzed, results, snapshot).filter((unit) => unit.kind === 'period' || !unit.carried);
  // A long question can leave many words unmatched: the decline names only the few that tell most.
  const unmatchedWords = namedUnmatchedWords(unmatched);
  const nearest = articlesOf(results.slice(0, NEAREST_RESULTS).map((r) => snapshot.byId[r.id as number] as Passage));
  if (results.length === 0 || (ownUnits.length > 0 && unmatched.length === ownUnits.length)) {
    return decline('no-match', { unmatchedTerms: unmatchedWords });
  }
  if (unmatched.some((unit) => unit.kind === 'term' && (unit.isName || unit.isNumber === true))) {
    return decline('unknown-name', { unmatchedTerms: unmatchedWords, nearest });
  }

  const unknownWords = unmatched.filter((unit) => unit.kind === 'term').length;
  if (unknownWords >= MAX_UNKNOWN_WORDS && unknownWords * 3 >= ownUnits.length) {
    return decline('weak-match', { unmatchedTerms: unmatchedWords, nearest });
  }

  const topScore = results[0]?.score ?? 1;
  const reading = analyzed;
  const candidates = results
    .slice(0, CANDIDATE_PASSAGES)
    .flatMap((result) => readPassage(snapshot, reading, result, topScore) ?? []);
  // A follow-up is short by nature: its subject comes from the conversation.
  const short = ownUnits.length < SHORT_QUESTION_UNITS && followUp === undefined;
  const minCoverage = short ? MIN_SHORT_QUESTION_COVERAGE : MIN_PASSAGE_COVERAGE;
  // A passage that lacks a name the question gives (a capitalised word, an acronym) answers
  // another question: "Which Carolina Panthers player..." is not answered from a passage about
  // another team, however many of its other words match. Only passages that have them all (or
  // whose article's first sentence has them, see `lacksName`) may answer, and among them first
  // those that cover enough of the question, however long their sentences (a long one scores less).
  const named = candidates.filter((candidate) => !lacksName(snapshot, analyzed, candidate));
  const eligible = named.filter((candidate) => candidate.coverage >= minCoverage);
  const best = pickSentence(eligible.length > 0 ? eligible : named);
  if (!best || best.passage.coverage < minCoverage || best.coverage < MIN_SENTENCE_COVERAGE) {
    return decline('weak-match', { unmatchedTerms: unmatchedWords, nearest });
  }
  // A passage that covers under half of the question is quoted only when no passage read has a
  // better sentence. When the better one was set aside (its passage lacks a name or number the
  // question gives, or covers too little of it), what is left matches the question's words, not
  // what it asks about. "How many teams can boast a 15-1 regular season record?" is best matched by
  // a passage on a city's baseball teams, which lacks the 15, and then by one that has it in a date.
  if (best.passage.coverage < OUTSCORED_PASSAGE_COVERAGE && outscored(best.passage, candidates)) {
    return decline('weak-match', { unmatchedTerms: unmatchedWords, nearest });
  }

  const cited = [best.passage, ...candidates.filter((c) => c !== best.passage && c.coverage >= MIN_PASSAGE_COVERAGE / 2)];
  const highlighting = highlightingOf(reading);
  const citations = cited.slice(0, MAX_CITATIONS).map((candidate) =>
    citationOf(candidate, candidate.bestSentence.sentence, highlighting),
  );
  const alternatives = analyzed.periods.length === 0 && followUp === undefined ? alternativesTo(best.passage, candidates, highlighting) : [];
  const first = citations[0] as Citation;
  return {
    question,
    answered: true,
    answer: best.sentence.text,
    citations,
    message: `“${best.sentence.text}”\n— ${first.title} (${first.date}), paragraph ${first.paragraph}`,
    snapshotVersion: snapshot.version,
    ...(alternatives.length > 0 ? { alternatives } : {}),
    turn: turnOf(question, analyzed, best.passage, alternatives),
  };
}

/**
 * The best sentences of other articles that answer about as well as the best one (a question
 * without a period that fits the 2017 and the 2018 mission alike), one per article.
 */
function alternativesTo(best: Candidate, candidates: readonly Candidate[], highlighting: Highlighting): AlternativeAnswer[] {
  const seen = new Set([best.passage.article.id]);
  const alternatives: AlternativeAnswer[] = [];
  for (const candidate of candidates) {
    const article = candidate.passage.article.id;
    if (seen.has(article)) continue;
    seen.add(article);
    const fits =
      candidate.bestSentence.score >= ALTERNATIVE_SHARE * best.bestSentence.score &&
      candidate.coverage >= MIN_PASSAGE_COVERAGE &&
      candidate.bestSentence.coverage >= MIN_SENTENCE_COVERAGE;
    if (!fits) continue;
    alternatives.push({ answer: candidate.bestSentence.sentence.text, citation: citationOf(candidate, candidate.bestSentence.sentence, highlighting) });
    if (alternatives.length === MAX_CITATIONS - 1) break;
  }
  return alternatives;
}

/**
 * What the next question of the conversation needs of this one: the words the quoted passage
 * matched (what the answer was about; all content words when declined), the period, the article.
 */
function turnOf(question: string, analyzed: AnalyzedQuestion | undefined, quoted?: Candidate, alternatives: readonly AlternativeAnswer[] = []): ConversationTurn {
  const units = analyzed?.units ?? [];
  // A follow-up's subject is the one it carried ("where was it held?" after "who conducted it?"
  // is still about the mission), with the names and glossary concepts it added.
  const followUp = units.some((unit) => unit.kind !== 'period' && unit.carried);
  const isSubject = (unit: QueryUnit, i: number): boolean => {
    if (unit.kind === 'period' || (quoted && !((quoted.matches[i] ?? 0) > 0))) return false;
    return !followUp || unit.carried === true || unit.kind === 'concept' || unit.isName;
  };
  const subject = units.flatMap((unit, i) => (isSubject(unit, i) ? unit.words : []));
  const period = analyzed?.periods[0]?.text;
  return {
    question,
    subject,
    ...(period === undefined ? {} : { period }),
    ...(quoted ? { articleId: quoted.passage.article.id, paragraph: quoted.passage.paragraph } : {}),
    ...(alternatives.length > 0 ? { alternatives: alternatives.map((a) => a.citation.id) } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Reading passages and choosing the sentence

interface ReadSentence {
  readonly sentence: Sentence;
  readonly features: TextFeatures;
  readonly quotable: boolean;
  /** Per unit, how well this sentence matches it. */
  readonly matches: readonly number[];
  /** Share of the question's weight it covers in its passage's context (`coverageInContext`), 0 to 1. */
  readonly coverage: number;
  /** How well it answers the question (`sentenceScore`). */
  readonly score: number;
}

interface Candidate {
  readonly passage: Passage;
  readonly searchScore: number;
  readonly sentences: readonly ReadSentence[];
  /** Per unit, how well the passage as a whole (with its article's date) matches it. */
  readonly matches: readonly number[];
  /** Share of the question's weight the passage covers, 0 to 1. */
  readonly coverage: number;
  readonly bestSentence: ReadSentence;
  /** The index terms of the passage with its article's title. */
  readonly terms: ReadonlySet<string>;
}

/** Reads a found passage for the question: how well it and each of its sentences match. Undefined if it has no sentence. */
function readPassage(snapshot: Snapshot, analyzed: AnalyzedQuestion, result: SearchResult, topScore: number): Candidate | undefined {
  const passage = snapshot.byId[result.id as number] as Passage;
  const reading = readingOf(snapshot, passage);
  const matches = analyzed.units.map((unit) => unitMatch(unit, reading.whole));
  const dated = snapshot.periods.get(passage.article.id)?.dated;
  // An article dated in the period the question names is about that time throughout.
  const datedIn = analyzed.units.map((unit) => unit.kind === 'period' && dated !== undefined && wantedKeys(unit.period).some((key) => dated.has(key)));
  const own = reading.sentences.map(({ features }) => analyzed.units.map((unit) => unitMatch(unit, features)));
  // Each sentence is scored once, here.
  const sentences = reading.sentences.map((read, i): ReadSentence => {
    const { sentence, features, quotable } = read;
    const sentenceMatches = withAntecedent(sentence, own[i] as number[], own[i - 1]);
    const context = { passageMatches: matches, datedIn, searchScore: result.score, topScore, own: own[i] as number[], next: own[i + 1], reading: read };
    const inContext = coverageInContext(analyzed, sentenceMatches, matches);
    return { sentence, features, quotable, matches: sentenceMatches, coverage: inContext, score: sentenceScore(analyzed, features, sentence, sentenceMatches, context) };
  });
  // A credit or a few words left in a paragraph ("Photos: KPC") is never the quote.
  let bestSentence: ReadSentence | undefined;
  for (const read of sentences) {
    if (read.quotable && (bestSentence === undefined || betterSentence(read, bestSentence))) bestSentence = read;
  }
  if (bestSentence === undefined) return undefined;
  return { passage, searchScore: result.score, sentences, matches, coverage: coverage(analyzed.units, matches), bestSentence, terms: reading.whole.terms };
}

/** A passage read for answering (its sentences, features and dates), read once and kept in the snapshot's cache. */
function readingOf(snapshot: Snapshot, passage: Passage): PassageReading {
  return snapshot.readings.get(passage.index, () => {
    const periodsOf = snapshot.periods.get(passage.article.id);
    const articlePeriods = periodsOf ? [...periodsOf.dated, ...periodsOf.mentioned] : [];
    return readPassageText(passage.article.title, passage.text, snapshot.glossary, articlePeriods);
  });
}

/**
 * Whether the question names something (its own words, not carried over) that neither the passage
 * (as the people of a place it names, "New Yorkers": `namesPeopleOf`) nor the first sentence of
 * its article has. That sentence names what the whole article is about:
 * "Who donated Rodin's works to the V&A?" is answered by a paragraph of the V&A's article that says
 * "the museum", since the article opens with "The Victoria and Albert Museum (often abbreviated as
 * the V&A)...". A name further down the first paragraph is one thing the article mentions, not its
 * subject (SQuAD: the whole first paragraph answered two more out-of-knowledge questions, and one
 * more answerable one, of 166 and 1,287 on the held-out half).
 */
function lacksName(snapshot: Snapshot, analyzed: AnalyzedQuestion, candidate: Candidate): boolean {
  let lead: Passage | null | undefined;
  for (let i = 0; i < analyzed.units.length; i++) {
    const unit = analyzed.units[i] as QueryUnit;
    if (unit.kind !== 'term' || !(unit.isName || unit.isNumber === true) || unit.carried || (candidate.matches[i] ?? 0) > 0) continue;
    if (namesPeopleOf(unit, candidate.terms)) continue;
    if (lead === undefined) {
      const first = passagesOf(snapshot, candidate.passage.article.id)[0];
      lead = first === undefined || first === candidate.passage ? null : first;
    }
    if (lead === null || !openingHas(snapshot, lead, unit)) return true;
  }
  return false;
}

/**
 * Whether the first sentence of an article's lead has a name of the question. The lead is read
 * (and its reading kept) only when its text holds the name as written: most leads looked at lack
 * it, and reading each was a tenth of a 10k-passage answer's garbage.
 */
function openingHas(snapshot: Snapshot, lead: Passage, unit: QueryUnit & { kind: 'term' }): boolean {
  const word = unit.words[0] ?? '';
  const written = POSSESSIVE.test(word) ? word.slice(0, word.length - 2) : word;
  if (!lead.text.includes(written)) return false;
  const opening = readingOf(snapshot, lead).sentences[0];
  return opening !== undefined && unitMatch(unit, opening.features) > 0;
}

/**
 * Whether a name of the question is the name of the people of a place the passage names: "New
 * Yorkers" for "New York", "Kenyans" for "Kenya", "Tibetans" for "Tibet". The passage's index term
 * begins the name as written, and what is left is an ending that makes a people of a place.
 */
function namesPeopleOf(unit: QueryUnit & { kind: 'term' }, terms: ReadonlySet<string>): boolean {
  const written = lowerWord(unit.words[0] ?? '');
  for (const term of terms) {
    const place = term.length >= MIN_PLACE_LENGTH && written.length > term.length && written.startsWith(term);
    if (place && PEOPLE_ENDING.test(written.slice(term.length))) return true;
  }
  return false;
}

/** Endings that make a people of a place ("-ers", "-ans", "-ese"), and the shortest place. */
const PEOPLE_ENDING = /^(?:n|an|ian|er|ese|i|ite)s?$/;
const MIN_PLACE_LENGTH = 4;

/**
 * Whether a sentence makes a better quote than another: one that covers enough of the question to
 * be quoted (`MIN_SENTENCE_COVERAGE`) beats one that does not, whatever their scores, so a
 * sentence that could never be quoted does not turn an answerable question into a decline.
 */
function betterSentence(read: ReadSentence, than: ReadSentence): boolean {
  const quotable = read.coverage >= MIN_SENTENCE_COVERAGE;
  const otherQuotable = than.coverage >= MIN_SENTENCE_COVERAGE;
  return quotable === otherQuotable ? read.score > than.score : quotable;
}

/** Whether another passage read has a sentence that scores higher than the best one of `best`. */
function outscored(best: Candidate, candidates: readonly Candidate[]): boolean {
  for (const candidate of candidates) if (candidate !== best && candidate.bestSentence.score > best.bestSentence.score) return true;
  return false;
}

function pickSentence(candidates: readonly Candidate[]): { passage: Candidate; sentence: Sentence; coverage: number } | undefined {
  let best: Candidate | undefined;
  for (const candidate of candidates) if (!best || betterSentence(candidate.bestSentence, best.bestSentence)) best = candidate;
  if (!best) return undefined;
  return { passage: best, sentence: best.bestSentence.sentence, coverage: best.bestSentence.coverage };
}

// ---------------------------------------------------------------------------------------------
// Citations and declines

/** What a snippet highlights: the question's words, and its glossary concepts wherever a phrase of theirs stands. */
interface Highlighting {
  readonly isQuestionWord: (token: Token) => boolean;
  readonly concepts: ReadonlySet<string>;
}

function highlightingOf(analyzed: AnalyzedQuestion): Highlighting {
  return {
    isQuestionWord: questionTokens(analyzed.units),
    concepts: new Set(analyzed.units.flatMap((unit) => (unit.kind === 'concept' ? [unit.concept] : []))),
  };
}

function citationOf(candidate: Candidate, sentence: Sentence, { isQuestionWord, concepts }: Highlighting): Citation {
  const text = candidate.passage.text;
  // Only the words the snippet shows are highlighted, so only its sentences are looked at.
  const window = snippetWindow(text, sentence);
  const ranges: Highlight[] = [];
  // Tokens' offsets are in the passage's text (see `PassageReading`).
  for (const read of candidate.sentences) {
    if (read.sentence.end <= window.start || read.sentence.start >= window.end) continue;
    for (const token of read.features.tokens) if (isQuestionWord(token)) ranges.push([token.start, token.end]);
    for (const match of read.features.conceptMatches) {
      const first = read.features.tokens[match.from];
      const last = read.features.tokens[match.to - 1];
      if (concepts.has(match.concept) && first && last) ranges.push([first.start, last.end]);
    }
  }
  const { snippet, highlights } = buildSnippet(text, sentence, mergeHighlights(text, ranges));
  return Object.assign(refOf(candidate.passage.article), {
    paragraph: candidate.passage.paragraph,
    snippet,
    highlights,
    score: Math.round(candidate.searchScore * 1000) / 1000,
  });
}

export function refOf(article: Article): ArticleRef {
  const { id, title, date, source, url } = article;
  return { id, title, date, source, ...(url === undefined ? {} : { url }) };
}

function articlesOf(passages: readonly Passage[]): ArticleRef[] {
  const refs = new Map<string, ArticleRef>();
  for (const passage of passages) if (!refs.has(passage.article.id)) refs.set(passage.article.id, refOf(passage.article));
  return [...refs.values()].slice(0, MAX_CITATIONS);
}

/** The articles dated nearest to a period, nearest first (ties in folder order). */
function nearestInTime(snapshot: Snapshot, period: Period, audience: Audience): ArticleRef[] {
  const byDistance = snapshot.articles
    .filter((article) => mayRead(audience, article))
    .map((article) => ({ article, distance: distanceInDays(period, article.date) }))
    .sort((a, b) => a.distance - b.distance);
  return byDistance.slice(0, MAX_CITATIONS).map(({ article }) => refOf(article));
}

/** The newest articles the audience may read. */
function newestArticles(snapshot: Snapshot, audience: Audience): ArticleRef[] {
  const refs: ArticleRef[] = [];
  for (const article of snapshot.articlesByDate) {
    if (refs.length === MAX_CITATIONS) break;
    if (mayRead(audience, article)) refs.push(refOf(article));
  }
  return refs;
}

/** Declines that reply to something other than a question: no list of articles goes with them. */
const NOT_A_QUESTION: ReadonlySet<DeclineReason> = new Set(['greeting', 'not-english']);

export function declined(
  snapshot: Snapshot,
  question: string,
  audience: Audience,
  decline: Decline,
  settings: Pick<AnswerSettings, 'suggest'> = {},
): Omit<Answer, 'tookMs'> {
  const nearest = decline.nearest.length > 0 || NOT_A_QUESTION.has(decline.reason) ? decline.nearest : newestArticles(snapshot, audience);
  const suggestions =
    settings.suggest === false || decline.reason === 'too-long'
      ? []
      : suggestQuestions(
          snapshot,
          audience,
          nearest.map((ref) => ref.id),
          (article) => mayRead(audience, article),
          suggestionAnswers(snapshot, audience),
        );
  const full: Decline = Object.assign({ ...decline, nearest }, suggestions.length > 0 ? { suggestions } : {});
  return {
    question,
    answered: false,
    answer: null,
    citations: [],
    decline: full,
    message: declineMessage(question, full),
    snapshotVersion: snapshot.version,
  };
}

/**
 * Looks for the suggestions a decline that found nothing near would offer each audience (those of
 * the newest articles): in a large knowledge base, their checks wait (see `rephrase.ts`).
 */
export function queueNewestSuggestions(snapshot: Snapshot): void {
  for (const audience of ['internal', 'public'] as const) {
    suggestQuestions(snapshot, audience, [], (article) => mayRead(audience, article), suggestionAnswers(snapshot, audience));
  }
}

/** Whether the knowledge answers a suggested question for an audience, and from the article it was drawn from. */
export function suggestionAnswers(snapshot: Snapshot, audience: Audience): AnswersFrom {
  return (suggestion, articleId) => {
    const reply = answerQuestion(snapshot, suggestion, audience, { maxQuestionLength: Number.POSITIVE_INFINITY, suggest: false });
    return reply.answered && reply.citations[0]?.id === articleId;
  };
}

export function declineMessage(question: string, decline: Decline): string {
  const list = decline.nearest.map((ref) => `${ref.title} (${ref.date})`).join('; ');
  const known = list ? ` The nearest articles I have: ${list}.` : ' The knowledge base has no articles yet.';
  // Telling the length limit is the whole answer; other declines point at what the bot does know.
  const quiet = decline.reason === 'too-long' || decline.reason === 'nothing-more' || NOT_A_QUESTION.has(decline.reason);
  const suggestions = decline.suggestions ?? [];
  const tryThese = suggestions.length > 0 ? `\nTry: ${suggestions.join(' / ')}` : '';
  return declineHeadline(question, decline) + (quiet ? '' : known) + tryThese;
}
