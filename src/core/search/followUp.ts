import { tokenize, type Token } from '../text/analyze.js';
import { looksNotEnglish } from '../text/language.js';
import { smallTalkOf } from '../text/smallTalk.js';
import { QUESTION_FILLERS } from '../text/stopWords.js';
import type { Answer, AnswerContext, ArticleRef, Audience, ConversationTurn, Citation } from '../types.js';
import { answerQuestion, declined, refOf, type AnswerSettings } from './answer.js';
import { mayRead } from './retrieve.js';
import { findPeriods, wantedKeys, type Period } from './periods.js';
import { articleById, passagesOf, type Passage, type Snapshot } from './snapshot.js';

/**
 * Follow-up questions. A question that points back ("who conducted it?", "and in 2017?", "what
 * about the 2018 one?") is answered with the previous question's subject and article weighing
 * in below its own words; "tell me more" goes on with the next paragraph of the article quoted
 * last. A question that stands on its own is answered exactly as without a conversation, so a
 * change of topic is a new question.
 */

/** Words that stand for something said before. */
const PRONOUNS = new Set(['it', 'its', 'they', 'them', 'their', 'theirs', 'he', 'she', 'him', 'her', 'his', 'hers', 'there']);
/** "that"/"this" point back at the end of a question or after a verb ("where was that?"), not before a noun. */
const DEMONSTRATIVES = new Set(['that', 'this', 'those', 'these']);
const AUXILIARIES = new Set(['is', 'was', 'were', 'are', 'did', 'does', 'do', 'about', 'of', 'in', 'for', 'after', 'before', 'from']);
/** "and in 2017?", "what about employment?", "how about the 2018 one?": a question that only changes a part. */
const CONTINUATION = /^\s*(and|also|but|so|then|what about|how about|what of|same for|and what about)\b/i;
/** "the 2018 one", "the other one", "that one". */
const ONE = /\b(one|ones)\b/i;
/** "Tell me more", "more", "go on": the next paragraph. */
const MORE = /^\s*(please\s+)?(tell me more|more|go on|continue|keep going|what else|anything else|and then|more please|say more|tell me more about (it|that|this))(,?\s*please)?\s*[.!?]*\s*$/i;

/** How a question relates to the conversation before it. */
export type Reading =
  | { readonly kind: 'alone' }
  | { readonly kind: 'more' }
  /** It points back: `marker` is the word or phrase that does, for the reading shown to people. */
  | { readonly kind: 'follow-up'; readonly marker: string };

/** Whether a question stands alone, asks for more, or points back at the previous one. */
export function readQuestion(question: string): Reading {
  if (MORE.test(question)) return { kind: 'more' };
  const tokens = tokenize(question);
  const pointer = tokens.find((token, i) => pointsBack(tokens, i));
  if (pointer) return { kind: 'follow-up', marker: pointer.surface };
  const continuation = CONTINUATION.exec(question);
  if (continuation) return { kind: 'follow-up', marker: (continuation[1] as string).toLowerCase() };
  const one = ONE.exec(question);
  if (one && /\bthe\b|\bthat\b/i.test(question)) return { kind: 'follow-up', marker: one[0] };
  // "When?", "Where?", "Who?": nothing but a question word.
  if (tokens.length > 0 && tokens.every((token) => token.stop || QUESTION_FILLERS.has(token.lower))) {
    return { kind: 'follow-up', marker: question.trim() };
  }
  return { kind: 'alone' };
}

function pointsBack(tokens: readonly Token[], i: number): boolean {
  const token = tokens[i] as Token;
  // "Are there any…", "Is there…": "there" as the subject of "be" does not point anywhere.
  if (token.lower === 'there') return i > 0 && !/^(is|are|was|were)$/.test((tokens[i - 1] as Token).lower);
  if (PRONOUNS.has(token.lower)) return true;
  if (!DEMONSTRATIVES.has(token.lower)) return false;
  const next = tokens[i + 1];
  const previous = tokens[i - 1];
  return next === undefined || (previous !== undefined && AUXILIARIES.has(previous.lower) && (next.stop || findPeriods(next.surface).length === 0));
}

/**
 * Answers a question in its conversation. Without earlier turns, or for a question that stands
 * alone, this is `answerQuestion` itself.
 */
export function answerInConversation(
  snapshot: Snapshot,
  question: string,
  audience: Audience,
  settings: AnswerSettings,
  context: readonly ConversationTurn[] = [],
): Omit<Answer, 'tookMs'> {
  // "Hi" and a question in another language are answered as they are, whatever came before;
  // and a "thanks" in between does not end the conversation it thanks for. (Without a turn
  // before, `answerQuestion` tells the language itself: it is not looked at twice.)
  if (smallTalkOf(question.trim()) !== undefined) return answerQuestion(snapshot, question, audience, settings);
  const previous = context.findLast((turn) => smallTalkOf(turn.question) === undefined);
  if (previous !== undefined && looksNotEnglish(question)) return answerQuestion(snapshot, question, audience, settings);
  const reading = readQuestion(question);
  if (reading.kind === 'more') return more(snapshot, question.trim(), audience, previous);
  if (previous === undefined || reading.kind === 'alone') return answerQuestion(snapshot, question, audience, settings);

  // A period named now replaces the earlier one; everything else of the earlier subject carries over.
  const ownPeriods = findPeriods(question);
  const previousArticle = previous.articleId === undefined ? undefined : articleById(snapshot, previous.articleId);
  const visibleArticle = previousArticle !== undefined && mayRead(audience, previousArticle) ? previousArticle.id : undefined;
  const carried = {
    words: previous.subject,
    question: previous.question,
    ...(ownPeriods.length > 0 || previous.period === undefined ? {} : { period: previous.period }),
    // "The 2018 one": "one" only points back; it is not asked for.
    ...(ONE.test(question) ? { pointers: ['one', 'ones'] } : {}),
  };
  // "And in 2017?" asks the same of another article: not the one just quoted, unless it is dated then.
  const changedPeriod = ownPeriods.length > 0 && !ownPeriods.some((p) => p.text === previous.period);
  const avoid = changedPeriod && visibleArticle !== undefined && !datedIn(snapshot, visibleArticle, ownPeriods) ? visibleArticle : undefined;
  const preferred = avoid === undefined && visibleArticle !== undefined ? { preferArticle: visibleArticle } : {};
  // Without a period of its own, "it" is first looked for in the article just quoted; another
  // article answers only when that one can't. With a new period, another article is looked for first.
  const first =
    avoid !== undefined ? { avoidArticle: avoid } : ownPeriods.length === 0 && visibleArticle !== undefined ? { onlyArticle: visibleArticle } : undefined;
  let answer = answerQuestion(snapshot, question, audience, settings, { carried, ...preferred, ...first });
  if (first !== undefined && !answer.answered) answer = answerQuestion(snapshot, question, audience, settings, { carried, ...preferred });
  const carriedWords = [...previous.subject, ...(carried.period === undefined ? [] : [carried.period])];
  if (carriedWords.length === 0) return answer;
  const used: AnswerContext = {
    kind: 'follow-up',
    reading: readingText(reading.marker, carriedWords),
    carried: carriedWords,
    ...(visibleArticle === undefined ? {} : { articleId: visibleArticle }),
  };
  // Object.assign, not `{ ...a, more }`: see SEARCH_OPTION_DEFAULTS (snapshot.ts).
  return Object.assign(answer, { context: used, message: `${answer.message}\n(${used.reading})` });
}

function datedIn(snapshot: Snapshot, articleId: string, periods: readonly Period[]): boolean {
  const dated = snapshot.periods.get(articleId)?.dated;
  return dated !== undefined && periods.some((period) => wantedKeys(period).some((key) => dated.has(key)));
}

function readingText(marker: string, carried: readonly string[]): string {
  const words = carried.join(' ');
  return /^[\p{L}’']+$/u.test(marker) && marker.length <= 6 && !/^(and|also|but|so|then|what|how|same)$/i.test(marker)
    ? `Reading “${marker}” as: ${words}`
    : `Reading this as a follow-up about: ${words}`;
}

/** "Tell me more": the paragraph after the one quoted last, in the same article, quoted whole and cited. */
function more(snapshot: Snapshot, question: string, audience: Audience, previous: ConversationTurn | undefined): Omit<Answer, 'tookMs'> {
  const article = previous?.articleId === undefined ? undefined : articleById(snapshot, previous.articleId);
  if (previous === undefined || article === undefined || !mayRead(audience, article)) {
    return { ...declined(snapshot, question, audience, { reason: 'nothing-more', unmatchedTerms: [], nearest: [] }), turn: { question, subject: [] } };
  }
  const passages = passagesOf(snapshot, article.id);
  const next = passages.find((p) => p.paragraph > (previous.paragraph ?? 0));
  const ref: ArticleRef = refOf(article);
  const context: AnswerContext = {
    kind: 'more',
    reading: `Going on with “${article.title}” (${article.date})`,
    carried: [],
    articleId: article.id,
  };
  if (next === undefined) {
    return {
      ...declined(snapshot, question, audience, { reason: 'nothing-more', unmatchedTerms: [], nearest: [ref] }),
      context,
      turn: { ...previous, question },
    };
  }
  const citations = [citationOfWhole(next)];
  const after = passages.find((p) => p.paragraph > next.paragraph);
  if (after) citations.push(citationOfWhole(after));
  return {
    question,
    answered: true,
    answer: next.text,
    citations,
    message: `“${next.text}”\n— ${article.title} (${article.date}), paragraph ${next.paragraph}`,
    snapshotVersion: snapshot.version,
    context,
    turn: { ...previous, question, paragraph: next.paragraph },
  };
}

function citationOfWhole(passage: Passage): Citation {
  return Object.assign(refOf(passage.article), { paragraph: passage.paragraph, snippet: passage.text, highlights: [], score: 0 });
}
