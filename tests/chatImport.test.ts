import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Assistant } from '../src/assistant.js';
import { MAX_IMPORT_BYTES, refuseAttachment } from '../src/chatImport.js';
import { createEngine, type KnowledgeEngine } from '../src/core/index.js';
import { QuestionLog, readQuestionLog } from '../src/insight/questionLog.js';
import { renderInsight, summarize } from '../src/insight/stats.js';
import { createLogger } from '../src/logger.js';
import { makeKnowledgeDir } from './helpers/knowledgeDir.js';

const SEED = new URL('./fixtures/seeds/', import.meta.url);

let folder: Awaited<ReturnType<typeof makeKnowledgeDir>>;
let dataDir: string;
let engine: KnowledgeEngine;
let assistant: Assistant;

beforeEach(async () => {
  // One shipped article only: the 2018 page is new to it.
  folder = await makeKnowledgeDir();
  await folder.remove('2018-09-25-apo-drives-smes-to-adopt-4ir.md');
  dataDir = await mkdtemp(path.join(tmpdir(), 'apo-data-'));
  engine = await createEngine({ knowledgeDir: folder.dir });
  assistant = new Assistant({
    engine,
    logger: createLogger({ level: 'silent' }),
    log: new QuestionLog({ dir: dataDir, keepText: true, maxBytes: 1_000_000, keepFiles: 2 }),
  });
});
afterEach(async () => {
  await assistant.close(1000);
  await folder.cleanup();
  await rm(dataDir, { recursive: true, force: true });
});

async function seed2018(): Promise<Buffer> {
  const names = await readdir(SEED);
  const name = names.find((n) => n.startsWith('2018')) as string;
  return readFile(new URL(name, SEED));
}

describe('chat import', () => {
  it('previews without writing, then adds the article, reloads and logs the change', async () => {
    const bytes = await seed2018();
    const preview = await assistant.previewImport({ platform: 'slack', userId: 'UADMIN', fileName: 'page.txt', bytes });
    if (!preview.ok) throw new Error(preview.message);
    expect(preview.preview).toMatchObject({ title: 'APO drives SMEs to adopt Fourth Industrial Revolution', date: '2018-09-25', action: 'added' });
    expect(preview.preview.paragraphs).toBeGreaterThan(5);
    expect(engine.answer('Who inaugurated the 2018 OSM?').answered).toBe(false);

    const applied = await assistant.applyImport({ platform: 'slack', userId: 'UADMIN', token: preview.preview.token });
    if (!applied.ok) throw new Error(applied.message);
    expect(applied.report.applied).toBe(true);
    expect(applied.report.added).toEqual([preview.preview.id]);
    expect(engine.answer('Who inaugurated the 2018 OSM?').answer).toContain('Taiho Kang');

    await assistant.flush();
    const report = summarize(await readQuestionLog(dataDir));
    expect(report.knowledgeChanges).toEqual([expect.objectContaining({ articleId: preview.preview.id, action: 'added', platform: 'slack' })]);
    expect(renderInsight(report)).toContain(`added ${preview.preview.id}`);
    const logged = await readFile(path.join(dataDir, 'questions.jsonl'), 'utf8');
    expect(logged).not.toContain('UADMIN');
  });

  it('shows an article already there as a change, and Add replaces it instead of duplicating', async () => {
    const bytes = await seed2018();
    const first = await assistant.previewImport({ platform: 'discord', userId: 'A', fileName: 'page.txt', bytes });
    if (!first.ok) throw new Error(first.message);
    await assistant.applyImport({ platform: 'discord', userId: 'A', token: first.preview.token });
    const again = await assistant.previewImport({ platform: 'discord', userId: 'A', fileName: 'page.txt', bytes });
    if (!again.ok) throw new Error(again.message);
    expect(again.preview.action).toBe('changed');
    const applied = await assistant.applyImport({ platform: 'discord', userId: 'A', token: again.preview.token });
    expect(applied.ok).toBe(true);
    expect(engine.stats().articles).toBe(2);
  });

  it('lets only the admin who asked add a preview, once; Cancel writes nothing', async () => {
    const bytes = await seed2018();
    const preview = await assistant.previewImport({ platform: 'slack', userId: 'UADMIN', fileName: 'page.txt', bytes });
    if (!preview.ok) throw new Error(preview.message);
    const other = await assistant.applyImport({ platform: 'slack', userId: 'USOMEONE', token: preview.preview.token });
    expect(other).toEqual({ ok: false, message: 'Only the admin who sent the file can add it.' });
    expect(assistant.cancelImport({ platform: 'slack', userId: 'UADMIN', token: preview.preview.token })).toBe(true);
    const late = await assistant.applyImport({ platform: 'slack', userId: 'UADMIN', token: preview.preview.token });
    expect(late.ok).toBe(false);
    expect(engine.stats().articles).toBe(1);
  });

  it('refuses other file types and files over 1 MiB, naming the limit', async () => {
    expect(refuseAttachment('report.pdf', 10)).toContain('.txt, .html, .htm, .md');
    expect(refuseAttachment('page.html', MAX_IMPORT_BYTES + 1)).toContain('1 MiB');
    expect(refuseAttachment('page.HTML', 100)).toBeUndefined();
    const result = await assistant.previewImport({ platform: 'slack', userId: 'U', fileName: 'big.txt', bytes: Buffer.alloc(MAX_IMPORT_BYTES + 1, 97) });
    expect(result).toEqual({ ok: false, message: expect.stringContaining('the limit is 1048576 bytes') });
  });

  it('says what is missing from a page it cannot read as an article', async () => {
    const result = await assistant.previewImport({ platform: 'slack', userId: 'U', fileName: 'note.txt', bytes: Buffer.from('Just a line of text\n') });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/^note\.txt: cannot find .*date/);
  });
});
