/**
 * The index cache: a second engine over unchanged knowledge reads the index the first one wrote
 * and answers exactly as a fresh build; any change of files, glossary or engine version, and any
 * damage to the file, means indexing again, never a wrong answer or a failed start.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import MiniSearch from 'minisearch';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeCacheFile, parseCacheFile, type CacheHeader } from '../src/core/cache/cacheFile.js';
import { staleReason, type CacheKey } from '../src/core/cache/cacheKey.js';
import { decodeIndex, encodeIndex } from '../src/core/cache/indexCodec.js';
import { IntReader, IntWriter } from '../src/core/cache/ints.js';
import { createEngine, type Answer, type CoreLogger, type EngineOptions, type KnowledgeEngine } from '../src/core/index.js';
import { FIXTURES, makeKnowledgeDir } from './helpers/knowledgeDir.js';

const QUESTIONS = ['apo-dev.jsonl', 'apo-extra.jsonl'].flatMap((file) =>
  readFileSync(path.join(FIXTURES, file), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => (JSON.parse(line) as { q: string }).q),
);
const SEOUL_QUESTION = 'Where was the 2017 observational study mission held?';
const ROK_ARTICLE = '2017-06-20-rok-showcasing-sme-innovation.md';

interface LogEntry {
  level: 'info' | 'warn' | 'error' | 'debug';
  msg: string;
  obj: Record<string, unknown>;
}

function recordingLogger(): CoreLogger & { entries: LogEntry[]; messages(level: LogEntry['level']): string[] } {
  const entries: LogEntry[] = [];
  const at =
    (level: LogEntry['level']) =>
    (obj: object, msg = ''): void => {
      entries.push({ level, msg, obj: obj as Record<string, unknown> });
    };
  return {
    entries,
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    debug: at('debug'),
    messages: (level) => entries.filter((e) => e.level === level).map((e) => e.msg),
  };
}

/** An answer without its timing, which differs from run to run. */
const comparable = (answer: Answer): object => ({ ...answer, tookMs: 0 });
const answersOf = (engine: KnowledgeEngine): object[] => QUESTIONS.map((q) => comparable(engine.answer(q)));

let folder: Awaited<ReturnType<typeof makeKnowledgeDir>>;
let cacheDir: string;
let scratch: string;

beforeEach(async () => {
  folder = await makeKnowledgeDir();
  scratch = await mkdtemp(path.join(tmpdir(), 'apo-index-cache-'));
  cacheDir = path.join(scratch, 'index-cache');
});
afterEach(async () => {
  await folder.cleanup();
  await rm(scratch, { recursive: true, force: true });
});

/** An engine over the scratch folder with the cache on (for knowledge of any size), its writes done. */
async function start(logger = recordingLogger(), options: Partial<EngineOptions> = {}): Promise<{ engine: KnowledgeEngine; logger: ReturnType<typeof recordingLogger> }> {
  const engine = await createEngine({ knowledgeDir: folder.dir, cacheDir, cacheMinPassages: 0, logger, ...options });
  await engine.whenIdle();
  return { engine, logger };
}

/** The engine's answers without any cache, the reference. */
async function freshAnswers(): Promise<object[]> {
  return answersOf(await createEngine({ knowledgeDir: folder.dir }));
}

const cacheFiles = async (): Promise<string[]> => (await readdir(cacheDir)).filter((name) => name.endsWith('.idx'));

describe('index cache', () => {
  it('is written after a build, and a second engine over the same folder reads it', async () => {
    const first = await start();
    expect(first.engine.stats().indexSource).toBe('built');
    expect(first.logger.messages('info')).toContain('index cache written');
    expect(await cacheFiles()).toHaveLength(1);

    const second = await start();

    expect(second.engine.stats().indexSource).toBe('cache');
    expect(second.logger.messages('info')).toContain('index read from the cache');
    expect(second.logger.messages('info')).not.toContain('index cache written');
    expect(second.logger.messages('warn')).toEqual([]);
  });

  it('answers every question of the APO question files exactly as a fresh build', async () => {
    await start();
    const { engine } = await start();
    expect(engine.stats().indexSource).toBe('cache');

    expect(answersOf(engine)).toEqual(await freshAnswers());
    const fresh = await createEngine({ knowledgeDir: folder.dir });
    for (const question of QUESTIONS.slice(0, 20)) expect(engine.search(question)).toEqual(fresh.search(question));
    const { loadedAt: _a, indexSource: _b, ...stats } = engine.stats();
    const { loadedAt: _c, indexSource: _d, ...freshStats } = fresh.stats();
    expect(stats).toEqual(freshStats);
  });

  it('is not written for knowledge of fewer passages than cacheMinPassages', async () => {
    const { logger } = await start(undefined, { cacheMinPassages: 1000 });
    expect(logger.messages('info')).not.toContain('index cache written');
    await expect(readdir(cacheDir)).rejects.toThrow(/ENOENT/);
  });

  describe('when an article changed', () => {
    it('indexes again, answers from the new text, and keeps only the new cache file', async () => {
      await start();
      const text = await readFile(path.join(folder.dir, ROK_ARTICLE), 'utf8');
      await folder.write(ROK_ARTICLE, text.replace('June 2017 in Seoul', 'June 2017 in Busan'));

      const { engine, logger } = await start();

      expect(engine.stats().indexSource).toBe('built');
      expect(logger.entries.find((e) => e.msg === 'index cache does not fit the knowledge: indexing it')?.obj.reason).toBe('the knowledge files changed');
      expect(engine.answer(SEOUL_QUESTION).answer).toContain('Busan');
      expect(answersOf(engine)).toEqual(await freshAnswers());
      expect(await cacheFiles()).toHaveLength(1);

      const third = await start();
      expect(third.engine.stats().indexSource).toBe('cache');
      expect(third.engine.answer(SEOUL_QUESTION).answer).toContain('Busan');
    });

    it('indexes again when an article is added', async () => {
      await start();
      await folder.write('extra.md', '---\nid: extra\ntitle: Extra\ndate: 2020-01-01\nsource: APO News\naudience: public\n---\nThe APO opened a centre of excellence in Fiji in 2020.\n');

      const { engine } = await start();

      expect(engine.stats()).toMatchObject({ indexSource: 'built', articles: 3 });
      expect(engine.answer('Where did the APO open a centre of excellence?').answer).toContain('Fiji');
    });
  });

  describe('when the glossary changed', () => {
    it('indexes again and answers as a fresh build with the new glossary', async () => {
      await start();
      const glossary = await readFile(path.join(folder.dir, 'glossary.yml'), 'utf8');
      await folder.write('glossary.yml', `${glossary}  - [Ulala Lab, Ulala Laboratory]\n`);

      const { engine, logger } = await start();

      expect(engine.stats().indexSource).toBe('built');
      expect(logger.entries.find((e) => e.msg === 'index cache does not fit the knowledge: indexing it')?.obj.reason).toBe('the glossary changed');
      expect(answersOf(engine)).toEqual(await freshAnswers());
    });
  });

  describe('when the engine indexes differently', () => {
    it('does not read a cache of another index cache version', async () => {
      await start();
      await rewriteCache((header) => ({ ...header, version: 0 }));

      const { engine, logger } = await start();

      expect(engine.stats().indexSource).toBe('built');
      expect(logger.entries.find((e) => e.msg.startsWith('index cache is of another engine version'))?.obj.reason).toMatch(/version 0/);
      expect(logger.messages('warn')).toEqual([]);
    });

    it('does not read a cache whose indexing fingerprint differs', async () => {
      await start();
      await rewriteCache((header) => ({ ...header, key: { ...header.key, indexing: 'another engine' } }));

      const { engine, logger } = await start();

      expect(engine.stats().indexSource).toBe('built');
      expect(logger.entries.find((e) => e.msg === 'index cache does not fit the knowledge: indexing it')?.obj.reason).toBe('written by an engine that indexes differently');
    });

    it('names the reason a key does not fit', () => {
      const key: CacheKey = { version: 1, indexing: 'i', glossary: 'g', articles: 'a' };
      expect(staleReason(key, key)).toBeUndefined();
      expect(staleReason({ ...key, version: 2 }, key)).toMatch(/version 2/);
      expect(staleReason({ ...key, articles: 'b' }, key)).toBe('the knowledge files changed');
      expect(staleReason({ ...key, glossary: 'h' }, key)).toBe('the glossary changed');
    });
  });

  describe('when the cache file is damaged', () => {
    const damages: [string, (file: string) => Promise<void>][] = [
      ['garbage', (file) => writeFile(file, 'not an index at all, just some text')],
      ['cut short', async (file) => truncate(file, Math.floor((await readFile(file)).length / 2))],
      ['cut short by one byte', async (file) => truncate(file, (await readFile(file)).length - 1)],
      ['empty', (file) => writeFile(file, '')],
      [
        'one byte of its data changed',
        async (file) => {
          const bytes = await readFile(file);
          bytes[bytes.length - 7] = (bytes[bytes.length - 7] as number) ^ 0xff;
          await writeFile(file, bytes);
        },
      ],
      [
        'one byte of its header changed',
        async (file) => {
          const bytes = await readFile(file);
          const at = bytes.indexOf('"title"');
          bytes[at + 10] = (bytes[at + 10] as number) ^ 0x01;
          await writeFile(file, bytes);
        },
      ],
    ];
    for (const [damage, apply] of damages) {
      it(`ignores it with a warning and indexes again (${damage})`, async () => {
        await start();
        const [name] = await cacheFiles();
        await apply(path.join(cacheDir, name as string));

        const { engine, logger } = await start();

        expect(engine.stats().indexSource).toBe('built');
        expect(logger.messages('warn')).toContain('index cache ignored: indexing the knowledge');
        expect(answersOf(engine)).toEqual(await freshAnswers());
        // The damaged file is replaced by a good one.
        expect((await start()).engine.stats().indexSource).toBe('cache');
      });
    }

    it('ignores a well-formed file whose index does not fit the knowledge', async () => {
      await start();
      await rewriteCache((header) => ({ ...header, passages: header.passages + 1 }));

      const { engine, logger } = await start();

      expect(engine.stats().indexSource).toBe('built');
      expect(logger.entries.find((e) => e.msg === 'index cache ignored: indexing the knowledge')?.obj.reason).toMatch(/passages/);
      expect(answersOf(engine)).toEqual(await freshAnswers());
    });
  });

  describe('when the cache folder cannot be written', () => {
    it('starts and answers, and warns that the cache was not written', async () => {
      const inTheWay = path.join(scratch, 'a-file');
      await writeFile(inTheWay, 'not a folder');
      cacheDir = path.join(inTheWay, 'index-cache');

      const { engine, logger } = await start();

      expect(engine.stats().indexSource).toBe('built');
      expect(engine.answer(SEOUL_QUESTION).answer).toContain('Seoul');
      expect(logger.messages('warn')).toContain('index cache not written: the next start indexes the knowledge again');
    });
  });

  describe('after a reload', () => {
    it('writes the reloaded knowledge, which the next start reads', async () => {
      const { engine } = await start();
      const text = await readFile(path.join(folder.dir, ROK_ARTICLE), 'utf8');
      await folder.write(ROK_ARTICLE, text.replace('June 2017 in Seoul', 'June 2017 in Busan'));
      expect((await engine.reload()).applied).toBe(true);
      await engine.whenIdle();

      const next = await start();

      expect(next.engine.stats().indexSource).toBe('cache');
      expect(next.engine.answer(SEOUL_QUESTION).answer).toContain('Busan');
      expect(await cacheFiles()).toHaveLength(1);
    });
  });
});

describe('apo-bot ask --json', () => {
  const BIN = fileURLToPath(new URL('../bin/apo-bot.js', import.meta.url));

  /** Runs the built command over the scratch folder with DATA_DIR in the scratch folder; its log lines parsed. */
  function ask(env: Record<string, string> = {}): Promise<{ code: number | null; answers: object[]; log: { msg: string }[] }> {
    if (!existsSync(new URL('../dist/src/cli.js', import.meta.url))) throw new Error('dist/ is missing: run "npm run build" first');
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, 'ask', '--json', '--knowledge', folder.dir], {
        env: { PATH: process.env.PATH ?? '', DATA_DIR: scratch, LOG_LEVEL: 'info', LOG_PRETTY: 'false', ...env },
        stdio: 'pipe',
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => {
        const lines = (text: string) => text.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
        resolve({ code, answers: lines(stdout).map((a) => ({ ...a, tookMs: 0 })), log: lines(stderr) as { msg: string }[] });
      });
      child.stdin.end(`${QUESTIONS.slice(0, 10).join('\n')}\n`);
    });
  }

  /** Enough passages for the cache's default minimum: 60 articles of 20 paragraphs. */
  async function writeLargeKnowledge(): Promise<void> {
    for (let a = 0; a < 60; a++) {
      const paragraphs = Array.from({ length: 20 }, (_, p) => `Productivity centre ${a} trained ${p + 3} managers of small firms in city ${a * 20 + p} during week ${p + 1}.`);
      await folder.write(`bulk-${a}.md`, `---\nid: bulk-${a}\ntitle: Training report ${a}\ndate: 2020-01-01\nsource: APO News\naudience: public\n---\n${paragraphs.join('\n\n')}\n`);
    }
  }

  it('writes the index cache in DATA_DIR/index-cache, and the next run reads it', async () => {
    await writeLargeKnowledge();

    const first = await ask();
    const second = await ask();

    expect([first.code, second.code]).toEqual([0, 0]);
    expect(first.log.map((l) => l.msg)).toContain('index cache written');
    expect(second.log.map((l) => l.msg)).toContain('index read from the cache');
    expect(second.answers).toEqual(first.answers);
    expect(await cacheFiles()).toHaveLength(1);
  }, 30_000);

  it('neither writes nor reads it with INDEX_CACHE=off', async () => {
    await writeLargeKnowledge();

    const run = await ask({ INDEX_CACHE: 'off' });

    expect(run.code).toBe(0);
    expect(run.log.map((l) => l.msg)).not.toContain('index cache written');
    expect(existsSync(cacheDir)).toBe(false);
  }, 30_000);
});

describe('index codec', () => {
  it('decodes the index it encoded, discarded documents and missing fields included', () => {
    const options = { fields: ['title', 'text'], storeFields: ['kind'] };
    const index = new MiniSearch<{ id: number; title?: string; text: string; kind?: string }>(options);
    index.add({ id: 7, title: 'Green productivity', text: 'Green productivity for small firms', kind: 'a' });
    index.add({ id: 3, text: 'Productivity of firms in Fiji', kind: 'b' });
    index.add({ id: 11, title: 'Lone', text: 'A word' });
    index.add({ id: 12, title: 'Gone', text: 'Discarded later' });
    index.discard(12);

    const out = new IntWriter();
    const steps = encodeIndex(index, out);
    let step = steps.next();
    while (!step.done) step = steps.next();
    const ints = Int32Array.from(out.chunks().flatMap((chunk) => [...chunk]));
    const decoded = decodeIndex(step.value, new IntReader(ints), options);

    const sorted = (plain: ReturnType<typeof index.toJSON>) => ({ ...plain, index: [...plain.index].sort((a, b) => a[0].localeCompare(b[0])) });
    expect(sorted(decoded.toJSON())).toEqual(sorted(index.toJSON()));
    expect(decoded.search('productivity firms')).toEqual(index.search('productivity firms'));
  });

  it('refuses integers that name a document the index does not have', () => {
    const options = { fields: ['text'] };
    const index = new MiniSearch<{ id: number; text: string }>(options);
    index.add({ id: 1, text: 'one word' });
    const out = new IntWriter();
    const steps = encodeIndex(index, out);
    let step = steps.next();
    while (!step.done) step = steps.next();
    const ints = Int32Array.from(out.chunks().flatMap((chunk) => [...chunk]));
    ints[ints.length - 2] = 99;

    expect(() => decodeIndex(step.value, new IntReader(ints), options)).toThrow(/document 99, past/);
  });
});

/** Writes the cache file again with its header changed (and checksums to match, so only the change counts). */
async function rewriteCache(change: (header: CacheHeader) => CacheHeader): Promise<void> {
  const [name] = await cacheFiles();
  const file = path.join(cacheDir, name as string);
  const read = parseCacheFile(file, await readFile(file));
  if (read.kind !== 'read') throw new Error(`cache file not readable: ${read.kind}`);
  const { header, ints } = read.contents;
  await writeFile(file, Buffer.concat(encodeCacheFile(change(header), [Buffer.from(ints.buffer, ints.byteOffset, ints.byteLength)])));
}

