import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import dotenv from 'dotenv';
import { renderAnswer } from '../adapters/terminal/render.js';
import { runTerminalChat } from '../adapters/terminal/chat.js';
import { loadProgressPrinter } from '../adapters/terminal/progress.js';
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
import { QUESTION_LOG_FILE, readQuestionLog } from './insight/questionLog.js';
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
  apo-bot import FILE... [--knowledge DIR] [--dry-run] [--replace] [--audience public|internal]
                 [--source S] [--url URL]
                                        make an article from a news page (copied text or saved
                                        HTML; - reads standard input) and write it to the folder
  apo-bot eval [--file F] [--knowledge DIR] [--audience public|internal]
                                        run a question file (JSON Lines) and print hit rates
  apo-bot stats [--since 7d] [--data DIR]
                                        questions asked, share answered, top topics, and the
                                        questions the bot declined, from the question log
                                        (the shared database's with DATABASE_URL)
  apo-bot reload                        with DATABASE_URL: every running replica reloads the
                                        knowledge folder; prints which replicas did
  apo-bot discord:register              register the Discord slash commands (DISCORD_GUILD_ID: in
                                        that guild at once; otherwise globally) and print the invite link
  apo-bot help [COMMAND]                this text, or one command's details (also COMMAND --help)
  apo-bot --version                     the version

The knowledge folder is KNOWLEDGE_DIR, or ./knowledge of the project. Logs go to standard error.`;

const KNOWLEDGE_HELP = '  --knowledge DIR    the knowledge folder (default: KNOWLEDGE_DIR, or ./knowledge of the project)';
const AUDIENCE_HELP = '  --audience A       internal (the default: staff, every article) or public (as Discord asks)';

/** What `apo-bot help COMMAND` and `apo-bot COMMAND --help` print. */
const COMMAND_HELP: Readonly<Record<string, string>> = {
  start: `Usage: apo-bot start

Runs the chat adapters the configuration turns on: Slack with SLACK_BOT_TOKEN, Discord with
DISCORD_TOKEN (from the environment or ./.env), with /healthz and /readyz on HEALTH_PORT, until
SIGINT or SIGTERM. With neither token set, opens the terminal chat. This is what "npm start" runs.`,
  chat: `Usage: apo-bot chat [--knowledge DIR]

Chat in this terminal. Type a question; /help lists the commands, /reload reads the knowledge
folder again (/reload dry-run only shows what would change), /quit or Ctrl-D leaves.
Questions asked here are not written to the question log.

${KNOWLEDGE_HELP}`,
  ask: `Usage: apo-bot ask [--json] [--knowledge DIR] [--audience public|internal] "question"
       apo-bot ask --json [--knowledge DIR] [--audience public|internal] < questions.txt

Prints one answer and its sources. With --json, one JSON object instead. With --json and no
question, reads questions from standard input, one a line, and prints one JSON object a line
(JSON Lines); a line {"q": "...", "conversation": "any id"} shares context with the earlier
lines of the same id.

  --json             print JSON
${KNOWLEDGE_HELP}
${AUDIENCE_HELP}`,
  check: `Usage: apo-bot check [--knowledge DIR]

Validates a knowledge folder: prints its counts, or each error with its file and line and exits 1
(also when the folder holds no articles).

${KNOWLEDGE_HELP}`,
  import: `Usage: apo-bot import FILE... [--knowledge DIR] [--dry-run] [--replace]
                      [--audience public|internal] [--source S] [--url URL]

Makes one article of each page, without writing front matter: FILE is the page's text as copied
from the browser, or the page saved as HTML ("-" reads standard input). The title, the date (any
common English form: "25 Sep 2018", "September 25, 2018"...) and the paragraphs are found in it;
breadcrumbs, "Translate »", menus, share buttons and footers are left out, and a "Photos: KPC"
line becomes the article's credit. An HTML page's canonical link becomes its url. The article is
validated as "apo-bot check" does and written as DATE-TITLE.md; the command prints the file, its
id, title, date, paragraphs and what was left out. Exits 1 when a page has no title, date or body
(it says which), when an article with the same id or title exists (without --replace), or when
the folder cannot be written.

  --dry-run          print the article instead of writing it
  --replace          change the article with the same id or title (its file, id and tags stay)
  --audience A       public (the default) or internal (staff only)
  --source S         the source (default: APO News)
  --url URL          the page's address (one FILE only)
${KNOWLEDGE_HELP}`,
  eval: `Usage: apo-bot eval [--file F] [--knowledge DIR] [--audience public|internal]

Asks every question of a question file (JSON Lines) and prints PASS or FAIL for each, then the
hit rates; exits 1 when a question fails.

  --file F           the question file (default: tests/fixtures/apo-dev.jsonl)
${KNOWLEDGE_HELP}
${AUDIENCE_HELP}`,
  reload: `Usage: apo-bot reload

With DATABASE_URL (replicas sharing a PostgreSQL database): checks the knowledge folder here, then
asks every running replica to load the knowledge again, waits until each has (RELOAD_WAIT_MS,
default 15 s) and prints the new knowledge version and which replicas loaded it; exits 1 when the
folder has errors or a replica did not load it. Without DATABASE_URL there is nothing to reach:
use /reload in the chat, or KNOWLEDGE_WATCH.

${KNOWLEDGE_HELP}`,
  stats: `Usage: apo-bot stats [--since 7d] [--data DIR]

With DATABASE_URL, from the question log every replica writes in the shared database.
Otherwise from the question log that the Slack and Discord adapters write (DATA_DIR/questions.jsonl):
questions asked, the share answered, the articles most asked about, the declined questions and
the votes. The terminal chat and "ask" log nothing.

  --since D          only the last D (30m, 12h, 7d, 2w)
  --data DIR         the folder holding the log (default: DATA_DIR, or ./data of the project)`,
  'discord:register': `Usage: apo-bot discord:register

Registers the Discord slash commands with DISCORD_TOKEN and DISCORD_APPLICATION_ID: in the server
DISCORD_GUILD_ID at once, otherwise globally (they can take up to an hour to appear). Prints the
link that invites the bot to a server.`,
  help: `Usage: apo-bot help [COMMAND]

Prints the list of commands, or one command's details (as "apo-bot COMMAND --help" does).`,
};

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
    if (COMMAND_HELP[command] !== undefined && asksForHelp(rest)) {
      out(COMMAND_HELP[command]);
      return 0;
    }
    switch (command) {
      case 'ask':
        return await ask(rest, io);
      case 'check':
        return await check(rest, io);
      case 'chat':
        return await chat(rest, io);
      case 'import':
        return await importPages(rest, io);
      case 'eval':
        return await runEval(rest, io);
      case 'reload':
        return await reloadAll(rest, io);
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
        out(helpText(rest[0]));
        return 0;
      case '--version':
      case '-v':
        out(`apo-bot ${await version()}`);
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

/** `--help` or `-h` among a command's arguments (before a `--` that ends the options). */
function asksForHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

function helpText(command: string | undefined): string {
  if (command === undefined) return USAGE;
  const text = COMMAND_HELP[command];
  if (text === undefined) throw new UsageError(`no help for "${command}": it is not a command`);
  return text;
}

async function version(): Promise<string> {
  const manifest = JSON.parse(await readFile(path.join(projectRoot(), 'package.json'), 'utf8')) as { version?: string };
  return manifest.version ?? 'unknown';
}

const KNOWLEDGE_OPTION = { knowledge: { type: 'string' } } as const;
const AUDIENCE_OPTION = { audience: { type: 'string' } } as const;

function audienceOf(value: string | undefined): Audience {
  if (value === undefined || value === 'internal' || value === 'public') return value ?? 'internal';
  throw new UsageError(`--audience must be "public" or "internal", got "${value}"`);
}

/**
 * Config, logger and engine for a command. Commands log warnings only, unless LOG_LEVEL says
 * otherwise. `chatShowsWarnings`: the terminal chat tells the engine's warnings itself (the count
 * of file problems at start, the report of a refused reload), so unless LOG_LEVEL is set the
 * engine logs only errors there, and the same errors don't print twice between the answers.
 * The engine keeps its index in DATA_DIR/index-cache (unless INDEX_CACHE=off), so the next command
 * over the same knowledge starts in a fraction of the time; the process ends once that is written.
 */
async function setUp(
  knowledgeOption: string | undefined,
  io: CliIo,
  chatShowsWarnings = false,
): Promise<{ config: Config; logger: Logger; engine: KnowledgeEngine }> {
  const config = loadConfig();
  const logger = createLogger({
    level: config.logLevelSet ? config.logLevel : 'warn',
    pretty: config.logPretty,
    destination: io.stderr,
  });
  const knowledgeDir = knowledgeOption ? path.resolve(knowledgeOption) : config.knowledgeDir;
  const engineLogger = chatShowsWarnings && !config.logLevelSet ? logger.child({}, { level: 'error' }) : logger;
  // A long first start (a large folder indexed) says how far it has got, on standard error.
  const onProgress = loadProgressPrinter((line) => io.stderr.write(`${line}\n`));
  const engine = await createEngine({ knowledgeDir, logger: engineLogger, maxQuestionLength: config.maxQuestionLength, cacheDir: config.indexCacheDir, onProgress });
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
  const answer = async (text: string, conversation?: string): Promise<Answer> => {
    const outcome = await assistant.ask({
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
    print(await answer(question));
    return 0;
  }
  const hint = stdinHint(Boolean((io.stdin as NodeJS.ReadStream).isTTY));
  if (hint) io.stderr.write(`${hint}\n`);
  // One question a line, answered as it arrives: the process can serve a pipe of any length.
  const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    const request = batchLine(line);
    print(await answer(request.q, request.conversation));
  }
  return 0;
}

/**
 * What `ask --json` without a question says before reading standard input: on a terminal, that it
 * waits for typed questions (rather than seeming to hang); nothing when the questions are piped in.
 */
export function stdinHint(stdinIsTerminal: boolean): string | undefined {
  return stdinIsTerminal ? 'Reading questions from standard input, one a line; Ctrl-D to end.' : undefined;
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
  if (knowledge.articles.length === 0) {
    // A bot with nothing to quote declines every question: a wrong folder, not a valid one.
    io.stderr.write(`error: no articles found in ${dir} (an article is a .md file with front matter; see "Article format" in the README)\n`);
    return 1;
  }
  const { engine } = await setUp(dir, io);
  const stats = engine.stats();
  io.stdout.write(
    `${dir}: OK, ${stats.articles} articles, ${stats.passages} passages, ${knowledge.glossary.groups.length} glossary entries\n`,
  );
  return 0;
}

async function importPages(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: {
      ...KNOWLEDGE_OPTION,
      ...AUDIENCE_OPTION,
      'dry-run': { type: 'boolean', default: false },
      replace: { type: 'boolean', default: false },
      source: { type: 'string' },
      url: { type: 'string' },
    },
    allowPositionals: true,
  });
  if (positionals.length === 0) throw new UsageError('import needs a FILE (the page as text or HTML; - for standard input)');
  if (values.url !== undefined && positionals.length > 1) throw new UsageError('--url names one page: import one FILE with it');
  if (values.url !== undefined && !/^https?:\/\/\S+$/.test(values.url)) throw new UsageError(`--url must be a web address, got "${values.url}"`);
  if (values.audience !== undefined && values.audience !== 'public' && values.audience !== 'internal') {
    throw new UsageError(`--audience must be "public" or "internal", got "${values.audience}"`);
  }
  const { importArticle, saveImport } = await import('./knowledgeImport/index.js');
  const dir = values.knowledge ? path.resolve(values.knowledge) : loadConfig().knowledgeDir;
  let failed = 0;
  for (const input of positionals) {
    const name = input === '-' ? 'standard input' : input;
    const fail = (message: string): void => {
      io.stderr.write(`apo-bot: import ${name}: ${message}\n`);
      failed += 1;
    };
    let bytes: Buffer;
    try {
      bytes = input === '-' ? await readAll(io.stdin) : await readFile(input);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      fail(code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a page' : (error as Error).message);
      continue;
    }
    const result = importArticle(bytes, {
      name,
      ...(values.source === undefined ? {} : { source: values.source }),
      ...(values.audience === undefined ? {} : { audience: values.audience }),
      ...(values.url === undefined ? {} : { url: values.url }),
    });
    if (!result.ok) {
      fail(result.message);
      continue;
    }
    const saved = await saveImport(dir, result.imported, { replace: values.replace, dryRun: values['dry-run'] });
    if (!saved.ok) {
      fail(saved.message);
      continue;
    }
    const { article } = saved;
    const verb = saved.written ? (saved.action === 'added' ? 'wrote' : 'changed') : saved.action === 'added' ? 'would write' : 'would change';
    const dropped = result.imported.dropped;
    io.stdout.write(
      [
        `${verb} ${saved.file}${saved.action === 'changed' ? ` (replacing the article ${article.id})` : ''}`,
        `  id:         ${article.id}`,
        `  title:      ${article.title}`,
        `  date:       ${article.date}`,
        `  paragraphs: ${article.paragraphs.length}`,
        ...(article.credit === undefined ? [] : [`  credit:     ${article.credit}`]),
        ...(article.url === undefined ? [] : [`  url:        ${article.url}`]),
        `  dropped as chrome: ${dropped.length === 0 ? 'nothing' : dropped.map((line) => JSON.stringify(line)).join(', ')}`,
        ...(saved.written ? [] : ['', saved.markdown.trimEnd()]),
        '',
      ].join('\n'),
    );
  }
  if (failed === 0 && !values['dry-run']) io.stdout.write('Reload the bot to answer from it (/reload, or /apo reload in Slack).\n');
  return failed === 0 ? 0 : 1;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

async function chat(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: [...args], options: { ...KNOWLEDGE_OPTION } });
  const { engine } = await setUp(values.knowledge, io, true);
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
  if (config.databaseUrl !== undefined && values.data === undefined) {
    const { readSharedQuestionLog } = await import('./store/postgres/commands.js');
    const entries = await databaseCommand(() => readSharedQuestionLog(config.databaseUrl as string), io);
    if (entries === undefined) return 1;
    io.stdout.write(`Question log: the shared database (${entries.length} entries)\n\n${renderInsight(summarize(entries, since))}\n`);
    return 0;
  }
  const dir = values.data ? path.resolve(values.data) : config.dataDir;
  const file = path.join(dir, QUESTION_LOG_FILE);
  const entries = await readQuestionLog(dir);
  if (entries.length === 0) {
    io.stdout.write(`${emptyLogExplanation(file, existsSync(file), config.questionLog)}\n`);
    return 0;
  }
  io.stdout.write(`Question log: ${file}\n\n${renderInsight(summarize(entries, since))}\n`);
  return 0;
}


/** Runs a database command; a database error is one line on standard error and `undefined`. */
async function databaseCommand<T>(run: () => Promise<T>, io: CliIo): Promise<T | undefined> {
  const { DatabaseCommandError } = await import('./store/postgres/commands.js');
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof DatabaseCommandError)) throw error;
    io.stderr.write(`apo-bot: ${error.message}\n`);
    return undefined;
  }
}

async function reloadAll(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: [...args], options: { ...KNOWLEDGE_OPTION } });
  const config = loadConfig();
  if (config.databaseUrl === undefined) {
    throw new UsageError('reload reaches running replicas through their database: set DATABASE_URL (one process reloads with /reload in the chat, or KNOWLEDGE_WATCH)');
  }
  const dir = values.knowledge ? path.resolve(values.knowledge) : config.knowledgeDir;
  const knowledge = await loadKnowledge(dir);
  if (knowledge.errors.length > 0) {
    io.stderr.write(`${knowledge.errors.map((problem) => `error: ${formatProblem(problem)}`).join('\n')}\n${dir}: ${knowledge.errors.length} error(s): not reloaded\n`);
    return 1;
  }
  const { reloadReplicas } = await import('./store/postgres/commands.js');
  const { describeReplicas } = await import('./store/replicaText.js');
  const report = await databaseCommand(() => reloadReplicas(config.databaseUrl as string, { requestedBy: 'apo-bot reload', waitMs: config.reloadWaitMs }), io);
  if (report === undefined) return 1;
  io.stdout.write(`${describeReplicas(report)}\n`);
  return report.replicas.every((r) => r.applied) ? 0 : 1;
}

/** Why `stats` found no questions, and what to do: an empty report alone reads as "nobody asked". */
function emptyLogExplanation(file: string, exists: boolean, logging: boolean): string {
  return [
    exists ? `No questions logged yet in ${file}.` : `No question log at ${file} (the file does not exist yet).`,
    'Only the Slack and Discord adapters ("apo-bot start" with their tokens) log questions; the terminal chat and "apo-bot ask" do not.',
    ...(logging ? [] : ['QUESTION_LOG=false is set here: a bot started with it logs nothing.']),
    'If the bot runs elsewhere (in Docker the log is in the volume at /app/data), point stats at its folder with --data DIR or DATA_DIR.',
  ].join('\n');
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
