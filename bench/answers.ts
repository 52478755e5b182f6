/**
 * Answer-quality benchmark on the SQuAD set (`../shared/bench/squad`, see its SOURCE.md).
 *
 *   npm run bench:answers -- [--data DIR] [--misses FILE] [--half tune|held-out|all]
 *
 * Every question goes through `apo-bot ask --json` (the CLI's own code, in this process: see
 * bench/lib/askJson.ts), and through two plain baselines in the same run: MiniSearch over
 * sentences (top sentence) and MiniSearch over paragraphs (best word-overlap sentence of the top
 * one). Prints answer hit, passage hit at 1 and 3, false and correct declines, right outcome and
 * answer time per system, for the tuning half, the held-out half and all questions; then the
 * engine's misses by kind, and the share of SQuAD 2.0's adversarial questions each system declines.
 * The engine's misses go to FILE (JSON Lines), one with its kind per line.
 *
 * --data DIR     the set (default ../shared/bench/squad beside the project)
 * --misses FILE  where the engine's misses go (default bench/results/answer-misses.jsonl, not committed)
 * --half H       run only the tuning half, only the held-out half, or all questions without the
 *                split (default: all questions, reported per half and together)
 * --engine-only  skip the two baselines (a quicker run while trying a change)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

import { loadKnowledge } from '../src/core/index.js';
import { projectRoot } from '../src/paths.js';
import { ParagraphBaseline, SentenceBaseline, type QuotingSystem } from './lib/answerBaselines.js';
import {
  benchKnowledgeOf,
  goldSentenceOf,
  judgeAnswerable,
  judgeOutOfKnowledge,
  MISS_KINDS,
  type AnswerableJudgement,
  type BenchKnowledge,
  type Gold,
  type MissKind,
  type Reply,
} from './lib/answerJudge.js';
import { holdsGold } from './lib/answerMatch.js';
import { askJson, type AskJsonAnswer } from './lib/askJson.js';
import { summarize } from './lib/latency.js';
import {
  DEFAULT_SQUAD_DIR,
  halfOf,
  loadSquadSet,
  type AnswerableQuestion,
  type Half,
  type ImpossibleQuestion,
  type OutOfKnowledgeQuestion,
} from './lib/squad.js';

type Group = Half | 'all';
type Asked = AnswerableQuestion | OutOfKnowledgeQuestion | ImpossibleQuestion;

/** One question as one system answered it, judged. */
interface Result {
  readonly question: Asked;
  readonly half: Half;
  readonly reply: Reply;
  readonly ms: number;
  readonly answerable: AnswerableJudgement | undefined;
  /** Whether a question that should be declined (out-of-knowledge or impossible) was. */
  readonly declined: boolean;
  readonly miss: MissKind | undefined;
}

interface SystemRun {
  readonly name: string;
  readonly results: readonly Result[];
}

const ENGINE_NAME = 'apo-bot ask --json';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { data: { type: 'string' }, misses: { type: 'string' }, half: { type: 'string' }, 'engine-only': { type: 'boolean' } },
    strict: true,
  });
  const half = values.half;
  if (half !== undefined && half !== 'tune' && half !== 'held-out' && half !== 'all') {
    throw new Error(`--half must be "tune", "held-out" or "all", got "${half}"`);
  }
  const dataDir = values.data === undefined ? DEFAULT_SQUAD_DIR : resolve(values.data);
  const missesFile = resolve(values.misses ?? join(projectRoot(), 'bench', 'results', 'answer-misses.jsonl'));
  const groups: readonly Group[] = half === undefined ? ['tune', 'held-out', 'all'] : [half];
  const runs = (question: Asked): boolean => half === undefined || half === 'all' || halfOf(question.id) === half;

  const set = loadSquadSet(dataDir);
  const knowledge = await loadKnowledge(set.knowledgeDir);
  if (knowledge.errors.length > 0) throw new Error(`${set.knowledgeDir}: ${knowledge.errors.length} knowledge error(s); run apo-bot check`);
  const bench = benchKnowledgeOf(knowledge);
  const golds = goldsOf(set.questions, bench);

  const asked: Asked[] = [...set.questions, ...set.impossible].filter(runs);
  console.log(`Data: ${dataDir}`);
  console.log(`  ${knowledge.articles.length} articles, ${bench.passages.length} passages`);
  for (const group of groups) console.log(`  ${group}: ${describeQuestions(asked.filter((q) => inGroup(group, halfOf(q.id))))}`);
  const outside = [...golds.values()].filter((gold) => !holdsGold(gold.passage.text, gold.expect)).length;
  if (outside > 0) console.log(`  warning: ${outside} gold answer(s) are not inside their paragraph as the engine cuts it`);

  console.log(`\n${ENGINE_NAME}: answering ${asked.length} questions...`);
  const engineAnswers = await askJson(set.knowledgeDir, asked.map((q) => q.q));
  const systems: SystemRun[] = [
    { name: ENGINE_NAME, results: asked.map((q, i) => judged(q, engineAnswers[i] as AskJsonAnswer, (engineAnswers[i] as AskJsonAnswer).tookMs, golds)) },
  ];
  const baselines = values['engine-only'] === true ? [] : [new SentenceBaseline(bench.passages), new ParagraphBaseline(bench.passages)];
  for (const baseline of baselines as QuotingSystem[]) {
    console.log(`${baseline.name}: answering...`);
    systems.push({ name: baseline.name, results: asked.map((q) => timed(baseline, q, golds)) });
  }

  console.log('');
  printQualityTable(systems, groups);
  printTargets(systems[0] as SystemRun, groups);
  console.log('');
  printMissTable(systems, groups);
  console.log('');
  printImpossibleTable(systems, groups);

  const engine = systems[0] as SystemRun;
  writeMisses(missesFile, engine.results, engineAnswers, golds);
  console.log(`\n${engine.results.filter((r) => r.miss !== undefined).length} misses of ${ENGINE_NAME} written to ${relative(process.cwd(), missesFile) || missesFile}`);
  console.log(`Machine: ${os.cpus().length} vCPU (${os.cpus()[0]?.model.trim() ?? 'unknown'}), Node ${process.version}`);
}

/** Each answerable question's gold texts and gold paragraph; a gold naming no paragraph is a data error. */
function goldsOf(questions: readonly (AnswerableQuestion | OutOfKnowledgeQuestion)[], bench: BenchKnowledge): Map<string, Gold> {
  const golds = new Map<string, Gold>();
  for (const question of questions) {
    if (question.kind !== 'answerable') continue;
    const passage = bench.passage(question.article, question.paragraph);
    if (passage === undefined) throw new Error(`question ${question.id}: no paragraph ${question.paragraph} in an article titled "${question.article}"`);
    golds.set(question.id, { expect: question.expect, passage });
  }
  return golds;
}

function judged(question: Asked, reply: Reply, ms: number, golds: ReadonlyMap<string, Gold>): Result {
  const half = halfOf(question.id);
  if (question.kind === 'answerable') {
    const answerable = judgeAnswerable(reply, golds.get(question.id) as Gold);
    return { question, half, reply, ms, answerable, declined: answerable.declined, miss: answerable.miss };
  }
  const { declined, miss } = judgeOutOfKnowledge(reply);
  // Impossible questions have no target: a system that answers one has not "missed".
  return { question, half, reply, ms, answerable: undefined, declined, miss: question.kind === 'out-of-knowledge' ? miss : undefined };
}

function timed(system: QuotingSystem, question: Asked, golds: ReadonlyMap<string, Gold>): Result {
  const started = performance.now();
  const reply = system.answer(question.q);
  return judged(question, reply, performance.now() - started, golds);
}

const inGroup = (group: Group, half: Half): boolean => group === 'all' || group === half;

function describeQuestions(questions: readonly Asked[]): string {
  const count = (kind: Asked['kind']): number => questions.filter((q) => q.kind === kind).length;
  return `${count('answerable')} answerable, ${count('out-of-knowledge')} out-of-knowledge, ${count('impossible')} impossible`;
}

// ---------------------------------------------------------------------------------------------
// Figures

interface Figures {
  readonly answerable: number;
  readonly answerHits: number;
  readonly passageAt1: number;
  readonly passageAt3: number;
  readonly falseDeclines: number;
  readonly outOfKnowledge: number;
  readonly outOfKnowledgeDeclined: number;
  readonly meanMs: number;
  readonly p99Ms: number;
}

/** Figures over the answerable and out-of-knowledge questions of a group (impossible ones apart). */
function figuresOf(results: readonly Result[]): Figures {
  const answerable = results.flatMap((r) => r.answerable ?? []);
  const outOfKnowledge = results.filter((r) => r.question.kind === 'out-of-knowledge');
  const times = summarize(results.filter((r) => r.question.kind !== 'impossible').map((r) => r.ms));
  return {
    answerable: answerable.length,
    answerHits: answerable.filter((j) => j.answerHit).length,
    passageAt1: answerable.filter((j) => j.passageAt1).length,
    passageAt3: answerable.filter((j) => j.passageAt3).length,
    falseDeclines: answerable.filter((j) => j.declined).length,
    outOfKnowledge: outOfKnowledge.length,
    outOfKnowledgeDeclined: outOfKnowledge.filter((r) => r.declined).length,
    meanMs: times.mean,
    p99Ms: times.p99,
  };
}

const percent = (n: number, of: number): string => (of === 0 ? '-' : `${((100 * n) / of).toFixed(1)}%`);
const counted = (n: number, of: number): string => `${n} ${percent(n, of)}`;

const SYSTEM_WIDTH = 28;

function printQualityTable(systems: readonly SystemRun[], groups: readonly Group[]): void {
  const header = ['answer hit', 'passage@1', 'passage@3', 'false declines', 'OOK declined', 'right outcome', 'mean ms', 'p99 ms'];
  const widths = [13, 9, 9, 14, 12, 13, 7, 7];
  const line = (half: string, system: string, cells: readonly string[]): string =>
    [half.padEnd(8), system.padEnd(SYSTEM_WIDTH), ...cells.map((cell, i) => cell.padStart(widths[i] as number))].join('  ');
  console.log(line('half', 'system', header));
  console.log(line('-'.repeat(8), '-'.repeat(SYSTEM_WIDTH), widths.map((w) => '-'.repeat(w))));
  for (const group of groups) {
    for (const system of systems) {
      const f = figuresOf(system.results.filter((r) => inGroup(group, r.half)));
      const all = f.answerable + f.outOfKnowledge;
      console.log(
        line(group, system.name, [
          counted(f.answerHits, f.answerable),
          percent(f.passageAt1, f.answerable),
          percent(f.passageAt3, f.answerable),
          counted(f.falseDeclines, f.answerable),
          counted(f.outOfKnowledgeDeclined, f.outOfKnowledge),
          percent(f.answerHits + f.outOfKnowledgeDeclined, all),
          f.meanMs.toFixed(2),
          f.p99Ms.toFixed(2),
        ]),
      );
    }
  }
  console.log(
    'answer hit: a gold text inside the quote (case, dashes, quotes, white space folded); passage@k: gold paragraph\n' +
      'among the first k citations; false declines: answerable questions declined; OOK: out-of-knowledge questions;\n' +
      'right outcome: (answer hits + OOK declined) / (answerable + OOK); times per question, impossible ones apart.',
  );
}

/** Issue 11's targets for the engine, on each half: a share in percent, at least or at most. */
const TARGETS: readonly { readonly name: string; readonly share: (f: Figures) => number; readonly min?: number; readonly max?: number }[] = [
  { name: 'answer hit', share: (f) => (100 * f.answerHits) / f.answerable, min: 70 },
  { name: 'false declines', share: (f) => (100 * f.falseDeclines) / f.answerable, max: 5 },
  { name: 'out-of-knowledge declined', share: (f) => (100 * f.outOfKnowledgeDeclined) / f.outOfKnowledge, min: 85 },
];
/** Halves further apart than this, in points, mean a change fits noise (issue 11). */
const HALVES_APART = 3;

function printTargets(engine: SystemRun, groups: readonly Group[]): void {
  const halves = groups.filter((group): group is Half => group !== 'all');
  if (halves.length === 0) return;
  const figures = halves.map((half) => figuresOf(engine.results.filter((r) => r.half === half)));
  console.log(`\nTargets (${ENGINE_NAME}, each half):`);
  for (const target of TARGETS) {
    const shares = figures.map(target.share);
    const met = shares.every((share) => (target.min === undefined || share >= target.min) && (target.max === undefined || share <= target.max));
    const bound = target.min === undefined ? `<= ${target.max}` : `>= ${target.min}`;
    const apart = shares.length === 2 ? `; halves ${Math.abs((shares[0] as number) - (shares[1] as number)).toFixed(1)} points apart` : '';
    console.log(`  ${met ? 'PASS' : 'FAIL'}  ${target.name} ${bound} %: ${shares.map((share, i) => `${halves[i]} ${share.toFixed(1)}`).join(', ')}${apart}`);
  }
  if (figures.length === 2) {
    const apart = TARGETS.filter((target) => Math.abs(target.share(figures[0] as Figures) - target.share(figures[1] as Figures)) > HALVES_APART);
    if (apart.length > 0) console.log(`  note  the halves differ by more than ${HALVES_APART} points in ${apart.map((t) => t.name).join(', ')}`);
  }
}

function printMissTable(systems: readonly SystemRun[], groups: readonly Group[]): void {
  const cellWidth = Math.max(...groups.map((g) => g.length), 5);
  const columns = systems.flatMap((system) => groups.map((group) => ({ system, group })));
  console.log(`Misses by kind (${systems.map((s, i) => `${i + 1} = ${s.name}`).join(', ')})`);
  console.log(['kind'.padEnd(26), ...columns.map(({ system, group }) => `${systems.indexOf(system) + 1}:${group}`.padStart(cellWidth + 2))].join(' '));
  for (const kind of MISS_KINDS) {
    const cells = columns.map(({ system, group }) =>
      String(system.results.filter((r) => r.miss === kind && inGroup(group, r.half)).length).padStart(cellWidth + 2),
    );
    console.log([kind.padEnd(26), ...cells].join(' '));
  }
}

function printImpossibleTable(systems: readonly SystemRun[], groups: readonly Group[]): void {
  console.log("SQuAD 2.0's adversarial unanswerable questions (impossible.jsonl, no target): share declined");
  console.log(['system'.padEnd(SYSTEM_WIDTH), ...groups.map((g) => g.padStart(14))].join('  '));
  for (const system of systems) {
    const cells = groups.map((group) => {
      const impossible = system.results.filter((r) => r.question.kind === 'impossible' && inGroup(group, r.half));
      return counted(impossible.filter((r) => r.declined).length, impossible.length).padStart(14);
    });
    console.log([system.name.padEnd(SYSTEM_WIDTH), ...cells].join('  '));
  }
}

// ---------------------------------------------------------------------------------------------
// Misses

/** The engine's misses, one JSON object a line, in question order. */
function writeMisses(file: string, results: readonly Result[], answers: readonly AskJsonAnswer[], golds: ReadonlyMap<string, Gold>): void {
  const lines: string[] = [];
  results.forEach((result, i) => {
    if (result.miss === undefined) return;
    const answer = answers[i] as AskJsonAnswer;
    const { question } = result;
    const gold = golds.get(question.id);
    lines.push(
      JSON.stringify({
        id: question.id,
        half: result.half,
        kind: result.miss,
        q: question.q,
        ...(question.kind === 'answerable' && gold
          ? { expect: question.expect, article: question.article, paragraph: question.paragraph, goldSentence: goldSentenceOf(gold) ?? null }
          : question.kind === 'out-of-knowledge'
            ? { sourceArticle: question.sourceArticle }
            : {}),
        answered: answer.answered,
        answer: answer.answer,
        ...(answer.decline ? { decline: answer.decline.reason, unmatched: answer.decline.unmatchedTerms } : {}),
        citations: answer.citations.map((c) => ({ title: c.title, paragraph: c.paragraph })),
      }),
    );
  });
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, lines.length > 0 ? `${lines.join('\n')}\n` : '', 'utf8');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
