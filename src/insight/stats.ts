import { indexTerms } from '../core/index.js';
import type { LogEntry, QuestionEntry } from './questionLog.js';

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
  readonly votes: { readonly helpful: number; readonly notHelpful: number };
  /** Question texts are not logged (QUESTION_LOG_TEXT=false), so declines can't be grouped by words. */
  readonly textLogged: boolean;
}

const DURATION = /^(\d+)\s*(m|h|d|w)$/i;
const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** "7d", "24h", "30m", "2w" → milliseconds; throws with the accepted forms otherwise. */
export function parseDuration(text: string): number {
  const match = DURATION.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a duration: use a number and m, h, d or w, like 7d or 24h`);
  return Number(match[1]) * (UNIT_MS[(match[2] as string).toLowerCase()] as number);
}

export function summarize(entries: readonly LogEntry[], since?: Date, limit = 10): InsightReport {
  const from = since?.getTime() ?? -Infinity;
  const recent = entries.filter((entry) => Date.parse(entry.at) >= from);
  const questions = recent.filter((entry): entry is QuestionEntry => entry.type === 'question');
  const votes = recent.filter((entry) => entry.type === 'vote');

  const byPlatform: Record<string, number> = {};
  for (const q of questions) byPlatform[q.platform] = (byPlatform[q.platform] ?? 0) + 1;

  const articles = new Map<string, number>();
  for (const q of questions) if (q.answered && q.topArticle) articles.set(q.topArticle.title, (articles.get(q.topArticle.title) ?? 0) + 1);

  const groups = new Map<string, { example: string; count: number; reason: string }>();
  for (const q of questions) {
    if (q.answered) continue;
    const text = q.question ?? '(question text not logged)';
    // Questions with the same words (stemmed, any order, any case) are the same question.
    const key = q.question === undefined ? `#${q.reason}` : [...new Set(indexTerms(text))].sort().join(' ') || text.toLowerCase();
    const group = groups.get(key) ?? { example: text, count: 0, reason: q.reason ?? 'declined' };
    group.count += 1;
    groups.set(key, group);
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
      helpful: votes.filter((v) => v.type === 'vote' && v.helpful).length,
      notHelpful: votes.filter((v) => v.type === 'vote' && !v.helpful).length,
    },
    textLogged: questions.every((q) => q.question !== undefined),
  };
}

/** The report as plain text lines, for the terminal and as the body of chat renderings. */
export function renderInsight(report: InsightReport): string {
  const share = report.questions === 0 ? 0 : Math.round((100 * report.answered) / report.questions);
  const platforms = Object.entries(report.byPlatform).map(([name, count]) => `${name} ${count}`).join(', ') || 'none';
  const lines = [
    `Questions${report.since ? ` since ${report.since.toISOString().slice(0, 16).replace('T', ' ')} UTC` : ''}: ${report.questions} (${platforms})`,
    `Answered: ${report.answered} (${share}%) · declined: ${report.questions - report.answered}`,
    `Votes: ${report.votes.helpful} helpful, ${report.votes.notHelpful} not helpful`,
    '',
    'Most asked about:',
    ...(report.topArticles.length > 0 ? report.topArticles.map((a) => `  ${a.count} × ${a.title}`) : ['  (nothing answered yet)']),
    '',
    'Declined questions (write an article for these):',
    ...(report.declined.length > 0 ? report.declined.map((d) => `  ${d.count} × ${d.example}  [${d.reason}]`) : ['  (none)']),
  ];
  return lines.join('\n');
}
