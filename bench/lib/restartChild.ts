/**
 * One start of the engine over a knowledge folder, in a process of its own as a real start is:
 * bench/lib/restart.ts runs it twice, with an empty cache folder and then with the cache the first
 * run wrote, and compares them.
 *
 *   node [the parent's tsx flags] bench/lib/restartChild.ts KNOWLEDGE_DIR CACHE_DIR QUESTIONS_JSON
 *
 * Prints one JSON line (`StartFigures`): time to a ready engine and to its first answer, where its
 * index came from, what writing the cache cost, and a hash of its answers to the questions.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

import { createEngine } from '../../src/core/index.js';
import type { CoreLogger } from '../../src/core/index.js';

export interface StartFigures {
  readyMs: number;
  firstAnswerMs: number;
  indexSource: 'built' | 'cache';
  articles: number;
  passages: number;
  /** The cache file written after a build (none after a start from the cache). */
  cacheBytes?: number;
  /** From the engine ready to the cache file in place. */
  writeMs?: number;
  /** Of which encoding on the event loop, in slices. */
  encodeMs?: number;
  /** The longest the event loop was held while the cache was written. */
  longestTurnMs?: number;
  /** sha256 of the answers (without their timing) to every question, in order. */
  answers: string;
  warnings: string[];
}

async function main(): Promise<void> {
  const [knowledgeDir, cacheDir, questionsFile] = process.argv.slice(2);
  if (knowledgeDir === undefined || cacheDir === undefined || questionsFile === undefined) {
    throw new Error('usage: restartChild.ts KNOWLEDGE_DIR CACHE_DIR QUESTIONS_JSON');
  }
  const questions = JSON.parse(readFileSync(questionsFile, 'utf8')) as string[];
  const warnings: string[] = [];
  let written: { bytes?: number; encodeMs?: number } = {};
  const logger: CoreLogger = {
    info: (obj, msg) => {
      if (msg === 'index cache written') written = obj as typeof written;
    },
    warn: (obj, msg) => warnings.push(`${msg ?? ''} ${JSON.stringify(obj)}`),
    error: (obj, msg) => warnings.push(`${msg ?? ''} ${JSON.stringify(obj)}`),
    debug: () => undefined,
  };

  const started = performance.now();
  const engine = await createEngine({ knowledgeDir, cacheDir, cacheMinPassages: 0, logger });
  const readyMs = performance.now() - started;
  const first = performance.now();
  engine.answer(questions[0] ?? 'What is productivity?');
  const firstAnswerMs = performance.now() - first;

  // The cache is written in the background from the engine's first turn: time it, and the longest
  // turn anything else (a question) would have waited meanwhile.
  let longestTurnMs = 0;
  let writing = true;
  const writeStart = performance.now();
  const idle = engine.whenIdle().then(() => {
    writing = false;
  });
  let last = performance.now();
  while (writing) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    const now = performance.now();
    longestTurnMs = Math.max(longestTurnMs, now - last);
    last = now;
  }
  await idle;
  const writeMs = performance.now() - writeStart;

  const hash = createHash('sha256');
  for (const question of questions) hash.update(JSON.stringify({ ...engine.answer(question), tookMs: 0 }));
  const stats = engine.stats();
  const figures: StartFigures = {
    readyMs,
    firstAnswerMs,
    indexSource: stats.indexSource,
    articles: stats.articles,
    passages: stats.passages,
    ...(written.bytes === undefined ? {} : { cacheBytes: written.bytes, writeMs, encodeMs: written.encodeMs ?? 0, longestTurnMs }),
    answers: hash.digest('hex'),
    warnings,
  };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
