import {
  ButtonStyle,
  ComponentType,
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIEmbed,
  type MessageMentionOptions,
} from 'discord.js';
import { renderInsight, type InsightReport } from '../../src/insight/stats.js';
import { contextAroundQuote, listsNearest, takesDeclineVotes } from '../../src/answerView.js';
import { declineHeadline, formatProblem, markSnippet, type Answer, type ArticleRef, type ReloadReport } from '../../src/core/index.js';
import { describeReplicas } from '../../src/store/replicaText.js';
import type { SharedReloadReport } from '../../src/store/types.js';
import { trimText } from '../../src/replyText.js';
import type { ImportPreview } from '../../src/chatImport.js';

/** Discord's embed limits (characters). */
export const EMBED_LIMITS = { title: 256, description: 4096, fieldName: 256, fieldValue: 1024, footer: 2048, total: 6000 } as const;

/** Every message the bot sends: nobody is ever pinged, whatever the text says. */
export const NO_MENTIONS: MessageMentionOptions = { parse: [], repliedUser: false };

const COLOR_ANSWER = 0x1d4f91;
const COLOR_DECLINE = 0x8a8f98;
const COLOR_ERROR = 0xc0392b;
const FOOTER = 'Quoted from the APO knowledge base · /help for usage';

/**
 * Text from a user or an article, shown as written: the characters Discord's markdown reads
 * anywhere (emphasis, code, spoilers, quotes, masked links, mentions) get a backslash, and so
 * does a heading or list marker at the start; line breaks become spaces. Written here because discord.js's escapeMarkdown takes quadratic time
 * (1.3 s for 16,000 characters), which a long question would turn into a stall.
 */
export function plain(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/[\\*_~`|<>[\]]/g, '\\$&')
    .replace(/^(#|-|\+|\d+\.)/, '\\$1');
}

/**
 * An article's title, escaped, as a masked link to its `url` when it has a web address. Only
 * http(s) addresses become links, with the characters that would end a link percent-encoded.
 */
export function discordTitle(ref: Pick<ArticleRef, 'title' | 'url'>): string {
  const title = plain(ref.title);
  const url = safeUrl(ref.url);
  return url ? `[${title}](${url})` : title;
}

function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
    return parsed.href.replace(/[()<>\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  } catch {
    return undefined;
  }
}

/** Alternatives shown at most: each is a field, beside up to three citations. */
const MAX_ALTERNATIVES = 3;

/**
 * An answer as one embed: the question as title, the quoted sentence and its source, the other
 * articles' sentences when the question fits several about equally (each labelled by its article
 * and date), up to three citations with the matched words in bold (the first shows what surrounds
 * the quote rather than the quote again), and a footer. Article titles link to their `url`. A
 * follow-up says first how it read the question ("Reading “it” as: mission 2017"). A decline says
 * plainly that the knowledge base does not cover it, lists what it does cover and questions to
 * rephrase with. Always within Discord's limits.
 */
export function renderDiscordAnswer(answer: Answer): APIEmbed {
  // Cut before escaping, so the work stays small whatever the length of the question.
  const title = trimText(`Q: ${plain(trimText(answer.question, EMBED_LIMITS.title))}`, EMBED_LIMITS.title);
  if (!answer.answered || answer.answer === null) {
    const decline = answer.decline;
    let description = readingLine(answer) + plain(decline ? declineHeadline(answer.question, decline) : answer.message);
    if (decline && listsNearest(decline)) {
      description += `\n\n**The knowledge base covers:**\n${decline.nearest.map((ref) => `• *${discordTitle(ref)}* (${ref.date})`).join('\n')}`;
    }
    const suggestions = decline?.suggestions ?? [];
    if (suggestions.length > 0) description += `\n\n**Try:**\n${suggestions.map((q) => `• ${plain(trimText(q, 300))}`).join('\n')}`;
    return fitEmbed({ title, description: trimText(description, EMBED_LIMITS.description), color: COLOR_DECLINE, footer: { text: FOOTER } });
  }

  const first = answer.citations[0];
  const source = first ? `\n— *${discordTitle(first)}* (${first.date}), paragraph ${first.paragraph}` : '';
  const reading = readingLine(answer);
  const quote = trimText(plain(trimText(answer.answer, EMBED_LIMITS.description)), EMBED_LIMITS.description - reading.length - source.length - 4);
  const alternatives = (answer.alternatives ?? []).slice(0, MAX_ALTERNATIVES).map(({ answer: sentence, citation }) => {
    const cited = `\n— ${linkTo(citation, `paragraph ${citation.paragraph}`)}`;
    return {
      name: trimText(`Also, in ${plain(trimText(citation.title, EMBED_LIMITS.fieldName))} (${citation.date})`, EMBED_LIMITS.fieldName),
      value: `> ${trimText(plain(trimText(sentence, EMBED_LIMITS.fieldValue)), EMBED_LIMITS.fieldValue - cited.length - 2)}${cited}`,
    };
  });
  const citations = answer.citations.slice(0, 3).map((citation, i) => {
    const shown = i === 0 ? contextAroundQuote(citation, answer.answer ?? '') : citation;
    const reference = `${citation.date} · ${linkTo(citation, `paragraph ${citation.paragraph}`)}`;
    const snippet = shown ? `\n${markSnippet(shown.snippet, shown.highlights, '**', '**', plain)}` : '';
    return {
      // Field names show markdown as written: the link goes on the reference line of the value.
      name: trimText(`${i + 1}. ${plain(trimText(citation.title, EMBED_LIMITS.fieldName))}`, EMBED_LIMITS.fieldName),
      value: trimText(`${reference}${snippet}`, EMBED_LIMITS.fieldValue),
    };
  });
  return fitEmbed({ title, description: `${reading}> ${quote}${source}`, color: COLOR_ANSWER, fields: [...alternatives, ...citations], footer: { text: FOOTER } });
}

/** `label` as a masked link to the article's `url`, or as it is without one. */
function linkTo(ref: Pick<ArticleRef, 'url'>, label: string): string {
  const url = safeUrl(ref.url);
  return url ? `[${label}](${url})` : label;
}

/** How a follow-up was read, as the embed's first line; empty when the question stood on its own. */
function readingLine(answer: Answer): string {
  return answer.context ? `*${plain(trimText(answer.context.reading, 300))}*\n` : '';
}

/**
 * Keeps an embed within the 6,000-character total by shortening the longest field value, then
 * the description, a little at a time: content is trimmed, never dropped.
 */
export function fitEmbed(embed: APIEmbed): APIEmbed {
  const fields = (embed.fields ?? []).map((field) => ({ ...field }));
  let description = embed.description ?? '';
  const size = (): number =>
    (embed.title?.length ?? 0) +
    description.length +
    (embed.footer?.text.length ?? 0) +
    fields.reduce((sum, field) => sum + field.name.length + field.value.length, 0);
  while (size() > EMBED_LIMITS.total) {
    const excess = size() - EMBED_LIMITS.total;
    const longest = fields.reduce<(typeof fields)[number] | undefined>((a, b) => (!a || b.value.length > a.value.length ? b : a), undefined);
    if (longest && longest.value.length > 200) longest.value = trimText(longest.value, Math.max(200, longest.value.length - excess - 1));
    else description = trimText(description, Math.max(100, description.length - excess - 1));
  }
  return { ...embed, description, ...(fields.length > 0 ? { fields } : {}) };
}

/**
 * Custom ids of the vote buttons: `vote:<kind>:<questionId>`, where kind is `helpful` or
 * `not_helpful` under an answer, `should_answer` or `right_decline` under a decline.
 */
export const VOTE_ID = /^vote:(helpful|not_helpful|should_answer|right_decline):([\w-]{1,40})$/;

const voteButton = (questionId: string, kind: string, label: string, emoji: string): APIButtonComponent => ({
  type: ComponentType.Button,
  style: ButtonStyle.Secondary,
  custom_id: `vote:${kind}:${questionId}`,
  label,
  emoji: { name: emoji },
});

/** "Did this help?" buttons under an answer; the question id joins the vote to its question. */
export function voteRow(questionId: string): APIActionRowComponent<APIButtonComponent> {
  return {
    type: ComponentType.ActionRow,
    components: [voteButton(questionId, 'helpful', 'Helpful', '👍'), voteButton(questionId, 'not_helpful', 'Not helpful', '👎')],
  };
}

/** Under a decline: was it right? "Should have been answered" votes are listed in the admins' stats. */
export function declineVoteRow(questionId: string): APIActionRowComponent<APIButtonComponent> {
  return {
    type: ComponentType.ActionRow,
    components: [
      voteButton(questionId, 'should_answer', 'This should have been answered', '👎'),
      voteButton(questionId, 'right_decline', "Right, it isn't covered", '👍'),
    ],
  };
}

/** The buttons under a reply: votes on an answer, or on a decline that can be wrong (not under a greeting). */
export function replyComponents(answer: Answer, questionId: string): APIActionRowComponent<APIButtonComponent>[] {
  if (answer.answered) return [voteRow(questionId)];
  return takesDeclineVotes(answer.decline) ? [declineVoteRow(questionId)] : [];
}

/** The admin insight report as an embed, trimmed to fit. */
export function renderDiscordInsight(report: InsightReport): APIEmbed {
  return fitEmbed({ title: 'apo-bot stats', color: COLOR_ANSWER, description: trimText(renderInsight(report).split('\n').map(plain).join('\n'), EMBED_LIMITS.description) });
}

export function renderDiscordHelp(): APIEmbed {
  return {
    title: 'apo-bot',
    color: COLOR_ANSWER,
    description: [
      'I answer questions about APO programmes for SMEs, quoting the APO knowledge base, and say so when it does not cover something.',
      '',
      '• `/ask question:` your question, answered here for everyone to see',
      '• mention me (`@apo-bot who organised the 2018 mission?`) or send me a direct message',
      '• reply to one of my answers (keeping the ping on) to follow up: `who conducted it?` is read as about that answer',
      '• `/reload` re-reads the knowledge base, `/reload dry_run:True` shows what would change (server managers and admins only)',
      '• `/stats` shows what people ask and what I could not answer (server managers and admins only)',
      '• `/import file:` adds an article from a page saved as .txt, .html or .md, after a preview (server managers and admins only)',
    ].join('\n'),
  };
}

/** A reload report: counts before and after, what changed, errors with their files, time taken. */
export function renderDiscordReloadReport(report: SharedReloadReport): APIEmbed {
  const list = (ids: readonly string[]): string => (ids.length === 0 ? 'none' : ids.map((id) => `\`${id}\``).join(', '));
  const counts = `Articles: ${report.before.articles} → ${report.after.articles} · Passages: ${report.before.passages} → ${report.after.passages}`;
  const problems = [
    ...report.errors.map((problem) => `• ${plain(formatProblem(problem))}`),
    ...report.warnings.map((problem) => `• (warning) ${plain(formatProblem(problem))}`),
  ];
  const changes = `Added: ${list(report.added)} · Changed: ${list(report.changed)} · Removed: ${list(report.removed)}`;
  const cleanDryRun = report.dryRun && report.errors.length === 0;
  const description = report.applied
    ? `${counts}\n${changes}\nTook ${report.tookMs} ms`
    : cleanDryRun
      ? `Nothing changed. A reload would make these changes (checked in ${report.tookMs} ms):\n${changes}`
      : `Still serving the previous knowledge (${report.before.articles} articles, ${report.before.passages} passages). ` +
        `Fix these and reload again (checked in ${report.tookMs} ms):`;
  return fitEmbed({
    title: report.applied ? 'Knowledge reloaded' : cleanDryRun ? 'Dry run' : report.dryRun ? 'Dry run: a reload would be refused' : 'Reload refused',
    color: report.applied ? COLOR_ANSWER : COLOR_ERROR,
    description: trimText([description, ...(report.replicas ? [plain(describeReplicas(report.replicas))] : []), ...problems].join('\n'), EMBED_LIMITS.description),
  });
}

/**
 * Custom ids of the buttons under an import preview: `apo_import_add:<token>` and
 * `apo_import_cancel:<token>`, the token naming the preview (see src/chatImport.ts).
 */
export const IMPORT_ID = /^apo_import_(add|cancel):([\w-]{1,64})$/;

/** An import preview: what the file would become (title, date, paragraphs, added or changed, id). */
export function renderDiscordImportPreview(preview: ImportPreview): APIEmbed {
  const id = `\`${preview.id.replace(/`/g, '')}\``;
  const action = preview.action === 'added' ? `Adds a new article ${id}` : `Changes the article ${id}`;
  const lines = [
    `**${plain(trimText(preview.title, 500))}**`,
    `Date: ${plain(preview.date)} · Paragraphs: ${preview.paragraphs}`,
    `${action}.`,
    ...(preview.dropped.length > 0 ? [`Left out: ${preview.dropped.slice(0, 10).map((text) => plain(trimText(text, 100))).join(' · ')}`] : []),
    '',
    'Add writes the article to the knowledge folder and reloads; Cancel writes nothing.',
  ];
  return fitEmbed({
    title: trimText(`Import preview: ${plain(preview.fileName)}`, EMBED_LIMITS.title),
    color: COLOR_ANSWER,
    description: trimText(lines.join('\n'), EMBED_LIMITS.description),
  });
}

/** The Add and Cancel buttons under an import preview. */
export function importRow(token: string): APIActionRowComponent<APIButtonComponent> {
  return {
    type: ComponentType.ActionRow,
    components: [
      { type: ComponentType.Button, style: ButtonStyle.Primary, custom_id: `apo_import_add:${token}`, label: 'Add' },
      { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: `apo_import_cancel:${token}`, label: 'Cancel' },
    ],
  };
}

/** A short line in an embed (a refusal, an import result), escaped. */
export function renderDiscordNotice(title: string, text: string, error = false): APIEmbed {
  return { title: trimText(title, EMBED_LIMITS.title), color: error ? COLOR_ERROR : COLOR_ANSWER, description: trimText(plain(text), EMBED_LIMITS.description) };
}

/** The question in a message that mentions the bot: the mention removed, other mentions kept as text. */
export function questionFromMessage(content: string, botId: string): string {
  return content.replace(new RegExp(`<@!?${botId}>`, 'g'), ' ').replace(/\s+/g, ' ').trim();
}
