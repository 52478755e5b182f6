/**
 * Reload after editing one article: the knowledge as Markdown files in a folder, an engine over
 * it (as `apo-bot start` makes it), then a few rounds of one article edited and `reload()`, each
 * timed from the call to the report, with the longest event-loop turn meanwhile (a 1 ms timer's
 * drift): what a question asked during the reload waits at most.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import { createEngine, type Article } from '../../src/core/index.js';
import { articleMarkdown } from './corpusArticles.js';

/** Edits (and reloads) per size. */
const ROUNDS = 5;
/** Files written this long before the reload are past the loader's "racy" margin (3 s) anyway; wait a little for the clock. */
const SETTLE_MS = 100;

export interface OneArticleReload {
  readonly name: string;
  readonly files: number;
  readonly passages: number;
  /** Per round: from `reload()` to its report. */
  readonly reloadMs: readonly number[];
  /** Per round: the longest event-loop turn during the reload. */
  readonly longestTurnMs: readonly number[];
  /** How each round updated the index: 'updated' in place, or 'rebuilt'. */
  readonly index: readonly string[];
}

export async function measureOneArticleReload(name: string, articles: readonly Article[]): Promise<OneArticleReload> {
  const dir = await mkdtemp(join(tmpdir(), 'apo-bench-reload-one-'));
  try {
    for (const article of articles) await writeFile(join(dir, `${article.id}.md`), articleMarkdown(article));
    const engine = await createEngine({ knowledgeDir: dir });
    const passages = engine.stats().passages;
    const reloadMs: number[] = [];
    const longestTurnMs: number[] = [];
    const index: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // A different article each round, spread over the folder.
      const article = articles[Math.floor(((round + 0.5) * articles.length) / ROUNDS)] as Article;
      const file = join(dir, `${article.id}.md`);
      const text = await readFile(file, 'utf8');
      await writeFile(file, `${text.trimEnd()}\n\nEdited in round ${round + 1}: a paragraph added to one article.\n`);
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));

      let longest = 0;
      let last = performance.now();
      const probe = setInterval(() => {
        const now = performance.now();
        longest = Math.max(longest, now - last);
        last = now;
      }, 1);
      const started = performance.now();
      const report = await engine.reload();
      const took = performance.now() - started;
      clearInterval(probe);
      longest = Math.max(longest, performance.now() - last);
      if (!report.applied) throw new Error(`${name}: the reload was not applied: ${JSON.stringify(report.errors)}`);
      reloadMs.push(took);
      longestTurnMs.push(longest);
      index.push(report.index ?? 'unknown');
    }
    return { name, files: articles.length, passages, reloadMs, longestTurnMs, index };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function printOneArticleReloads(reports: readonly OneArticleReload[]): void {
  console.log(`\nReload after editing one article (${ROUNDS} rounds each; median and worst):`);
  const header = ['size', 'files', 'passages', 'reload ms (median)', 'reload ms (max)', 'longest turn ms (max)', 'index', 'each round: ms / longest turn ms'];
  const rows = reports.map((r) => [
    r.name,
    String(r.files),
    String(r.passages),
    median(r.reloadMs).toFixed(0),
    Math.max(...r.reloadMs).toFixed(0),
    Math.max(...r.longestTurnMs).toFixed(1),
    [...new Set(r.index)].join(', '),
    r.reloadMs.map((ms, i) => `${ms.toFixed(0)}/${(r.longestTurnMs[i] as number).toFixed(0)}`).join(' '),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: readonly string[]): string => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] as number;
}
