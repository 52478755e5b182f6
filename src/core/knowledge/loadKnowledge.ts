import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import path from 'node:path';
import type { Article, KnowledgeProblem } from '../types.js';
import { contentHashOf, parseArticle, reparsedArticle, type ParsedArticle, type ParsedBefore } from './article.js';
import { EMPTY_GLOSSARY, parseGlossary, type Glossary } from './glossary.js';
import { listFiles, type ListedFile, type Listing } from './listFiles.js';
import { readFiles } from './readFiles.js';
import { unchangedFiles, type LoadedFile } from './unchangedFiles.js';

export type { LoadedFile } from './unchangedFiles.js';

export interface LoadOptions {
  /** Files larger than this are refused. Default 1 MiB. */
  readonly maxFileBytes?: number;
  /**
   * A file modified less than this many milliseconds ago, or that changed while it was read, is
   * read again after this pause (a few times) rather than read half written. Default 50.
   */
  readonly settleMs?: number;
  /** Reads of a changing file before it is reported as still being written. Default 6. */
  readonly readAttempts?: number;
  /**
   * Articles parsed before, by file (from the index cache): a file whose text has the same content
   * hash is not parsed again.
   */
  readonly parsedBefore?: ReadonlyMap<string, ParsedBefore>;
  /**
   * The last load of the same folder. A file it loaded without problems is taken as it was (the
   * same `Article` object, or glossary) without being opened when it is listed at the same real
   * path, `lstat` gives the same device, inode, size, mtime and ctime, and neither time is within
   * `RACY_MARGIN_MS` (3 s) of when that load began (a file written in the same clock tick as it
   * was read could have changed unseen). Every other file is read, and reported, as without it.
   * Checked before `parsedBefore`.
   */
  readonly previous?: Pick<LoadedKnowledge, 'files' | 'listedAtMs'>;
}

export interface LoadedKnowledge {
  /** The articles that loaded without problems, in file path order. */
  readonly articles: readonly Article[];
  readonly glossary: Glossary;
  /** Problems that left a file out: a reload with any of these keeps the previous knowledge. */
  readonly errors: readonly KnowledgeProblem[];
  /** Things worth knowing that left nothing out, like a stray file that is not read. */
  readonly warnings: readonly KnowledgeProblem[];
  /** The glossary file, if the folder has one, and whether it loaded (else `glossary` is empty). */
  readonly glossaryFile?: { readonly file: string; readonly loaded: boolean };
  /** Files that kept changing while they were read, left out (each is also in `errors`). */
  readonly stillChanging?: readonly string[];
  /**
   * The files that loaded without problems (an article kept, or the glossary), by `file`, each
   * with its stamp as read: what the next load takes as `previous`. Absent from knowledge not
   * loaded from a folder.
   */
  readonly files?: ReadonlyMap<string, LoadedFile>;
  /** When (`Date.now()`) this load began listing the folder; set with `files`. */
  readonly listedAtMs?: number;
}

export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;
const GLOSSARY_FILES = new Set(['glossary.yml', 'glossary.yaml']);
const IGNORED_NAMES = new Set(['readme.md']);
export const DEFAULT_SETTLE_MS = 50;
const DEFAULT_READ_ATTEMPTS = 6;
/** Sorting out and parsing files runs this long at most before it lets other work (questions) run. */
const PARSE_SLICE_MS = 10;

/**
 * Reads every article (`*.md`) and the glossary (`glossary.yml`) of a knowledge folder and its
 * subfolders. Never throws for a bad file: each problem is reported with its file (relative to
 * the folder) and line, and the file is left out.
 */
export async function loadKnowledge(dir: string, options: LoadOptions = {}): Promise<LoadedKnowledge> {
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const errors: KnowledgeProblem[] = [];
  const warnings: KnowledgeProblem[] = [];

  const listedAtMs = Date.now();
  let listing: Listing;
  try {
    listing = await listFiles(dir);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'folder not found' : String(error);
    return { articles: [], glossary: EMPTY_GLOSSARY, errors: [{ file: dir, message: `knowledge ${reason}` }], warnings };
  }
  warnings.push(...listing.warnings);

  const articles: Article[] = [];
  const fileById = new Map<string, string>();
  let glossary = EMPTY_GLOSSARY;
  let glossaryFile: LoadedKnowledge['glossaryFile'];

  const knowledgeFiles: ListedFile[] = [];
  let sliceStart = performance.now();
  for (const listed of listing.files) {
    if (performance.now() - sliceStart >= PARSE_SLICE_MS) {
      await nextTurn();
      sliceStart = performance.now();
    }
    const name = path.basename(listed.file).toLowerCase();
    if (isGlossaryFile(listed.file) || (name.endsWith('.md') && !IGNORED_NAMES.has(name))) knowledgeFiles.push(listed);
    else if (!IGNORED_NAMES.has(name)) warnings.push({ file: listed.file, message: 'not read: only .md articles and glossary.yml are knowledge files' });
  }
  const { unchanged, toRead } = await unchangedFiles(knowledgeFiles, options.previous ?? {}, maxFileBytes);
  const read = await readFiles(toRead, {
    maxFileBytes,
    settleMs: options.settleMs ?? DEFAULT_SETTLE_MS,
    attempts: options.readAttempts ?? DEFAULT_READ_ATTEMPTS,
  });
  errors.push(...read.errors);
  warnings.push(...read.warnings);

  const files = new Map<string, LoadedFile>();
  sliceStart = performance.now();
  for (const { file, source } of knowledgeFiles) {
    if (performance.now() - sliceStart >= PARSE_SLICE_MS) {
      await nextTurn();
      sliceStart = performance.now();
    }
    if (isGlossaryFile(file)) glossaryFile = { file, loaded: false };
    let record = unchanged.get(file);
    if (record === undefined) {
      const text = read.texts.get(file);
      const stamp = read.stamps.get(file);
      if (text === undefined || stamp === undefined) continue;
      let parsed: ParsedFile;
      try {
        parsed = parseFile(file, text, options.previous?.files?.get(file), options.parsedBefore?.get(file));
      } catch (error) {
        // A bug of ours or a library's must cost this one file, never the whole load.
        errors.push({ file, message: `could not be read: ${(error as Error).message}` });
        continue;
      }
      if (!parsed.ok) {
        errors.push(...parsed.problems);
        continue;
      }
      record = { source, ...stamp, outcome: parsed.outcome };
    }
    const { outcome } = record;
    if ('glossary' in outcome) {
      glossary = outcome.glossary;
      glossaryFile = { file, loaded: true };
    } else {
      const first = fileById.get(outcome.article.id);
      if (first !== undefined) {
        errors.push({ file, line: 2, message: `front matter: duplicate id "${outcome.article.id}" (also in ${first})` });
        continue;
      }
      fileById.set(outcome.article.id, file);
      articles.push(outcome.article);
    }
    files.set(file, record);
  }
  return {
    articles,
    glossary,
    errors: inFileOrder(errors),
    warnings: inFileOrder(warnings),
    ...(glossaryFile ? { glossaryFile } : {}),
    ...(read.stillChanging.length > 0 ? { stillChanging: read.stillChanging } : {}),
    files,
    listedAtMs,
  };
}

type ParsedFile = { ok: true; outcome: LoadedFile['outcome'] } | { ok: false; problems: KnowledgeProblem[] };

/**
 * What a file's text loads as: the earlier load's outcome itself when the text is the one it was
 * made from (a file touched but not changed keeps its `Article` object), else parsed now.
 */
function parseFile(file: string, text: string, before: LoadedFile | undefined, parsedBefore: ParsedBefore | undefined): ParsedFile {
  const earlier = before?.outcome;
  if (isGlossaryFile(file)) {
    const contentHash = contentHashOf(text);
    if (earlier !== undefined && 'glossary' in earlier && earlier.contentHash === contentHash) return { ok: true, outcome: earlier };
    const { glossary, problems } = parseGlossary(file, text);
    return problems.length > 0 ? { ok: false, problems } : { ok: true, outcome: { glossary, contentHash } };
  }
  if (earlier !== undefined && 'article' in earlier && earlier.article.contentHash === contentHashOf(text)) return { ok: true, outcome: earlier };
  const parsed = articleOf(file, text, parsedBefore);
  return parsed.ok ? { ok: true, outcome: { article: parsed.article } } : parsed;
}

/** The article in a file's text: as parsed before when the text is the same, else parsed now. */
function articleOf(file: string, text: string, before: ParsedBefore | undefined): ParsedArticle {
  const article = before === undefined ? undefined : reparsedArticle(file, text, before);
  return article === undefined ? parseArticle(file, text) : { ok: true, article };
}

/** The glossary is `glossary.yml` (or `.yaml`) at the top of the folder. */
function isGlossaryFile(file: string): boolean {
  return GLOSSARY_FILES.has(path.basename(file).toLowerCase()) && !file.includes(path.sep);
}

/** Problems in file order, those of one file in the order they were found. */
function inFileOrder(problems: readonly KnowledgeProblem[]): KnowledgeProblem[] {
  return [...problems].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}
