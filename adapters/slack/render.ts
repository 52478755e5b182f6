import type { types } from '@slack/bolt';
import { contextAroundQuote, listsNearest, takesDeclineVotes } from '../../src/answerView.js';
import { declineHeadline, formatProblem, markSnippet, type Answer, type ArticleRef, type ReloadReport } from '../../src/core/index.js';
import { describeReplicas } from '../../src/store/replicaText.js';
import type { SharedReloadReport } from '../../src/store/types.js';
import type { ImportPreview } from '../../src/chatImport.js';
import { renderInsight, type InsightReport } from '../../src/insight/stats.js';
import { trimText } from '../../src/replyText.js';

type KnownBlock = types.KnownBlock;

/**
 * What chat.postMessage and respond() take: blocks, and text for notifications and old clients.
 * Slack reads `text` as mrkdwn too, so it is escaped like the blocks.
 */
export interface SlackMessage {
  readonly text: string;
  readonly blocks: KnownBlock[];
}

// Slack's limits: a section's text, a context element's text, the blocks of one message.
export const SECTION_TEXT_LIMIT = 3000;
export const CONTEXT_TEXT_LIMIT = 2000;
export const MAX_BLOCKS = 50;
const FALLBACK_TEXT_LIMIT = 3000;
const QUESTION_ECHO_LIMIT = 200;

/**
 * Escapes the three characters mrkdwn treats as markup, so text from a user or an article can
 * never become a mention (`<!channel>`), a link or a user reference.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text: trimText(text, SECTION_TEXT_LIMIT) } });
const context = (text: string): KnownBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text: trimText(text, CONTEXT_TEXT_LIMIT) }] });

/**
 * An article's title, escaped, linked to the article's `url` when it has a web address: staff can
 * open the source. Only http(s) addresses become links, and `|` (which would end the address) is
 * percent-encoded, so neither the title nor the address can turn into other markup.
 */
export function slackTitle(ref: Pick<ArticleRef, 'title' | 'url'>): string {
  const title = escapeMrkdwn(ref.title);
  const url = safeUrl(ref.url);
  return url ? `<${url}|${title}>` : title;
}

function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
    return escapeMrkdwn(parsed.href.replace(/\|/g, '%7C'));
  } catch {
    return undefined;
  }
}

/**
 * An answer as Block Kit: how a follow-up was read (when earlier turns were used), the quoted
 * sentence and its source, other articles' sentences when the question fits several, up to three
 * citations with the matched words in bold (the first shows what surrounds the quote, not the
 * quote again), and a context line echoing the question. Article titles link to their `url`.
 * A decline says so plainly, lists the articles the knowledge base does have and questions to
 * rephrase with, and (with a question id) asks whether it should have been answered.
 */
export function renderSlackAnswer(answer: Answer, questionId?: string): SlackMessage {
  const echo = `Asked: “${escapeMrkdwn(trimText(answer.question.replace(/\s+/g, ' '), QUESTION_ECHO_LIMIT))}”`;
  if (!answer.answered || answer.answer === null) {
    const decline = answer.decline;
    const headline = decline ? declineHeadline(answer.question, decline) : answer.message;
    const blocks = [...reading(answer), section(escapeMrkdwn(headline))];
    if (decline && listsNearest(decline)) {
      const list = decline.nearest.map((ref) => `• *${slackTitle(ref)}* (${ref.date})`).join('\n');
      blocks.push(section(`The knowledge base covers:\n${list}`));
    }
    const suggestions = decline?.suggestions ?? [];
    if (suggestions.length > 0) blocks.push(section(`Try:\n${suggestions.map((q) => `• ${escapeMrkdwn(q)}`).join('\n')}`));
    blocks.push(context(`${echo} · \`/apo help\` for what I can do`));
    if (questionId !== undefined && takesDeclineVotes(decline)) blocks.push(declineVoteButtons(questionId));
    return { text: fallbackText(answer.message), blocks };
  }

  const quote = answer.answer.replace(/\s+/g, ' ');
  const first = answer.citations[0];
  const blocks: KnownBlock[] = [...reading(answer), section(`>${escapeMrkdwn(trimText(quote, SECTION_TEXT_LIMIT - 10))}`)];
  if (first) blocks.push(context(`From *${slackTitle(first)}* (${first.date}), paragraph ${first.paragraph}`));
  // Whatever the rest of the message takes (divider, three citations, echo, buttons), the
  // alternatives get what is left of the block limit.
  const room = MAX_BLOCKS - blocks.length - 1 - Math.min(answer.citations.length, 3) - 1 - (questionId === undefined ? 0 : 1);
  blocks.push(...alternatives(answer, room));
  blocks.push({ type: 'divider' });
  answer.citations.slice(0, 3).forEach((citation, i) => {
    const shown = i === 0 ? contextAroundQuote(citation, quote) : citation;
    const reference = `*${i + 1}. ${slackTitle(citation)}* · ${citation.date} · paragraph ${citation.paragraph}`;
    const snippet = shown ? `\n${markSnippet(shown.snippet, shown.highlights, '*', '*', escapeMrkdwn).replace(/\s*\n\s*/g, ' ')}` : '';
    blocks.push(section(`${reference}${snippet}`));
  });
  blocks.push(context(`${echo} · quoted from the APO knowledge base`));
  if (questionId !== undefined) blocks.push(voteButtons(questionId));
  const source = first ? ` — ${first.title} (${first.date}), paragraph ${first.paragraph}` : '';
  return { text: fallbackText(`“${quote}”${source}`), blocks };
}

/** "Reading “it” as: mission 2017": said first, so a follow-up read wrongly is seen at once. */
function reading(answer: Answer): KnownBlock[] {
  return answer.context ? [context(`_${escapeMrkdwn(answer.context.reading)}_`)] : [];
}

/**
 * Other articles' best sentences, each labelled by its article's title and date, in at most
 * `room` blocks: the last one says how many more there were when they do not all fit.
 */
function alternatives(answer: Answer, room: number): KnownBlock[] {
  const all = answer.alternatives ?? [];
  if (all.length === 0 || room < 1) return [];
  const shown = all.length <= room ? all : all.slice(0, room - 1);
  const blocks = shown.map(({ answer: sentence, citation }) => {
    const label = `*Also from ${slackTitle(citation)}* (${citation.date}), paragraph ${citation.paragraph}:\n>`;
    return section(`${label}${escapeMrkdwn(trimText(sentence.replace(/\s+/g, ' '), SECTION_TEXT_LIMIT - label.length - 10))}`);
  });
  if (shown.length < all.length) blocks.push(context(`…and ${all.length - shown.length} more articles that fit the question`));
  return blocks;
}

/** The notification text: escaped, then cut, so a cut can never leave a raw `<` behind. */
const fallbackText = (text: string): string => trimText(escapeMrkdwn(text), FALLBACK_TEXT_LIMIT);

/** A message with text only (a notice, a refusal, an error that may echo what the user typed), escaped. */
export function renderSlackNotice(text: string): { text: string } {
  return { text: fallbackText(text) };
}

/** Action ids of the vote buttons, under answers and under declines. */
export const VOTE_ACTIONS = {
  helpful: 'apo_vote_helpful',
  notHelpful: 'apo_vote_not_helpful',
  /** Under a decline: the knowledge base does cover it, or should. */
  shouldAnswer: 'apo_vote_should_answer',
  /** Under a decline: it is rightly not covered. */
  rightDecline: 'apo_vote_right_decline',
} as const;

const button = (questionId: string, actionId: string, label: string) => ({
  type: 'button' as const,
  action_id: actionId,
  value: questionId,
  text: { type: 'plain_text' as const, text: label, emoji: true },
});

/** "Did this help?" buttons; the value carries the question id, so the vote joins its question in the log. */
function voteButtons(questionId: string): KnownBlock {
  return {
    type: 'actions',
    block_id: `apo_vote_${questionId}`,
    elements: [button(questionId, VOTE_ACTIONS.helpful, ':thumbsup: Helpful'), button(questionId, VOTE_ACTIONS.notHelpful, ':thumbsdown: Not helpful')],
  };
}

/** Under a decline: was it right? "Should have been answered" votes are listed in the admins' stats. */
function declineVoteButtons(questionId: string): KnownBlock {
  return {
    type: 'actions',
    block_id: `apo_vote_${questionId}`,
    elements: [
      button(questionId, VOTE_ACTIONS.shouldAnswer, ':thumbsdown: This should have been answered'),
      button(questionId, VOTE_ACTIONS.rightDecline, ":thumbsup: Right, it isn't covered"),
    ],
  };
}

export function renderSlackHelp(): SlackMessage {
  const text = [
    '*apo-bot* answers questions about APO programmes for SMEs, quoting its knowledge base.',
    '• Mention me in a channel: `@apo-bot who conducted the 2018 study mission?` (I answer in a thread)',
    '• Send me a direct message with your question',
    '• Follow up in the thread (or the DM) without mentioning me again: `who conducted it?`',
    '• `/apo <question>` answers here; `/apo help` shows this',
    '• `/apo reload` re-reads the knowledge base; `/apo reload dry-run` shows what would change (admins only)',
    '• `/apo stats [7d]` shows what people ask and what I could not answer (admins only)',
    '• Send me a `.txt`, `.html` or `.md` page in a DM to add it as an article; `/apo import` explains (admins only)',
  ].join('\n');
  return { text: 'apo-bot: mention me, DM me, or use /apo <question>', blocks: [section(text)] };
}

/**
 * A reload report: counts before and after, what changed, errors with their files, time taken.
 * Long error lists are split over sections and trimmed to Slack's block limit, never dropped
 * silently: the last block says how many were left out.
 */
export function renderSlackReloadReport(report: SharedReloadReport): SlackMessage {
  const list = (ids: readonly string[]): string => (ids.length === 0 ? 'none' : ids.map((id) => `\`${escapeMrkdwn(id)}\``).join(', '));
  const counts = `Articles: ${report.before.articles} → ${report.after.articles} · Passages: ${report.before.passages} → ${report.after.passages}`;
  const changes = `Added: ${list(report.added)} · Changed: ${list(report.changed)} · Removed: ${list(report.removed)}`;
  const headline = report.applied
    ? `:white_check_mark: *Knowledge reloaded* in ${report.tookMs} ms\n${counts}\n${changes}`
    : report.dryRun && report.errors.length === 0
      ? `:mag: *Dry run: nothing changed.* A reload would make these changes (checked in ${report.tookMs} ms):\n${changes}`
      : `:warning: *${report.dryRun ? 'Dry run: a reload would be refused' : 'Reload refused: still serving the previous knowledge'}* ` +
        `(${report.before.articles} articles, ${report.before.passages} passages; checked in ${report.tookMs} ms). Fix these and reload again:`;
  const lines = [
    ...report.errors.map((problem) => `• ${escapeMrkdwn(formatProblem(problem))}`),
    ...report.warnings.map((problem) => `• (warning) ${escapeMrkdwn(formatProblem(problem))}`),
  ];
  const replicas = report.replicas ? [context(escapeMrkdwn(describeReplicas(report.replicas)))] : [];
  const blocks = [section(headline), ...replicas, ...packLines(lines, MAX_BLOCKS - 1 - replicas.length)];
  const text = report.applied
    ? `Knowledge reloaded: ${report.after.articles} articles, ${report.after.passages} passages`
    : report.dryRun
      ? `Dry run: ${report.added.length} added, ${report.changed.length} changed, ${report.removed.length} removed, ${report.errors.length} error(s)`
      : `Reload refused (${report.errors.length} error(s)); the previous knowledge is still served`;
  return { text, blocks };
}

/** Action ids of the buttons under an import preview; their value is the preview's token. */
export const IMPORT_ACTIONS = { add: 'apo_import_add', cancel: 'apo_import_cancel' } as const;

/**
 * What an imported file would add, before anything is written: title, date, paragraph count,
 * whether it adds a new article or changes the one with the same id or title (the reload's
 * dry-run diff), the page chrome left out, and Add / Cancel buttons.
 */
export function renderSlackImportPreview(preview: ImportPreview, ignoredFiles = 0): SlackMessage {
  const change = preview.action === 'added' ? `Added: \`${escapeMrkdwn(preview.id)}\`` : `Changed: \`${escapeMrkdwn(preview.id)}\` (replaces the article with this id or title)`;
  const lines = [
    `:page_facing_up: *Import preview* of ${escapeMrkdwn(preview.fileName)}: nothing is written until you press Add.`,
    `*Title:* ${escapeMrkdwn(preview.title)}`,
    `*Date:* ${escapeMrkdwn(preview.date)}`,
    `*Paragraphs:* ${preview.paragraphs}`,
    `*Dry run:* ${change}`,
  ];
  const blocks: KnownBlock[] = [section(lines.join('\n'))];
  if (preview.dropped.length > 0) {
    const shown = preview.dropped.slice(0, 5).map((line) => `“${escapeMrkdwn(trimText(line, 120))}”`).join(', ');
    const more = preview.dropped.length > 5 ? ` and ${preview.dropped.length - 5} more` : '';
    blocks.push(context(`Left out as page chrome: ${shown}${more}`));
  }
  if (ignoredFiles > 0) blocks.push(context(`Only the first file is imported; send the other ${ignoredFiles} one at a time.`));
  blocks.push({
    type: 'actions',
    block_id: 'apo_import',
    elements: [
      { ...button(preview.token, IMPORT_ACTIONS.add, 'Add'), style: 'primary' as const },
      button(preview.token, IMPORT_ACTIONS.cancel, 'Cancel'),
    ],
  });
  const text = `Import preview: ${preview.title} (${preview.date}), ${preview.paragraphs} paragraphs, ${preview.action === 'added' ? 'a new article' : 'changes'} ${preview.id}`;
  return { text: fallbackText(text), blocks };
}

/** The admin insight report, escaped, split over sections to fit. */
export function renderSlackInsight(report: InsightReport): SlackMessage {
  const lines = renderInsight(report).split('\n').map(escapeMrkdwn);
  return { text: `Questions: ${report.questions}, answered: ${report.answered}`, blocks: packLines(lines, MAX_BLOCKS) };
}

/** Packs lines into as few sections as fit, at most `maxBlocks`, the last one saying what was left out. */
function packLines(lines: readonly string[], maxBlocks: number): KnownBlock[] {
  const chunks: string[] = [];
  let current = '';
  for (const line of lines.map((l) => trimText(l, SECTION_TEXT_LIMIT))) {
    if (current && current.length + 1 + line.length > SECTION_TEXT_LIMIT) {
      chunks.push(current);
      current = '';
    }
    current = current ? `${current}\n${line}` : line;
  }
  if (current) chunks.push(current);
  if (chunks.length <= maxBlocks) return chunks.map(section);
  const kept = chunks.slice(0, maxBlocks - 1);
  const shownLines = kept.reduce((sum, chunk) => sum + chunk.split('\n').length, 0);
  return [...kept.map(section), section(`…and ${lines.length - shownLines} more (run \`apo-bot check\` for the full list)`)];
}

/**
 * The question in a mention or message: the bot's mention removed, other user and channel
 * references and links reduced to their labels.
 */
export function questionFromMessage(text: string, botUserId: string | undefined): string {
  return text
    .replace(/<@([UW][A-Z0-9]+)(\|[^>]*)?>/g, (_all, id: string, label: string | undefined) =>
      id === botUserId ? '' : (label?.slice(1) ?? ''),
    )
    .replace(/<#[A-Z0-9]+\|([^>]*)>/g, '#$1')
    .replace(/<(?:https?|mailto):[^|>]+\|([^>]+)>/g, '$1')
    .replace(/<([^>]+)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .trim();
}
