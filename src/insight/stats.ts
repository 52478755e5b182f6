import { indexTerms } from '../core/index.js';
import type { KnowledgeEntry, LogEntry, QuestionEntry, VoteEntry } from './questionLog.js';

/** What admins see: how much is asked, how much answered, what about, and what found nothing. */
export interface InsightReport {
  readonly since: Date | undefined;
  readonly questions: number;
  readonly answered: number;
  readonly byPlatform: Readonly<Record<string, number>>;
  /** Articles that answered most, most first. */
  readonly topArticles: readonly { readonly title: string; readonly count: number }[];
  /** Declined questions grouped by their words, most asked first: the articles to write next. */
  readonly declined: readonly { readonly example: string; readonly count: number; readonly reason: string }[];
  /** Votes on answers. */
  readonly votes: { readonly helpful: number; readonly notHelpful: number };
  /** Votes on declines: "this should have been answered", and "right, it isn't covered". */
  readonly declineVotes: { readonly shouldAnswer: number; readonly right: number };
  /**
   * Declined questions that someone voted "this should have been answered", grouped by their words,
   * most votes first: the declines to check before anything else.
   */
  readonly shouldHaveAnswered: readonly { readonly example: string; readonly votes: number; readonly reason: string }[];
  /** Question texts are not logged (QUESTION_LOG_TEXT=false), so declines can't be grouped by words. */
  readonly textLogged: boolean;
  /** Articles added or changed from chat, newest first. */
  readonly knowledgeChanges: readonly { readonly at: string; readonly articleId: string; readonly action: 'added' | 'changed'; readonly platform: string; readonly file: string }[];
}

const DURATION = /^(\d+)\s*(m|h|d|w)$/i;
const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** "7d", "24h", "30m", "2w" → milliseconds; throws with the accepted forms otherwise. */
export function parseDuration(text: string): number {
  const match = DURATION.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a duration: use a number and m, h, d or w, like 7d or 24h`);
  return Number(match[1]) * (UNIT_MS[(match[2] as string).toLowerCase()] as number);
}

/** Questions with the same words (stemmed, any order, any case) are the same question. */
function questionKey(q: QuestionEntry): string {
  if (q.question === undefined) return `#${q.reason}`;
  return [...new Set(indexTerms(q.question))].sort().join(' ') || q.question.toLowerCase();
}

export function summarize(entries: readonly LogEntry[], since?: Date, limit = 10): InsightReport {
  const from = since?.getTime() ?? -Infinity;
  const recent = entries.filter((entry) => Date.parse(entry.at) >= from);
  const questions = recent.filter((entry): entry is QuestionEntry => entry.type === 'question');
  const votes = recent.filter((entry): entry is VoteEntry => entry.type === 'vote');
  // A vote joins its question by id, wherever the question is: it may be older than `since`.
  const asked = new Map<string, QuestionEntry>();
  for (const entry of entries) if (entry.type === 'question') asked.set(entry.questionId, entry);

  const byPlatform: Record<string, number> = {};
  for (const q of questions) byPlatform[q.platform] = (byPlatform[q.platform] ?? 0) + 1;

  const articles = new Map<string, number>();
  for (const q of questions) if (q.answered && q.topArticle) articles.set(q.topArticle.title, (articles.get(q.topArticle.title) ?? 0) + 1);

  const groups = new Map<string, { example: string; count: number; reason: string }>();
  for (const q of questions) {
    if (q.answered) continue;
    const key = questionKey(q);
    const group = groups.get(key) ?? { example: q.question ?? '(question text not logged)', count: 0, reason: q.reason ?? 'declined' };
    group.count += 1;
    groups.set(key, group);
  }

  const onAnswers = votes.filter((v) => asked.get(v.questionId)?.answered !== false);
  const onDeclines = votes.filter((v) => asked.get(v.questionId)?.answered === false);
  const wrongDeclines = new Map<string, { example: string; votes: number; reason: string }>();
  const counted = new Set<string>();
  for (const v of onDeclines) {
    const q = asked.get(v.questionId) as QuestionEntry;
    // One person's repeated clicks on the same reply count once.
    if (v.helpful || counted.has(`${v.questionId} ${v.user}`)) continue;
    counted.add(`${v.questionId} ${v.user}`);
    const key = questionKey(q);
    const group = wrongDeclines.get(key) ?? { example: q.question ?? '(question text not logged)', votes: 0, reason: q.reason ?? 'declined' };
    group.votes += 1;
    wrongDeclines.set(key, group);
  }

  const mostFirst = <T extends { count: number }>(list: T[]): T[] => list.sort((a, b) => b.count - a.count).slice(0, limit);
  return {
    since,
    questions: questions.length,
    answered: questions.filter((q) => q.answered).length,
    byPlatform,
    topArticles: mostFirst([...articles].map(([title, count]) => ({ title, count }))),
    declined: mostFirst([...groups.values()]),
    votes: {
      helpful: onAnswers.filter((v) => v.helpful).length,
      notHelpful: onAnswers.filter((v) => !v.helpful).length,
    },
    declineVotes: {
      shouldAnswer: onDeclines.filter((v) => !v.helpful).length,
      right: onDeclines.filter((v) => v.helpful).length,
    },
    shouldHaveAnswered: [...wrongDeclines.values()].sort((a, b) => b.votes - a.votes).slice(0, limit),
    textLogged: questions.every((q) => q.question !== undefined),
    knowledgeChanges: recent
      .filter((entry): entry is KnowledgeEntry => entry.type === 'knowledge')
      .reverse()
      .slice(0, limit)
      .map(({ at, articleId, action, platform, file }) => ({ at, articleId, action, platform, file })),
  };
}

/** The report as plain text lines, for the terminal and as the body of chat renderings. */
export function renderInsight(report: InsightReport): string {
  const share = report.questions === 0 ? 0 : Math.round((100 * report.answered) / report.questions);
  const platforms = Object.entries(report.byPlatform).map(([name, count]) => `${name} ${count}`).join(', ') || 'none';
  const lines = [
    `Questions${report.since ? ` since ${report.since.toISOString().slice(0, 16).replace('T', ' ')} UTC` : ''}: ${report.questions} (${platforms})`,
    `Answered: ${report.answered} (${share}%) · declined: ${report.questions - report.answered}`,
    `Votes: ${report.votes.helpful} helpful, ${report.votes.notHelpful} not helpful` +
      ` · on declines: ${report.declineVotes.shouldAnswer} should have been answered, ${report.declineVotes.right} rightly declined`,
    '',
    'Most asked about:',
    ...(report.topArticles.length > 0 ? report.topArticles.map((a) => `  ${a.count} × ${a.title}`) : ['  (nothing answered yet)']),
    '',
    'Declined questions (write an article for these):',
    ...(report.declined.length > 0 ? report.declined.map((d) => `  ${d.count} × ${d.example}  [${d.reason}]`) : ['  (none)']),
    '',
    'Declined, but voted "this should have been answered" (check these first):',
    ...(report.shouldHaveAnswered.length > 0
      ? report.shouldHaveAnswered.map((d) => `  ${d.votes} vote${d.votes === 1 ? '' : 's'} · ${d.example}  [${d.reason}]`)
      : ['  (none)']),
    '',
    'Knowledge changes from chat (newest first):',
    ...(report.knowledgeChanges.length > 0
      ? report.knowledgeChanges.map((c) => `  ${c.at.slice(0, 16).replace('T', ' ')} UTC · ${c.action} ${c.articleId} (${c.file}, ${c.platform})`)
      : ['  (none)']),
  ];
  return lines.join('\n');
}
