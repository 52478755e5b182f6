import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngine, type KnowledgeEngine, type ReloadReport } from '../src/core/index.js';
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

describe('reload while files are being written', () => {
  /** An article whose last paragraph holds the answer, so a half-written copy loads but lacks it. */
  const LONG_ARTICLE = article(
    { id: '2019-green-productivity', title: 'Green productivity for SMEs', date: '2019-05-10' },
    `${Array.from({ length: 40 }, (_, i) => `Background paragraph ${i} about productivity in general terms.`).join('\n\n')}\n\n` +
      'The APO launched a green productivity demonstration project for SMEs in Fiji in May 2019.',
  );

  /** Rewrites a file in place (truncate, half, pause, rest) until killed, as a slow editor or a copy does. */
  function rewriteInPlace(file: string, content: string): ChildProcess {
    const script = `
      const fs = require('node:fs');
      const [file, content] = [process.argv[1], process.argv[2]];
      const pause = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
      const half = Math.floor(content.length / 2);
      for (let round = 0; ; round++) {
        if (round === 1) process.stdout.write('writing');
        const fd = fs.openSync(file, 'w');
        fs.writeSync(fd, content.slice(0, half));
        pause(3);
        fs.writeSync(fd, content.slice(half));
        fs.closeSync(fd);
        pause(1);
      }`;
    return spawn(process.execPath, ['-e', script, file, content], { stdio: ['ignore', 'pipe', 'ignore'] });
  }

  it('never applies a half-written file, and names the file still being written', async () => {
    await folder.write('green.md', LONG_ARTICLE);
    const writer = rewriteInPlace(path.join(folder.dir, 'green.md'), LONG_ARTICLE);
    const reports: ReloadReport[] = [];
    try {
      await new Promise((resolve) => writer.stdout?.once('data', resolve));
      for (let i = 0; i < 15; i++) {
        const report = await engine.reload();
        reports.push(report);
        // A reload either did not apply, or applied the whole article.
        if (report.applied) expect(engine.answer(NEW_QUESTION).answer).toContain('in Fiji in May 2019');
      }
    } finally {
      writer.kill('SIGKILL');
      await new Promise((resolve) => writer.once('exit', resolve));
    }
    for (const report of reports) {
      expect(report).toMatchObject({
        applied: false,
        stillBeingWritten: ['green.md'],
        errors: [{ file: 'green.md', message: expect.stringMatching(/^still being written: skipped/) }],
      });
    }
    expect(engine.stats().snapshotVersion).toBe(1);

    // Once the writing stops, the next reload reads the whole file.
    await folder.write('green.md', LONG_ARTICLE);
    expect(await engine.reload()).toMatchObject({ applied: true, added: ['2019-green-productivity'] });
    expect(engine.answer(NEW_QUESTION).answer).toContain('in Fiji in May 2019');
  });

  it('gives a caller who asks once a reload has begun reading a reload of its own', async () => {
    for (let i = 0; i < 40; i++) {
      await folder.write(`filler-${i}.md`, article({ id: `filler-${i}`, title: `Filler ${i}` }, `Filler text number ${i}.`));
    }
    const first = engine.reload();
    // The first reload has listed the folder by now (it then waits for the just-written files to settle).
    await new Promise((resolve) => setTimeout(resolve, 25));
    // Saved while the first reload reads: as the watcher does, ask again.
    await folder.write('green.md', NEW_ARTICLE);
    const second = engine.reload();
    expect(second).not.toBe(first);
    expect((await first).added).not.toContain('2019-green-productivity');
    expect(await second).toMatchObject({ applied: true, added: ['2019-green-productivity'] });
    expect(engine.answer(NEW_QUESTION).answered).toBe(true);
  });
});

describe('the glossary', () => {
  const QUESTION = 'Who conducted the 2018 study mission?';

  it('is reported loaded, with its entries', () => {
    expect(engine.stats().glossary).toEqual({ status: 'loaded', file: 'glossary.yml', entries: expect.any(Number) });
    expect(engine.stats().glossary.entries).toBeGreaterThan(10);
  });

  describe('when it is broken at start', () => {
    it('starts, but says loudly that answers run without it: in the log, stats and the reload report', async () => {
      await folder.write('glossary.yml', 'synonyms: [[KPC, Korea Productivity Center]\n');
      const logged: { level: string; msg?: string }[] = [];
      const logger = {
        info: (_: object, msg?: string) => logged.push({ level: 'info', msg }),
        warn: (_: object, msg?: string) => logged.push({ level: 'warn', msg }),
        error: (_: object, msg?: string) => logged.push({ level: 'error', msg }),
        debug: () => {},
      };
      const broken = await createEngine({ knowledgeDir: folder.dir, logger });

      expect(broken.stats().glossary).toEqual({ status: 'missing', file: 'glossary.yml', entries: 0 });
      expect(logged).toContainEqual({ level: 'error', msg: expect.stringMatching(/^glossary\.yml did not load: answers run WITHOUT the glossary/) });
      const report = await broken.reload();
      expect(report.applied).toBe(false);
      expect(report.glossary).toEqual({ status: 'missing', file: 'glossary.yml', entries: 0 });
      expect(report.warnings).toContainEqual({ file: 'glossary.yml', message: expect.stringMatching(/^answers run WITHOUT the glossary/) });
    });
  });

  describe('when it breaks after it loaded', () => {
    it('keeps answering with the last good glossary and says so', async () => {
      const before = engine.answer(QUESTION);
      await folder.write('glossary.yml', 'synonyms: [[KPC, Korea Productivity Center]\n');

      const report = await engine.reload();

      expect(report.applied).toBe(false);
      expect(report.glossary).toMatchObject({ status: 'last-good', file: 'glossary.yml' });
      expect(report.warnings).toContainEqual({ file: 'glossary.yml', message: 'does not load: answers use the last glossary that did' });
      expect(engine.stats().glossary.status).toBe('last-good');
      expect(engine.answer(QUESTION).answer).toBe(before.answer);
      expect(before.answer).toContain('Kim Peng Foo');
    });
  });
});
