import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, loadKnowledge } from '../src/core/index.js';
import { FIXTURES, SHIPPED_KNOWLEDGE } from './helpers/knowledgeDir.js';

const BIN = fileURLToPath(new URL('../bin/apo-bot.js', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SEEDS = path.join(FIXTURES, 'seeds');
const PAGES = path.join(FIXTURES, 'import');

function run(args: string[], input = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.KNOWLEDGE_DIR;
    delete env.LOG_LEVEL;
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

const folders: string[] = [];
async function emptyFolder(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'apo-import-'));
  folders.push(dir);
  return dir;
}
afterEach(async () => {
  for (const dir of folders.splice(0)) {
    await chmod(dir, 0o755).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
});

beforeAll(() => {
  if (!existsSync(new URL('../dist/src/knowledgeImport/index.js', import.meta.url))) throw new Error('dist/ is stale: run "npm run build" first');
});

const paragraphs = (body: string): string[] => body.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
describe('apo-bot import: the two APO news seeds', () => {
  it('writes articles whose bodies equal the shipped ones, and which answer every dev question the same', async () => {
    const dir = await emptyFolder();
    const seeds = (await readdir(SEEDS)).sort().map((name) => path.join(SEEDS, name));
    expect(seeds).toHaveLength(2);
    const { code, stdout, stderr } = await run(['import', '--knowledge', dir, ...seeds]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('title:      ROK showcasing SME innovation');
    expect(stdout).toContain('date:       2018-09-25');
    expect(stdout).toContain('paragraphs: 6');
    expect(stdout).toContain('paragraphs: 9');
    expect(stdout).toContain('"Translate »"');
    expect(stdout).toMatch(/dropped as chrome: "News » » ROK showcasing SME innovation"/);

    const imported = await loadKnowledge(dir);
    const shipped = await loadKnowledge(SHIPPED_KNOWLEDGE);
    expect(imported.errors).toEqual([]);
    expect(imported.articles).toHaveLength(2);
    for (const original of shipped.articles) {
      const made = imported.articles.find((a) => a.title === original.title);
      expect(made, original.title).toBeDefined();
      expect(made).toMatchObject({ date: original.date, source: 'APO News', audience: 'public' });
      // The shipped 2018 article keeps its photo credit as a last paragraph; the import moves it to `credit`.
      const expected = paragraphs(original.body).filter((p) => p !== 'Photos: KPC');
      expect(paragraphs(made?.body ?? '')).toEqual(expected);
      expect(made?.credit).toBe(original.body.includes('Photos: KPC') ? 'KPC' : undefined);
    }

    // Same glossary as the shipped folder (tags aside): every dev question answers the same.
    await writeFile(path.join(dir, 'glossary.yml'), await readFile(path.join(SHIPPED_KNOWLEDGE, 'glossary.yml')));
    const fromImport = await createEngine({ knowledgeDir: dir });
    const fromShipped = await createEngine({ knowledgeDir: SHIPPED_KNOWLEDGE });
    const questions = readFileSync(path.join(FIXTURES, 'apo-dev.jsonl'), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => (JSON.parse(line) as { q: string }).q);
    expect(questions.length).toBeGreaterThan(10);
    const view = (q: string, engine: typeof fromImport) => {
      const reply = engine.answer(q);
      return { answered: reply.answered, answer: reply.answer, cited: reply.citations.map((c) => [c.title, c.paragraph]) };
    };
    for (const q of questions) expect(view(q, fromImport), q).toEqual(view(q, fromShipped));
  });

  it('reads standard input with "-", and --dry-run prints the article without writing it', async () => {
    const dir = await emptyFolder();
    const seed = await readFile(path.join(SEEDS, (await readdir(SEEDS)).sort()[1] ?? ''));
    const { code, stdout } = await run(['import', '--knowledge', dir, '--dry-run', '--audience', 'internal', '--url', 'https://example.org/a', '-'], seed.toString());
    expect(code).toBe(0);
    expect(stdout).toContain('would write');
    expect(stdout).toContain('\n---\nid: 2018-09-25-apo-drives-smes-to-adopt-fourth-industrial-revolution\n');
    expect(stdout).toContain('audience: internal');
    expect(stdout).toContain('url: "https://example.org/a"');
    expect(stdout).toContain('credit: "KPC"');
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses an article whose title exists, and changes it with --replace keeping its id and tags', async () => {
    const dir = await emptyFolder();
    const shippedFile = '2017-06-20-rok-showcasing-sme-innovation.md';
    await writeFile(path.join(dir, shippedFile), await readFile(path.join(SHIPPED_KNOWLEDGE, shippedFile)));
    const seed = path.join(SEEDS, (await readdir(SEEDS)).sort()[0] ?? '');
    const refused = await run(['import', '--knowledge', dir, seed]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('already has the title "ROK showcasing SME innovation" (id 2017-rok-sme-innovation); use --replace');
    expect(await readdir(dir)).toEqual([shippedFile]);

    const replaced = await run(['import', '--knowledge', dir, '--replace', seed]);
    expect(replaced.code).toBe(0);
    expect(replaced.stdout).toContain('replacing the article 2017-rok-sme-innovation');
    expect(await readdir(dir)).toEqual([shippedFile]);
    const [article] = (await loadKnowledge(dir)).articles;
    expect(article).toMatchObject({ id: '2017-rok-sme-innovation', tags: expect.arrayContaining(['SME innovation']) });
  });
});

describe('apo-bot import: HTML pages', () => {
  it('takes the article out of a page in the APO site layout, leaving navigation, breadcrumbs and footer out', async () => {
    const dir = await emptyFolder();
    const { code, stdout, stderr } = await run(['import', '--knowledge', dir, path.join(PAGES, 'apo-news-page.html')]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('url:        https://www.apo-tokyo.org/news/apo-drives-smes-to-adopt-fourth-industrial-revolution/');
    expect(stdout).toMatch(/dropped as chrome: .*Contact Us.*Translate ».*News » ».*Share: Facebook.*©? ?|Privacy/);
    const [made] = (await loadKnowledge(dir)).articles;
    const shipped = (await loadKnowledge(SHIPPED_KNOWLEDGE)).articles.find((a) => a.title === made?.title);
    expect(made).toMatchObject({ date: '2018-09-25', credit: 'KPC', url: expect.stringContaining('apo-tokyo.org') });
    expect(paragraphs(made?.body ?? '')).toEqual(paragraphs(shipped?.body ?? '').filter((p) => p !== 'Photos: KPC'));
    expect(made?.body).not.toMatch(/Home|Privacy|Share|Related News|Translate/);
  });

  it('exits 1 naming the date when a page has none, and writes nothing', async () => {
    const dir = await emptyFolder();
    const { code, stderr } = await run(['import', '--knowledge', dir, path.join(PAGES, 'apo-news-page-no-date.html')]);
    expect(code).toBe(1);
    expect(stderr).toContain('apo-bot: import');
    expect(stderr).toContain('cannot find a date');
    expect(stderr).not.toContain('cannot find a title');
    expect(await readdir(dir)).toEqual([]);
  });

  it('decodes a windows-1252 page by its meta charset', async () => {
    const dir = await emptyFolder();
    const { code, stdout } = await run(['import', '--knowledge', dir, path.join(PAGES, 'windows-1252-page.html')]);
    expect(code).toBe(0);
    expect(stdout).toContain('date:       2017-06-20');
    const [made] = (await loadKnowledge(dir)).articles;
    expect(made?.body).toContain('the ROK’s continuous efforts');
    expect(made?.body).toContain('“Education, entrepreneurship');
  });

  it('refuses a non-UTF-8 page that declares no charset, and text that is not a page', async () => {
    const dir = await emptyFolder();
    const bytes = readFileSync(path.join(PAGES, 'windows-1252-page.html')).toString('latin1').replace(/<meta[^>]*>/, '');
    const page = path.join(dir, '..', `${path.basename(dir)}-page.html`);
    await writeFile(page, Buffer.from(bytes, 'latin1'));
    try {
      const { code, stderr } = await run(['import', '--knowledge', dir, page]);
      expect(code).toBe(1);
      expect(stderr).toContain('not UTF-8, and the page declares no other character set');
    } finally {
      await rm(page, { force: true });
    }
    const words = await run(['import', '--knowledge', dir, '-'], 'just some words\n');
    expect(words.code).toBe(1);
    expect(words.stderr).toMatch(/cannot find .*a date/);
  });

  it('says clearly when the knowledge folder cannot be written', async () => {
    if (process.getuid?.() === 0) return; // root writes anywhere
    const dir = await emptyFolder();
    await chmod(dir, 0o555);
    const { code, stderr } = await run(['import', '--knowledge', dir, path.join(PAGES, 'apo-news-page.html')]);
    expect(code).toBe(1);
    expect(stderr).toContain(`cannot write to the knowledge folder ${dir}: permission denied`);
  });
});

describe('apo-bot help import', () => {
  it('is listed in the usage and has its own help', async () => {
    expect((await run(['help'])).stdout).toContain('apo-bot import FILE...');
    const help = await run(['import', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--replace');
    const none = await run(['import']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('import needs a FILE');
  });
});
