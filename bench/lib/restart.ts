/**
 * Restart with unchanged knowledge: the knowledge as Markdown files in a folder, read through the
 * normal loader; a cold start (no index cache) and then a restart (the cache the cold start wrote),
 * each in a process of its own (bench/lib/restartChild.ts), as a real restart is.
 */
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Article } from '../../src/core/index.js';
import { articleMarkdown } from './corpusArticles.js';
import type { StartFigures } from './restartChild.js';

const CHILD = fileURLToPath(new URL('./restartChild.ts', import.meta.url));
/** Questions whose answers must be the same after the restart. */
const COMPARED_QUESTIONS = 300;

export interface RestartReport {
  name: string;
  files: number;
  cold: StartFigures;
  restart: StartFigures;
}

/**
 * Starts the engine twice over a knowledge folder: `articles` written as Markdown to a temporary
 * folder, or an existing folder (`{ dir }`, which is only read).
 */
export async function measureRestart(name: string, knowledge: readonly Article[] | { dir: string }, questions: readonly string[]): Promise<RestartReport> {
  const scratch = await mkdtemp(join(tmpdir(), 'apo-bench-restart-'));
  try {
    let dir: string;
    let files: number;
    if ('dir' in knowledge) {
      dir = knowledge.dir;
      files = -1;
    } else {
      dir = join(scratch, 'knowledge');
      await mkdir(dir);
      for (const article of knowledge) await writeFile(join(dir, `${article.id}.md`), articleMarkdown(article));
      files = knowledge.length;
    }
    const questionsFile = join(scratch, 'questions.json');
    await writeFile(questionsFile, JSON.stringify(questions.slice(0, COMPARED_QUESTIONS)));
    const cacheDir = join(scratch, 'index-cache');

    const cold = await startOnce(dir, cacheDir, questionsFile);
    const restart = await startOnce(dir, cacheDir, questionsFile);
    return { name, files, cold, restart };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** One start in a process of its own, with this process's Node flags (tsx's loader among them). */
function startOnce(dir: string, cacheDir: string, questionsFile: string): Promise<StartFigures> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, CHILD, dir, cacheDir, questionsFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`restartChild exited with ${code}: ${stderr.trim()}`));
      else resolve(JSON.parse(stdout.trim().split('\n').pop() as string) as StartFigures);
    });
  });
}

const seconds = (ms: number | undefined): string => (ms === undefined ? '-' : (ms / 1000).toFixed(2));

export function printRestarts(reports: readonly RestartReport[]): void {
  const header = [
    'knowledge', 'files', 'passages', 'cold (s)', 'restart (s)', 'ratio', 'source', 'same answers',
    '1st answer (ms)', 'cache (MiB)', 'write (s)', 'encode (s)', 'longest turn (ms)',
  ];
  const rows = reports.map((r) => [
    r.name,
    r.files < 0 ? '(folder)' : String(r.files),
    String(r.restart.passages),
    seconds(r.cold.readyMs),
    seconds(r.restart.readyMs),
    (r.restart.readyMs / r.cold.readyMs).toFixed(2),
    r.restart.indexSource,
    r.restart.answers === r.cold.answers ? 'yes' : 'NO',
    r.restart.firstAnswerMs.toFixed(1),
    r.cold.cacheBytes === undefined ? '-' : (r.cold.cacheBytes / 1024 ** 2).toFixed(1),
    seconds(r.cold.writeMs),
    seconds(r.cold.encodeMs),
    r.cold.longestTurnMs === undefined ? '-' : r.cold.longestTurnMs.toFixed(1),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const format = (cells: readonly string[]): string =>
    cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ');
  console.log('\nRestart with unchanged knowledge: Markdown files read through the normal loader, each start in a process of its own.');
  console.log('"cold": no index cache, until the engine is ready; "restart": the same over the cache the cold start wrote;');
  console.log('ratio = restart / cold. The cold start then writes the cache in the background: its size, the time to write it,');
  console.log('the encoding part of that (on the event loop, in slices) and the longest event-loop turn meanwhile.');
  console.log(format(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows) console.log(format(row));
  for (const r of reports) for (const warning of [...r.cold.warnings, ...r.restart.warnings]) console.log(`  warning (${r.name}): ${warning}`);
}
