/** A paragraph of an article body, numbered from 1 in reading order. */
export interface Paragraph {
  readonly paragraph: number;
  readonly text: string;
}

const BLANK_LINE = /\r?\n[ \t]*\r?\n/;
const HEADING = /^#{1,6}\s/;

/**
 * Splits an article body into paragraphs at blank lines. Markdown headings are not paragraphs of
 * their own (they are not sentences anyone would quote), and soft line breaks inside a paragraph
 * are kept as written.
 */
export function splitParagraphs(body: string): Paragraph[] {
  const paragraphs: Paragraph[] = [];
  for (const block of body.split(BLANK_LINE)) {
    const lines = block.split(/\r?\n/).filter((line) => !HEADING.test(line.trim()));
    const text = lines.join('\n').trim();
    if (text.length > 0) paragraphs.push({ paragraph: paragraphs.length + 1, text });
  }
  return paragraphs;
}

/** A line that labels a picture or names a source: "Photos: KPC", "Photo credit: APO", "Source: ...". */
const CREDIT_LINE =
  /^(?:text and )?(?:photos?|photographs?|images?|pictures?|illustrations?|graphics?|videos?|captions?|credits?|sources?|courtesy)(?:\s+(?:credits?|by|courtesy(?: of)?|source))?\s*[:：]|^(?:photos?|images?|pictures?|illustrations?)\s+(?:by|courtesy of)\b|^(?:©|\(c\)\s|copyright\b)/i;
/** Fewer words than this, with no sentence-ending punctuation, is a label or a fragment, not a sentence. */
const MIN_SENTENCE_WORDS = 5;
const SENTENCE_END = /[.!?…]["'”’)\]]*$/;
const WORDS = /[\p{L}\p{N}]+(?:[&'’.-][\p{L}\p{N}]+)*/gu;

/**
 * Whether a text is something other than a sentence: a photo credit, a source line, a caption
 * label, or a few words without a sentence's end ("Photos: KPC", "Key facts"). Such text stays in
 * the article but is never quoted or cited. A text of several lines is one when all its lines are.
 */
export function isFragment(text: string): boolean {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim().replace(/^(?:[-*•]|\d+[.)])\s+/, ''))
    .filter((line) => line.length > 0);
  return lines.length > 0 && lines.every(isFragmentLine);
}

function isFragmentLine(line: string): boolean {
  if (CREDIT_LINE.test(line)) return true;
  const words = line.match(WORDS)?.length ?? 0;
  return words < MIN_SENTENCE_WORDS && !SENTENCE_END.test(line);
}
