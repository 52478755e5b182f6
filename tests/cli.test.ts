import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli, stdinHint } from '../src/cli.js';
import { article, makeKnowledgeDir } from './helpers/knowledgeDir.js';

// The real command, as a user runs it after `npm ci` (which builds dist/; so does `npm test`).
const BIN = fileURLToPath(new URL('../bin/apo-bot.js', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], options: { input?: string; env?: Record<string, string>; cwd?: string } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
    delete env.LOG_LEVEL;
    delete env.KNOWLEDGE_DIR;
    Object.assign(env, options.env);
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

beforeAll(() => {
  if (!existsSync(new URL('../dist/src/cli.js', import.meta.url))) throw new Error('dist/ is missing: run "npm run build" first');
});

describe('apo-bot ask', () => {
  it('prints the quoted answer and its sources', async () => {
    const { code, stdout, stderr } = await run(['ask', 'Who conducted the 2018 study mission?']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^“It was conducted by international experts: Kerydh Private Limited/);
    expect(stdout).toContain('— APO drives SMEs to adopt Fourth Industrial Revolution (2018-09-25), paragraph 6');
    expect(stdout).toContain('Sources:');
    expect(stderr).toBe('');
  });

  it('prints one JSON object with --json', async () => {
    const { code, stdout } = await run(['ask', '--json', 'kpc director name']);
    expect(code).toBe(0);
    const reply = JSON.parse(stdout);
    expect(reply).toMatchObject({ answered: true, answer: expect.stringContaining('Taiho Kang') });
    expect(reply.citations[0]).toMatchObject({
      title: 'APO drives SMEs to adopt Fourth Industrial Revolution',
      date: '2018-09-25',
      snippet: expect.stringContaining('Taiho Kang'),
      marked: expect.stringContaining('**KPC**'),
    });
  });

  it('answers questions from standard input as JSON Lines, keeping logs out of the output', async () => {
    const { code, stdout } = await run(['ask', '--json'], {
      input: 'kpc director name\n\nTell me a joke\nWhere was the 2017 observational study mission held?\n',
      env: { LOG_LEVEL: 'info' },
    });
    expect(code).toBe(0);
    const replies = stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(replies.map((r) => r.answered)).toEqual([true, false, true]);
    expect(replies[2].answer).toContain('Seoul');
  });

  it('shares context between JSON lines of the same conversation, and only those', async () => {
    const lines = [
      { q: 'Where did the 2017 mission take place?', conversation: 'a' },
      { q: 'Who conducted the 2018 study mission?', conversation: 'b' },
      { q: 'who conducted it?', conversation: 'a' },
    ].map((line) => JSON.stringify(line));
    const { code, stdout } = await run(['ask', '--json'], { input: `${lines.join('\n')}\nwho conducted it?\n` });
    expect(code).toBe(0);
    const replies = stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(replies[2].answer).toContain('Benjamin Yuan');
    expect(replies[2].context.reading).toContain('Reading “it” as');
    expect(replies[2].citations[0].id).toBe('2017-rok-sme-innovation');
    // A plain line has no conversation: nothing is read into it.
    expect(replies[3].context).toBeUndefined();
  });

  it('logs one line per question to standard error when asked to', async () => {
    const { stderr } = await run(['ask', '--json', 'kpc director name'], { env: { LOG_LEVEL: 'info', LOG_PRETTY: 'false' } });
    const lines = stderr.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.find((l) => l.msg === 'question answered')).toMatchObject({ answered: true, tookMs: expect.any(Number) });
  });

  describe('with --json and no question', () => {
    /** Runs `ask --json` in-process with a standard input that is (or is not) a terminal and has ended. */
    async function askFromStdin(isTTY: boolean): Promise<{ code: number; stderr: string }> {
      const stdin = Object.assign(new PassThrough(), { isTTY });
      stdin.end();
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      let text = '';
      stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
      const code = await runCli(['ask', '--json'], { stdin, stdout, stderr });
      return { code, stderr: text };
    }

    it('says on standard error that it reads questions, one a line, until Ctrl-D, when standard input is a terminal', async () => {
      const { code, stderr } = await askFromStdin(true);
      expect(code).toBe(0);
      expect(stderr).toBe('Reading questions from standard input, one a line; Ctrl-D to end.\n');
      expect(stdinHint(true)).toContain('Ctrl-D');
    });

    it('says nothing when the questions are piped in', async () => {
      expect((await askFromStdin(false)).stderr).toBe('');
      expect(stdinHint(false)).toBeUndefined();
    });
  });

  it('refuses a bad audience and a missing question with usage', async () => {
    expect((await run(['ask', '--audience', 'everyone', 'hi'])).code).toBe(2);
    const missing = await run(['ask']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('ask needs a question');
  });
});

describe('apo-bot check', () => {
  let folder: Awaited<ReturnType<typeof makeKnowledgeDir>>;
  beforeAll(async () => {
    folder = await makeKnowledgeDir({ 'broken.md': article({ date: '25 Sep 2018' }) });
  });
  afterAll(() => folder.cleanup());

  it('prints the counts of a good folder', async () => {
    const { code, stdout } = await run(['check']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/OK, 2 articles, 16 passages, \d+ glossary entries/);
  });

  it('names the broken file and the problem, and exits non-zero', async () => {
    const { code, stderr } = await run(['check', '--knowledge', folder.dir]);
    expect(code).toBe(1);
    expect(stderr).toContain('error: broken.md:4: front matter: "date" must be a real date as YYYY-MM-DD, got "25 Sep 2018"');
    expect(stderr).toContain('1 error(s); 2 article(s) are fine');
  });

  it('calls a folder without articles an error, not OK', async () => {
    const empty = await makeKnowledgeDir({ 'notes.txt': 'not an article' }, { shipped: false });
    try {
      const { code, stdout, stderr } = await run(['check', '--knowledge', empty.dir]);
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr).toContain(`error: no articles found in ${empty.dir}`);
    } finally {
      await empty.cleanup();
    }
  });

  it('reads KNOWLEDGE_DIR from a .env file in the working directory', async () => {
    const env = await makeKnowledgeDir({ '.env': `KNOWLEDGE_DIR=${folder.dir}\n` }, { shipped: false });
    try {
      const { code, stderr } = await run(['check'], { cwd: env.dir });
      expect(code).toBe(1);
      expect(stderr).toContain('broken.md');
    } finally {
      await env.cleanup();
    }
  });

  it('reports a bad configuration value clearly', async () => {
    const { code, stderr } = await run(['check'], { env: { LOG_LEVEL: 'loud' } });
    expect(code).toBe(2);
    expect(stderr).toContain('LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent; got "loud"');
  });
});

describe('apo-bot eval', () => {
  it('passes every dev question and prints the totals', async () => {
    const { code, stdout } = await run(['eval']);
    expect(code).toBe(0);
    expect(stdout).toContain('PASS d01');
    expect(stdout).toMatch(/answer hit rate: +13\/13 \(100%\)/);
    expect(stdout).toMatch(/correct declines: +3\/3 \(100%\)/);
    expect(stdout).toMatch(/top-3 snippet hit rate: +\d+\/13/);
  });

  it('exits non-zero when a question fails', async () => {
    const folder = await makeKnowledgeDir({ 'q.jsonl': '{"id":"z","q":"kpc director name","expect":["Somebody Else"]}\n' }, { shipped: false });
    try {
      const { code, stdout } = await run(['eval', '--file', `${folder.dir}/q.jsonl`]);
      expect(code).toBe(1);
      expect(stdout).toContain('FAIL z');
    } finally {
      await folder.cleanup();
    }
  });
});

describe('apo-bot chat', () => {
  it('answers, helps, reloads and leaves at the end of input', async () => {
    const { code, stdout } = await run(['chat'], {
      input: 'Who conducted the 2018 study mission?\n/help\n/reload\nTell me a joke\n',
    });
    expect(code).toBe(0);
    expect(stdout).toContain('2 articles, 16 passages loaded');
    expect(stdout).toContain('“It was conducted by international experts');
    expect(stdout).toContain('/reload   read the knowledge folder again');
    expect(stdout).toContain('Reloaded in');
    expect(stdout).toContain("I couldn't find an answer to that in the knowledge base.");
  });

  it('reads a follow-up in the session as part of the conversation', async () => {
    const { code, stdout } = await run(['chat'], {
      input: 'Where did the 2017 mission take place?\nwho conducted it?\ntell me more\n',
    });
    expect(code).toBe(0);
    expect(stdout).toContain('(Reading “it” as: mission 2017)');
    expect(stdout).toContain('“The study mission was conducted by Professor of Management of Technology Benjamin Yuan');
    expect(stdout).toContain('“After serving as a core technocrat');
  });

  it('names the options of /reload when given one it does not know', async () => {
    const { code, stdout } = await run(['chat'], { input: '/reload now\n' });
    expect(code).toBe(0);
    expect(stdout).toContain('Unknown /reload option "now": use /reload, or /reload dry-run to see what would change.');
    expect(stdout).not.toContain('Unknown command');
  });

  describe('when a reload is refused', () => {
    let broken: Awaited<ReturnType<typeof makeKnowledgeDir>>;
    beforeAll(async () => {
      broken = await makeKnowledgeDir({ 'broken.md': article({ date: '25 Sep 2018' }) });
    });
    afterAll(() => broken.cleanup());

    it.each(['chat', 'start'])('says so once, in the chat, without a log of the same errors (apo-bot %s)', async (command) => {
      const { code, stdout, stderr } = await run([command], { input: '/reload\n', env: { KNOWLEDGE_DIR: broken.dir } });
      expect(code).toBe(0);
      expect(stdout.match(/Reload refused/g)).toHaveLength(1);
      expect(stdout).toContain('broken.md:4: front matter: "date"');
      expect(stderr).toBe('');
    });

    it('still logs it when LOG_LEVEL asks for warnings', async () => {
      const { stderr } = await run(['chat'], { input: '/reload\n', env: { KNOWLEDGE_DIR: broken.dir, LOG_LEVEL: 'warn', LOG_PRETTY: 'false' } });
      expect(stderr).toContain('reload refused');
    });
  });

  it('stops reading at /quit', async () => {
    const { code, stdout } = await run(['chat'], { input: '/quit\nkpc director name\n' });
    expect(code).toBe(0);
    expect(stdout).not.toContain('Taiho Kang');
  });
});

describe('apo-bot start', () => {
  it('opens the terminal chat when no chat platform is configured', async () => {
    const { code, stdout } = await run(['start'], { input: 'Who conducted the 2018 study mission?\n' });
    expect(code).toBe(0);
    expect(stdout).toContain('“It was conducted by international experts');
  });
});

describe('apo-bot stats', () => {
  it('says which log it read, and why it is empty', async () => {
    const data = await makeKnowledgeDir({}, { shipped: false });
    try {
      const { code, stdout } = await run(['stats', '--data', data.dir]);
      expect(code).toBe(0);
      expect(stdout).toContain(`No question log at ${path.join(data.dir, 'questions.jsonl')}`);
      expect(stdout).toContain('the terminal chat and "apo-bot ask" do not');
      expect(stdout).toContain('--data DIR or DATA_DIR');
    } finally {
      await data.cleanup();
    }
  });

  it('names the log above the figures', async () => {
    const entry = {
      type: 'question',
      at: new Date().toISOString(),
      questionId: 'q1',
      platform: 'slack',
      user: 'h',
      channelKind: 'channel',
      question: 'kpc director name',
      chars: 17,
      answered: true,
      topArticle: { id: '2018-smes-fourth-industrial-revolution', title: 'APO drives SMEs to adopt Fourth Industrial Revolution' },
      latencyMs: 3,
    };
    const data = await makeKnowledgeDir({ 'questions.jsonl': `${JSON.stringify(entry)}\n` }, { shipped: false });
    try {
      const { code, stdout } = await run(['stats'], { env: { DATA_DIR: data.dir } });
      expect(code).toBe(0);
      expect(stdout.split('\n').slice(0, 3)).toEqual([`Question log: ${path.join(data.dir, 'questions.jsonl')}`, '', 'Questions: 1 (slack 1)']);
    } finally {
      await data.cleanup();
    }
  });
});

describe('apo-bot --version and help', () => {
  it('prints the version of package.json', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    const { code, stdout } = await run(['--version']);
    expect(code).toBe(0);
    expect(stdout).toBe(`apo-bot ${version}\n`);
  });

  it.each([[['help', 'ask']], [['ask', '--help']], [['ask', '-h']]])('prints one command\'s details for %j', async (args) => {
    const { code, stdout, stderr } = await run(args);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: apo-bot ask /);
    expect(stdout).toContain('--audience A');
    expect(stderr).toBe('');
  });

  it('has details for every command in the list', async () => {
    const { stdout: usage } = await run(['help']);
    const commands = [...usage.matchAll(/^ {2}apo-bot ([a-z:]+)/gm)].map((m) => m[1] as string);
    expect(commands).toEqual(expect.arrayContaining(['start', 'chat', 'ask', 'check', 'eval', 'stats', 'discord:register']));
    for (const command of commands) {
      const { code, stdout } = await run([command, '--help']);
      expect(code, command).toBe(0);
      expect(stdout, command).toMatch(new RegExp(`^Usage: apo-bot ${command}`));
    }
  });

  it('refuses help for what is not a command', async () => {
    const { code, stderr } = await run(['help', 'frobnicate']);
    expect(code).toBe(2);
    expect(stderr).toContain('no help for "frobnicate"');
  });
});

describe('the Slack manifest\'s /apo usage hint', () => {
  it('names every subcommand of /apo', () => {
    const manifest = parse(readFileSync(new URL('../adapters/slack/manifest.yml', import.meta.url), 'utf8'));
    const hint: string = manifest.features.slash_commands[0].usage_hint;
    for (const word of ['<question>', 'help', 'reload', 'dry-run', 'stats']) expect(hint).toContain(word);
  });
});

it('refuses an unknown command with usage', async () => {
  const { code, stderr } = await run(['frobnicate']);
  expect(code).toBe(2);
  expect(stderr).toContain('unknown command "frobnicate"');
  expect(stderr).toContain('Usage:');
});
