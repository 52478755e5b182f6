import { contextAroundQuote, listsNearest } from '../../src/answerView.js';
import { declineHeadline, formatProblem, markSnippet, type Answer, type ArticleRef, type ReloadReport } from '../../src/core/index.js';

export interface RenderOptions {
  /** Bold with terminal escape codes; otherwise matched words are marked **like this**. */
  readonly color: boolean;
}

const BOLD = '\u001b[1m';
const NORMAL = '\u001b[22m';
const DIM = '\u001b[2m';

/**
 * An answer as plain text for a terminal: the quote and its sources (the first showing what
 * surrounds the quote, not the quote again), each article's `url` on the line below its title;
 * or the decline, with the nearest articles and questions to try.
 */
export function renderAnswer(answer: Answer, options: RenderOptions): string {
  const [open, close] = options.color ? [BOLD, NORMAL] : ['**', '**'];
  const dim = (text: string): string => (options.color ? `${DIM}${text}${NORMAL}` : text);
  const lines = answer.context ? [dim(`(${answer.context.reading})`)] : [];
  if (!answer.answered || answer.answer === null) return [...lines, ...declineLines(answer)].join('\n');

  const first = answer.citations[0];
  lines.push(`“${answer.answer}”`);
  if (first) lines.push(dim(`   — ${first.title} (${first.date}), paragraph ${first.paragraph}`), ...urlLine(first, '     ', dim));
  for (const other of answer.alternatives ?? []) {
    lines.push('', `Also, in ${other.citation.title} (${other.citation.date}):`, `“${other.answer}”`);
    lines.push(dim(`   — paragraph ${other.citation.paragraph}`), ...urlLine(other.citation, '     ', dim));
  }
  lines.push('', 'Sources:');
  answer.citations.forEach((citation, i) => {
    lines.push(` ${i + 1}. ${citation.title} · ${citation.date} · paragraph ${citation.paragraph}`, ...urlLine(citation, '    ', dim));
    const shown = i === 0 ? contextAroundQuote(citation, answer.answer ?? '') : citation;
    if (shown) lines.push(`    ${markSnippet(shown.snippet, shown.highlights, open, close)}`);
  });
  return lines.join('\n');
}

function urlLine(ref: Pick<ArticleRef, 'url'>, indent: string, dim: (text: string) => string): string[] {
  return ref.url ? [dim(`${indent}${ref.url}`)] : [];
}

/** The decline's headline, the nearest articles (for declines that list them), and questions to try. */
function declineLines(answer: Answer): string[] {
  const decline = answer.decline;
  if (!decline) return [answer.message];
  const lines = [declineHeadline(answer.question, decline)];
  if (listsNearest(decline)) {
    lines.push('', 'The nearest articles I have:');
    for (const ref of decline.nearest) lines.push(`  • ${ref.title} (${ref.date})`, ...(ref.url ? [`    ${ref.url}`] : []));
  }
  const suggestions = decline.suggestions ?? [];
  if (suggestions.length > 0) lines.push('', 'Try:', ...suggestions.map((question) => `  • ${question}`));
  return lines;
}

/** A reload report as plain text: what changed, or why nothing did. */
export function renderReloadReport(report: ReloadReport): string {
  const list = (ids: readonly string[]): string => (ids.length === 0 ? 'none' : ids.join(', '));
  const lines: string[] = [];
  if (report.applied) {
    lines.push(
      `Reloaded in ${report.tookMs} ms: ${report.before.articles} → ${report.after.articles} articles, ` +
        `${report.before.passages} → ${report.after.passages} passages.`,
      `Added: ${list(report.added)}. Changed: ${list(report.changed)}. Removed: ${list(report.removed)}.`,
    );
  } else if (report.dryRun && report.errors.length === 0) {
    lines.push(
      `Dry run, nothing changed. A reload would make ${report.before.articles} → ${report.after.articles} articles:`,
      `Added: ${list(report.added)}. Changed: ${list(report.changed)}. Removed: ${list(report.removed)}.`,
    );
  } else {
    lines.push(
      `${report.dryRun ? 'Dry run: a reload would be refused' : 'Reload refused'}: still serving the previous knowledge (${report.before.articles} articles, ` +
        `${report.before.passages} passages). Fix these and reload again:`,
      ...report.errors.map((problem) => `  ${formatProblem(problem)}`),
    );
  }
  if (report.warnings.length > 0) lines.push('Warnings:', ...report.warnings.map((w) => `  ${formatProblem(w)}`));
  return lines.join('\n');
}
