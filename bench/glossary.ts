/**
 * Glossary benchmark: answer time on the shipped articles with the shipped glossary, and with a
 * generated glossary of about 1 MiB (the largest file the loader accepts) beside it, as an outside
 * probe found answers slow down with a big glossary.
 *
 *   npm run bench:glossary [-- --rounds N]
 *
 * The questions are the dev and extra question files (tests/fixtures/apo-*.jsonl). Each case is
 * loaded from a temporary folder through the normal loader, warmed up, then timed question by
 * question with performance.now() in this process.
 */
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createEngine, loadKnowledge } from '../src/core/index.js';
import { summarize } from './lib/latency.js';
import { projectRoot as rootOf } from './lib/beir.js';

const MAX_BYTES = 1024 * 1024;
const projectRoot = rootOf();

/** Made-up words of 5 to 9 letters (long enough to be matched with typos), from a fixed seed. */
function generatedGlossary(shipped: string, maxBytes: number): { text: string; entries: number } {
  let seed = 20240611;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const syllables = ['ka', 'lo', 'mi', 'nu', 'pe', 'ra', 'si', 'to', 'va', 'zen', 'qua', 'dri', 'bel', 'mon', 'tar'];
  const word = (): string => {
    let w = '';
    while (w.length < 5 + Math.floor(random() * 5)) w += syllables[Math.floor(random() * syllables.length)];
    return w;
  };
  const lines = [shipped.trimEnd()];
  let bytes = Buffer.byteLength(lines[0] as string) + 1;
  let entries = 0;
  for (;;) {
    const line = `  - [${word()}, ${word()} ${word()}]`;
    bytes += Buffer.byteLength(line) + 1;
    if (bytes > maxBytes) break;
    lines.push(line);
    entries += 1;
  }
  return { text: `${lines.join('\n')}\n`, entries };
}

async function questions(): Promise<string[]> {
  const files = ['apo-dev.jsonl', 'apo-extra.jsonl'];
  const texts = await Promise.all(files.map((f) => readFile(join(projectRoot, 'tests', 'fixtures', f), 'utf8')));
  return texts.flatMap((t) => t.split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { q: string }).q));
}

async function measure(name: string, glossary: string, asked: readonly string[], rounds: number) {
  const dir = await mkdtemp(join(tmpdir(), 'apo-bench-glossary-'));
  try {
    for (const file of ['2017-06-20-rok-showcasing-sme-innovation.md', '2018-09-25-apo-drives-smes-to-adopt-4ir.md']) {
      await copyFile(join(projectRoot, 'knowledge', file), join(dir, file));
    }
    await writeFile(join(dir, 'glossary.yml'), glossary);
    const loadStart = performance.now();
    const engine = await createEngine({ knowledgeDir: dir });
    const loadMs = performance.now() - loadStart;
    const stats = engine.stats();
    if (stats.problems.length > 0) throw new Error(`${name}: ${JSON.stringify(stats.problems)}`);
    for (const q of asked) engine.answer(q);
    const samples: number[] = [];
    const answers: string[] = [];
    for (let round = 0; round < rounds; round++) {
      for (const q of asked) {
        const started = performance.now();
        const answer = engine.answer(q);
        samples.push(performance.now() - started);
        if (round === 0) answers.push(answer.answer ?? `(declined: ${answer.decline?.reason})`);
      }
    }
    const entries = (await loadKnowledge(dir)).glossary.groups.length;
    return { name, entries, bytes: Buffer.byteLength(glossary), loadMs, latency: summarize(samples), answers };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' } } });
  const rounds = Math.max(1, Number(values.rounds));
  const shipped = await readFile(join(projectRoot, 'knowledge', 'glossary.yml'), 'utf8');
  const big = generatedGlossary(shipped, MAX_BYTES - 1024);
  const asked = await questions();

  const rows = [await measure('shipped glossary', shipped, asked, rounds), await measure('~1 MiB glossary', big.text, asked, rounds)];
  const ms = (x: number): string => x.toFixed(2).padStart(8);
  process.stdout.write(`${asked.length} questions x ${rounds} rounds, shipped articles (Node ${process.version})\n\n`);
  process.stdout.write('case               entries      bytes   load ms   p50 ms   p99 ms   max ms\n');
  for (const row of rows) {
    process.stdout.write(
      `${row.name.padEnd(17)} ${String(row.entries).padStart(8)} ${String(row.bytes).padStart(10)} ${ms(row.loadMs)} ${ms(row.latency.p50)} ${ms(row.latency.p99)} ${ms(row.latency.max)}\n`,
    );
  }
  const [small, large] = rows as [(typeof rows)[number], (typeof rows)[number]];
  const differing = small.answers.filter((a, i) => a !== large.answers[i]).length;
  process.stdout.write(`\nanswers that differ between the two glossaries: ${differing} of ${asked.length}\n`);
}

await main();
