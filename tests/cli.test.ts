import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

it('refuses an unknown command with usage', async () => {
  const { code, stderr } = await run(['frobnicate']);
  expect(code).toBe(2);
  expect(stderr).toContain('unknown command "frobnicate"');
  expect(stderr).toContain('Usage:');
});
