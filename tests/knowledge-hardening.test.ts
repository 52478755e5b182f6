/**
 * Knowledge folders as an outside probe left them: YAML alias bombs, binary files, symbolic links
 * out of the folder and in loops, folders the bot may not read, paths longer than the OS allows.
 * Each must be reported with its file, and must never stop the rest of the folder from loading.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadKnowledge } from '../src/core/index.js';
import { article, makeKnowledgeDir } from './helpers/knowledgeDir.js';

const BIN = fileURLToPath(new URL('../bin/apo-bot.js', import.meta.url));

/** Whether the unprivileged user 65534 can read a file (every folder above it included). */
function nobodyCanRead(file: string): boolean {
  const probe = spawnSync(process.execPath, ['-e', 'require("node:fs").accessSync(process.argv[1])', file], { uid: 65534, gid: 65534 });
  return probe.status === 0;
}
const ROOT = fileURLToPath(new URL('..', import.meta.url));

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  // Last in, first out: a folder's own cleanup runs after what was made inside it is gone.
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function folderWith(files: Record<string, string | Buffer> = {}, options: { shipped?: boolean } = {}) {
  const folder = await makeKnowledgeDir(files, options);
  cleanups.push(folder.cleanup);
  return folder;
}

/** Nine aliases of nine aliases, six deep: half a million strings from a few hundred bytes. */
const ALIAS_BOMB = [
  'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
  ...['b', 'c', 'd', 'e', 'f', 'g'].map((name, i) => {
    const prev = 'abcdefg'[i];
    return `${name}: &${name} [${Array.from({ length: 9 }, () => `*${prev}`).join(', ')}]`;
  }),
].join('\n');

const bombArticle = `---\nid: bomb\ntitle: Bomb\ndate: 2020-01-01\nsource: APO News\naudience: public\n${ALIAS_BOMB}\ntags: *g\n---\nText.\n`;

describe('loadKnowledge with hostile files', () => {
  describe('when YAML front matter or the glossary is an alias bomb', () => {
    it('reports the article as an error of its file and loads the others', async () => {
      const folder = await folderWith({ 'bomb.md': bombArticle });
      const loaded = await loadKnowledge(folder.dir);
      expect(loaded.articles).toHaveLength(2);
      expect(loaded.errors).toEqual([{ file: 'bomb.md', line: 1, message: expect.stringMatching(/^front matter: too many YAML aliases/) }]);
    });

    it('reports the glossary as an error of glossary.yml', async () => {
      const folder = await folderWith({ 'glossary.yml': `${ALIAS_BOMB}\nsynonyms: [*g]\n` });
      const loaded = await loadKnowledge(folder.dir);
      expect(loaded.articles).toHaveLength(2);
      expect(loaded.errors).toEqual([{ file: 'glossary.yml', line: 1, message: expect.stringMatching(/^too many YAML aliases/) }]);
    });
  });

  it('refuses a file with NUL bytes as binary, naming it', async () => {
    const text = article({ id: 'nul' }, 'Some text.\nMore\0text.');
    const folder = await folderWith({ 'nul.md': Buffer.from(text) });
    const loaded = await loadKnowledge(folder.dir);
    expect(loaded.articles.map((a) => a.id)).not.toContain('nul');
    expect(loaded.errors).toEqual([{ file: 'nul.md', line: 9, message: 'binary file (it holds NUL bytes), not text: not read' }]);
  });

  describe('with symbolic links', () => {
    it('does not follow a link out of the folder, and says so', async () => {
      const folder = await folderWith();
      await symlink('/etc/passwd', path.join(folder.dir, 'x.md'));
      await symlink('/etc', path.join(folder.dir, 'etc'));
      const loaded = await loadKnowledge(folder.dir);
      expect(loaded.articles).toHaveLength(2);
      expect(loaded.errors).toEqual([]);
      expect(loaded.warnings).toEqual([
        { file: 'etc', message: 'not read: a symbolic link that leads out of the knowledge folder' },
        { file: 'x.md', message: 'not read: a symbolic link that leads out of the knowledge folder' },
      ]);
    });

    it('reports links in a loop and links to nothing', async () => {
      const folder = await folderWith();
      await symlink('loop-b.md', path.join(folder.dir, 'loop-a.md'));
      await symlink('loop-a.md', path.join(folder.dir, 'loop-b.md'));
      await symlink('missing.md', path.join(folder.dir, 'dangling.md'));
      await mkdir(path.join(folder.dir, 'sub'));
      await symlink('..', path.join(folder.dir, 'sub', 'up'));
      const loaded = await loadKnowledge(folder.dir);
      expect(loaded.articles).toHaveLength(2);
      expect(loaded.warnings).toEqual([
        { file: 'dangling.md', message: 'not read: a symbolic link to nothing (its target does not exist)' },
        { file: 'loop-a.md', message: 'not read: a symbolic link in a loop' },
        { file: 'loop-b.md', message: 'not read: a symbolic link in a loop' },
        { file: path.join('sub', 'up'), message: 'not read: a symbolic link in a loop (it leads back to a folder it is in)' },
      ]);
    });

    it('reads links that stay inside the folder, as a Kubernetes ConfigMap volume presents files', async () => {
      const folder = await folderWith({}, { shipped: false });
      await mkdir(path.join(folder.dir, '..2024_01_01_00_00_00.1'));
      await writeFile(path.join(folder.dir, '..2024_01_01_00_00_00.1', 'a.md'), article({ id: 'from-configmap' }));
      await writeFile(path.join(folder.dir, '..2024_01_01_00_00_00.1', 'glossary.yml'), 'synonyms:\n  - [KPC, Korea Productivity Center]\n');
      await symlink('..2024_01_01_00_00_00.1', path.join(folder.dir, '..data'));
      await symlink(path.join('..data', 'a.md'), path.join(folder.dir, 'a.md'));
      await symlink(path.join('..data', 'glossary.yml'), path.join(folder.dir, 'glossary.yml'));
      const loaded = await loadKnowledge(folder.dir);
      expect(loaded).toMatchObject({ errors: [], warnings: [] });
      expect(loaded.articles.map((a) => [a.id, a.file])).toEqual([['from-configmap', 'a.md']]);
      expect(loaded.glossary.groups).toHaveLength(1);
    });
  });

  it('skips a folder whose path is longer than the OS allows, naming it, and loads the rest', async () => {
    const folder = await folderWith();
    // Built one level at a time from inside, as no single path to the bottom may be opened.
    const name = 'd'.repeat(200);
    await promisify(execFile)('bash', ['-c', `cd "$1" && for i in $(seq 25); do mkdir "$2" && cd "$2" || exit 1; done`, 'bash', folder.dir, name]);
    cleanups.push(() => promisify(execFile)('rm', ['-rf', path.join(folder.dir, name)]));
    const loaded = await loadKnowledge(folder.dir);
    expect(loaded.articles).toHaveLength(2);
    expect(loaded.errors).toEqual([]);
    expect(loaded.warnings).toEqual([
      { file: expect.stringMatching(new RegExp(`^${name}/`)), message: expect.stringMatching(/^folder not read: its path is longer than the system allows/) },
    ]);
  });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], options: { input?: string; env?: Record<string, string>; uid?: number; gid?: number } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '', LOG_PRETTY: 'false', ...options.env };
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env,
      stdio: 'pipe',
      ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.gid }),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

describe('the apo-bot command with hostile knowledge', () => {
  beforeAll(() => {
    if (!existsSync(new URL('../dist/src/cli.js', import.meta.url))) throw new Error('dist/ is missing: run "npm run build" first');
  });

  it('check reports alias bombs as errors of their files and exits 1', async () => {
    const folder = await folderWith({ 'bomb.md': bombArticle, 'glossary.yml': `${ALIAS_BOMB}\nsynonyms: [*g]\n` });
    const { code, stderr } = await run(['check', '--knowledge', folder.dir]);
    expect(stderr).toContain('error: bomb.md:1: front matter: too many YAML aliases');
    expect(stderr).toContain('error: glossary.yml:1: too many YAML aliases');
    expect(stderr).toContain('2 error(s); 2 article(s) are fine');
    expect(code).toBe(1);
  });

  it('start serves the good files beside an alias bomb', async () => {
    const folder = await folderWith({ 'bomb.md': bombArticle, 'glossary.yml': `${ALIAS_BOMB}\nsynonyms: [*g]\n` });
    const { code, stdout } = await run(['start'], { env: { KNOWLEDGE_DIR: folder.dir }, input: 'kpc director name\n' });
    expect(stdout).toContain('Taiho Kang');
    expect(code).toBe(0);
  });

  it('start with a broken glossary answers, and logs at error that it runs without the glossary', async () => {
    const folder = await folderWith({ 'glossary.yml': 'synonyms: [[KPC, Korea Productivity Center]\n' });
    const { code, stdout, stderr } = await run(['start'], { env: { KNOWLEDGE_DIR: folder.dir }, input: 'kpc director name\n' });
    expect(stdout).toContain('Taiho Kang');
    const lines = stderr.trim().split('\n').map((line) => JSON.parse(line) as { level: number; msg: string; glossary?: unknown });
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 50,
        msg: expect.stringMatching(/^glossary\.yml did not load: answers run WITHOUT the glossary/),
        glossary: { status: 'missing', file: 'glossary.yml', entries: 0 },
      }),
    );
    expect(code).toBe(0);
  });

  it('check skips a folder it may not read, naming it, and loads the rest', async (ctx) => {
    // As root the command runs as nobody, which must be able to reach the project: a checkout
    // inside a folder only root may enter (a mktemp -d, say) can't run it, so there it is skipped.
    if (process.getuid?.() === 0 && !nobodyCanRead(BIN)) ctx.skip();
    const folder = await folderWith();
    const lost = path.join(folder.dir, 'lost+found');
    await mkdir(lost);
    await writeFile(path.join(lost, 'a.md'), article({ id: 'lost' }));
    await chmod(lost, 0o700);
    // Root reads any folder: run the command as nobody, as the Docker image runs as an unprivileged user.
    const asRoot = process.getuid?.() === 0;
    if (asRoot) await chmod(folder.dir, 0o755);
    else await chmod(lost, 0o000);
    cleanups.push(() => chmod(lost, 0o700));
    const { code, stdout, stderr } = await run(['check', '--knowledge', folder.dir], asRoot ? { uid: 65534, gid: 65534 } : {});
    expect(stderr).toContain('warning: lost+found: folder not read: permission denied');
    expect(stdout).toContain('OK, 2 articles');
    expect(code).toBe(0);
  });
});
