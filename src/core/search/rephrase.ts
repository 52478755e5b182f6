import type { Article, Audience } from '../types.js';
import type { QueryUnit } from './query.js';
import { articleById, type Snapshot } from './snapshot.js';

/**
 * What a decline offers to help the asker rephrase: the few words of the question that matter
 * and found nothing, and questions the knowledge can answer, drawn from the nearest articles.
 */

/** A decline names at most this many of the words that found nothing. */
export const MAX_NAMED_WORDS = 3;
/** ...and suggests at most this many questions. */
export const MAX_SUGGESTIONS = 3;
/** Articles tried for suggestions, nearest first, before giving up. */
const ARTICLES_TRIED = 6;
/**
 * Of those, articles whose suggestion was never checked before, checked while the decline waits:
 * checking one is answering it, a whole search, and in a large knowledge base the nearest articles
 * differ from one decline to the next, so a decline could cost six answers. Later declines reuse
 * what earlier ones checked.
 */
const NEW_CHECKS = 2;
/**
 * Past this many passages a check costs more than a millisecond (an answer at 100k passages takes
 * several): a decline checks nothing while it waits. It offers the suggestions checked before,
 * and the articles it would have checked wait for `checkPendingSuggestion`, which the engine runs
 * after the reply. (At 100k passages, one pass over the SciFact claims: declines' p50 15.7 ms
 * with two checks each, 5.1 ms without.)
 */
export const WAITING_CHECKS_UP_TO_PASSAGES = 2000;

/**
 * Words that shape a request but rarely name its subject ("preparing a note for next month"):
 * a decline names them only when nothing more telling found nothing.
 */
const VAGUE_WORDS: ReadonlySet<string> = new Set(
  (
    'today tomorrow yesterday now next last previous recent recently month months week weeks year years day days ' +
    'time times current currently soon later regarding concerning prepare preparing prepared meet meeting note ' +
    'notes head help need needs needed look looking ask asking asked question questions answer answers make made ' +
    'use used able really actually basically thing things stuff way ways lot lots kind sort maybe perhaps ' +
    'discuss discussed discussing new old good best better great'
  ).split(' '),
);

/**
 * The few words of a question that found nothing and say most about what it asks: names first,
 * then the word after "which"/"what", then longer, rarer-looking words before vague ones; in the
 * order the question has them.
 */
export function namedUnmatchedWords(unmatched: readonly QueryUnit[]): string[] {
  const ranked = unmatched.flatMap((unit, position) => {
    if (unit.kind === 'period') return [{ words: unit.words, rank: 1000, position }];
    const word = unit.words.join(' ');
    const lower = word.toLowerCase();
    let rank = Math.min(word.length, 12);
    if (unit.kind === 'term' && unit.isName) rank += 100;
    if (unit.focus) rank += 20;
    if (VAGUE_WORDS.has(lower) || /['’]/.test(word)) rank -= 50;
    return [{ words: unit.words, rank, position }];
  });
  return ranked
    .sort((a, b) => b.rank - a.rank || a.position - b.position)
    .slice(0, MAX_NAMED_WORDS)
    .sort((a, b) => a.position - b.position)
    .flatMap((entry) => entry.words);
}

/** A question about an article that it answers itself: what the suggestion offers. */
export function questionAbout(article: Article): string {
  return `What does “${article.title}” say?`;
}

/**
 * Whether the knowledge answers a suggested question from the article it was drawn from, for
 * an audience. Given by the caller (the engine's own answering), so a suggestion is never a
 * question the bot would decline.
 */
export type AnswersFrom = (question: string, articleId: string) => boolean;

/** Per snapshot: each (audience, article) checked, with its suggestion or null; and those to check. */
interface Checks {
  readonly done: Map<string, string | null>;
  readonly pending: Map<string, { readonly audience: Audience; readonly id: string }>;
}

const checks = new WeakMap<Snapshot, Checks>();

function checksOf(snapshot: Snapshot): Checks {
  let found = checks.get(snapshot);
  if (found === undefined) {
    found = { done: new Map(), pending: new Map() };
    checks.set(snapshot, found);
  }
  return found;
}

/** How many suggestions wait to be checked in a snapshot. */
export function pendingSuggestionChecks(snapshot: Snapshot): number {
  return checks.get(snapshot)?.pending.size ?? 0;
}

/**
 * Checks one waiting suggestion, the oldest; `answersFrom` answers for an audience. Returns
 * whether more wait.
 */
export function checkPendingSuggestion(snapshot: Snapshot, answersFrom: (audience: Audience) => AnswersFrom): boolean {
  const { done, pending } = checksOf(snapshot);
  const next = pending.entries().next();
  if (next.done) return false;
  const [key, { audience, id }] = next.value;
  pending.delete(key);
  const article = articleById(snapshot, id);
  if (article !== undefined && !done.has(key)) {
    const question = questionAbout(article);
    done.set(key, answersFrom(audience)(question, id) ? question : null);
  }
  return pending.size > 0;
}

/**
 * Two or three questions the knowledge can answer, one per article, from the given articles
 * first (the nearest to what was asked) and then the newest, only from articles the audience
 * may read. Each is checked once per snapshot: a suggestion is a question the bot answers. In a
 * large knowledge base none is checked here: those not checked yet wait for
 * `checkPendingSuggestion` (see WAITING_CHECKS_UP_TO_PASSAGES).
 */
export function suggestQuestions(
  snapshot: Snapshot,
  audience: Audience,
  nearestIds: readonly string[],
  mayRead: (article: Article) => boolean,
  answersFrom: AnswersFrom,
): string[] {
  const { done: cache, pending } = checksOf(snapshot);
  const waitingChecks = snapshot.passages.length <= WAITING_CHECKS_UP_TO_PASSAGES ? NEW_CHECKS : 0;
  const suggestions: string[] = [];
  const seen = new Set<string>();
  let tried = 0;
  let newChecks = 0;
  /** Considers one article; true once no more are wanted. */
  const consider = (id: string): boolean => {
    if (seen.has(id)) return false;
    seen.add(id);
    const article = articleById(snapshot, id);
    if (article === undefined || !mayRead(article)) return false;
    if (suggestions.length === MAX_SUGGESTIONS || tried === ARTICLES_TRIED) return true;
    tried += 1;
    const key = `${audience}\u0000${id}`;
    let suggestion = cache.get(key);
    if (suggestion === undefined) {
      if (newChecks === waitingChecks) {
        pending.set(key, { audience, id });
        return false;
      }
      newChecks += 1;
      const question = questionAbout(article);
      suggestion = answersFrom(question, id) ? question : null;
      cache.set(key, suggestion);
    }
    if (suggestion !== null) suggestions.push(suggestion);
    return false;
  };
  // The nearest articles first, then the newest, until two or three are found.
  for (const id of nearestIds) if (consider(id)) return suggestions;
  for (const article of snapshot.articlesByDate) if (consider(article.id)) break;
  return suggestions;
}
