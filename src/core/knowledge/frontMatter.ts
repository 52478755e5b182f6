import { parseDocument, isMap, isScalar, LineCounter, type Document } from 'yaml';

export interface FrontMatter {
  /** The parsed YAML mapping. */
  readonly data: Record<string, unknown>;
  /** 1-based line in the file of each top-level key, for error messages. */
  readonly keyLines: ReadonlyMap<string, number>;
  readonly body: string;
  /** 1-based line in the file where the body starts. */
  readonly bodyLine: number;
}

export class FrontMatterError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'FrontMatterError';
  }
}

const FENCE = /^---[ \t]*$/;

/**
 * Splits `---` fenced YAML front matter from a Markdown text and parses it. Throws a
 * `FrontMatterError` with the file line of the problem when there is no front matter, it is not
 * closed, is not valid YAML, or is not a mapping.
 */
export function parseFrontMatter(text: string): FrontMatter {
  const { yamlText, body, bodyLine } = splitFrontMatter(text);
  const lineCounter = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const fileLine = (offset: number): number => lineCounter.linePos(offset).line + 1;
  const firstError = doc.errors[0];
  if (firstError) {
    const message = firstError.message.split('\n')[0] ?? firstError.message;
    throw new FrontMatterError(`front matter: invalid YAML: ${message}`, fileLine(firstError.pos[0]));
  }
  if (!isMap(doc.contents)) throw new FrontMatterError('front matter: must be a mapping of "key: value" lines', 2);

  const keyLines = new Map<string, number>();
  for (const pair of doc.contents.items) {
    if (isScalar(pair.key) && pair.key.range) keyLines.set(String(pair.key.value), fileLine(pair.key.range[0]));
  }
  const data = yamlToJs(doc);
  if (!data.ok) throw new FrontMatterError(`front matter: ${data.message}`, 1);
  return {
    data: data.value as Record<string, unknown>,
    keyLines,
    body,
    bodyLine,
  };
}

/**
 * The front matter's YAML text and the body after it, not parsed. Throws a `FrontMatterError`
 * when there is no front matter or it is not closed.
 */
export function splitFrontMatter(text: string): { yamlText: string; body: string; bodyLine: number } {
  const lines = text.split('\n');
  if (!FENCE.test((lines[0] ?? '').replace(/\r$/, ''))) {
    throw new FrontMatterError('front matter: missing (the file must start with a "---" line)', 1);
  }
  const close = lines.findIndex((line, i) => i > 0 && FENCE.test(line.replace(/\r$/, '')));
  if (close < 0) throw new FrontMatterError('front matter: not closed (no second "---" line)', 1);
  return { yamlText: lines.slice(1, close).join('\n'), body: lines.slice(close + 1).join('\n'), bodyLine: close + 2 };
}

/**
 * Aliases a YAML text may use. Knowledge files need none; a few are harmless. Nested anchors and
 * aliases ("billion laughs") would expand a few hundred bytes into gigabytes.
 */
export const MAX_YAML_ALIASES = 100;

/**
 * A parsed YAML document as plain values, with aliases limited: an alias bomb, or an alias to an
 * anchor that is not set, is a message for the file's report, never an exception of the library.
 */
export function yamlToJs(doc: Document): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: MAX_YAML_ALIASES }) };
  } catch (error) {
    const message = (error as Error).message;
    return {
      ok: false,
      message: /excessive alias count/i.test(message)
        ? `too many YAML aliases (over ${MAX_YAML_ALIASES} once expanded): anchors and aliases nested like this could fill the memory`
        : `invalid YAML: ${message.split('\n')[0] ?? message}`,
    };
  }
}
