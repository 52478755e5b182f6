/**
 * The engine measured from outside, as a user runs it: a folder of generated Markdown articles
 * (SciFact abstracts cut into passages, bench/lib/corpusArticles.ts) answered by one
 * `apo-bot ask --json` process reading the SciFact claims from standard input, twice over the
 * same folder: the first run starts with an empty DATA_DIR (no index cache), the second finds
 * what the first left there, as a restart with unchanged knowledge does.
 *
 *   npm run build && npx tsx bench/outside.ts [--passages N] [--questions N] [--dir DIR] [--data DIR]
 *
 * --passages N   passages in the folder (default 100000)
 * --questions N  claims asked per run (default 300)
 * --dir DIR      the knowledge folder: written there if it does not exist yet, reused if it does
 *                (default: a temporary folder, removed at the end)
 * --data DIR     the SciFact folder (default ../shared/bench/scifact beside the project)
 *
 * Prints, per run, the time from starting the process to its first answer and the engine's own
 * `tookMs` per answer (p50, p99, max), then checks the scale issue's figures: `tookMs` p99 <= 25 ms
 * and the second run's first answer within 8 s.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

import { splitSentences } from '../src/core/text/sentences.js';
import { loadCorpus, loadQueries, projectRoot, resolveDataDir } from './lib/beir.js';
import { articleMarkdown, generateArticles } from './lib/corpusArticles.js';
import { summarize, type LatencySummary } from './lib/latency.js';

const TARGETS = { answerP99Ms: 25, restartFirstAnswerMs: 8_000 };

interface Run {
  readonly name: string;
  /** From spawning the process to reading its first answer. */
  readonly firstAnswerMs: number;
  readonly totalMs: number;
  readonly answered: number;
  readonly tookMs: LatencySummary;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { passages: { type: 'string' }, questions: { type: 'string' }, dir: { type: 'string' }, data: { type: 'string' } },
    strict: true,
  });
  const passages = wholeNumber(values.passages ?? '100000', '--passages');
  const questionCount = wholeNumber(values.questions ?? '300', '--questions');
  const cli = join(projectRoot(), 'bin', 'apo-bot.js');
  if (!existsSync(join(projectRoot(), 'dist'))) throw new Error('run `npm run build` first: this benchmark runs the built CLI');

  const dataDir = resolveDataDir(values.data);
  const claims = loadQueries(join(dataDir, 'queries.jsonl'))
    .map((q) => q.text)
    .slice(0, questionCount);
  const scratch = await mkdtemp(join(tmpdir(), 'apo-bench-outside-'));
  try {
    const knowledgeDir = values.dir === undefined ? join(scratch, 'knowledge') : resolve(values.dir);
    if (existsSync(knowledgeDir)) {
      console.log(`Knowledge: ${knowledgeDir} (reused as it is)`);
    } else {
      const written = await writeKnowledge(knowledgeDir, join(dataDir, 'corpus.jsonl'), passages);
      console.log(`Knowledge: ${written} articles, ${passages} passages written to ${knowledgeDir}`);
    }
    console.log(`Machine: ${cpus()[0]?.model.trim() ?? 'unknown CPU'} x${cpus().length}, Node ${process.version}, ${new Date().toISOString()}`);
    console.log(`Questions: ${claims.length} SciFact claims through one \`apo-bot ask --json\` process per run\n`);

    const stateDir = join(scratch, 'data');
    await mkdir(stateDir);
    const runs: Run[] = [];
    for (const name of ['first run (empty DATA_DIR)', 'second run (same folder, same DATA_DIR)']) {
      console.log(`${name}...`);
      runs.push(await askAll(name, cli, knowledgeDir, stateDir, claims));
    }
    printRuns(runs);
    const restart = runs[1] as Run;
    const checks = [
      ...runs.map((run) => ({ what: `${run.name}: tookMs p99 <= ${TARGETS.answerP99Ms} ms`, ok: run.tookMs.p99 <= TARGETS.answerP99Ms, got: `${run.tookMs.p99.toFixed(2)} ms` })),
      { what: `second run: first answer <= ${TARGETS.restartFirstAnswerMs / 1000} s`, ok: restart.firstAnswerMs <= TARGETS.restartFirstAnswerMs, got: `${(restart.firstAnswerMs / 1000).toFixed(1)} s` },
    ];
    console.log('\nTargets:');
    for (const check of checks) console.log(`  ${check.ok ? 'PASS' : 'FAIL'}  ${check.what}: ${check.got}`);
    if (checks.some((check) => !check.ok)) process.exitCode = 1;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

function wholeNumber(text: string, option: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${option} must be a whole number >= 1, got "${text}"`);
  return value;
}

async function writeKnowledge(dir: string, corpusFile: string, passages: number): Promise<number> {
  const articles = generateArticles(loadCorpus(corpusFile), passages, (text) => splitSentences(text).map((s) => s.text));
  await mkdir(dir, { recursive: true });
  for (const article of articles) await writeFile(join(dir, `${article.id}.md`), articleMarkdown(article));
  return articles.length;
}

/** One `apo-bot ask --json` process: every question on its standard input, one answer a line back. */
async function askAll(name: string, cli: string, knowledgeDir: string, dataDir: string, questions: readonly string[]): Promise<Run> {
  const started = performance.now();
  const child = spawn(process.execPath, [cli, 'ask', '--json', '--knowledge', knowledgeDir], {
    env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((resolveExit, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolveExit(code));
  });
  child.stdin.end(questions.map((q) => `${q.replace(/\s+/g, ' ')}\n`).join(''));

  let firstAnswerMs: number | undefined;
  const took: number[] = [];
  for await (const line of createInterface({ input: child.stdout })) {
    if (line.trim() === '') continue;
    firstAnswerMs ??= performance.now() - started;
    const answer = JSON.parse(line) as { tookMs?: unknown };
    if (typeof answer.tookMs !== 'number') throw new Error(`an answer without tookMs: ${line.slice(0, 200)}`);
    took.push(answer.tookMs);
  }
  const code = await exited;
  if (code !== 0) throw new Error(`apo-bot ask --json exited with ${code}`);
  if (took.length !== questions.length) throw new Error(`${questions.length} questions asked, ${took.length} answers read`);
  return { name, firstAnswerMs: firstAnswerMs ?? Number.NaN, totalMs: performance.now() - started, answered: took.length, tookMs: summarize(took) };
}

function printRuns(runs: readonly Run[]): void {
  const header = ['run', 'first answer s', 'all answers s', 'tookMs p50', 'tookMs p99', 'tookMs max'];
  const rows = runs.map((run) => [
    run.name,
    (run.firstAnswerMs / 1000).toFixed(1),
    (run.totalMs / 1000).toFixed(1),
    run.tookMs.p50.toFixed(2),
    run.tookMs.p99.toFixed(2),
    run.tookMs.max.toFixed(2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: readonly string[]): string => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number))).join('  ');
  console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const row of rows) console.log(line(row));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
