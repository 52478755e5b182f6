/**
 * The engine as a user meets it: `apo-bot ask --json --knowledge DIR`, questions one a line on
 * standard input, one JSON answer a line out.
 *
 * How this is made to be the same path: it does not rebuild the CLI's set-up, it calls the CLI's
 * own `runCli` (what `bin/apo-bot.js` runs) with that very argument list, hands it the questions
 * as its standard input and parses what it writes to standard output. So config (shipped
 * defaults: `.env` is not read, as `runCli` itself does not read it), question-length limit,
 * audience (the CLI's default), the Assistant and the JSON shape are the CLI's by construction.
 * Each line read back is checked to answer the question sent on that line.
 */
import { PassThrough, Writable } from 'node:stream';

import { runCli } from '../../src/cli.js';

/** The fields of an `ask --json` line that the benchmark reads. */
export interface AskJsonAnswer {
  readonly question: string;
  readonly answered: boolean;
  readonly answer: string | null;
  readonly citations: readonly { readonly id: string; readonly title: string; readonly paragraph: number }[];
  readonly decline?: { readonly reason: string; readonly unmatchedTerms: readonly string[] };
  /** The engine's own time for the question, as the CLI prints it. */
  readonly tookMs: number;
}

/** Answers every question through `ask --json`; answer i is for question i. */
export async function askJson(knowledgeDir: string, questions: readonly string[]): Promise<AskJsonAnswer[]> {
  for (const question of questions) {
    // `ask --json` skips blank lines and reads one question a line: either would shift the answers.
    if (question.trim() === '' || /[\r\n]/.test(question)) throw new Error(`askJson: question ${JSON.stringify(question)} cannot be sent one a line`);
  }
  const stdin = new PassThrough();
  stdin.end(questions.map((q) => `${q}\n`).join(''));
  const chunks: string[] = [];
  const stdout = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const code = await runCli(['ask', '--json', '--knowledge', knowledgeDir], { stdin, stdout, stderr: process.stderr });
  if (code !== 0) throw new Error(`apo-bot ask --json exited with code ${code}`);

  const lines = chunks.join('').split('\n').filter((line) => line !== '');
  if (lines.length !== questions.length) throw new Error(`ask --json gave ${lines.length} answers for ${questions.length} questions`);
  return lines.map((line, i) => {
    const answer = JSON.parse(line) as AskJsonAnswer;
    const sent = (questions[i] as string).trim();
    if (answer.question !== sent) throw new Error(`ask --json line ${i + 1} answers ${JSON.stringify(answer.question)}, not ${JSON.stringify(sent)}`);
    return answer;
  });
}
