/**
 * Retrieval-quality benchmark on a BEIR dataset (SciFact by default).
 *
 *   npx tsx bench/quality.ts [--data DIR] [--out DIR | --out FILE.run] [--only NAME,NAME] [--passages N,N]
 *
 * Builds every retriever in RETRIEVERS, runs each judged query (top 100),
 * prints nDCG@10, Recall@100 and timings, writes one TREC run file per
 * retriever, then scores every written file again from disk to show that the
 * figures come from the run files alone.
 *
 * The first retriever is the bot's engine; its run file is the dataset's
 * (bench/results/scifact.run by default), the others' are named after them.
 *
 * --out FILE.run  the engine's run file; the others go next to it, named
 *                 FILE-stem.<name>.run (default: bench/results/<dataset>.run)
 * --out DIR       run files go to DIR/<name>.run
 * --passages N    instead of the retrievers above, the engine over N passages cut from the
 *                 documents as bench:speed cuts its sizes (10000, 100000: each document in
 *                 several editions), a document scored by its best passage in any edition; its
 *                 recall counts documents, which repeat, so it is not comparable with the table's
 */
import { basename, dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

import { loadBeirDataset, projectRoot, resolveDataDir } from './lib/beir.js';
import type { BeirDataset } from './lib/beir.js';
import { BEIR_CUTOFFS, evaluateRun } from './lib/metrics.js';
import type { Evaluation, ScoredDoc } from './lib/metrics.js';
import { AnswerDepthEngineRetriever, ENGINE_NAME, EngineRetriever, GeneratedEngineRetriever } from './lib/engineRetriever.js';
import { Bm25ReferenceRetriever, LunrDefaultRetriever, MiniSearchDefaultRetriever } from './lib/retrievers.js';
import type { Retriever } from './lib/retrievers.js';
import { TREC_RUN_DEPTH, evaluateRunFile, writeTrecRun } from './lib/trecRun.js';

/** Add a retriever here to benchmark it; each needs a unique, whitespace-free name. */
const RETRIEVERS: ReadonlyArray<() => Retriever> = [
  () => new EngineRetriever(),
  () => new AnswerDepthEngineRetriever(),
  () => new MiniSearchDefaultRetriever(),
  () => new LunrDefaultRetriever(),
  // Evaluator checks, not contenders: SOURCE.md's Python run of this recipe
  // scored 0.6627 (no stemming) and 0.6767 (Porter) nDCG@10.
  () => new Bm25ReferenceRetriever(),
  () => new Bm25ReferenceRetriever({ stemming: false }),
];

/** The engine's targets on SciFact (issues 10 and 11): nDCG@10, and Recall@100 of the whole ranking. */
const ENGINE_TARGET_NDCG = 0.7;
const ENGINE_TARGET_RECALL = 0.93;

/** Published figures to read the table against (see the dataset's SOURCE.md). */
const REFERENCE_NOTE =
  'References on SciFact: BEIR paper BM25 nDCG@10 0.665; Anserini flat BM25 nDCG@10 0.6789, R@100 0.9253; ' +
  'SOURCE.md sanity BM25 (k1 0.9, b 0.4) nDCG@10 0.6767 with Porter, 0.6627 without stemming.';

interface RetrieverReport {
  name: string;
  evaluation: Evaluation;
  buildMs: number;
  meanQueryMs: number;
  runFile: string;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      out: { type: 'string' },
      only: { type: 'string' },
      passages: { type: 'string' },
    },
    strict: true,
  });

  const retrievers = values.passages === undefined ? selectRetrievers(values.only) : generatedRetrievers(values.passages);
  const dataDir = resolveDataDir(values.data);
  const runFileFor = runFileNamer(values.out ?? join(projectRoot(), 'bench', 'results', `${basename(dataDir)}.run`));

  const dataset = loadBeirDataset(dataDir);
  console.log(`Data: ${dataset.dir}`);
  console.log(`  ${dataset.corpus.length} documents, ${dataset.queries.length} judged queries run, ${dataset.qrels.size} judged queries scored`);
  for (const warning of dataset.warnings) console.log(`  warning: ${warning}`);

  const reports: RetrieverReport[] = [];
  for (const retriever of retrievers) {
    console.log(`\n${retriever.name}: building...`);
    reports.push(await benchmark(retriever, dataset, runFileFor(retriever.name)));
  }

  console.log('');
  printTable(reports);
  console.log(`\n${REFERENCE_NOTE}`);
  // The engine ranking everything, and the ranking an answer reads (ten results deep).
  const engines = basename(dataDir) === 'scifact' ? reports.filter((report) => report.name === ENGINE_NAME || report.name === `${ENGINE_NAME}-top10`) : [];
  for (const engine of engines) {
    const ndcg = engine.evaluation.meanNdcg;
    console.log(`Target on SciFact: ${engine.name} nDCG@10 >= ${ENGINE_TARGET_NDCG}: ${ndcg >= ENGINE_TARGET_NDCG ? 'PASS' : 'FAIL'} (${ndcg.toFixed(4)})`);
    if (engine.name !== ENGINE_NAME) continue;
    const recall = engine.evaluation.meanRecall;
    console.log(`Target on SciFact: ${engine.name} R@100 >= ${ENGINE_TARGET_RECALL}: ${recall >= ENGINE_TARGET_RECALL ? 'PASS' : 'FAIL'} (${recall.toFixed(4)})`);
  }

  // Re-score from disk: the reader and evaluator must reproduce the table.
  console.log('\nRe-scored from the written run files:');
  let allAgree = true;
  for (const report of reports) {
    const fromFile = evaluateRunFile(report.runFile, dataset.qrels);
    const agrees =
      Math.abs(fromFile.meanNdcg - report.evaluation.meanNdcg) < 1e-12 &&
      Math.abs(fromFile.meanRecall - report.evaluation.meanRecall) < 1e-12;
    allAgree &&= agrees;
    console.log(
      `  ${report.runFile}: nDCG@${fromFile.cutoffs.ndcg} ${fromFile.meanNdcg.toFixed(4)}, ` +
        `R@${fromFile.cutoffs.recall} ${fromFile.meanRecall.toFixed(4)} over ${fromFile.queryCount} queries ` +
        (agrees ? '(agrees)' : '(DISAGREES with the in-memory figures)'),
    );
  }
  if (!allAgree) process.exitCode = 1;
}

function selectRetrievers(only: string | undefined): Retriever[] {
  const all = RETRIEVERS.map((create) => create());
  const names = new Set(all.map((retriever) => retriever.name));
  if (names.size !== all.length) throw new Error('two retrievers share a name; run files would overwrite each other');
  if (only === undefined) return all;

  const wanted = only.split(',').map((name) => name.trim()).filter((name) => name !== '');
  const unknown = wanted.filter((name) => !names.has(name));
  if (unknown.length > 0) throw new Error(`unknown retriever(s) ${unknown.join(', ')}; known: ${[...names].join(', ')}`);
  return all.filter((retriever) => wanted.includes(retriever.name));
}

function generatedRetrievers(sizes: string): Retriever[] {
  return sizes.split(',').map((size) => {
    const passages = Number(size.trim());
    if (!Number.isInteger(passages) || passages < 1) throw new Error(`--passages: "${size}" is not a whole number of passages`);
    return new GeneratedEngineRetriever(passages);
  });
}

function runFileNamer(out: string): (name: string) => string {
  const target = resolve(out);
  if (target.endsWith('.run')) {
    const stem = basename(target, '.run');
    return (name) => (name === ENGINE_NAME ? target : join(dirname(target), `${stem}.${name}.run`));
  }
  return (name) => join(target, `${name}.run`);
}

async function benchmark(retriever: Retriever, dataset: BeirDataset, runFile: string): Promise<RetrieverReport> {
  const buildStart = performance.now();
  await retriever.build(dataset.corpus);
  const buildMs = performance.now() - buildStart;

  const run = new Map<string, ScoredDoc[]>();
  let searchMs = 0;
  for (const query of dataset.queries) {
    const searchStart = performance.now();
    const results = retriever.search(query.text, TREC_RUN_DEPTH);
    searchMs += performance.now() - searchStart;
    if (results.length > TREC_RUN_DEPTH) {
      throw new Error(`${retriever.name} returned ${results.length} results for query ${query.id}; asked for ${TREC_RUN_DEPTH}`);
    }
    run.set(query.id, results);
  }

  // Written first, so the in-memory figures describe exactly what is in the file.
  writeTrecRun(runFile, run, retriever.name);
  const evaluation = evaluateRun(run, dataset.qrels, BEIR_CUTOFFS);
  const meanQueryMs = dataset.queries.length > 0 ? searchMs / dataset.queries.length : 0;
  return { name: retriever.name, evaluation, buildMs, meanQueryMs, runFile };
}

function printTable(reports: readonly RetrieverReport[]): void {
  const header = ['retriever', `nDCG@${BEIR_CUTOFFS.ndcg}`, `R@${BEIR_CUTOFFS.recall}`, 'build (s)', 'query (ms)', 'queries'];
  const rows = reports.map((report) => [
    report.name,
    report.evaluation.meanNdcg.toFixed(4),
    report.evaluation.meanRecall.toFixed(4),
    (report.buildMs / 1000).toFixed(2),
    report.meanQueryMs.toFixed(2),
    String(report.evaluation.queryCount),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const format = (cells: readonly string[]): string =>
    cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ');

  console.log(format(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows) console.log(format(row));
  for (const report of reports) {
    if (report.evaluation.missingQueries.length > 0) {
      console.log(`note: ${report.name} returned nothing for ${report.evaluation.missingQueries.length} judged query(ies); each scores 0`);
    }
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
