import type { Highlight } from '../types.js';

export const SNIPPET_LENGTH = 320;
const ELLIPSIS = '…';

/**
 * Cuts a window of a passage that starts at its focus (the best sentence) and fits `maxLength`,
 * at word boundaries, marking cuts with "…"; highlights are moved into the window's offsets. A
 * passage that fits is returned whole.
 */
export function buildSnippet(
  text: string,
  focus: { readonly start: number; readonly end: number },
  highlights: readonly Highlight[],
  maxLength = SNIPPET_LENGTH,
): { snippet: string; highlights: Highlight[] } {
  if (text.length <= maxLength) return { snippet: text, highlights: [...highlights] };
  const { start, end } = snippetWindow(text, focus, maxLength);
  const prefix = start > 0 ? ELLIPSIS : '';
  const suffix = end < text.length ? ELLIPSIS : '';
  const moved: Highlight[] = [];
  for (const [from, to] of highlights) {
    if (to <= start || from >= end) continue;
    moved.push([Math.max(from, start) - start + prefix.length, Math.min(to, end) - start + prefix.length]);
  }
  return { snippet: prefix + text.slice(start, end) + suffix, highlights: moved };
}

/**
 * Where `buildSnippet` cuts a text: from the focus, or earlier when the focus is short and would
 * leave the window half empty, to at most `maxLength` characters, at word boundaries. The whole
 * text when it is short enough. Highlights outside it are dropped, so need not be looked for.
 */
export function snippetWindow(
  text: string,
  focus: { readonly start: number; readonly end: number },
  maxLength = SNIPPET_LENGTH,
): { start: number; end: number } {
  if (text.length <= maxLength) return { start: 0, end: text.length };
  let start = Math.max(0, Math.min(focus.start, text.length - maxLength));
  if (start > 0) start = wordStartAtOrAfter(text, start);
  let end = Math.min(text.length, start + maxLength);
  if (end < text.length) end = wordEndAtOrBefore(text, end, start);
  return { start, end };
}

function wordStartAtOrAfter(text: string, at: number): number {
  if (/\s/.test(text[at - 1] ?? ' ')) return at;
  const next = text.slice(at).search(/\s\S/);
  return next < 0 ? at : at + next + 1;
}

function wordEndAtOrBefore(text: string, at: number, floor: number): number {
  if (/\s/.test(text[at] ?? ' ')) return trimEnd(text, at, floor);
  const lastSpace = text.lastIndexOf(' ', at);
  return lastSpace > floor ? trimEnd(text, lastSpace, floor) : at;
}

function trimEnd(text: string, at: number, floor: number): number {
  let end = at;
  while (end > floor && /[\s,;:(]/.test(text[end - 1] as string)) end--;
  return end;
}

/** Merges ranges that overlap or are separated by white space only: "Korea Productivity Center". */
export function mergeHighlights(text: string, ranges: readonly Highlight[]): Highlight[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [from, to] of sorted) {
    const last = merged[merged.length - 1];
    if (last && (from <= last[1] || /^\s*$/.test(text.slice(last[1], from)))) {
      last[1] = Math.max(last[1], to);
    } else {
      merged.push([from, to]);
    }
  }
  return merged;
}

/** The snippet with its highlights wrapped in `open` and `close` (default Markdown bold). */
export function markSnippet(
  snippet: string,
  highlights: readonly Highlight[],
  open = '**',
  close = open,
  escape: (text: string) => string = (text) => text,
): string {
  let out = '';
  let at = 0;
  for (const [from, to] of highlights) {
    out += escape(snippet.slice(at, from)) + open + escape(snippet.slice(from, to)) + close;
    at = to;
  }
  return out + escape(snippet.slice(at));
}
