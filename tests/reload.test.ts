import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngine, type KnowledgeEngine } from '../src/core/index.js';
import { article, makeKnowledgeDir } from './helpers/knowledgeDir.js';

const NEW_ARTICLE = article(
  { id: '2019-green-productivity', title: 'Green productivity for SMEs', date: '2019-05-10' },
  'The APO launched a green productivity demonstration project for SMEs in Fiji in May 2019.',
);
const NEW_QUESTION = 'Where was the green productivity demonstration project launched?';

let folder: Awaited<ReturnType<typeof makeKnowledgeDir>>;
let engine: KnowledgeEngine;

beforeEach(async () => {
  folder = await makeKnowledgeDir();
  engine = await createEngine({ knowledgeDir: folder.dir });
});
afterEach(() => folder.cleanup());

describe('reload', () => {
  it('swaps in an added article and reports it', async () => {
    expect(engine.answer(NEW_QUESTION).answered).toBe(false);
    await folder.write('green.md', NEW_ARTICLE);

    const report = await engine.reload();

    expect(report).toMatchObject({
      applied: true,
      before: { articles: 2, passages: 16 },
      after: { articles: 3, passages: 17 },
      added: ['2019-green-productivity'],
      changed: [],
      removed: [],
      errors: [],
      snapshotVersion: 2,
    });
    expect(report.tookMs).toBeGreaterThanOrEqual(0);
    expect(engine.answer(NEW_QUESTION).answer).toContain('in Fiji in May 2019');
    expect(engine.stats()).toMatchObject({ articles: 3, passages: 17, snapshotVersion: 2 });
  });

  it('reports changed and removed articles', async () => {
    await folder.write('green.md', NEW_ARTICLE);
    await engine.reload();
    await folder.write('green.md', NEW_ARTICLE.replace('Fiji', 'Nepal'));
    await folder.remove('2017-06-20-rok-showcasing-sme-innovation.md');

    const report = await engine.reload();

    expect(report).toMatchObject({ applied: true, changed: ['2019-green-productivity'], removed: ['2017-rok-sme-innovation'] });
    expect(engine.answer(NEW_QUESTION).answer).toContain('Nepal');
    expect(engine.answer('Who was the former President of the Asian Association of Business Incubation?').answered).toBe(false);
  });

  describe('when a file is broken', () => {
    it('keeps the previous knowledge and reports the errors with file names', async () => {
      const before = engine.answer('Who conducted the 2018 study mission?');
      await folder.write('green.md', NEW_ARTICLE);
      await folder.write('broken.md', article({ date: 'yesterday' }));

      const report = await engine.reload();

      expect(report.applied).toBe(false);
      expect(report.after).toEqual(report.before);
      expect(report.snapshotVersion).toBe(1);
      expect(report.errors).toEqual([
        { file: 'broken.md', line: 4, message: 'front matter: "date" must be a real date as YYYY-MM-DD, got "yesterday"' },
      ]);
      // Nothing of the attempted reload is served, not even the good new file.
      expect(engine.answer(NEW_QUESTION).answered).toBe(false);
      expect(engine.answer('Who conducted the 2018 study mission?')).toEqual({ ...before, tookMs: expect.any(Number) });
      expect(engine.stats().snapshotVersion).toBe(1);
    });

    it('applies the next reload once the file is fixed', async () => {
      await folder.write('broken.md', '---\nid: [\n---\nText');
      expect((await engine.reload()).applied).toBe(false);
      await folder.write('broken.md', NEW_ARTICLE);
      expect(await engine.reload()).toMatchObject({ applied: true, added: ['2019-green-productivity'] });
    });

    it('keeps serving when the whole folder disappears', async () => {
      await folder.cleanup();
      const report = await engine.reload();
      expect(report.applied).toBe(false);
      expect(report.errors[0]?.message).toBe('knowledge folder not found');
      expect(engine.answer('Who conducted the 2018 study mission?').answered).toBe(true);
    });
  });

  it('answers every question asked during a reload, each wholly from one snapshot', async () => {
    // Many files make the reload take several turns of the event loop while questions arrive.
    for (let i = 0; i < 40; i++) {
      await folder.write(`filler-${i}.md`, article({ id: `filler-${i}`, title: `Filler ${i}` }, `Filler text number ${i}.`));
    }
    await folder.write('green.md', NEW_ARTICLE);
    let done = false;
    const reloading = engine.reload().finally(() => {
      done = true;
    });
    const replies = [];
    while (!done) {
      replies.push(engine.answer(NEW_QUESTION), engine.answer('Who conducted the 2018 study mission?'));
      await nextTurn();
    }
    replies.push(engine.answer(NEW_QUESTION));
    const report = await reloading;

    expect(report.applied).toBe(true);
    expect(replies.length).toBeGreaterThan(4);
    for (const reply of replies) {
      expect(reply.message.length).toBeGreaterThan(0);
      // The new article's answer exists exactly in the new snapshot, never in the old one.
      if (reply.question === NEW_QUESTION) expect(reply.answered).toBe(reply.snapshotVersion === 2);
      else expect(reply.answer).toContain('Kim Peng Foo');
    }
    expect(replies.some((r) => r.snapshotVersion === 1)).toBe(true);
    expect(replies.at(-1)?.snapshotVersion).toBe(2);
  });

  it('shares one reload between callers that ask at the same time', async () => {
    await folder.write('green.md', NEW_ARTICLE);
    const [first, second] = await Promise.all([engine.reload(), engine.reload()]);
    expect(second).toBe(first);
    expect(engine.stats().snapshotVersion).toBe(2);
  });
});

describe('reload dry run', () => {
  it('reports what a reload would add, change and remove, and swaps nothing', async () => {
    await folder.write('green.md', NEW_ARTICLE);
    await folder.remove('2017-06-20-rok-showcasing-sme-innovation.md');

    const report = await engine.reload({ dryRun: true });

    expect(report).toMatchObject({
      applied: false,
      dryRun: true,
      before: { articles: 2, passages: 16 },
      after: { articles: 2, passages: 11 },
      added: ['2019-green-productivity'],
      removed: ['2017-rok-sme-innovation'],
      errors: [],
      snapshotVersion: 1,
    });
    expect(engine.answer(NEW_QUESTION).answered).toBe(false);
    expect(engine.stats().snapshotVersion).toBe(1);
  });

  it('reports the errors a reload would be refused for', async () => {
    await folder.write('broken.md', article({ date: 'never' }));
    const report = await engine.reload({ dryRun: true });
    expect(report).toMatchObject({ applied: false, dryRun: true, after: { articles: 2, passages: 16 } });
    expect(report.errors.map((e) => e.file)).toEqual(['broken.md']);
  });
});
