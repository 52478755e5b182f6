import { readdir, readFile, stat } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import path from 'node:path';
import type { Article, KnowledgeProblem } from '../types.js';
import { parseArticle } from './article.js';
import { EMPTY_GLOSSARY, parseGlossary, type Glossary } from './glossary.js';

export interface LoadOptions {
  /** Files larger than this are refused. Default 1 MiB. */
  readonly maxFileBytes?: number;
}

export interface LoadedKnowledge {
  /** The articles that loaded without problems, in file path order. */
  readonly articles: readonly Article[];
  readonly glossary: Glossary;
  /** Problems that left a file out: a reload with any of these keeps the previous knowledge. */
  readonly errors: readonly KnowledgeProblem[];
  /** Things worth knowing that left nothing out, like a stray file that is not read. */
  readonly warnings: readonly KnowledgeProblem[];
}

export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;
const GLOSSARY_FILES = new Set(['glossary.yml', 'glossary.yaml']);
const IGNORED_NAMES = new Set(['readme.md']);
/** Files read at once. */
const READ_CONCURRENCY = 32;
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

  let files: string[];
  try {
    files = await listFiles(dir);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'folder not found' : String(error);
    return { articles: [], glossary: EMPTY_GLOSSARY, errors: [{ file: dir, message: `knowledge ${reason}` }], warnings };
  }

  const articles: Article[] = [];
  const fileById = new Map<string, string>();
  let glossary = EMPTY_GLOSSARY;

  const knowledgeFiles = files.filter((file) => {
    const name = path.basename(file).toLowerCase();
    if (isGlossaryFile(file) || (name.endsWith('.md') && !IGNORED_NAMES.has(name))) return true;
    if (!IGNORED_NAMES.has(name)) warnings.push({ file, message: 'not read: only .md articles and glossary.yml are knowledge files' });
    return false;
  });
  // Read several at a time: one after another, thousands of files take a turn of the event loop
  // each, and while the bot answers questions each turn is long.
  const texts = await mapConcurrently(knowledgeFiles, READ_CONCURRENCY, async (file) => {
    const problems: KnowledgeProblem[] = [];
    return { text: await readText(dir, file, maxFileBytes, problems), problems };
  });

  let sliceStart = performance.now();
  for (const [i, file] of knowledgeFiles.entries()) {
    if (performance.now() - sliceStart >= PARSE_SLICE_MS) {
      await nextTurn();
      sliceStart = performance.now();
    }
    const { text, problems } = texts[i] as (typeof texts)[number];
    errors.push(...problems);
    if (text === undefined) continue;

    if (isGlossaryFile(file)) {
      const parsed = parseGlossary(file, text);
      errors.push(...parsed.problems);
      glossary = parsed.glossary;
      continue;
    }
    const parsed = parseArticle(file, text);
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
  return { articles, glossary, errors, warnings };
}

/** The glossary is `glossary.yml` (or `.yaml`) at the top of the folder. */
function isGlossaryFile(file: string): boolean {
  return GLOSSARY_FILES.has(path.basename(file).toLowerCase()) && !file.includes(path.sep);
}

/** `items.map(work)` with at most `limit` pieces of work under way at once; results in item order. */
async function mapConcurrently<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const at = next++;
      results[at] = await work(items[at] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Relative paths of the files under `dir`, sorted, leaving out hidden files and folders. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .filter((file) => !file.split(path.sep).some((part) => part.startsWith('.')))
    .sort();
}

async function readText(
  dir: string,
  file: string,
  maxFileBytes: number,
  errors: KnowledgeProblem[],
): Promise<string | undefined> {
  const full = path.join(dir, file);
  let bytes: Buffer;
  try {
    const { size } = await stat(full);
    if (size > maxFileBytes) {
      errors.push({ file, message: `file too large: ${size} bytes (the limit is ${maxFileBytes})` });
      return undefined;
    }
    bytes = await readFile(full);
  } catch (error) {
    // Deleted or locked while we read the folder: report it rather than fail the whole load.
    errors.push({ file, message: `could not read: ${(error as Error).message}` });
    return undefined;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    const line = lineOfFirstInvalidByte(bytes);
    errors.push({ file, line, message: 'not valid UTF-8 text (save the file as UTF-8)' });
    return undefined;
  }
}

function lineOfFirstInvalidByte(bytes: Buffer): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      try {
        decoder.decode(bytes.subarray(lineStart, i));
      } catch {
        return line;
      }
      line += 1;
      lineStart = i + 1;
    }
  }
  return line;
}
