import { z } from 'zod';
import type { Answer, AnswerEngine, Audience, ConversationTurn } from './core/index.js';

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

/**
 * One turn of a dialogue: asked in the context of the turns before it. Checked like a question
 * when it has `expect` or `unanswerable`; `fresh` also checks that it was read as a new question
 * (no context used), as a change of topic must be. A turn with none of these only sets the scene.
 */
export interface DialogueTurn {
  readonly q: string;
  readonly expect?: readonly string[];
  readonly unanswerable?: boolean;
  readonly fresh?: boolean;
}

/** A conversation to evaluate, one a line: `{"id", "turns": [{"q"}, {"q", "expect": [...]}, ...]}`. */
export interface EvalDialogue {
  readonly id: string;
  readonly turns: readonly DialogueTurn[];
  /** What the dialogue tries (pronoun, changed period, tell me more...); informative only. */
  readonly pattern?: string;
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

const dialogueSchema = z.object({
  id: z.string().min(1),
  pattern: z.string().optional(),
  turns: z
    .array(
      z.object({
        q: z.string(),
        expect: z.array(z.string().min(1)).min(1).optional(),
        unanswerable: z.boolean().optional(),
        fresh: z.boolean().optional(),
      }),
    )
    .min(1, { error: '"turns" needs at least one turn' }),
});

/** Parses a JSON Lines question file; throws naming the line of the first bad question. */
export function parseQuestions(text: string, file = 'questions'): EvalQuestion[] {
  return parseEvalFile(text, file).questions;
}

/** Parses a JSON Lines file of questions and dialogues (a line with `turns` is a dialogue). */
export function parseEvalFile(text: string, file = 'questions'): { questions: EvalQuestion[]; dialogues: EvalDialogue[] } {
  const questions: EvalQuestion[] = [];
  const dialogues: EvalDialogue[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new Error(`${file}:${i + 1}: not JSON: ${(error as Error).message}`);
    }
    const isDialogue = typeof value === 'object' && value !== null && 'turns' in value;
    const parsed = isDialogue ? dialogueSchema.safeParse(value) : questionSchema.safeParse(value);
    if (!parsed.success) throw new Error(`${file}:${i + 1}: ${parsed.error.issues.map((x) => x.message).join('; ')}`);
    if (isDialogue) dialogues.push(parsed.data as EvalDialogue);
    else questions.push(parsed.data as EvalQuestion);
  });
  return { questions, dialogues };
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

function judge(question: EvalQuestion, reply: Answer, fresh = false): EvalResult {
  // A turn that must be read as a new question fails when the conversation weighed in.
  const freshOk = !fresh || reply.context === undefined;
  if (question.unanswerable) return { question, reply, passed: !reply.answered && freshOk, inTopSnippets: false };
  const expected = question.expect ?? [];
  const inTopSnippets = reply.citations.slice(0, 3).some((c) => containsAny(c.snippet, expected));
  return { question, reply, passed: reply.answered && containsAny(reply.answer, expected) && freshOk, inTopSnippets };
}

/** Runs each dialogue's turns in order, each with the turns before it as context; checks the turns that say what they expect. */
function evaluateDialogue(engine: AnswerEngine, dialogue: EvalDialogue, audience: Audience): EvalResult[] {
  let context: ConversationTurn[] = [];
  const results: EvalResult[] = [];
  dialogue.turns.forEach((turn, i) => {
    const reply = engine.answer(turn.q, { audience, ...(context.length > 0 ? { context } : {}) });
    if (reply.turn) context = [...context, reply.turn].slice(-5);
    if (turn.expect === undefined && turn.unanswerable !== true && turn.fresh !== true) return;
    const question: EvalQuestion = {
      id: `${dialogue.id}#${i + 1}`,
      q: turn.q,
      ...(turn.expect ? { expect: turn.expect } : {}),
      ...(turn.unanswerable ? { unanswerable: true } : {}),
    };
    // A fresh turn without expectations must answer exactly as it would alone.
    if (turn.expect === undefined && turn.unanswerable !== true) {
      const alone = engine.answer(turn.q, { audience });
      const same = reply.context === undefined && reply.answered === alone.answered && reply.answer === alone.answer;
      results.push({ question: { ...question, expect: [alone.answer ?? '(declined)'] }, reply, passed: same, inTopSnippets: same });
      return;
    }
    results.push(judge(question, reply, turn.fresh === true));
  });
  return results;
}

export function evaluate(
  engine: AnswerEngine,
  questions: readonly EvalQuestion[],
  audience: Audience = 'internal',
  dialogues: readonly EvalDialogue[] = [],
): EvalSummary {
  const results = [
    ...questions.map((question) => judge(question, engine.answer(question.q, { audience }))),
    ...dialogues.flatMap((dialogue) => evaluateDialogue(engine, dialogue, audience)),
  ];
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
