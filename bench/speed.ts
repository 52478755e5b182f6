/**
 * Speed benchmark: index build time, heap and answer latency of the engine at several knowledge
 * sizes, against plain MiniSearch on the same passages; a restart with unchanged knowledge (cold
 * start against a start from the index cache) at each size; then a reload under questions.
 *
 *   npx tsx bench/speed.ts [--data DIR] [--sizes shipped,1k,10k,100k] [--rounds N] [--no-reload]
 *                          [--no-restart | --restart-only] [--no-reload-one | --reload-one-only]
 *
 * --rounds N          timed rounds over the questions (default: enough for 1,000 answers)
 * --restart-only      only the restarts (no latency table, no reload)
 * --reload-one-only   only the reloads after editing one article (bench/lib/reloadOne.ts), at
 *                     each generated size
 *
 * Knowledge sizes other than the shipped knowledge are generated from the SciFact abstracts
 * (bench/lib/corpusArticles.ts) in memory; the restart and reload tests write their knowledge as
 * Markdown files to a temporary folder and read it through the normal loader (bench/lib/restart.ts). Everything is measured in this
 * process with performance.now(), after a warm-up pass over the questions.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { parseArgs } from 'node:util';

import MiniSearch from 'minisearch';

import { createEngine, createEngineFromKnowledge, loadKnowledge } from '../src/core/index.js';
import type { Answer, Article, KnowledgeEngine, LoadedKnowledge } from '../src/core/index.js';
import { splitParagraphs } from '../src/core/text/passages.js';
import { splitSentences } from '../src/core/text/sentences.js';
import { loadCorpus, loadQueries, projectRoot, resolveDataDir } from './lib/beir.js';
import type { BenchDoc } from './lib/beir.js';
import { articleMarkdown, generateArticles, knowledgeOf } from './lib/corpusArticles.js';
import { exposeGc, liveHeap, summarize } from './lib/latency.js';
import type { LatencySummary } from './lib/latency.js';
import { measureOneArticleReload, printOneArticleReloads, type OneArticleReload } from './lib/reloadOne.js';
import { measureRestart, printRestarts } from './lib/restart.js';
import type { RestartReport } from './lib/restart.js';

const GENERATED_SIZES: Readonly<Record<string, number>> = { '1k': 1_000, '10k': 10_000, '100k': 100_000 };
const ALL_SIZES = ['shipped', '1k', '10k', '100k'];
const RELOAD_PASSAGES = 10_000;
/** Untimed answers first, then at least this many timed (whole rounds of the questions). */
const WARM_UP_ANSWERS = 2000;
const MIN_SAMPLES = 1000;
/** Plain MiniSearch gets a quarter of this to warm up, and starts no timed round past it. */
const PLAIN_BUDGET_MS = 60_000;
const SETTLE_MS = 200;

/** The targets of the issue, checked at the end of the run. */
const TARGETS = {
  largeAnswerP50Ms: 5,
  largeAnswerP99Ms: 25,
  mediumAnswerP99Ms: 5,
  largeBuildMs: 15_000,
  largeHeapBytes: 600 * 1024 ** 2,
  shippedAnswerP99Ms: 1,
  maxRatioToPlain: 2,
  largeRestartMs: 8_000,
  largeOneArticleReloadMs: 1_000,
  largeReloadTurnMs: 50,
  largeRestartRatio: 0.4,
};

interface SizeCase {
  name: string;
  knowledge: LoadedKnowledge;
  questions: readonly string[];
  questionSource: string;
}

interface SizeReport {
  name: string;
  articles: number;
  passages: number;
  questions: number;
  buildMs: number;
  heapBytes: number;
  heapDeltaBytes: number;
  answer: LatencySummary;
  plain: LatencySummary;
  plainBuildMs: number;
  answered: number;
}

const gc = exposeGc();

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: 'string' },
      sizes: { type: 'string' },
      rounds: { type: 'string' },
      'no-reload': { type: 'boolean' },
      'no-restart': { type: 'boolean' },
      'restart-only': { type: 'boolean' },
      'no-reload-one': { type: 'boolean' },
      'reload-one-only': { type: 'boolean' },
    },
    strict: true,
  });
  const sizes = (values.sizes ?? ALL_SIZES.join(',')).split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = sizes.filter((s) => !ALL_SIZES.includes(s));
  if (unknown.length > 0) throw new Error(`unknown size(s) ${unknown.join(', ')}; known: ${ALL_SIZES.join(', ')}`);
  const rounds = values.rounds === undefined ? undefined : Number(values.rounds);
  if (rounds !== undefined && (!Number.isInteger(rounds) || rounds < 1)) throw new Error('--rounds must be a whole number >= 1');

  const dataDir = resolveDataDir(values.data);
  const docs = loadCorpus(join(dataDir, 'corpus.jsonl'));
  const claims = loadQueries(join(dataDir, 'queries.jsonl')).map((q) => q.text);
  const sentencesOf = (text: string): string[] => splitSentences(text).map((s) => s.text);

  console.log(`Machine: ${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}, Node ${process.version}, ${new Date().toISOString()}`);
  console.log(`Data: ${dataDir} (${docs.length} abstracts, ${claims.length} claims as questions)`);
  console.log(
    `Engine: about ${WARM_UP_ANSWERS} answers to warm up, then ${rounds === undefined ? `at least ${MIN_SAMPLES} (2 rounds or more)` : `${rounds} round(s)`} timed; ` +
      `plain MiniSearch: the same, within ${PLAIN_BUDGET_MS / 1000} s (at least one timed round)`,
  );

  const restartOnly = values['restart-only'] === true;
  const reloadOneOnly = values['reload-one-only'] === true;
  const reports: SizeReport[] = [];
  const restarts: RestartReport[] = [];
  const oneArticleReloads: OneArticleReload[] = [];
  for (const size of sizes) {
    const sizeCase = size === 'shipped' ? await shippedCase() : generatedCase(size, docs, claims, sentencesOf);
    console.log(`\n${size}: ${sizeCase.knowledge.articles.length} articles, questions from ${sizeCase.questionSource}...`);
    if (!restartOnly && !reloadOneOnly) reports.push(await measureSize(sizeCase, rounds));
    if (!values['no-restart'] && !reloadOneOnly) {
      console.log(`${size}: restart with unchanged knowledge...`);
      const folder = size === 'shipped' ? { dir: join(projectRoot(), 'knowledge') } : sizeCase.knowledge.articles;
      restarts.push(await measureRestart(size, folder, sizeCase.questions));
    }
    // The shipped knowledge has two articles: editing one is half of it, which is built anew.
    if (size !== 'shipped' && !values['no-reload-one'] && !restartOnly) {
      console.log(`${size}: reload after editing one article...`);
      oneArticleReloads.push(await measureOneArticleReload(size, sizeCase.knowledge.articles));
    }
  }

  if (reports.length > 0) {
    console.log('');
    printTable(reports);
  }
  if (restarts.length > 0) printRestarts(restarts);
  if (oneArticleReloads.length > 0) printOneArticleReloads(oneArticleReloads);

  const reload = values['no-reload'] || restartOnly || reloadOneOnly ? undefined : await measureReload(docs, claims, sentencesOf);
  if (reload) printReload(reload);

  console.log('\nTargets:');
  const checks = [...checkTargets(reports, reload), ...checkRestarts(restarts), ...checkOneArticleReloads(oneArticleReloads)];
  for (const check of checks) console.log(`  ${check.ok ? 'PASS' : 'FAIL'}  ${check.what}: ${check.got}`);
  if (checks.some((check) => !check.ok)) process.exitCode = 1;
  const shipped = reports.find((r) => r.name === 'shipped');
  if (shipped) {
    console.log(
      `  info  shipped answer / plain search (mean): ${(shipped.answer.mean / shipped.plain.mean).toFixed(2)} ` +
        '(over 16 passages a plain search takes a tenth of a millisecond and chooses no sentence; the 2x target is checked from 1k up)',
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Knowledge sizes

async function shippedCase(): Promise<SizeCase> {
  const dir = join(projectRoot(), 'knowledge');
  const knowledge = await loadKnowledge(dir);
  if (knowledge.errors.length > 0) throw new Error(`the shipped knowledge has errors: ${knowledge.errors[0]?.message}`);
  const questions = ['apo-dev.jsonl', 'apo-extra.jsonl'].flatMap((file) =>
    readFileSync(join(projectRoot(), 'tests', 'fixtures', file), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => (JSON.parse(line) as { q: string }).q),
  );
  return { name: 'shipped', knowledge, questions, questionSource: 'the APO dev and extra question files' };
}

function generatedCase(
  size: string,
  docs: readonly BenchDoc[],
  claims: readonly string[],
  sentencesOf: (text: string) => string[],
): SizeCase {
  const articles = generateArticles(docs, GENERATED_SIZES[size] as number, sentencesOf);
  return { name: size, knowledge: knowledgeOf(articles), questions: claims, questionSource: 'the SciFact claims' };
}

// ---------------------------------------------------------------------------------------------
// Build, heap and latency at one size

async function measureSize(sizeCase: SizeCase, rounds: number | undefined): Promise<SizeReport> {
  const heapBefore = liveHeap(gc);
  const buildStart = performance.now();
  const engine = createEngineFromKnowledge(sizeCase.knowledge, { knowledgeDir: '(in memory)' });
  const buildMs = performance.now() - buildStart;
  const heapBytes = liveHeap(gc);

  const plainBuildStart = performance.now();
  const plain = plainIndexOf(sizeCase.knowledge.articles);
  const plainBuildMs = performance.now() - plainBuildStart;

  // The engine first, then plain MiniSearch, each warmed up and then timed in rounds back to back:
  // interleaved, each paid for the other's garbage and compiler work (a plain search at 100k
  // passages leaves a lot of both). Warm-up: V8 keeps optimising for the first thousand or two
  // answers (measured on the shipped knowledge: after 600 warm-up answers, 1 timed answer in 40
  // still waited milliseconds for it; after 2,000, 1 in 400), so about 2,000 answers. Plain
  // MiniSearch gets the same within a time budget: at 100k passages one search takes most of a second.
  const questions = sizeCase.questions;
  const timedRounds = rounds ?? Math.max(2, Math.ceil(MIN_SAMPLES / questions.length));
  let answered = 0;
  for (const question of questions) if (engine.answer(question).answered) answered += 1;
  for (let round = 1; round < Math.ceil(WARM_UP_ANSWERS / questions.length); round++) for (const question of questions) engine.answer(question);
  // No forced collection here: one just before timing made the next answers slower, not faster
  // (measured on the shipped knowledge: p99 4–5 ms with it, 0.3–0.6 ms without).
  const answerMs: number[] = [];
  for (let round = 0; round < timedRounds; round++) {
    for (const question of questions) {
      const started = performance.now();
      engine.answer(question);
      answerMs.push(performance.now() - started);
    }
  }

  await settle();
  const warmUpStart = performance.now();
  for (let i = 0; i < WARM_UP_ANSWERS && performance.now() - warmUpStart < PLAIN_BUDGET_MS / 4; i++) {
    plain.search(questions[i % questions.length] as string);
  }
  const plainMs: number[] = [];
  const plainStart = performance.now();
  for (let round = 0; round < timedRounds && (round === 0 || performance.now() - plainStart < PLAIN_BUDGET_MS); round++) {
    for (const question of questions) {
      const started = performance.now();
      plain.search(question);
      plainMs.push(performance.now() - started);
    }
  }

  const stats = engine.stats();
  return {
    name: sizeCase.name,
    articles: stats.articles,
    passages: stats.passages,
    questions: sizeCase.questions.length,
    buildMs,
    heapBytes,
    heapDeltaBytes: heapBytes - heapBefore,
    answer: summarize(answerMs),
    plain: summarize(plainMs),
    plainBuildMs,
    answered,
  };
}

/**
 * MiniSearch as it comes, over the same passages the engine indexes (each paragraph with its
 * article's title): its own tokenizer and defaults, no stemming, no typo tolerance.
 */
function plainIndexOf(articles: readonly Article[]): MiniSearch<{ id: number; title: string; text: string }> {
  const index = new MiniSearch<{ id: number; title: string; text: string }>({ fields: ['title', 'text'] });
  let id = 0;
  for (const article of articles) {
    for (const { text } of splitParagraphs(article.body)) index.add({ id: id++, title: article.title, text });
  }
  return index;
}

// ---------------------------------------------------------------------------------------------
// Reload under questions

interface ReloadResult {
  passagesBefore: number;
  passagesAfter: number;
  writeMs: number;
  loadMs: number;
  reloadMs: number;
  added: number;
  changed: number;
  removed: number;
  applied: boolean;
  asked: number;
  askedDuringReload: number;
  byVersion: Map<number, number>;
  failed: number;
  mixed: number;
  firstProblem: string | undefined;
  longestWaitMs: number;
}

/** Article bodies by id, split into paragraphs, for one knowledge version. */
type VersionText = Map<string, { body: string; paragraphs: string[] }>;

function versionText(articles: readonly Article[]): VersionText {
  return new Map(articles.map((a) => [a.id, { body: a.body, paragraphs: splitParagraphs(a.body).map((p) => p.text) }]));
}

/**
 * Writes a 10k-passage knowledge folder, starts an engine on it, then asks questions in a loop
 * while the folder changes (articles removed, added and rewritten) and the engine reloads. Every
 * answer must come wholly from one snapshot: its `snapshotVersion` names the version, and its
 * quote and every citation must be found, at the cited paragraph, in that version's articles.
 */
async function measureReload(
  docs: readonly BenchDoc[],
  claims: readonly string[],
  sentencesOf: (text: string) => string[],
): Promise<ReloadResult> {
  console.log(`\nReload: writing a ${RELOAD_PASSAGES}-passage knowledge folder...`);
  const dir = await mkdtemp(join(tmpdir(), 'apo-bench-reload-'));
  try {
    const before = generateArticles(docs, RELOAD_PASSAGES, sentencesOf);
    const writeStart = performance.now();
    for (const article of before) await writeFile(join(dir, `${article.id}.md`), articleMarkdown(article));
    const writeMs = performance.now() - writeStart;

    const loadStart = performance.now();
    const engine = await createEngine({ knowledgeDir: dir });
    const loadMs = performance.now() - loadStart;
    const passagesBefore = engine.stats().passages;

    // The next version: a tenth of the articles removed, as many new ones, a tenth rewritten
    // (paragraphs in another order and a new title, so a stale citation would not match).
    const after = nextVersion(before, docs, sentencesOf);
    const versions = new Map<number, VersionText>([[1, versionText(before)]]);
    versions.set(2, versionText(after.articles));

    const problems: string[] = [];
    const byVersion = new Map<number, number>();
    let asked = 0;
    let failed = 0;
    let mixed = 0;
    let stop = false;
    const answeredAt: number[] = [];

    const ask = async (): Promise<void> => {
      for (let i = 0; !stop; i++) {
        const question = claims[i % claims.length] as string;
        let reply: Answer | undefined;
        try {
          reply = engine.answer(question);
        } catch (error) {
          failed += 1;
          problems.push(`"${question}" threw ${String(error)}`);
        }
        answeredAt.push(performance.now());
        if (reply) {
          asked += 1;
          byVersion.set(reply.snapshotVersion, (byVersion.get(reply.snapshotVersion) ?? 0) + 1);
          const problem = mixedAnswer(reply, versions.get(reply.snapshotVersion));
          if (problem) {
            mixed += 1;
            problems.push(`"${question}": ${problem}`);
          }
        }
        await nextTurn();
      }
    };

    const asking = ask();
    await sleep(300);
    for (const id of after.removed) await rm(join(dir, `${id}.md`));
    for (const article of after.written) await writeFile(join(dir, `${article.id}.md`), articleMarkdown(article));
    const reloadStart = performance.now();
    const report = await engine.reload();
    const reloadEnd = performance.now();
    await sleep(300);
    stop = true;
    await asking;

    // Answers while the reload ran, and the longest time a question would have waited then.
    let askedDuringReload = 0;
    let longestWaitMs = 0;
    answeredAt.forEach((at, i) => {
      if (at >= reloadStart && at <= reloadEnd) askedDuringReload += 1;
      const before = answeredAt[i - 1];
      if (before !== undefined && at >= reloadStart && before <= reloadEnd) longestWaitMs = Math.max(longestWaitMs, at - before);
    });

    return {
      passagesBefore,
      passagesAfter: engine.stats().passages,
      writeMs,
      loadMs,
      reloadMs: reloadEnd - reloadStart,
      added: report.added.length,
      changed: report.changed.length,
      removed: report.removed.length,
      applied: report.applied,
      asked,
      askedDuringReload,
      byVersion,
      failed,
      mixed,
      firstProblem: problems[0],
      longestWaitMs,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function nextVersion(
  before: readonly Article[],
  docs: readonly BenchDoc[],
  sentencesOf: (text: string) => string[],
): { articles: Article[]; written: Article[]; removed: string[] } {
  const removed = before.filter((_, i) => i % 10 === 0).map((a) => a.id);
  const removedSet = new Set(removed);
  const rewritten = before
    .filter((a, i) => i % 10 === 5 && !removedSet.has(a.id))
    .map((a) => ({ ...a, title: `${a.title} (revised)`, body: a.body.split('\n\n').reverse().join('\n\n') }));
  // New articles: abstracts the first version did not use, cut the same way.
  const used = before.length;
  const added = generateArticles(docs.slice(used), removed.length * 3, sentencesOf).map((a) => ({ ...a, id: `${a.id}-new` }));
  const rewrittenById = new Map(rewritten.map((a) => [a.id, a]));
  const articles = [...before.filter((a) => !removedSet.has(a.id)).map((a) => rewrittenById.get(a.id) ?? a), ...added];
  return { articles, written: [...rewritten, ...added], removed };
}

/** Why an answer is not wholly from the snapshot it names, or undefined when it is. */
function mixedAnswer(reply: Answer, version: VersionText | undefined): string | undefined {
  if (!version) return `snapshot version ${reply.snapshotVersion} is neither the old nor the new one`;
  for (const citation of reply.citations) {
    const article = version.get(citation.id);
    if (!article) return `cites ${citation.id}, which version ${reply.snapshotVersion} does not have`;
    const paragraph = article.paragraphs[citation.paragraph - 1];
    if (paragraph === undefined) return `cites paragraph ${citation.paragraph} of ${citation.id}, which has ${article.paragraphs.length}`;
    const snippetText = citation.snippet.replace(/^…\s*|\s*…$/g, '');
    if (!paragraph.includes(snippetText)) return `the snippet of ${citation.id} paragraph ${citation.paragraph} is not in that paragraph in version ${reply.snapshotVersion}`;
  }
  if (reply.answer !== null) {
    const first = reply.citations[0];
    const paragraph = first ? version.get(first.id)?.paragraphs[first.paragraph - 1] : undefined;
    if (paragraph === undefined || !paragraph.includes(reply.answer)) {
      return `the quote is not in the cited paragraph in version ${reply.snapshotVersion}`;
    }
  }
  return undefined;
}

/** A full collection, then a pause while V8 finishes sweeping on its own threads. */
async function settle(): Promise<void> {
  gc();
  await sleep(SETTLE_MS);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// Output

const ms = (value: number): string => (value < 10 ? value.toFixed(3) : value.toFixed(1));
const mib = (bytes: number): string => (bytes / 1024 ** 2).toFixed(0);

function printTable(reports: readonly SizeReport[]): void {
  const header = [
    'knowledge', 'articles', 'passages', 'build (s)', 'heap (MiB)', 'Δheap (MiB)', 'questions', 'answered',
    'answer p50', 'p95', 'p99', 'plain p50', 'p95', 'p99', 'ratio p50', 'p99', 'mean',
  ];
  const rows = reports.map((r) => [
    r.name,
    String(r.articles),
    String(r.passages),
    (r.buildMs / 1000).toFixed(2),
    mib(r.heapBytes),
    mib(r.heapDeltaBytes),
    String(r.questions),
    String(r.answered),
    ms(r.answer.p50),
    ms(r.answer.p95),
    ms(r.answer.p99),
    ms(r.plain.p50),
    ms(r.plain.p95),
    ms(r.plain.p99),
    (r.answer.p50 / r.plain.p50).toFixed(2),
    (r.answer.p99 / r.plain.p99).toFixed(2),
    (r.answer.mean / r.plain.mean).toFixed(2),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const format = (cells: readonly string[]): string =>
    cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ');
  console.log('Latency in ms per question: "answer" is engine.answer (search, sentence choice, citations);');
  console.log('"plain" is MiniSearch.search with default options on the same passages; ratio = answer / plain.');
  console.log(format(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows) console.log(format(row));
}

function printReload(r: ReloadResult): void {
  const versions = [...r.byVersion].sort((a, b) => a[0] - b[0]).map(([v, n]) => `v${v}: ${n}`).join(', ');
  console.log(`\nReload of a ${r.passagesBefore}-passage knowledge folder under questions:`);
  console.log(`  folder written in ${(r.writeMs / 1000).toFixed(2)} s, first load (createEngine) ${(r.loadMs / 1000).toFixed(2)} s`);
  console.log(
    `  reload ${r.applied ? 'applied' : 'NOT applied'} in ${(r.reloadMs / 1000).toFixed(2)} s: ` +
      `${r.added} added, ${r.changed} changed, ${r.removed} removed; ${r.passagesBefore} -> ${r.passagesAfter} passages`,
  );
  console.log(
    `  ${r.asked} answers (${versions}), ${r.askedDuringReload} while the reload ran; longest wait between two answers during it ${ms(r.longestWaitMs)} ms`,
  );
  console.log(`  failed ${r.failed}, mixed ${r.mixed}${r.firstProblem ? ` (first: ${r.firstProblem})` : ''}`);
}

interface Check {
  what: string;
  got: string;
  ok: boolean;
}

function checkTargets(reports: readonly SizeReport[], reload: ReloadResult | undefined): Check[] {
  const checks: Check[] = [];
  const large = reports.find((r) => r.name === '100k');
  if (large) {
    checks.push({ what: `100k answer p50 <= ${TARGETS.largeAnswerP50Ms} ms`, got: `${ms(large.answer.p50)} ms`, ok: large.answer.p50 <= TARGETS.largeAnswerP50Ms });
    checks.push({ what: `100k answer p99 <= ${TARGETS.largeAnswerP99Ms} ms`, got: `${ms(large.answer.p99)} ms`, ok: large.answer.p99 <= TARGETS.largeAnswerP99Ms });
    checks.push({ what: `100k build <= ${TARGETS.largeBuildMs / 1000} s`, got: `${(large.buildMs / 1000).toFixed(2)} s`, ok: large.buildMs <= TARGETS.largeBuildMs });
    checks.push({ what: `100k heap <= ${mib(TARGETS.largeHeapBytes)} MiB`, got: `${mib(large.heapBytes)} MiB`, ok: large.heapBytes <= TARGETS.largeHeapBytes });
  }
  const medium = reports.find((r) => r.name === '10k');
  if (medium) {
    checks.push({ what: `10k answer p99 <= ${TARGETS.mediumAnswerP99Ms} ms`, got: `${ms(medium.answer.p99)} ms`, ok: medium.answer.p99 <= TARGETS.mediumAnswerP99Ms });
  }
  const shipped = reports.find((r) => r.name === 'shipped');
  if (shipped) {
    checks.push({ what: `shipped answer p99 <= ${TARGETS.shippedAnswerP99Ms} ms`, got: `${ms(shipped.answer.p99)} ms`, ok: shipped.answer.p99 <= TARGETS.shippedAnswerP99Ms });
  }
  for (const r of reports) {
    if (r.name === 'shipped') continue;
    const ratio = r.answer.mean / r.plain.mean;
    checks.push({ what: `${r.name} answer / plain search (mean) <= ${TARGETS.maxRatioToPlain}`, got: ratio.toFixed(2), ok: ratio <= TARGETS.maxRatioToPlain });
  }
  if (reload) {
    checks.push({ what: 'reload: no failed answers', got: String(reload.failed), ok: reload.failed === 0 });
    checks.push({ what: 'reload: no mixed answers', got: String(reload.mixed), ok: reload.mixed === 0 });
    checks.push({ what: 'reload applied, answers from both snapshots', got: [...reload.byVersion.keys()].join(', '), ok: reload.applied && reload.byVersion.size === 2 });
  }
  return checks;
}

function checkOneArticleReloads(reloads: readonly OneArticleReload[]): Check[] {
  const large = reloads.find((r) => r.name === '100k');
  if (large === undefined) return [];
  const slowest = Math.max(...large.reloadMs);
  const longestTurn = Math.max(...large.longestTurnMs);
  return [
    { what: `100k reload after editing one article <= ${TARGETS.largeOneArticleReloadMs} ms (each round)`, got: `${slowest.toFixed(0)} ms`, ok: slowest <= TARGETS.largeOneArticleReloadMs },
    { what: `100k longest event-loop turn during it <= ${TARGETS.largeReloadTurnMs} ms`, got: `${longestTurn.toFixed(1)} ms`, ok: longestTurn <= TARGETS.largeReloadTurnMs },
    { what: '100k one-article reload updates the index in place', got: [...new Set(large.index)].join(', '), ok: large.index.every((i) => i === 'updated') },
  ];
}

function checkRestarts(restarts: readonly RestartReport[]): Check[] {
  const checks: Check[] = [];
  const large = restarts.find((r) => r.name === '100k');
  if (large) {
    const { readyMs } = large.restart;
    const ratio = readyMs / large.cold.readyMs;
    checks.push({ what: `100k restart ready <= ${TARGETS.largeRestartMs / 1000} s`, got: `${(readyMs / 1000).toFixed(2)} s`, ok: readyMs <= TARGETS.largeRestartMs });
    checks.push({ what: `100k restart <= ${TARGETS.largeRestartRatio} x cold start`, got: ratio.toFixed(2), ok: ratio <= TARGETS.largeRestartRatio });
  }
  for (const r of restarts) {
    const ok = r.restart.indexSource === 'cache' && r.restart.answers === r.cold.answers;
    checks.push({ what: `${r.name} restart reads the cache and answers as the cold start`, got: `${r.restart.indexSource}, ${r.restart.answers === r.cold.answers ? 'same' : 'different'} answers`, ok });
  }
  return checks;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
