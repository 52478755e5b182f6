/**
 * What every renderer (Slack, Discord, terminal) shows of an answer, decided once and platform-free:
 * how the first source reads beside the quote, and which declines list articles or take votes.
 */
import type { Citation, Decline, DeclineReason, Highlight } from './core/index.js';

/** A snippet and its matched-word ranges, ready for `markSnippet`. */
export interface SnippetView {
  readonly snippet: string;
  readonly highlights: readonly Highlight[];
}

const ELLIPSIS = '…';

/**
 * The first citation's snippet with the quoted sentence taken out, so the quote is shown once and
 * its source adds what comes before and after it ("…" stands where the quote was). `undefined`
 * when the snippet holds nothing but the quote: the source then shows only its reference line.
 * A snippet that does not contain the quote is returned as it is.
 */
export function contextAroundQuote(citation: Pick<Citation, 'snippet' | 'highlights'>, quote: string): SnippetView | undefined {
  const { snippet, highlights } = citation;
  const words = quote.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return { snippet, highlights };
  const pattern = new RegExp(words.map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s+'));
  const found = pattern.exec(snippet);
  if (!found) {
    // A quote longer than the snippet window: the snippet is the quote's beginning, cut with "…".
    const inner = snippet.replace(/^…/, '').replace(/…$/, '').trim();
    return inner !== '' && quote.replace(/\s+/g, ' ').includes(inner.replace(/\s+/g, ' ')) ? undefined : { snippet, highlights };
  }
  const start = found.index;
  const end = start + found[0].length;
  const before = snippet.slice(0, start).trimEnd();
  const after = snippet.slice(end).trimStart();
  const meaningful = (text: string): boolean => text.replace(/…/g, '').trim() !== '';
  if (!meaningful(before) && !meaningful(after)) return undefined;

  const head = meaningful(before) ? `${before} ${ELLIPSIS}` : ELLIPSIS;
  const tail = meaningful(after) ? ` ${after}` : '';
  const afterAt = snippet.length - after.length;
  const shift = head.length + (tail ? 1 : 0) - afterAt;
  const moved: Highlight[] = [];
  for (const [from, to] of highlights) {
    if (meaningful(before) && to <= before.length) moved.push([from, to]);
    else if (tail && from >= afterAt) moved.push([from + shift, to + shift]);
  }
  return { snippet: head + tail, highlights: moved };
}

/** Declines that are replies rather than refusals, or about the question itself: no article list. */
const WITHOUT_NEAREST: ReadonlySet<DeclineReason> = new Set(['too-long', 'nothing-more', 'greeting', 'not-english']);

/** Whether a decline lists the nearest articles the knowledge base has. */
export function listsNearest(decline: Decline | undefined): boolean {
  return decline !== undefined && !WITHOUT_NEAREST.has(decline.reason) && decline.nearest.length > 0;
}

/** A greeting is answered in kind, and an empty or over-long question is the asker's to fix: nothing to vote on. */
const WITHOUT_VOTES: ReadonlySet<DeclineReason> = new Set(['empty-question', 'too-long', 'greeting']);

/** Whether a decline carries "This should have been answered" / "Right, it isn't covered" buttons. */
export function takesDeclineVotes(decline: Decline | undefined): boolean {
  return decline !== undefined && !WITHOUT_VOTES.has(decline.reason);
}
