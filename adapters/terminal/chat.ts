import { createInterface } from 'node:readline';
import type { AnswerEngine, ConversationTurn } from '../../src/core/index.js';
import { renderAnswer, renderReloadReport } from './render.js';
import { wrap } from './wrap.js';

export interface TerminalChatOptions {
  readonly engine: AnswerEngine;
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
  /** Bold matched words with terminal escape codes. */
  readonly color: boolean;
  /**
   * Columns to wrap replies at, between words. By default the terminal's width when the output is
   * a terminal (read again for every reply, so resizing is followed), and no wrapping when piped.
   */
  readonly width?: number;
}

/** Turns of the session a follow-up may lean on. */
const MAX_TURNS = 5;

const HELP = [
  'Ask a question about the APO and its SME programmes, for example:',
  '  Who conducted the 2018 study mission?',
  'Follow-ups read the questions before them: "who conducted it?", "and in 2017?", "tell me more".',
  'Commands:',
  '  /help     this help',
  '  /reload   read the knowledge folder again (the old knowledge stays if the new has errors)',
  '  /reload dry-run   only show what a reload would change',
  '  /quit     leave (or Ctrl-D)',
].join('\n');

/**
 * A readline chat over the engine: one question a line, answered like the chat adapters answer.
 * Resolves when the user leaves (Ctrl-D, Ctrl-C, /quit) or the input ends.
 */
export function runTerminalChat(options: TerminalChatOptions): Promise<void> {
  const { engine, input, output } = options;
  const interactive = Boolean((input as NodeJS.ReadStream).isTTY);
  const rl = createInterface({ input, output, terminal: interactive, prompt: 'you> ' });
  const terminal = output as NodeJS.WriteStream;
  const width = (): number | undefined => options.width ?? (terminal.isTTY ? terminal.columns : undefined);
  const say = (text: string): void => {
    output.write(`${wrap(text, width())}\n\n`);
  };

  const stats = engine.stats();
  say(
    `apo-bot: ask about APO programmes for SMEs. ${stats.articles} articles, ${stats.passages} passages loaded. ` +
      'Type /help for commands, Ctrl-D to leave.',
  );
  if (stats.problems.length > 0) say(`(${stats.problems.length} knowledge file problem(s) at start: run "apo-bot check")`);

  // Lines are handled one at a time, in order, even when a reload takes a while. Piped input can
  // end (and close the interface) before its last lines are answered, so answers still go out.
  let queue = Promise.resolve();
  let turns: readonly ConversationTurn[] = [];
  let quit = false;
  let closed = false;
  rl.on('line', (line) => {
    queue = queue.then(() => (quit ? undefined : handle(line.trim())));
  });
  rl.on('SIGINT', () => rl.close());
  rl.prompt();

  async function handle(line: string): Promise<void> {
    if (line === '') {
      // An empty line is not a question: nothing to answer.
    } else if (line === '/help' || line === '/?') {
      say(HELP);
    } else if (line === '/quit' || line === '/exit') {
      quit = true;
      rl.close();
      return;
    } else if (line === '/reload' || line === '/reload dry-run') {
      say(renderReloadReport(await engine.reload({ dryRun: line.endsWith('dry-run') })));
    } else if (/^\/reload\s/.test(line)) {
      say(`Unknown /reload option "${line.slice('/reload'.length).trim()}": use /reload, or /reload dry-run to see what would change.`);
    } else if (line.startsWith('/')) {
      say(`Unknown command ${line.split(/\s/)[0]}. ${HELP}`);
    } else {
      // The session is the conversation: follow-ups ("who conducted it?") read the turns before them.
      const answer = engine.answer(line, turns.length > 0 ? { context: turns } : {});
      if (answer.turn) turns = [...turns, answer.turn].slice(-MAX_TURNS);
      say(renderAnswer(answer, { color: options.color }));
    }
    if (!closed) rl.prompt();
  }

  return new Promise((resolve) => {
    rl.on('close', () => {
      closed = true;
      void queue.then(() => {
        if (interactive) output.write('\n');
        resolve();
      });
    });
  });
}
