import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runTerminalChat } from '../adapters/terminal/chat.js';
import { renderAnswer } from '../adapters/terminal/render.js';
import { loadProgressPrinter } from '../adapters/terminal/progress.js';
import { wrap } from '../adapters/terminal/wrap.js';
import { createEngine, declineHeadline, type Answer, type LoadProgress } from '../src/core/index.js';
import { article, makeKnowledgeDir, SHIPPED_KNOWLEDGE } from './helpers/knowledgeDir.js';

const citation = (overrides: Partial<Answer['citations'][number]> = {}): Answer['citations'][number] => ({
  id: 'a1',
  title: 'APO drives SMEs',
  date: '2018-09-25',
  source: 'APO News',
  paragraph: 6,
  snippet: 'The mission went to Seoul. It visited the KPC.',
  highlights: [[42, 45]],
  score: 1,
  ...overrides,
});
const answer = (overrides: Partial<Answer> = {}): Answer => ({
  question: 'Where did the mission go?',
  answered: true,
  answer: 'The mission went to Seoul.',
  citations: [citation()],
  message: 'm',
  tookMs: 1,
  snapshotVersion: 1,
  ...overrides,
});
const declined = (decline: NonNullable<Answer['decline']>): Answer => answer({ answered: false, answer: null, citations: [], decline, message: 'declined' });
const nearest = [{ id: 'x', title: 'ROK showcasing SME innovation', date: '2017-06-20', source: 'APO News', url: 'https://apo.example/rok' }];
const plain = { color: false };

describe('renderAnswer', () => {
  it("prints an article's url under its title, in the source line and in the sources", () => {
    const text = renderAnswer(answer({ citations: [citation({ url: 'https://apo.example/2018-smes' })] }), plain);
    expect(text).toBe(
      [
        '“The mission went to Seoul.”',
        '   — APO drives SMEs (2018-09-25), paragraph 6',
        '     https://apo.example/2018-smes',
        '',
        'Sources:',
        ' 1. APO drives SMEs · 2018-09-25 · paragraph 6',
        '    https://apo.example/2018-smes',
        '    … It visited the **KPC**.',
      ].join('\n'),
    );
  });

  it('prints no url line for an article without one', () => {
    expect(renderAnswer(answer(), plain)).not.toContain('http');
  });

  it('shows the quote once: a first source holding only the quote shows its reference line', () => {
    const text = renderAnswer(answer({ citations: [citation({ snippet: 'The mission went to Seoul.', highlights: [] })] }), plain);
    expect(text.split('The mission went to Seoul.')).toHaveLength(2);
    expect(text.endsWith('Sources:\n 1. APO drives SMEs · 2018-09-25 · paragraph 6')).toBe(true);
  });

  it('lists the nearest articles with their urls, and questions to try', () => {
    const text = renderAnswer(declined({ reason: 'no-match', unmatchedTerms: ['joke'], nearest, suggestions: ['Who conducted the 2018 study mission?', 'Where was the 2017 mission?'] }), plain);
    expect(text).toBe(
      [
        "I couldn't find an answer to that in the knowledge base. Nothing matched: joke.",
        '',
        'The nearest articles I have:',
        '  • ROK showcasing SME innovation (2017-06-20)',
        '    https://apo.example/rok',
        '',
        'Try:',
        '  • Who conducted the 2018 study mission?',
        '  • Where was the 2017 mission?',
      ].join('\n'),
    );
  });

  it('lists no nearest articles for a greeting or a question not in English: the reply is the headline alone', () => {
    for (const reason of ['greeting', 'not-english'] as const) {
      const decline = { reason, unmatchedTerms: [], nearest };
      expect(renderAnswer(declined(decline), plain)).toBe(declineHeadline('Where did the mission go?', decline));
    }
  });
});

describe('wrap', () => {
  it('breaks between words at the width, never inside one', () => {
    const text = 'The study mission was conducted by Korea Productivity Center Director Taiho Kang in one paragraph.';
    const wrapped = wrap(text, 30);
    for (const line of wrapped.split('\n')) expect(line.length).toBeLessThanOrEqual(30);
    expect(wrapped.replace(/\n/g, ' ')).toBe(text);
    expect(wrapped).toContain('Director');
    expect(wrapped).toContain('paragraph.');
  });

  it('indents the continuation lines of a source like the text of its first line', () => {
    const text = ' 1. APO drives SMEs to adopt Fourth Industrial Revolution · 2018-09-25 · paragraph 6\n    The mission was conducted by the Korea Productivity Center.';
    expect(wrap(text, 40)).toBe(
      [
        ' 1. APO drives SMEs to adopt Fourth',
        '    Industrial Revolution · 2018-09-25 ·',
        '    paragraph 6',
        '    The mission was conducted by the',
        '    Korea Productivity Center.',
      ].join('\n'),
    );
    expect(wrap('   — APO drives SMEs (2018-09-25), paragraph 6', 24)).toBe('   — APO drives SMEs\n     (2018-09-25),\n     paragraph 6');
  });

  it('keeps a word longer than the width (a url) whole, on a line of its own', () => {
    expect(wrap('see https://apo.example/a-very-long-address now', 12)).toBe('see\nhttps://apo.example/a-very-long-address\nnow');
  });

  it('does not count terminal escape codes as width', () => {
    const bold = (w: string) => `\u001b[1m${w}\u001b[22m`;
    expect(wrap(`    one ${bold('two')} three four`, 18)).toBe(`    one ${bold('two')} three\n    four`);
  });

  it('leaves text alone without a width', () => {
    const long = 'word '.repeat(50).trim();
    expect(wrap(long, undefined)).toBe(long);
  });
});

describe('runTerminalChat', () => {
  const chat = async (input: string, width?: number): Promise<string> => {
    const engine = await createEngine({ knowledgeDir: SHIPPED_KNOWLEDGE });
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const done = runTerminalChat({ engine, input: stdin, output: stdout, color: false, ...(width ? { width } : {}) });
    stdin.end(input);
    await done;
    return out;
  };

  it('wraps replies at the given width between words, keeping the indentation of sources', async () => {
    const out = await chat('Who conducted the 2018 study mission?\nkpc director name\n', 60);
    // Piped input: the prompt and the reply share a line, as they never do at a terminal.
    const lines = out.split('\n').map((line) => line.replace(/^you> /, ''));
    for (const line of lines) if (!/\S{40,}/.test(line)) expect(line.length).toBeLessThanOrEqual(60);
    // Words stay whole: "Director" and "Taiho Kang" are never split across lines.
    expect(lines.join('\n').replace(/\n +/g, ' ').replace(/\n/g, ' ')).toContain('Kerydh Private Limited Managing Director Kim Peng Foo');
    const sources = lines.slice(lines.findIndex((line) => line === 'Sources:') + 1);
    const continuation = sources.find((line) => !/^ \d\. /.test(line) && line.trim() !== '');
    expect(continuation).toMatch(/^ {4}\S/);
  });

  it('does not wrap when the output is not a terminal and no width is given', async () => {
    const out = await chat('Who conducted the 2018 study mission?\n');
    expect(out.split('\n').some((line) => line.length > 120)).toBe(true);
  });
});

describe('progress of a long start', () => {
  const indexing = (articles: number, passages: number): LoadProgress => ({ stage: 'indexing', articles, totalArticles: 100, passages });

  it('shows nothing for a quick start, then a line every few seconds, and one when done', () => {
    let clock = 0;
    const lines: string[] = [];
    const show = loadProgressPrinter((line) => lines.push(line), { quietMs: 1_000, everyMs: 2_000, now: () => clock });
    show({ stage: 'read', articles: 0, totalArticles: 100, passages: 0 });
    clock = 500;
    show(indexing(10, 40));
    expect(lines).toEqual([]);
    clock = 1_200;
    show(indexing(30, 120));
    clock = 2_000;
    show(indexing(40, 160));
    clock = 3_300;
    show(indexing(70, 2_800));
    clock = 4_100;
    show(indexing(100, 4_000));
    expect(lines).toEqual([
      'Indexing the knowledge: 30 of 100 articles, 120 passages...',
      'Indexing the knowledge: 70 of 100 articles, 2,800 passages...',
      'Indexed 100 articles (4,000 passages) in 4 s.',
    ]);
  });

  it('says nothing at the end of a start that was quick', () => {
    let clock = 0;
    const lines: string[] = [];
    const show = loadProgressPrinter((line) => lines.push(line), { now: () => clock });
    show(indexing(50, 100));
    clock = 300;
    show(indexing(100, 200));
    expect(lines).toEqual([]);
  });

  it('is told by the engine: the files read, then each article indexed', async () => {
    const files: Record<string, string> = {};
    for (let n = 0; n < 5; n++) files[`a${n}.md`] = article({ id: `a${n}`, title: `Article ${n}` }, `First paragraph ${n}.\n\nSecond paragraph ${n}.`);
    const folder = await makeKnowledgeDir(files, { shipped: false });
    try {
      const seen: LoadProgress[] = [];
      await createEngine({ knowledgeDir: folder.dir, onProgress: (progress) => seen.push(progress) });
      expect(seen[0]).toEqual({ stage: 'read', articles: 0, totalArticles: 5, passages: 0 });
      expect(seen.slice(1).map((p) => [p.articles, p.passages])).toEqual([
        [1, 2],
        [2, 4],
        [3, 6],
        [4, 8],
        [5, 10],
      ]);
    } finally {
      await folder.cleanup();
    }
  });
});
