/**
 * TREC run files: one line per retrieved document,
 *
 *     qid Q0 docid rank score tag
 *
 * the format trec_eval, pytrec_eval and ir_measures read. Writing a run and
 * scoring the file again (instead of the in-memory results) shows that the
 * figures do not depend on anything but what is in the file.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

import { BEIR_CUTOFFS, evaluateRun, rankLikeTrecEval } from './metrics.js';
import type { Cutoffs, Evaluation, Qrels, Run, ScoredDoc } from './metrics.js';

/** BEIR scores Recall@100, so 100 documents per query is all a run needs. */
export const TREC_RUN_DEPTH = 100;

const WHITESPACE = /\s/;

/**
 * Format a run as TREC text. Each query's documents are put in trec_eval's
 * order (score descending, docid descending on ties), cut to `depth`, and
 * numbered from 1, so the rank column agrees with how trec_eval will rank the
 * file. Queries keep the run's insertion order.
 */
export function formatTrecRun(run: Run, tag: string, depth: number = TREC_RUN_DEPTH): string {
  assertField('run tag', tag);
  const lines: string[] = [];
  for (const [queryId, results] of run) {
    assertField('query id', queryId);
    rankLikeTrecEval(results)
      .slice(0, depth)
      .forEach(({ docId, score }, index) => {
        assertField('document id', docId);
        // String(score) is the shortest text that parses back to the same
        // double (also with C's atof, which trec_eval uses), so writing the
        // file cannot create ties that the in-memory scores did not have.
        lines.push(`${queryId} Q0 ${docId} ${index + 1} ${String(score)} ${tag}`);
      });
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

function assertField(what: string, value: string): void {
  if (value.length === 0 || WHITESPACE.test(value)) {
    throw new Error(`${what} "${value}" cannot be written to a TREC run: it is empty or contains whitespace`);
  }
}

/** Write a run file, creating its folder if needed. */
export function writeTrecRun(path: string, run: Run, tag: string, depth: number = TREC_RUN_DEPTH): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, formatTrecRun(run, tag, depth), 'utf8');
}

export interface ParsedTrecRun {
  run: Map<string, ScoredDoc[]>;
  /** Tag of the first line; undefined for an empty file. */
  tag: string | undefined;
}

/**
 * Parse TREC run text with trec_eval's rules (get_trec_results.c): fields are
 * separated by whitespace, blank lines and lines starting with '#' are
 * skipped, fields after the sixth are ignored, and the rank column is ignored
 * (the score decides the order). Unlike trec_eval's atof, a score that is not
 * a number is an error rather than a silent 0.
 */
export function parseTrecRun(text: string, source = 'run'): ParsedTrecRun {
  const run = new Map<string, ScoredDoc[]>();
  const seenPerQuery = new Map<string, Set<string>>();
  let tag: string | undefined;

  text.split('\n').forEach((rawLine, index) => {
    const where = `${source} line ${index + 1}`;
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) return;

    const fields = line.split(/\s+/);
    if (fields.length < 6) {
      throw new Error(`${where}: expected "qid Q0 docid rank score tag", got ${fields.length} field(s): ${line}`);
    }
    const [queryId = '', , docId = '', , scoreText = '', lineTag = ''] = fields;
    const score = Number(scoreText);
    if (!Number.isFinite(score)) throw new Error(`${where}: score "${scoreText}" is not a finite number`);

    const seen = seenPerQuery.get(queryId) ?? new Set<string>();
    if (seen.has(docId)) throw new Error(`${where}: document "${docId}" appears twice for query "${queryId}"`);
    seen.add(docId);
    seenPerQuery.set(queryId, seen);

    const results = run.get(queryId) ?? [];
    results.push({ docId, score });
    run.set(queryId, results);
    tag ??= lineTag;
  });

  return { run, tag };
}

export function readTrecRun(path: string): ParsedTrecRun {
  return parseTrecRun(readFileSync(path, 'utf8'), path);
}

/** Score a run file against qrels, independently of whoever wrote it. */
export function evaluateRunFile(path: string, qrels: Qrels, cutoffs: Cutoffs = BEIR_CUTOFFS): Evaluation {
  return evaluateRun(readTrecRun(path).run, qrels, cutoffs);
}
