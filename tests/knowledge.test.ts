import { afterEach, describe, expect, it } from 'vitest';
import { loadKnowledge, type KnowledgeProblem } from '../src/core/index.js';
import { article, makeKnowledgeDir, SHIPPED_KNOWLEDGE } from './helpers/knowledgeDir.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

/** Loads a folder holding only the given files and returns its problems. */
async function problemsOf(files: Record<string, string | Buffer>, options = {}): Promise<KnowledgeProblem[]> {
  const folder = await makeKnowledgeDir(files, { shipped: false });
  cleanups.push(folder.cleanup);
  const loaded = await loadKnowledge(folder.dir, options);
  return [...loaded.errors];
}

describe('loadKnowledge', () => {
  it('loads the shipped knowledge without problems', async () => {
    const loaded = await loadKnowledge(SHIPPED_KNOWLEDGE);
    expect(loaded.errors).toEqual([]);
    expect(loaded.warnings).toEqual([]);
    expect(loaded.articles.map((a) => [a.title, a.date, a.audience])).toEqual([
      ['ROK showcasing SME innovation', '2017-06-20', 'public'],
      ['APO drives SMEs to adopt Fourth Industrial Revolution', '2018-09-25', 'public'],
    ]);
    expect(loaded.glossary.groups.length).toBeGreaterThan(10);
  });

  it('keeps the article text faithful and without page chrome', async () => {
    const loaded = await loadKnowledge(SHIPPED_KNOWLEDGE);
    for (const a of loaded.articles) {
      expect(a.body).not.toMatch(/Translate »|News\s+»/);
      expect(a.body.startsWith(a.title)).toBe(false);
    }
    expect(loaded.articles[1]?.body).toContain('the Gyeonggi Center for Creative Economy and Innovation and D. CAMP.');
  });

  it('reads articles in subfolders', async () => {
    const folder = await makeKnowledgeDir({}, { shipped: false });
    cleanups.push(folder.cleanup);
    await import('node:fs/promises').then((fs) => fs.mkdir(`${folder.dir}/2020`));
    await folder.write('2020/a.md', article({ id: 'in-folder' }));
    const loaded = await loadKnowledge(folder.dir);
    expect(loaded.articles.map((a) => [a.id, a.file])).toEqual([['in-folder', '2020/a.md']]);
  });

  describe('reports each bad file with its path and line, and leaves it out', () => {
    it('when the front matter is missing', async () => {
      expect(await problemsOf({ 'a.md': 'Just text.\n' })).toEqual([
        { file: 'a.md', line: 1, message: 'front matter: missing (the file must start with a "---" line)' },
      ]);
    });

    it('when the front matter is not closed', async () => {
      expect(await problemsOf({ 'a.md': '---\nid: a\ntitle: A\n' })).toEqual([
        { file: 'a.md', line: 1, message: 'front matter: not closed (no second "---" line)' },
      ]);
    });

    it('when the front matter is not valid YAML', async () => {
      const [problem] = await problemsOf({ 'a.md': '---\nid: a\ntitle: [unclosed\ndate: 2020-01-01\n---\nText.\n' });
      expect(problem?.file).toBe('a.md');
      expect(problem?.line).toBeGreaterThanOrEqual(3);
      expect(problem?.message).toMatch(/^front matter: invalid YAML/);
    });

    it('when the date is not YYYY-MM-DD', async () => {
      expect(await problemsOf({ 'a.md': article({ date: '25 Sep 2018' }) })).toEqual([
        { file: 'a.md', line: 4, message: 'front matter: "date" must be a real date as YYYY-MM-DD, got "25 Sep 2018"' },
      ]);
    });

    it('when the date does not exist', async () => {
      const [problem] = await problemsOf({ 'a.md': article({ date: '2018-02-30' }) });
      expect(problem?.message).toContain('"date" must be a real date');
    });

    it('when a required field is missing or has the wrong value', async () => {
      const problems = await problemsOf({ 'a.md': article({ title: undefined, audience: 'everyone' }) });
      expect(problems.map((p) => p.message)).toEqual([
        'front matter: "title" is missing',
        'front matter: "audience" must be "public" or "internal", got "everyone"',
      ]);
    });

    it('when the id is not a slug', async () => {
      const [problem] = await problemsOf({ 'a.md': article({ id: 'Not A Slug' }) });
      expect(problem).toMatchObject({ file: 'a.md', line: 2 });
      expect(problem?.message).toContain('"id" must be a slug');
    });

    it('when a key is unknown (a typo)', async () => {
      const [problem] = await problemsOf({ 'a.md': article({ tag: '[x]' }) });
      expect(problem?.message).toContain('unknown key "tag"');
    });

    it('when two articles share an id, naming both files', async () => {
      expect(await problemsOf({ 'a.md': article(), 'b.md': article() })).toEqual([
        { file: 'b.md', line: 2, message: 'front matter: duplicate id "test-article" (also in a.md)' },
      ]);
    });

    it('when the body is empty', async () => {
      expect(await problemsOf({ 'a.md': article({}, '   \n') })).toEqual([
        { file: 'a.md', line: 8, message: 'body: empty (the article has no text)' },
      ]);
    });

    it('when the file is not UTF-8, with the line of the first bad byte', async () => {
      // Lines 1-7 are front matter, line 8 is "First line.", line 9 has a Latin-1 "é".
      const text = article({}, 'First line.\nCafX.');
      const bytes = Buffer.from(text);
      bytes[text.indexOf('X')] = 0xe9;
      expect(await problemsOf({ 'a.md': bytes })).toEqual([
        { file: 'a.md', line: 9, message: 'not valid UTF-8 text (save the file as UTF-8)' },
      ]);
    });

    it('when the file is over the size limit', async () => {
      expect(await problemsOf({ 'a.md': article({}, 'x'.repeat(2000)) }, { maxFileBytes: 1000 })).toEqual([
        { file: 'a.md', message: expect.stringMatching(/^file too large: \d+ bytes \(the limit is 1000\)$/) },
      ]);
    });

    it('when the glossary is malformed', async () => {
      const problems = await problemsOf({ 'glossary.yml': 'synonyms:\n  - [KPC]\n  - not a list\n' });
      expect(problems).toEqual([
        { file: 'glossary.yml', line: 2, message: 'entry 1: each entry needs at least two words or phrases that mean the same' },
        {
          file: 'glossary.yml',
          line: 3,
          message: 'entry 2: each entry must be a list of words or phrases, like [KPC, Korea Productivity Center]',
        },
      ]);
    });
  });

  it('loads the good files beside a bad one', async () => {
    const folder = await makeKnowledgeDir({ 'broken.md': 'no front matter' });
    cleanups.push(folder.cleanup);
    const loaded = await loadKnowledge(folder.dir);
    expect(loaded.articles).toHaveLength(2);
    expect(loaded.errors.map((e) => e.file)).toEqual(['broken.md']);
  });

  it('warns about files it does not read, and skips hidden files and README.md', async () => {
    const folder = await makeKnowledgeDir({ 'notes.txt': 'x', '.draft.md': 'x', 'README.md': '# About' });
    cleanups.push(folder.cleanup);
    const loaded = await loadKnowledge(folder.dir);
    expect(loaded.errors).toEqual([]);
    expect(loaded.warnings).toEqual([
      { file: 'notes.txt', message: 'not read: only .md articles and glossary.yml are knowledge files' },
    ]);
  });

  it('reports a missing folder instead of throwing', async () => {
    const loaded = await loadKnowledge('/nonexistent/knowledge');
    expect(loaded.errors).toEqual([{ file: '/nonexistent/knowledge', message: 'knowledge folder not found' }]);
  });
});
