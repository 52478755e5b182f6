/** Terminal escape codes (bold, dim): they take no room on screen. */
const ANSI = /\u001b\[[0-9;]*m/g;

const visibleLength = (text: string): number => [...text.replace(ANSI, '')].length;

/** A line's indentation and list or source marker ("  ", " 1. ", "   — ", "  • "): continuation lines align after it. */
const LEAD = /^(\s*)((?:\d+\.|[•—*-])\s+)?/;

/**
 * Wraps text at `width` columns, breaking only between words: a word longer than the width (a URL)
 * keeps a line of its own rather than being cut. Continuation lines are indented like the text of
 * their first line, so a source's snippet stays under its source. Terminal escape codes count as no
 * width. Without a width (output piped to a file or a program), the text is returned as it is.
 */
export function wrap(text: string, width: number | undefined): string {
  if (width === undefined || !Number.isFinite(width) || width < 1) return text;
  return text
    .split('\n')
    .map((line) => wrapLine(line, width))
    .join('\n');
}

function wrapLine(line: string, width: number): string {
  if (visibleLength(line) <= width) return line;
  const lead = (LEAD.exec(line.replace(ANSI, '')) as RegExpExecArray)[0];
  // Where the lead ends in the line as written, escape codes included.
  let at = 0;
  for (let seen = 0; seen < lead.length; ) {
    const code = /^\u001b\[[0-9;]*m/.exec(line.slice(at));
    if (code) at += code[0].length;
    else {
      at += 1;
      seen += 1;
    }
  }
  // A lead wider than half the line would leave continuations too narrow to read.
  const indent = lead.length <= width / 2 ? ' '.repeat(lead.length) : '';
  const out: string[] = [];
  let current = line.slice(0, at);
  let length = visibleLength(current);
  let empty = true;
  for (const word of line.slice(at).split(/ +/).filter((w) => w !== '')) {
    const size = visibleLength(word);
    if (!empty && length + 1 + size > width) {
      out.push(current);
      current = indent + word;
      length = indent.length + size;
    } else {
      current += empty ? word : ` ${word}`;
      length += (empty ? 0 : 1) + size;
    }
    empty = false;
  }
  out.push(current);
  return out.join('\n');
}
