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
