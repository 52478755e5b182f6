import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngine, loadKnowledge, type KnowledgeEngine } from '../src/core/index.js';
import { rankPassages } from '../src/core/search/retrieve.js';
import { buildSnapshot } from '../src/core/search/snapshot.js';
import { planUpdate } from '../src/core/search/update.js';
import { article, makeKnowledgeDir } from './helpers/knowledgeDir.js';

/**
 * A reload that changes a few articles updates the search index in place (`update.ts`): after it,
 * the engine must answer exactly as an engine built from scratch over the same folder.
 */

const TOPICS = ['smart factory', 'food safety', 'green productivity', 'digital marketing', 'lean management', 'quality circles'];
const CITIES = ['Seoul', 'Tokyo', 'Manila', 'Jakarta', 'Colombo', 'Hanoi', 'Dhaka'];
/** Words that make each article's paragraphs of other lengths than the others': few passages tie. */
const FILLER = (
  'tools methods audits training finance exports design logistics pricing hiring safety waste energy water packaging ' +
  'inventory sourcing branding payments software sensors robots kaizen standards testing labels storage transport quality'
).split(' ');
const filler = (count: number): string => FILLER.slice(0, count).join(', ');

/** Thirty articles with overlapping words, so that word statistics matter to the ranking. */
function programmeArticle(n: number, edition = 1): string {
  const topic = TOPICS[n % TOPICS.length] as string;
  const city = CITIES[n % CITIES.length] as string;
  const year = 2010 + (n % 9);
  return article(
    { id: `programme-${n}`, title: `${topic} programme ${n} in ${city}`, date: `${year}-0${1 + (n % 9)}-1${n % 10}` },
    [
      `The APO ran a ${topic} programme in ${city} in ${year} for ${10 + n * edition} managers of small firms, on ${filler(1 + ((n * 7) % 29))}.`,
      `Experts from ${CITIES[(n + 2) % CITIES.length]} showed how ${topic} raises productivity in SMEs, with ${filler(1 + ((n * 11) % 29))}.`,
      `Participants visited ${n % 2 === 0 ? 'a factory' : 'a farm'} and wrote action plans on ${filler(1 + (n % 29))}${edition > 1 ? ' for their second year' : ''}.`,
    ].join('\n\n'),
  );
}

const QUESTIONS = [
  'Who ran the smart factory programme in Seoul?',
  'How many managers joined the food safety programme?',
  'Where did participants of the green productivity programme go?',
  'What did experts from Tokyo show?',
  'Which programme visited a farm?',
  'What is the cooperative dairy mission about?',
  'When was the lean management programme in Colombo?',
  'What did participants write for their second year?',
  'Who trained in quality circles in Hanoi?',
  'How does digital marketing raise productivity?',
];

const DAIRY = article(
  { id: 'dairy-mission', title: 'Cooperative dairy mission in Dhaka', date: '2019-03-12' },
  'The cooperative dairy mission in Dhaka showed small farms how to cool and sell milk together.\n\nIt was the first dairy mission of the APO in Bangladesh.',
);

let folder: Awaited<ReturnType<typeof makeKnowledgeDir>>;
let engine: KnowledgeEngine;

beforeEach(async () => {
  const files: Record<string, string> = {};
  for (let n = 0; n < 30; n++) files[`programme-${n}.md`] = programmeArticle(n);
  folder = await makeKnowledgeDir(files);
  engine = await createEngine({ knowledgeDir: folder.dir });
});
afterEach(() => folder.cleanup());

/** What an engine says to the fixed questions: answers, citations, and the top of its ranking. */
function answersOf(subject: KnowledgeEngine) {
  return QUESTIONS.map((question) => {
    const reply = subject.answer(question);
    return {
      question,
      answer: reply.answer,
      citations: reply.citations.map((c) => `${c.id}#${c.paragraph}`),
      ranking: subject.search(question, { limit: 10 }).map((hit) => ({ at: `${hit.id}#${hit.paragraph}`, score: hit.score })),
    };
  });
}

function inTieOrder(ranking: readonly { at: string; score: number }[]): string[] {
  return [...ranking].sort((a, b) => b.score.toFixed(9).localeCompare(a.score.toFixed(9)) || a.at.localeCompare(b.at)).map((r) => `${r.at} ${r.score.toFixed(9)}`);
}

function expectSameAnswers(updated: KnowledgeEngine, built: KnowledgeEngine): void {
  expect(updated.stats().fingerprint).toBe(built.stats().fingerprint);
  expect(updated.stats().passages).toBe(built.stats().passages);
  const got = answersOf(updated);
  const want = answersOf(built);
  for (const [i, answer] of got.entries()) {
    const expected = want[i] as (typeof want)[number];
    expect(answer.answer, answer.question).toBe(expected.answer);
    expect(answer.citations, answer.question).toEqual(expected.citations);
    // Passages of equal score may come in either order (ids differ after an update in place).
    expect(inTieOrder(answer.ranking), answer.question).toEqual(inTieOrder(expected.ranking));
    answer.ranking.forEach((r, k) => expect(r.score, answer.question).toBeCloseTo((expected.ranking[k] as { score: number }).score, 9));
  }
}

describe('reload in place', () => {
  it('answers after an added, a changed and a removed article exactly as an engine built from scratch', async () => {
    await folder.write('dairy.md', DAIRY);
    await folder.write('programme-4.md', programmeArticle(4, 2));
    await folder.remove('programme-7.md');

    const report = await engine.reload();

    expect(report).toMatchObject({ applied: true, index: 'updated', added: ['dairy-mission'], changed: ['programme-4'], removed: ['programme-7'] });
    expect(engine.answer('What is the cooperative dairy mission about?').answer).toContain('cooperative dairy mission');
    const built = await createEngine({ knowledgeDir: folder.dir });
    expectSameAnswers(engine, built);
  });

  it('stays exact over several reloads in a row, and when an article comes back', async () => {
    await folder.write('programme-3.md', programmeArticle(3, 2));
    await engine.reload();
    await folder.remove('programme-3.md');
    await folder.write('dairy.md', DAIRY);
    await engine.reload();
    await folder.write('programme-3.md', programmeArticle(3, 3));
    await folder.write('programme-12.md', programmeArticle(12, 2));
    const report = await engine.reload();

    expect(report.index).toBe('updated');
    expectSameAnswers(engine, await createEngine({ knowledgeDir: folder.dir }));
  });

  it('builds anew when many articles changed, or the glossary did', async () => {
    for (let n = 0; n < 10; n++) await folder.write(`programme-${n}.md`, programmeArticle(n, 2));
    expect((await engine.reload()).index).toBe('rebuilt');
    expectSameAnswers(engine, await createEngine({ knowledgeDir: folder.dir }));

    await folder.write('glossary.yml', 'synonyms:\n  - [smart factory, connected plant]\n');
    await folder.write('programme-1.md', programmeArticle(1, 3));
    expect((await engine.reload()).index).toBe('rebuilt');
    expectSameAnswers(engine, await createEngine({ knowledgeDir: folder.dir }));
  });

  it('never shows the current snapshot the passages on their way in, nor the next the ones on their way out', async () => {
    const current = buildSnapshot(await loadKnowledge(folder.dir), { version: 1, knowledgeDir: folder.dir });
    await folder.write('dairy.md', DAIRY);
    await folder.remove('programme-5.md');
    const steps = planUpdate(current, await loadKnowledge(folder.dir), { version: 2, knowledgeDir: folder.dir });
    let step = steps.next();
    while (!step.done) step = steps.next();
    const update = step.value;
    if (update === undefined) throw new Error('expected an update in place');
    for (const _ of update.add());

    const articlesFound = (snapshot: typeof current, question: string): string[] =>
      rankPassages(snapshot, question, 'internal', 50).map((ranked) => ranked.passage.article.id);
    // Both the new passages and the ones to go are in the shared index now.
    expect(articlesFound(current, 'cooperative dairy mission Dhaka')).not.toContain('dairy-mission');
    expect(articlesFound(update.next, 'cooperative dairy mission Dhaka')).toContain('dairy-mission');
    expect(articlesFound(current, 'green productivity programme 5 Hanoi')).toContain('programme-5');
    expect(articlesFound(update.next, 'green productivity programme 5 Hanoi')).not.toContain('programme-5');

    for (const _ of update.remove());
    expect(current.index.documentCount).toBe(update.next.passages.filter((p) => p.quotable).length);
  });

  it('writes an index cache after an update in place that a restart reads and answers from as a build would', async () => {
    const cacheDir = `${folder.dir}-cache`;
    const cached = await createEngine({ knowledgeDir: folder.dir, cacheDir, cacheMinPassages: 0 });
    await folder.write('programme-9.md', programmeArticle(9, 2));
    await folder.write('dairy.md', DAIRY);
    expect((await cached.reload()).index).toBe('updated');
    await cached.whenIdle();

    const restarted = await createEngine({ knowledgeDir: folder.dir, cacheDir, cacheMinPassages: 0 });
    expect(restarted.stats().indexSource).toBe('cache');
    expectSameAnswers(restarted, await createEngine({ knowledgeDir: folder.dir }));
    // And the restarted engine reloads in place over the ids it read.
    await folder.write('programme-2.md', programmeArticle(2, 2));
    expect((await restarted.reload()).index).toBe('updated');
    expectSameAnswers(restarted, await createEngine({ knowledgeDir: folder.dir }));
  });
});
