import { dateOfLine } from './dates.js';

/** What a page's text holds once its chrome is left out. */
export interface PageParts {
  readonly title?: string;
  readonly date?: string;
  /** The article's paragraphs, in order, each on one line. */
  readonly paragraphs: readonly string[];
  /** Who took the photos, from a line like "Photos: KPC". */
  readonly credit?: string;
  /** What was left out as page chrome (breadcrumbs, "Translate »", share buttons, footers...), as the page wrote it. */
  readonly dropped: readonly string[];
}

/** What the HTML side found outside the text, preferred to what the text suggests. */
export interface PageHints {
  readonly title?: string;
  readonly date?: string;
  readonly credit?: string;
  readonly dropped?: readonly string[];
}

const BREADCRUMB = /[»›]|^(?:home|news)\s*(?:>|\/)/i;
const TRANSLATE = /^translate\b/i;
const NAV_WORD =
  /^(?:home|about(?: us)?|contact(?: us)?|news|events|projects|publications|resources|search|menu|skip to (?:main )?content|back to top|read more|previous|next|related (?:news|articles)|share(?: this(?: article| page)?)?:?|tweet|facebook|twitter|x|linkedin|email|e-mail|print|whatsapp)$/i;
const FOOTER = /©|\bcopyright\b|all rights reserved|privacy policy|terms of use|cookie policy/i;
const CREDIT = /^photos?(?:\s+(?:by|credits?|courtesy(?:\s+of)?))?\s*[:：]\s*(.+)$/i;
const MAX_CHROME_LINE = 200;
/** A title is one short line; body text runs longer. */
const MAX_TITLE = 200;
/** The date line is looked for among the first blocks of the page only. */
const DATE_WITHIN_BLOCKS = 6;

/** Whether one line of a page is chrome: a breadcrumb, "Translate »", a menu or share word, a footer line. */
export function isChromeLine(line: string): boolean {
  const text = line.trim();
  if (text.length === 0 || text.length > MAX_CHROME_LINE) return false;
  if (BREADCRUMB.test(text) || TRANSLATE.test(text) || FOOTER.test(text)) return true;
  // "Share: Facebook Twitter LinkedIn" and "Home | About | News" are menus of such words.
  return text.split(/\s*[|·•]\s*|\s{2,}|\s*:\s+|\s+(?=[A-Z])/).every((word) => word === '' || NAV_WORD.test(word.trim()));
}

/** The credit a "Photos: KPC" (or "Photo by ...", "Photo credit: ...") line gives, or undefined. */
export function creditOfLine(line: string): string | undefined {
  const text = line.trim();
  if (text.length > 120) return undefined;
  return CREDIT.exec(text)?.[1]?.trim() || undefined;
}

/** Splits plain text into blocks: runs of lines between blank lines, each line trimmed. */
export function textBlocks(text: string): string[][] {
  const blocks: string[][] = [];
  let current: string[] = [];
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/)) {
    const line = raw.replace(/[ \t]+/g, ' ').trim();
    if (line === '' || line === '\u00a0') {
      if (current.length > 0) blocks.push(current);
      current = [];
    } else current.push(line);
  }
  if (current.length > 0) blocks.push(current);
  return blocks;
}

/**
 * The parts of an article from its blocks of text (as copied from the page, or the paragraphs
 * Readability kept): chrome and the photo credit taken out, the title (the line before the date,
 * unless the hints name it), the date (a line that is only a date), and the paragraphs after them.
 */
export function partsOfBlocks(blocks: readonly (readonly string[])[], hints: PageHints = {}): PageParts {
  const dropped: string[] = [...(hints.dropped ?? [])];
  let credit = hints.credit;
  const kept: string[] = [];
  for (const block of blocks) {
    const lines: string[] = [];
    for (const line of block) {
      const lineCredit = creditOfLine(line);
      if (lineCredit !== undefined) credit ??= lineCredit;
      else if (isChromeLine(line)) dropped.push(line.replace(/\s+/g, ' '));
      else lines.push(line);
    }
    if (lines.length > 0) kept.push(lines.join(' '));
  }

  const same = (a: string, b: string): boolean => normal(a) === normal(b);
  const dateIndex = kept.slice(0, DATE_WITHIN_BLOCKS).findIndex((block) => dateOfLine(block) !== undefined);
  const date = hints.date ?? (dateIndex >= 0 ? dateOfLine(kept[dateIndex] ?? '') : undefined);
  let title = hints.title?.trim() || undefined;
  let titleIndex = title === undefined ? -1 : kept.slice(0, DATE_WITHIN_BLOCKS).findIndex((block) => same(block, title ?? ''));
  if (title === undefined) {
    const candidate = dateIndex > 0 ? dateIndex - 1 : dateIndex === 0 ? -1 : 0;
    const text = kept[candidate];
    if (text !== undefined && looksLikeTitle(text)) {
      title = text;
      titleIndex = candidate;
    }
  }
  const start = Math.max(dateIndex, titleIndex) + 1;
  const paragraphs = kept.slice(start).filter((block, i) => !(i === 0 && title !== undefined && same(block, title)));
  return {
    ...(title === undefined ? {} : { title }),
    ...(date === undefined ? {} : { date }),
    paragraphs,
    ...(credit === undefined ? {} : { credit }),
    dropped,
  };
}

/** Plain text as a person copies it from the page. */
export function parseText(text: string): PageParts {
  return partsOfBlocks(textBlocks(text));
}

function looksLikeTitle(text: string): boolean {
  return text.length <= MAX_TITLE && !/[.!?]["”’]?$/.test(text) && dateOfLine(text) === undefined;
}

function normal(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').trim();
}
