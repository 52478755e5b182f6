/**
 * Loader for a dataset in BEIR's folder layout:
 *
 *   corpus.jsonl   {"_id", "title", "text"} per line (other keys ignored)
 *   queries.jsonl  {"_id", "text"} per line (other keys ignored)
 *   qrels.tsv      query-id <TAB> corpus-id <TAB> score, with a header line
 *
 * Bad input fails with the file path and line number, because a benchmark
 * that silently skips a broken line reports numbers for a different dataset.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Qrels } from './metrics.js';

/** A corpus document as the retrievers see it. */
export interface BenchDoc {
  id: string;
  title: string;
  text: string;
}

export interface BenchQuery {
  id: string;
  text: string;
}

export interface BeirDataset {
  dir: string;
  corpus: BenchDoc[];
  /** Queries that have judgements, in file order: the ones to run. */
  queries: BenchQuery[];
  qrels: Qrels;
  /** Oddities that do not stop a run but change what the figures mean. */
  warnings: string[];
}

// This file is bench/lib/beir.ts, so the project root is two folders up.
// Resolving from here (not process.cwd()) lets the script run from anywhere.
const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** `../shared/bench/scifact`, relative to the project root. */
export const DEFAULT_DATA_DIR = resolve(PROJECT_ROOT, '..', 'shared', 'bench', 'scifact');

/**
 * The data folder: `--data DIR` (resolved against the cwd, like any path
 * typed on a command line) or DEFAULT_DATA_DIR.
 */
export function resolveDataDir(dataOption: string | undefined): string {
  return dataOption === undefined ? DEFAULT_DATA_DIR : resolve(dataOption);
}

export function projectRoot(): string {
  return PROJECT_ROOT;
}

/** Load and cross-check a BEIR folder. */
export function loadBeirDataset(dir: string): BeirDataset {
  if (!existsSync(dir)) {
    throw new Error(`BEIR data folder not found: ${dir} (pass --data DIR to use another one)`);
  }
  const corpus = loadCorpus(join(dir, 'corpus.jsonl'));
  const allQueries = loadQueries(join(dir, 'queries.jsonl'));
  const qrels = loadQrels(join(dir, 'qrels.tsv'));

  const warnings: string[] = [];
  const docIds = new Set(corpus.map((doc) => doc.id));
  const queryIds = new Set(allQueries.map((query) => query.id));

  const unknownDocs = [...qrels.values()].flatMap((judgements) => [...judgements.keys()].filter((id) => !docIds.has(id)));
  if (unknownDocs.length > 0) {
    warnings.push(`${unknownDocs.length} judged document(s) are not in corpus.jsonl and can never be retrieved (e.g. ${unknownDocs[0]})`);
  }
  const unknownQueries = [...qrels.keys()].filter((id) => !queryIds.has(id));
  if (unknownQueries.length > 0) {
    warnings.push(`${unknownQueries.length} judged query id(s) are not in queries.jsonl and will score 0 (e.g. ${unknownQueries[0]})`);
  }
  // Like BEIR's loader, only judged queries are run: the others cannot be scored.
  const queries = allQueries.filter((query) => qrels.has(query.id));
  if (queries.length < allQueries.length) {
    warnings.push(`${allQueries.length - queries.length} query(ies) have no judgements and are skipped`);
  }

  return { dir, corpus, queries, qrels, warnings };
}

export function loadCorpus(path: string): BenchDoc[] {
  const seen = new Set<string>();
  return readJsonLines(path).map(({ value, where }) => {
    const id = requireString(value, '_id', where);
    if (id === '') throw new Error(`${where}: "_id" is empty`);
    if (seen.has(id)) throw new Error(`${where}: duplicate document id "${id}"`);
    seen.add(id);
    // Some BEIR corpora have no titles; BEIR's own loader reads a missing one as "".
    const title = value['title'] === undefined ? '' : requireString(value, 'title', where);
    return { id, title, text: requireString(value, 'text', where) };
  });
}

export function loadQueries(path: string): BenchQuery[] {
  const seen = new Set<string>();
  return readJsonLines(path).map(({ value, where }) => {
    const id = requireString(value, '_id', where);
    if (id === '') throw new Error(`${where}: "_id" is empty`);
    if (seen.has(id)) throw new Error(`${where}: duplicate query id "${id}"`);
    seen.add(id);
    return { id, text: requireString(value, 'text', where) };
  });
}

/**
 * Read qrels.tsv. BEIR always writes a header, which is recognised by its
 * non-numeric score column; a file without one is accepted too. Scores must be
 * integers, as trec_eval reads them (atol) and BEIR writes them.
 */
export function loadQrels(path: string): Map<string, Map<string, number>> {
  const qrels = new Map<string, Map<string, number>>();
  readLines(path).forEach(({ line, lineNumber }) => {
    const where = `${path} line ${lineNumber}`;
    const fields = line.split('\t');
    if (fields.length !== 3) {
      throw new Error(`${where}: expected 3 tab-separated fields (query-id, corpus-id, score), got ${fields.length}`);
    }
    const [queryId = '', docId = '', scoreText = ''] = fields.map((field) => field.trim());
    if (lineNumber === 1 && !/^-?\d+$/.test(scoreText)) return; // header line
    if (!/^-?\d+$/.test(scoreText)) throw new Error(`${where}: score "${scoreText}" is not an integer`);
    if (queryId === '' || docId === '') throw new Error(`${where}: empty query-id or corpus-id`);

    const judgements = qrels.get(queryId) ?? new Map<string, number>();
    if (judgements.has(docId)) throw new Error(`${where}: pair (${queryId}, ${docId}) is judged twice`);
    judgements.set(docId, Number(scoreText));
    qrels.set(queryId, judgements);
  });
  if (qrels.size === 0) throw new Error(`${path}: no judgements found`);
  return qrels;
}

interface NumberedLine {
  line: string;
  lineNumber: number;
}

/** Non-blank lines with their 1-based numbers; tolerates CRLF endings. */
function readLines(path: string): NumberedLine[] {
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${path}: ${(error as Error).message}`);
  }
  return content
    .split('\n')
    .map((line, index) => ({ line: line.replace(/\r$/, ''), lineNumber: index + 1 }))
    .filter(({ line }) => line.trim() !== '');
}

interface JsonLine {
  value: Record<string, unknown>;
  where: string;
}

function readJsonLines(path: string): JsonLine[] {
  const lines = readLines(path);
  if (lines.length === 0) throw new Error(`${path}: file is empty`);
  return lines.map(({ line, lineNumber }) => {
    const where = `${path} line ${lineNumber}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new Error(`${where}: invalid JSON (${(error as Error).message})`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new Error(`${where}: expected a JSON object`);
    }
    return { value: value as Record<string, unknown>, where };
  });
}

function requireString(value: Record<string, unknown>, key: string, where: string): string {
  const field = value[key];
  if (typeof field !== 'string') {
    throw new Error(`${where}: "${key}" must be a string, got ${field === undefined ? 'nothing' : typeof field}`);
  }
  return field;
}
