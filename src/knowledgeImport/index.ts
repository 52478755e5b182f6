import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadKnowledge, parseArticle } from '../core/index.js';
import { formatProblem } from '../core/index.js';
import { parseHtml } from './parseHtml.js';
import { parseText, type PageParts } from './parseText.js';
import { slugId, toMarkdown, type ImportedArticle } from './toMarkdown.js';

export type { ImportedArticle } from './toMarkdown.js';

/** How to import one page. */
export interface ImportOptions {
  /** The name the messages give the input (a file name, or "standard input"). */
  readonly name: string;
  /** The front matter's `source`. Default "APO News". */
  readonly source?: string;
  /** The front matter's `audience`. Default "public". */
  readonly audience?: 'public' | 'internal';
  /** The page's address; default: the canonical link of an HTML page, else none. */
  readonly url?: string;
}

/** A page made into an article, with what the import left out. */
export interface Imported {
  readonly article: ImportedArticle;
  /** The Markdown file, already valid as `apo-bot check` validates it. */
  readonly markdown: string;
  readonly format: 'text' | 'html';
  /** Text left out as page chrome. */
  readonly dropped: readonly string[];
}

export type ImportResult = { ok: true; imported: Imported } | { ok: false; message: string };

const DEFAULT_SOURCE = 'APO News';

/**
 * Makes one article from a page, as plain text (what a person copies from it) or saved HTML.
 * Never throws for a bad page: the result says what could not be found or read.
 */
export function importArticle(bytes: Uint8Array, options: ImportOptions): ImportResult {
  const decoded = decodePage(bytes);
  if (!decoded.ok) return decoded;
  const parts: PageParts & { url?: string } = decoded.format === 'html' ? parseHtml(decoded.text) : parseText(decoded.text);

  const missing = [
    ...(parts.title === undefined ? ['a title (the line before the date)'] : []),
    ...(parts.date === undefined ? ['a date (a line such as "25 Sep 2018" under the title)'] : []),
    ...(parts.paragraphs.length === 0 ? ['a body (the paragraphs after the date)'] : []),
  ];
  if (missing.length > 0 || parts.title === undefined || parts.date === undefined) {
    return { ok: false, message: `cannot find ${missing.join(', nor ')}` };
  }
  const url = options.url ?? parts.url;
  const article: ImportedArticle = {
    id: slugId(parts.date, parts.title),
    title: parts.title,
    date: parts.date,
    source: options.source ?? DEFAULT_SOURCE,
    audience: options.audience ?? 'public',
    ...(url === undefined ? {} : { url }),
    ...(parts.credit === undefined ? {} : { credit: parts.credit }),
    paragraphs: parts.paragraphs,
  };
  const markdown = toMarkdown(article);
  const checked = parseArticle(`${article.id}.md`, markdown);
  if (!checked.ok) return { ok: false, message: checked.problems.map(formatProblem).join('; ') };
  return { ok: true, imported: { article, markdown, format: decoded.format, dropped: [...new Set(parts.dropped)] } };
}

/** How `saveImport` treats the folder. */
export interface SaveOptions {
  /** Overwrite the article with the same id or title (its file, id and tags are kept). Default false: refuse. */
  readonly replace?: boolean;
  /** Only say what would be written. */
  readonly dryRun?: boolean;
}

export type SaveResult =
  | { ok: true; file: string; action: 'added' | 'changed'; markdown: string; article: ImportedArticle; written: boolean }
  | { ok: false; message: string };

/**
 * Writes an imported article into a knowledge folder, as `<id>.md`. An article with the same id
 * or title is changed in place with `replace`, and refused otherwise. The file is written whole
 * (a hidden temporary file renamed), so a reload never reads half of it.
 */
export async function saveImport(dir: string, imported: Imported, options: SaveOptions = {}): Promise<SaveResult> {
  const knowledge = await loadKnowledge(dir);
  const title = imported.article.title.toLowerCase().trim();
  const existing = knowledge.articles.find((a) => a.id === imported.article.id || a.title.toLowerCase().trim() === title);
  let article = imported.article;
  let file = `${article.id}.md`;
  if (existing !== undefined) {
    const what = existing.id === article.id ? `id "${existing.id}"` : `title "${existing.title}" (id ${existing.id})`;
    if (!options.replace) {
      return { ok: false, message: `refused: ${existing.file} already has the ${what}; use --replace to change that article` };
    }
    article = { ...article, id: existing.id, ...(existing.tags.length > 0 ? { tags: existing.tags } : {}) };
    file = existing.file;
  } else if (knowledge.errors.some((problem) => problem.file === file)) {
    return { ok: false, message: `refused: ${file} exists but does not load (run apo-bot check); fix or remove it first` };
  }
  const markdown = toMarkdown(article);
  const action = existing === undefined ? 'added' : 'changed';
  const target = path.join(dir, file);
  if (options.dryRun) return { ok: true, file: target, action, markdown, article, written: false };

  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
  try {
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(temporary, markdown, { flag: 'w' });
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    return { ok: false, message: writeFailure(dir, error as NodeJS.ErrnoException) };
  }
  return { ok: true, file: target, action, markdown, article, written: true };
}

function writeFailure(dir: string, error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'EACCES':
    case 'EPERM':
      return `cannot write to the knowledge folder ${dir}: permission denied (${error.code}); run as a user who may write there, or choose another folder with --knowledge`;
    case 'EROFS':
      return `cannot write to the knowledge folder ${dir}: it is on a read-only file system (EROFS)`;
    case 'ENOTDIR':
      return `cannot write to the knowledge folder ${dir}: it is not a folder (ENOTDIR)`;
    case 'ENOSPC':
      return `cannot write to the knowledge folder ${dir}: the disk is full (ENOSPC)`;
    default:
      return `cannot write to the knowledge folder ${dir}: ${error.message}`;
  }
}

type Decoded = { ok: true; text: string; format: 'text' | 'html' } | { ok: false; message: string };

/**
 * The page's text. HTML is decoded with the charset its `<meta>` declares (windows-1252, ISO-8859-1,
 * Shift_JIS...), else as UTF-8; plain text must be UTF-8. Bytes that are neither are refused.
 */
export function decodePage(bytes: Uint8Array): Decoded {
  const head = Buffer.from(bytes.subarray(0, 2048)).toString('latin1');
  const html = /^\s*(?:\uFEFF|ï»¿)?\s*<(?:!doctype\s+html|html|head|body|meta|title|!--)/i.test(head);
  const declared = html ? /<meta[^>]+charset\s*=\s*["']?\s*([\w:.-]+)/i.exec(head)?.[1] : undefined;
  let label = declared ?? 'utf-8';
  if (/^\uFEFF/.test(head) || head.startsWith('ï»¿')) label = 'utf-8';
  let decoder: { decode(bytes: Uint8Array): string };
  try {
    // Node's own TextDecoder may read windows-1252 as Latin-1 (0x92 a control, not ’): decode those by the table.
    decoder = WINDOWS_1252_LABELS.has(label.toLowerCase()) ? { decode: decodeWindows1252 } : new TextDecoder(label, { fatal: true });
  } catch {
    return { ok: false, message: `the page declares the character set "${label}", which cannot be read here; save it as UTF-8` };
  }
  try {
    const text = decoder.decode(bytes);
    if (text.includes('\u0000')) return { ok: false, message: 'not text: it holds NUL bytes (a binary file?)' };
    return { ok: true, text, format: html ? 'html' : 'text' };
  } catch {
    return {
      ok: false,
      message:
        declared === undefined
          ? `not UTF-8${html ? ', and the page declares no other character set (<meta charset>)' : ''}; save it as UTF-8 and import it again`
          : `not valid ${declared} as the page declares; save it as UTF-8 and import it again`,
    };
  }
}

const WINDOWS_1252_LABELS = new Set(['windows-1252', 'cp1252', 'x-cp1252', 'iso-8859-1', 'iso8859-1', 'latin1', 'l1', 'us-ascii', 'ascii']);
/** Bytes 0x80 to 0x9F in windows-1252 (the WHATWG encoding standard's table); the others are Latin-1. */
const WINDOWS_1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

function decodeWindows1252(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += byte >= 0x80 && byte <= 0x9f ? WINDOWS_1252_HIGH[byte - 0x80] : String.fromCharCode(byte);
  return text;
}
