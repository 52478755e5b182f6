import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import dotenv from 'dotenv';
import { renderAnswer } from '../adapters/terminal/render.js';
import { runTerminalChat } from '../adapters/terminal/chat.js';
import { Assistant } from './assistant.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import {
  createEngine,
  formatProblem,
  loadKnowledge,
  markSnippet,
  type Answer,
  type Audience,
  type KnowledgeEngine,
} from './core/index.js';
import { evaluate, parseEvalFile, type EvalSummary } from './evaluate.js';
import { readQuestionLog } from './insight/questionLog.js';
import { parseDuration, renderInsight, summarize } from './insight/stats.js';
import { createLogger, type Logger } from './logger.js';
import { projectRoot } from './paths.js';

const USAGE = `apo-bot: answers questions about APO programmes for SMEs from its knowledge base.

Usage:
  apo-bot start                         run the configured chat adapters (terminal chat when none)
  apo-bot chat [--knowledge DIR]        chat in this terminal (/help, /reload; Ctrl-D leaves)
  apo-bot ask [--json] [--knowledge DIR] [--audience public|internal] "question"
                                        print one answer; with --json and no question, read
                                        questions from standard input, one a line (JSON Lines out)
  apo-bot check [--knowledge DIR]       validate a knowledge folder (exit 1 on errors)
  apo-bot eval [--file F] [--knowledge DIR] [--audience public|internal]
                                        run a question file (JSON Lines) and print hit rates
  apo-bot stats [--since 7d] [--data DIR]
                                        questions asked, share answered, top topics, and the
                                        questions the bot declined, from the question log
  apo-bot discord:register              register the Discord slash commands (DISCORD_GUILD_ID: in
                                        that guild at once; otherwise globally) and print the invite link
  apo-bot help                          this text

The knowledge folder is KNOWLEDGE_DIR, or ./knowledge of the project. Logs go to standard error.`;

/** The streams a command talks to; a test or the real process hands them in. */
export interface CliIo {
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

class UsageError extends Error {}

/** Runs one command line; resolves to the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command = 'help', ...rest] = argv;
  const out = (text: string): void => {
    io.stdout.write(`${text}\n`);
  };
  try {
    switch (command) {
      case 'ask':
        return await ask(rest, io);
      case 'check':
        return await check(rest, io);
      case 'chat':
        return await chat(rest, io);
      case 'eval':
        return await runEval(rest, io);
      case 'stats':
        return await printStats(rest, io);
      case 'discord:register':
        return await registerDiscord(io);
      case 'start': {
        // Imported here: the chat platforms' libraries are slow to load and other commands don't need them.
        const { startBot } = await import('./main.js');
        return await startBot();
      }
      case 'help':
      case '--help':
      case '-h':
        out(USAGE);
        return 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`apo-bot: ${(error as Error).message}\n\n${USAGE}\n`);
      return 2;
    }
    if (error instanceof ConfigError) {
      io.stderr.write(`apo-bot: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

const KNOWLEDGE_OPTION = { knowledge: { type: 'string' } } as const;
const AUDIENCE_OPTION = { audience: { type: 'string' } } as const;

function audienceOf(value: string | undefined): Audience {
  if (value === undefined || value === 'internal' || value === 'public') return value ?? 'internal';
  throw new UsageError(`--audience must be "public" or "internal", got "${value}"`);
}

/** Config, logger and engine for a command. Commands log warnings only, unless LOG_LEVEL says otherwise. */
async function setUp(knowledgeOption: string | undefined, io: CliIo): Promise<{ config: Config; logger: Logger; engine: KnowledgeEngine }> {
  const config = loadConfig();
  const logger = createLogger({
    level: config.logLevelSet ? config.logLevel : 'warn',
    pretty: config.logPretty,
    destination: io.stderr,
  });
  const knowledgeDir = knowledgeOption ? path.resolve(knowledgeOption) : config.knowledgeDir;
  const engine = await createEngine({ knowledgeDir, logger, maxQuestionLength: config.maxQuestionLength });
  return { config, logger, engine };
}

async function ask(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { json: { type: 'boolean', default: false }, ...KNOWLEDGE_OPTION, ...AUDIENCE_OPTION },
    allowPositionals: true,
  });
  const audience = audienceOf(values.audience);
  const question = positionals.join(' ');
  const fromStdin = question.trim() === '' && values.json;
  if (question.trim() === '' && !fromStdin) throw new UsageError('ask needs a question (or --json with questions on standard input)');

  const { engine, logger } = await setUp(values.knowledge, io);
  // Through the assistant for its one log line per question; no rate limit or question log here.
  const assistant = new Assistant({ engine, logger });
  const answer = (text: string, conversation?: string): Answer => {
    const outcome = assistant.ask({
      platform: 'cli',
      userId: 'cli',
      channelKind: 'cli',
      question: text,
      audience,
      ...(conversation === undefined ? {} : { conversation: { id: conversation, kind: 'thread' } }),
    });
    if (outcome.kind !== 'answer') throw new Error(outcome.message);
    return outcome.answer;
  };
  const print = (reply: Answer): void => {
    io.stdout.write(values.json ? `${JSON.stringify(toJson(reply))}\n` : `${renderAnswer(reply, { color: false })}\n`);
  };
  if (!fromStdin) {
    print(answer(question));
    return 0;
  }
  // One question a line, answered as it arrives: the process can serve a pipe of any length.
  const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    const request = batchLine(line);
    print(answer(request.q, request.conversation));
  }
  return 0;
}

/**
 * A line of `ask --json` input: a plain question, or a JSON object `{"q": "...", "conversation":
 * "any id"}` whose lines with the same id share context, so conversations can be scripted.
 */
function batchLine(line: string): { q: string; conversation?: string } {
  if (!line.trimStart().startsWith('{')) return { q: line };
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { q: line };
  }
  const { q, conversation } = (value ?? {}) as { q?: unknown; conversation?: unknown };
  if (typeof q !== 'string') return { q: line };
  return typeof conversation === 'string' || typeof conversation === 'number' ? { q, conversation: String(conversation) } : { q };
}

/** The JSON shape of `ask --json`: the answer, with each citation's marked snippet added. */
function toJson(answer: Answer): object {
  return {
    question: answer.question,
    answered: answer.answered,
    answer: answer.answer,
    message: answer.message,
    citations: answer.citations.map((c) => ({
      ...c,
      marked: markSnippet(c.snippet, c.highlights),
    })),
    ...(answer.decline ? { decline: answer.decline } : {}),
    ...(answer.context ? { context: answer.context } : {}),
    ...(answer.alternatives
      ? { alternatives: answer.alternatives.map((a) => ({ answer: a.answer, citation: { ...a.citation, marked: markSnippet(a.citation.snippet, a.citation.highlights) } })) }
      : {}),
    tookMs: answer.tookMs,
  };
}

async function check(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: [...args], options: { ...KNOWLEDGE_OPTION } });
  const config = loadConfig();
  const dir = values.knowledge ? path.resolve(values.knowledge) : config.knowledgeDir;
  const knowledge = await loadKnowledge(dir);
  for (const warning of knowledge.warnings) io.stderr.write(`warning: ${formatProblem(warning)}\n`);
  if (knowledge.errors.length > 0) {
    for (const error of knowledge.errors) io.stderr.write(`error: ${formatProblem(error)}\n`);
    io.stderr.write(`${dir}: ${knowledge.errors.length} error(s); ${knowledge.articles.length} article(s) are fine\n`);
    return 1;
  }
  const { engine } = await setUp(dir, io);
  const stats = engine.stats();
  io.stdout.write(
    `${dir}: OK, ${stats.articles} articles, ${stats.passages} passages, ${knowledge.glossary.groups.length} glossary entries\n`,
  );
  return 0;
}

async function chat(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: [...args], options: { ...KNOWLEDGE_OPTION } });
  const { engine } = await setUp(values.knowledge, io);
  await runTerminalChat({ engine, input: io.stdin, output: io.stdout, color: Boolean((io.stdout as NodeJS.WriteStream).isTTY) });
  return 0;
}

async function runEval(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: { file: { type: 'string' }, ...KNOWLEDGE_OPTION, ...AUDIENCE_OPTION },
  });
  const file = values.file ?? path.join(projectRoot(), 'tests', 'fixtures', 'apo-dev.jsonl');
  const { questions, dialogues } = parseEvalFile(await readFile(file, 'utf8'), file);
  const { engine } = await setUp(values.knowledge, io);
  const summary = evaluate(engine, questions, audienceOf(values.audience), dialogues);
  io.stdout.write(`${renderEval(summary)}\n`);
  return summary.failed === 0 ? 0 : 1;
}

function renderEval(summary: EvalSummary): string {
  const percent = (n: number, of: number): string => `${n}/${of} (${of === 0 ? 100 : Math.round((100 * n) / of)}%)`;
  const lines = summary.results.map((r) => {
    const got = r.reply.answered ? `“${r.reply.answer}”` : `declined (${r.reply.decline?.reason})`;
    const want = r.question.unanswerable ? 'a decline' : (r.question.expect ?? []).map((e) => `"${e}"`).join(' or ');
    return `${r.passed ? 'PASS' : 'FAIL'} ${r.question.id}  ${r.question.q}\n       wanted ${want}; got ${got}`;
  });
  return [
    ...lines,
    '',
    `answer hit rate:        ${percent(summary.answerHits, summary.answerable)}`,
    `top-3 snippet hit rate: ${percent(summary.snippetHits, summary.answerable)}`,
    `correct declines:       ${percent(summary.correctDeclines, summary.unanswerable)}`,
  ].join('\n');
}

async function printStats(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: [...args], options: { since: { type: 'string' }, data: { type: 'string' } } });
  const config = loadConfig();
  let since: Date | undefined;
  try {
    since = values.since === undefined ? undefined : new Date(Date.now() - parseDuration(values.since));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const dir = values.data ? path.resolve(values.data) : config.dataDir;
  io.stdout.write(`${renderInsight(summarize(await readQuestionLog(dir), since))}\n`);
  return 0;
}

async function registerDiscord(io: CliIo): Promise<number> {
  const { readDiscordConfig } = await import('../adapters/discord/config.js');
  const { config, problems } = readDiscordConfig(process.env);
  if (problems.length > 0) throw new ConfigError(problems);
  if (!config) throw new ConfigError(['DISCORD_TOKEN and DISCORD_APPLICATION_ID are needed to register commands']);
  const { inviteUrl, registerCommands } = await import('../adapters/discord/register.js');
  const { classifyDiscordError } = await import('../adapters/discord/connection.js');
  let registration: Awaited<ReturnType<typeof registerCommands>>;
  try {
    registration = await registerCommands(config);
  } catch (error) {
    // One line an operator can act on: 2 for a rejected token or id (fix the setting), 1 for a network failure (try again).
    const failure = classifyDiscordError(error, config);
    if (failure === undefined) throw error;
    const check = failure.kind === 'unreachable' ? ` (check ${failure.setting} and the network)` : '';
    io.stderr.write(`apo-bot: discord:register: ${failure.summary}${check}\n`);
    return failure.kind === 'rejected' ? 2 : 1;
  }
  const where = registration.guildId ? `in guild ${registration.guildId}` : 'globally (they can take up to an hour to appear)';
  io.stdout.write(`Registered ${registration.names.map((name) => `/${name}`).join(', ')} ${where}.\nInvite the bot: ${inviteUrl(config)}\n`);
  return 0;
}

/** Entry point of the `apo-bot` command. */
export async function main(): Promise<void> {
  dotenv.config({ quiet: true });
  const code = await runCli(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
  process.exitCode = code;
}
