import { z } from 'zod';
import type { Answer, AnswerEngine, Audience } from './core/index.js';

/** One line of a question file, in the format of `tests/fixtures/apo-dev.jsonl`. */
export interface EvalQuestion {
  readonly id: string;
  readonly q: string;
  /** Acceptable answers: the question passes when the quoted sentence contains any of them. */
  readonly expect?: readonly string[];
  /** The knowledge does not hold the answer: the question passes when it is declined. */
  readonly unanswerable?: boolean;
  /** The title of the article that holds the answer ("any" when several do); informative only. */
  readonly article?: string;
}

const questionSchema = z
  .object({
    id: z.string().min(1),
    q: z.string(),
    expect: z.array(z.string().min(1)).min(1).optional(),
    unanswerable: z.boolean().optional(),
    article: z.string().optional(),
  })
  .refine((q) => q.unanswerable === true || q.expect !== undefined, {
    error: 'needs "expect" (a list of answer strings) or "unanswerable": true',
  });

/** Parses a JSON Lines question file; throws naming the line of the first bad question. */
export function parseQuestions(text: string, file = 'questions'): EvalQuestion[] {
  const questions: EvalQuestion[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new Error(`${file}:${i + 1}: not JSON: ${(error as Error).message}`);
    }
    const parsed = questionSchema.safeParse(value);
    if (!parsed.success) throw new Error(`${file}:${i + 1}: ${parsed.error.issues.map((x) => x.message).join('; ')}`);
    questions.push(parsed.data);
  });
  return questions;
}

export interface EvalResult {
  readonly question: EvalQuestion;
  readonly reply: Answer;
  /** Answerable: an expected string is in the quoted sentence. Unanswerable: it was declined. */
  readonly passed: boolean;
  /** Answerable only: an expected string is in one of the first three snippets. */
  readonly inTopSnippets: boolean;
}

export interface EvalSummary {
  readonly results: readonly EvalResult[];
  readonly answerable: number;
  readonly answerHits: number;
  readonly snippetHits: number;
  readonly unanswerable: number;
  readonly correctDeclines: number;
  readonly failed: number;
}

/** Folds case, curly quotes and runs of white space, so "Center" matches "center". */
const fold = (text: string): string => text.toLowerCase().replace(/[’‘]/g, "'").replace(/[“”]/g, '"').replace(/\s+/g, ' ');

const containsAny = (text: string | null, expected: readonly string[]): boolean =>
  text !== null && expected.some((e) => fold(text).includes(fold(e)));

export function evaluate(engine: AnswerEngine, questions: readonly EvalQuestion[], audience: Audience = 'internal'): EvalSummary {
  const results = questions.map((question): EvalResult => {
    const reply = engine.answer(question.q, { audience });
    if (question.unanswerable) return { question, reply, passed: !reply.answered, inTopSnippets: false };
    const expected = question.expect ?? [];
    const inTopSnippets = reply.citations.slice(0, 3).some((c) => containsAny(c.snippet, expected));
    return { question, reply, passed: reply.answered && containsAny(reply.answer, expected), inTopSnippets };
  });
  const answerable = results.filter((r) => !r.question.unanswerable);
  return {
    results,
    answerable: answerable.length,
    answerHits: answerable.filter((r) => r.passed).length,
    snippetHits: answerable.filter((r) => r.inTopSnippets).length,
    unanswerable: results.length - answerable.length,
    correctDeclines: results.filter((r) => r.question.unanswerable && r.passed).length,
    failed: results.filter((r) => !r.passed).length,
  };
}
