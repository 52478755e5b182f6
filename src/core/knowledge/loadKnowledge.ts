import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import path from 'node:path';
import type { Article, KnowledgeProblem } from '../types.js';
import { parseArticle, reparsedArticle, type ParsedArticle, type ParsedBefore } from './article.js';
import { EMPTY_GLOSSARY, parseGlossary, type Glossary } from './glossary.js';
import { listFiles, type Listing } from './listFiles.js';
import { readFiles } from './readFiles.js';

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
}

export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;
const GLOSSARY_FILES = new Set(['glossary.yml', 'glossary.yaml']);
const IGNORED_NAMES = new Set(['readme.md']);
export const DEFAULT_SETTLE_MS = 50;
const DEFAULT_READ_ATTEMPTS = 6;
/** Parsing runs this long at most before it lets other work (questions) run. */
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

  const knowledgeFiles = listing.files.filter(({ file }) => {
    const name = path.basename(file).toLowerCase();
    if (isGlossaryFile(file) || (name.endsWith('.md') && !IGNORED_NAMES.has(name))) return true;
    if (!IGNORED_NAMES.has(name)) warnings.push({ file, message: 'not read: only .md articles and glossary.yml are knowledge files' });
    return false;
  });
  const read = await readFiles(knowledgeFiles, {
    maxFileBytes,
    settleMs: options.settleMs ?? DEFAULT_SETTLE_MS,
    attempts: options.readAttempts ?? DEFAULT_READ_ATTEMPTS,
  });
  errors.push(...read.errors);
  warnings.push(...read.warnings);

  let sliceStart = performance.now();
  for (const { file } of knowledgeFiles) {
    if (performance.now() - sliceStart >= PARSE_SLICE_MS) {
      await nextTurn();
      sliceStart = performance.now();
    }
    const text = read.texts.get(file);
    if (isGlossaryFile(file)) glossaryFile = { file, loaded: false };
    if (text === undefined) continue;

    let parsed;
    try {
      parsed = isGlossaryFile(file) ? parseGlossary(file, text) : articleOf(file, text, options.parsedBefore?.get(file));
    } catch (error) {
      // A bug of ours or a library's must cost this one file, never the whole load.
      errors.push({ file, message: `could not be read: ${(error as Error).message}` });
      continue;
    }
    if ('glossary' in parsed) {
      errors.push(...parsed.problems);
      if (parsed.problems.length === 0) {
        glossary = parsed.glossary;
        glossaryFile = { file, loaded: true };
      }
      continue;
    }
    if (!parsed.ok) {
      errors.push(...parsed.problems);
      continue;
    }
    const first = fileById.get(parsed.article.id);
    if (first !== undefined) {
      errors.push({ file, line: 2, message: `front matter: duplicate id "${parsed.article.id}" (also in ${first})` });
      continue;
    }
    fileById.set(parsed.article.id, file);
    articles.push(parsed.article);
  }
  return {
    articles,
    glossary,
    errors: inFileOrder(errors),
    warnings: inFileOrder(warnings),
    ...(glossaryFile ? { glossaryFile } : {}),
    ...(read.stillChanging.length > 0 ? { stillChanging: read.stillChanging } : {}),
  };
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
