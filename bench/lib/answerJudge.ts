/**
 * Judging one quoted answer against SQuAD's gold: answer hit, passage hit at 1 and 3, declines,
 * and, for a miss, what kind of miss it is, so the next change to the engine is chosen from data.
 *
 * Paragraphs and sentences are cut by the engine's own splitters, so "the gold paragraph" and
 * "a sentence of it" mean what they mean to the engine.
 */
import type { LoadedKnowledge } from '../../src/core/index.js';
import { splitParagraphs } from '../../src/core/text/passages.js';
import { splitSentences } from '../../src/core/text/sentences.js';
import { holdsGold } from './answerMatch.js';

/** A paragraph of a knowledge article, cut as the engine cuts it. */
export interface BenchPassage {
  readonly articleId: string;
  readonly title: string;
  /** 1-based, as in the engine's citations. */
  readonly paragraph: number;
  readonly text: string;
  readonly sentences: readonly string[];
}

/** Every passage of the knowledge, and a way to find one by article title and paragraph. */
export interface BenchKnowledge {
  readonly passages: readonly BenchPassage[];
  /** The passage, or undefined when the article or paragraph does not exist. */
  passage(title: string, paragraph: number): BenchPassage | undefined;
}

export function benchKnowledgeOf(knowledge: LoadedKnowledge): BenchKnowledge {
  const passages: BenchPassage[] = [];
  const byKey = new Map<string, BenchPassage>();
  for (const article of knowledge.articles) {
    for (const { paragraph, text } of splitParagraphs(article.body)) {
      const passage = { articleId: article.id, title: article.title, paragraph, text, sentences: splitSentences(text).map((s) => s.text) };
      passages.push(passage);
      byKey.set(keyOf(article.title, paragraph), passage);
    }
  }
  return { passages, passage: (title, paragraph) => byKey.get(keyOf(title, paragraph)) };
}

// NFC, so a title typed with a decomposed accent still finds its article.
const keyOf = (title: string, paragraph: number): string => `${title.normalize('NFC')}\u0000${paragraph}`;

/** What a system replied, reduced to what is judged: the `ask --json` fields and the baselines' alike. */
export interface Reply {
  readonly answered: boolean;
  readonly answer: string | null;
  /** Best first; `id` is the article id. */
  readonly citations: readonly { readonly id: string; readonly paragraph: number }[];
}

/**
 * Why an answerable question was missed, checked in this order:
 * - `false-decline`: the system declined it;
 * - `split-across-sentences`: no single sentence of the gold paragraph, as the engine splits it,
 *   holds a gold text, though the paragraph does, so no quote could hit;
 * - `wrong-paragraph`: the first citation is not the gold paragraph;
 * - `wrong-sentence`: the gold paragraph is cited first but the quoted sentence lacks the gold text.
 * An out-of-knowledge question that was answered is `answered-out-of-knowledge`.
 */
export type MissKind = 'false-decline' | 'split-across-sentences' | 'wrong-paragraph' | 'wrong-sentence' | 'answered-out-of-knowledge';
export const MISS_KINDS: readonly MissKind[] = [
  'false-decline',
  'wrong-paragraph',
  'wrong-sentence',
  'split-across-sentences',
  'answered-out-of-knowledge',
];

export interface AnswerableJudgement {
  readonly answerHit: boolean;
  readonly passageAt1: boolean;
  readonly passageAt3: boolean;
  readonly declined: boolean;
  readonly miss: MissKind | undefined;
}

export interface Gold {
  readonly expect: readonly string[];
  /** The gold paragraph, cut by the engine's splitters. */
  readonly passage: BenchPassage;
}

export function judgeAnswerable(reply: Reply, gold: Gold): AnswerableJudgement {
  const isGold = (citation: Reply['citations'][number]): boolean =>
    citation.id === gold.passage.articleId && citation.paragraph === gold.passage.paragraph;
  const answerHit = reply.answered && reply.answer !== null && holdsGold(reply.answer, gold.expect);
  const passageAt1 = reply.answered && reply.citations.slice(0, 1).some(isGold);
  const passageAt3 = reply.answered && reply.citations.slice(0, 3).some(isGold);
  const declined = !reply.answered;
  return { answerHit, passageAt1, passageAt3, declined, miss: answerHit ? undefined : missKind(declined, passageAt1, gold) };
}

function missKind(declined: boolean, passageAt1: boolean, gold: Gold): MissKind {
  if (declined) return 'false-decline';
  if (isSplitAcrossSentences(gold)) return 'split-across-sentences';
  return passageAt1 ? 'wrong-sentence' : 'wrong-paragraph';
}

/** The gold text is in the paragraph but in none of its sentences: the splitter cut it. */
export function isSplitAcrossSentences(gold: Gold): boolean {
  return holdsGold(gold.passage.text, gold.expect) && !gold.passage.sentences.some((sentence) => holdsGold(sentence, gold.expect));
}

/** The first sentence of the gold paragraph that holds a gold text, if any: what a hit would quote. */
export function goldSentenceOf(gold: Gold): string | undefined {
  return gold.passage.sentences.find((sentence) => holdsGold(sentence, gold.expect));
}

export interface OutOfKnowledgeJudgement {
  readonly declined: boolean;
  readonly miss: MissKind | undefined;
}

export function judgeOutOfKnowledge(reply: Reply): OutOfKnowledgeJudgement {
  return { declined: !reply.answered, miss: reply.answered ? 'answered-out-of-knowledge' : undefined };
}
