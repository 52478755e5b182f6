/**
 * The SQuAD answer set (`../shared/bench/squad`, see its SOURCE.md): question files, read strictly,
 * and the fixed split into a tuning half and a held-out half.
 *
 * Bad input fails with the file and line, because a benchmark that skips a broken line reports
 * figures for a different set.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { projectRoot } from '../../src/paths.js';

/** `../shared/bench/squad`, relative to the project root. */
export const DEFAULT_SQUAD_DIR = resolve(projectRoot(), '..', 'shared', 'bench', 'squad');

/** A question whose gold answer text lies in one paragraph of one knowledge article. */
export interface AnswerableQuestion {
  readonly kind: 'answerable';
  readonly id: string;
  readonly q: string;
  /** Distinct gold answer texts; any one inside the quoted sentence is a hit. */
  readonly expect: readonly string[];
  /** The article's title, as in its front matter. */
  readonly article: string;
  /** 1-based paragraph number, the bot's own numbering. */
  readonly paragraph: number;
}

/** A question about an article that is not in the knowledge: the bot should decline it. */
export interface OutOfKnowledgeQuestion {
  readonly kind: 'out-of-knowledge';
  readonly id: string;
  readonly q: string;
  readonly sourceArticle: string;
}

/** SQuAD 2.0's adversarial unanswerable questions on a knowledge article: reported, no target. */
export interface ImpossibleQuestion {
  readonly kind: 'impossible';
  readonly id: string;
  readonly q: string;
  readonly article: string;
  readonly paragraph: number;
}

export type SquadQuestion = AnswerableQuestion | OutOfKnowledgeQuestion | ImpossibleQuestion;

/** The two fixed halves: settings are fitted on `tune` and checked on `held-out`. */
export type Half = 'tune' | 'held-out';
export const HALVES: readonly Half[] = ['tune', 'held-out'];

/**
 * The half a question belongs to, from a hash of its SQuAD id alone: the same on every run and
 * machine, and a question keeps its half when others are added or removed.
 */
export function halfOf(id: string): Half {
  const firstByte = createHash('sha256').update(`apo-bot:answers:half:${id}`).digest()[0] as number;
  return firstByte % 2 === 0 ? 'tune' : 'held-out';
}

export interface SquadSet {
  readonly dir: string;
  readonly knowledgeDir: string;
  /** Answerable and out-of-knowledge questions, in file order (`questions.jsonl`). */
  readonly questions: readonly (AnswerableQuestion | OutOfKnowledgeQuestion)[];
  /** `impossible.jsonl`, in file order. */
  readonly impossible: readonly ImpossibleQuestion[];
}

export function loadSquadSet(dir: string): SquadSet {
  const questions = readJsonLines(join(dir, 'questions.jsonl'), (value, where) => {
    const unanswerable = value['unanswerable'] === true;
    return unanswerable
      ? { kind: 'out-of-knowledge' as const, id: text(value, 'id', where), q: question(value, where), sourceArticle: text(value, 'source_article', where) }
      : {
          kind: 'answerable' as const,
          id: text(value, 'id', where),
          q: question(value, where),
          expect: golds(value, where),
          article: text(value, 'article', where),
          paragraph: paragraphNumber(value, where),
        };
  });
  const impossible = readJsonLines(join(dir, 'impossible.jsonl'), (value, where) => ({
    kind: 'impossible' as const,
    id: text(value, 'id', where),
    q: question(value, where),
    article: text(value, 'article', where),
    paragraph: paragraphNumber(value, where),
  }));
  const seen = new Set<string>();
  for (const { id } of [...questions, ...impossible]) {
    if (seen.has(id)) throw new Error(`${dir}: question id "${id}" appears twice`);
    seen.add(id);
  }
  return { dir, knowledgeDir: join(dir, 'knowledge'), questions, impossible };
}

type Json = Record<string, unknown>;

function readJsonLines<T>(file: string, read: (value: Json, where: string) => T): T[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const out: T[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const where = `${file}:${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new Error(`${where}: not JSON: ${(error as Error).message}`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${where}: expected a JSON object`);
    out.push(read(value as Json, where));
  });
  return out;
}

function text(value: Json, key: string, where: string): string {
  const field = value[key];
  if (typeof field !== 'string' || field.trim() === '') throw new Error(`${where}: "${key}" must be a non-empty string`);
  return field;
}

/** One question a line is what `ask --json` reads, so a question may hold no line break. */
function question(value: Json, where: string): string {
  const q = text(value, 'q', where);
  if (/[\r\n]/.test(q)) throw new Error(`${where}: "q" holds a line break; ask --json reads one question a line`);
  return q;
}

function golds(value: Json, where: string): string[] {
  const field = value['expect'];
  if (!Array.isArray(field) || field.length === 0 || field.some((gold) => typeof gold !== 'string' || gold.trim() === '')) {
    throw new Error(`${where}: "expect" must be a non-empty list of non-empty strings`);
  }
  return field as string[];
}

function paragraphNumber(value: Json, where: string): number {
  const field = value['paragraph'];
  if (typeof field !== 'number' || !Number.isInteger(field) || field < 1) throw new Error(`${where}: "paragraph" must be a whole number from 1`);
  return field;
}
