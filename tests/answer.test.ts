import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, loadKnowledge, type Answer, type KnowledgeEngine } from '../src/core/index.js';
import { article, makeKnowledgeDir, SHIPPED_KNOWLEDGE } from './helpers/knowledgeDir.js';

let engine: KnowledgeEngine;
let bodies: Map<string, string>;

beforeAll(async () => {
  engine = await createEngine({ knowledgeDir: SHIPPED_KNOWLEDGE });
  bodies = new Map((await loadKnowledge(SHIPPED_KNOWLEDGE)).articles.map((a) => [a.id, a.body]));
});

const highlighted = (answer: Answer, citation = 0): string[] => {
  const c = answer.citations[citation];
  return c ? c.highlights.map(([from, to]) => c.snippet.slice(from, to)) : [];
};

describe('answer', () => {
  describe('when the knowledge holds the answer', () => {
    const question = 'Who conducted the 2018 study mission?';

    it('quotes one sentence verbatim from the article it cites first', () => {
      const reply = engine.answer(question);
      expect(reply.answered).toBe(true);
      expect(reply.answer).toMatch(/^It was conducted by international experts: Kerydh Private Limited/);
      const first = reply.citations[0];
      expect(bodies.get(first?.id ?? '')).toContain(reply.answer);
      expect(reply.decline).toBeUndefined();
    });

    it('cites title, date, id and paragraph, best first, with the matched words marked', () => {
      const reply = engine.answer(question);
      expect(reply.citations.length).toBeGreaterThanOrEqual(1);
      expect(reply.citations.length).toBeLessThanOrEqual(3);
      expect(reply.citations[0]).toMatchObject({
        id: '2018-smes-fourth-industrial-revolution',
        title: 'APO drives SMEs to adopt Fourth Industrial Revolution',
        date: '2018-09-25',
        paragraph: 6,
      });
      expect(reply.citations[0]?.snippet).toContain('It was conducted by international experts');
      expect(highlighted(reply)).toContain('conducted');
      const scores = reply.citations.map((c) => c.score);
      expect(scores.slice(1)).toEqual([...scores.slice(1)].sort((a, b) => b - a));
    });

    it('says where the quote is from in its message', () => {
      const reply = engine.answer(question);
      expect(reply.message).toContain(`“${reply.answer}”`);
      expect(reply.message).toContain('APO drives SMEs to adopt Fourth Industrial Revolution (2018-09-25), paragraph 6');
    });

    it('cuts long passages into a window around the quoted sentence', () => {
      const reply = engine.answer('Which incubators did the 2018 delegates visit?');
      const snippet = reply.citations[0]?.snippet ?? '';
      expect(reply.answer).toContain('D. CAMP');
      expect(snippet.length).toBeLessThanOrEqual(322);
      expect(snippet).toContain('They also visited government-owned and privately run incubators');
    });
  });

  describe('when an article holds a photo credit or a fragment', () => {
    it.each(['What did the KPC do?', 'What is the KPC?'])('never quotes or cites the credit line "Photos: KPC" (%s)', (question) => {
      const reply = engine.answer(question);
      expect(reply.answered, reply.message).toBe(true);
      expect(reply.answer).not.toMatch(/^Photos?:/);
      expect(reply.citations.map((c) => c.snippet)).not.toContainEqual(expect.stringMatching(/^Photos?: KPC$/));
      expect(JSON.stringify(reply)).not.toContain('Photos: KPC');
    });

    it('keeps credits, source lines and a few words out of quotes and citations, whatever their words', async () => {
      const folder = await makeKnowledgeDir(
        {
          'fiji.md': article(
            { id: 'fiji', title: 'Training in Fiji' },
            [
              'The APO trained 40 instructors in TVET methods in Fiji.',
              'Photo credit: Fiji National University instructors',
              'Source: National Training and Productivity Centre',
              'Instructors and trainers',
              'The course ran for two weeks in Suva.\nPhotos: NTPC',
            ].join('\n\n'),
          ),
        },
        { shipped: false },
      );
      try {
        const fiji = await createEngine({ knowledgeDir: folder.dir });
        for (const question of ['Who took the photos of the instructors?', 'What is the source?', 'Which instructors and trainers?', 'How long did the course run in Suva?']) {
          const reply = fiji.answer(question);
          const quoted = [reply.answer ?? '', ...reply.citations.map((c) => c.snippet)].join('\n');
          expect(quoted, question).not.toMatch(/Photo credit|Source:|^Instructors and trainers$/m);
          expect(reply.answer ?? '', question).not.toContain('Photos: NTPC');
          for (const c of reply.citations) expect([1, 5], question).toContain(c.paragraph);
        }
        expect(fiji.answer('How long did the course run in Suva?').answer).toBe('The course ran for two weeks in Suva.');
      } finally {
        await folder.cleanup();
      }
    });
  });

  describe('when the question uses other words for the same thing (glossary)', () => {
    it('finds "KPC" from "Korea Productivity Centre"', () => {
      const reply = engine.answer('Korea Productivity Centre international cooperation director');
      expect(reply.answer).toContain('Taiho Kang');
      expect(highlighted(reply).join(' ')).toContain('KPC');
    });

    it('finds "Republic of China" from "Taiwan"', () => {
      const reply = engine.answer('Which countries besides Taiwan were benchmarks in the 2018 mission?');
      expect(reply.answer).toContain('Republic of China and Singapore');
    });

    it('uses an entry an admin adds to the glossary file', async () => {
      const folder = await makeKnowledgeDir(
        { 'tvet.md': article({ id: 'tvet' }, 'The APO trained 40 instructors in TVET methods in Fiji.') },
        { shipped: false },
      );
      try {
        const question = 'How many technical and vocational education and training instructors were trained?';
        const before = await createEngine({ knowledgeDir: folder.dir });
        expect(before.answer(question).answered).toBe(false);
        await folder.write('glossary.yml', 'synonyms:\n  - [TVET, technical and vocational education and training]\n');
        const after = await createEngine({ knowledgeDir: folder.dir });
        expect(after.answer(question).answer).toBe('The APO trained 40 instructors in TVET methods in Fiji.');
      } finally {
        await folder.cleanup();
      }
    });
  });

  describe('when the question asks for an amount', () => {
    it('reads "what share of" as asking for a percentage, and "jobs" as employment (the glossary)', () => {
      expect(engine.answer('What share of jobs do SMEs provide?').answer).toContain('more than 60% of employment');
      expect(engine.answer('What proportion of enterprises are SMEs?').answer).toContain('more than 95% of all enterprises');
    });

    it('reads "how long" and "how many" as the kind of answer, not as words to find', () => {
      expect(engine.answer('how long was the 2018 OSM').answer).not.toContain('long-term');
      expect(engine.answer('How many participants attended the 2018 OSM?').answer).toContain('15 participants');
    });

    it('finds "%" from "percentage"', () => {
      expect(engine.answer('What percentage of employment comes from SMEs?').answer).toContain('more than 60% of employment');
    });
  });

  describe('when the question has a typo or a partial word', () => {
    it('tolerates misspelt words', () => {
      expect(engine.answer('Who inagurated the OSM?').answer).toContain('Taiho Kang');
      expect(engine.answer('Who conducted the 2018 study misison?').answer).toContain('Kim Peng Foo');
    });

    it('reads a four-letter name with a letter missing as the name ("Seol" for Seoul)', () => {
      const reply = engine.answer('Who orgnised the stduy misison in Seol in 2018?');
      expect(reply.answered).toBe(true);
      expect(reply.answer).toContain('Korea Productivity Center (KPC) organized');
      // Three letters are too few to guess from: "Seo" is not Seoul.
      expect(engine.answer('Who organized the study mission in Seo?').answered).toBe(false);
    });

    it('quotes what a person told participants, not a list that names them', () => {
      expect(engine.answer('What did Kim tell participants?').answer).toContain('Kim told participants that');
    });

    it('reads "opened" as inaugurated (the glossary)', () => {
      expect(engine.answer('Who opened the OSM?').answer).toContain('inaugurated by KPC International Cooperation Director Taiho Kang');
    });

    it('does not read an English word as the beginning of another: "part" is not "participants"', () => {
      // The knowledge never says whether the KPC is part of the APO; the sentence in which the
      // APO "welcomed the participants" does not say so either.
      const reply = engine.answer('Is the KPC part of the APO?');
      expect(reply.answer ?? '').not.toContain('welcomed the participants');
      expect(reply.answered, reply.message).toBe(false);
    });

    it('matches the beginning of a word', () => {
      expect(engine.answer('What did the Gyeong centre for creative economy show?').answer).toContain(
        'Gyeonggi Center for Creative Economy and Innovation',
      );
    });
  });

  describe('when the question asks what an acronym stands for', () => {
    it('quotes the sentence that spells it out, hyphenated words and all', () => {
      expect(engine.answer('What does SME stand for?').answer).toContain('small- and medium-sized enterprises (SMEs)');
      expect(engine.answer('What does KPC stand for?').answer).toContain('Korea Productivity Center (KPC)');
    });
  });

  describe('when the question names a date', () => {
    it('prefers the article of that year', () => {
      expect(engine.answer('Who conducted the 2017 study mission?').answer).toContain('Benjamin Yuan');
      expect(engine.answer('Who conducted the 2018 study mission?').answer).toContain('Kim Peng Foo');
    });

    it('declines a year the knowledge has nothing from, naming the nearest articles', () => {
      const reply = engine.answer('Where was the 2022 study mission held?');
      expect(reply.answered).toBe(false);
      expect(reply.decline).toMatchObject({ reason: 'period-not-covered', period: '2022' });
      expect(reply.decline?.nearest.map((a) => a.date)).toEqual(['2018-09-25', '2017-06-20']);
      expect(reply.message).toMatch(/^I have nothing from 2022; |^I have nothing from 2022\. /);
      expect(reply.message).toContain('APO drives SMEs to adopt Fourth Industrial Revolution (2018-09-25)');
    });

    it('declines a month the knowledge has nothing from, but answers one it has', () => {
      expect(engine.answer('What happened at the APO in March 2018?').decline?.reason).toBe('period-not-covered');
      expect(engine.answer('What was the observational study mission of June 2017 about?').answer).toContain(
        'Innovation and Competitiveness in SMEs',
      );
    });
  });

  describe('when the knowledge does not hold the answer', () => {
    it.each([
      ['off-topic', 'Tell me a joke', 'no-match'],
      ['gibberish', 'asdkjh qwpeoi zmxnvb', 'no-match'],
      ['a place never mentioned', 'What did the APO do in Vietnam?', 'unknown-name'],
      ['a subject never mentioned', 'How much does APO membership cost?', 'weak-match'],
      ['only stop words', 'what is it?', 'no-match'],
    ])('declines %s', (_kind, question, reason) => {
      const reply = engine.answer(question);
      expect(reply.answered).toBe(false);
      expect(reply.answer).toBeNull();
      expect(reply.citations).toEqual([]);
      expect(reply.decline?.reason).toBe(reason);
      expect(reply.decline?.nearest.length).toBeGreaterThan(0);
      expect(reply.message.length).toBeGreaterThan(20);
    });

    it('says which words found nothing', () => {
      const reply = engine.answer('What is the weather in Tokyo today?');
      expect(reply.decline?.unmatchedTerms).toEqual(expect.arrayContaining(['weather', 'Tokyo']));
      expect(reply.message).toContain('Nothing matched: ');
      expect(reply.message).toContain('Tokyo');
    });

    it('asks for a question when given none', () => {
      for (const empty of ['', '   ', '\n\t']) {
        const reply = engine.answer(empty);
        expect(reply.decline?.reason).toBe('empty-question');
        expect(reply.message).toMatch(/^Please ask a question\./);
      }
    });

    it('declines a question over the length limit with the limit in the message', async () => {
      const strict = await createEngine({ knowledgeDir: SHIPPED_KNOWLEDGE, maxQuestionLength: 50 });
      const reply = strict.answer(`Who conducted the 2018 study mission? ${'really '.repeat(10)}`);
      expect(reply.decline?.reason).toBe('too-long');
      expect(reply.message).toContain('please keep it under 50');
    });
  });

  describe('with an audience', () => {
    let folder: Awaited<ReturnType<typeof makeKnowledgeDir>>;
    let mixed: KnowledgeEngine;
    const internalText = 'Per diem rates for study mission resource persons are reviewed by the Secretariat every April.';

    beforeAll(async () => {
      folder = await makeKnowledgeDir({
        'staff.md': article({ id: 'staff-travel', title: 'Staff travel rules', date: '2019-04-01', audience: 'internal' }, internalText),
      });
      mixed = await createEngine({ knowledgeDir: folder.dir });
    });
    afterAll(() => folder.cleanup());

    it('shows internal articles to staff', () => {
      expect(mixed.answer('Who reviews the per diem rates?').answer).toBe(internalText);
      expect(mixed.answer('Who reviews the per diem rates?', { audience: 'internal' }).answer).toBe(internalText);
    });

    it('never shows an internal article to the public, not even its title', () => {
      const reply = mixed.answer('Who reviews the per diem rates?', { audience: 'public' });
      expect(reply.answered).toBe(false);
      expect(JSON.stringify(reply)).not.toContain('Staff travel rules');
      expect(JSON.stringify(reply)).not.toContain('Per diem');
    });

    it('does not count an internal article as covering a year for the public', () => {
      const reply = mixed.answer('What happened in 2019?', { audience: 'public' });
      expect(reply.decline?.reason).toBe('period-not-covered');
      // The nearest articles in time leave the internal one out, though it is dated 2019.
      expect(reply.decline?.nearest.map((ref) => ref.date)).toEqual(['2018-09-25', '2017-06-20']);
      expect(mixed.answer('What happened in 2019?', { audience: 'internal' }).decline?.reason).not.toBe('period-not-covered');
    });
  });

  describe('search', () => {
    it('ranks passages best first, by article id and paragraph', () => {
      const hits = engine.search('Who inaugurated the OSM?', { limit: 3 });
      expect(hits).toHaveLength(3);
      expect(hits[0]).toMatchObject({ id: '2018-smes-fourth-industrial-revolution', paragraph: 6 });
      expect(hits.map((h) => h.score)).toEqual([...hits.map((h) => h.score)].sort((a, b) => b - a));
    });

    it('ranks whole articles by their best passage', () => {
      const hits = engine.searchArticles('Who inaugurated the OSM?', { limit: 5 });
      expect(hits.map((h) => h.id)).toEqual(['2018-smes-fourth-industrial-revolution', '2017-rok-sme-innovation']);
      expect(hits[0]).toMatchObject({ paragraph: engine.search('Who inaugurated the OSM?', { limit: 1 })[0]?.paragraph });
    });

    it('finds nothing for a question without content words', () => {
      expect(engine.search('what is it?')).toEqual([]);
    });
  });

  it('answers the same question the same way every time', async () => {
    const text = await readFile(new URL('./fixtures/apo-dev.jsonl', import.meta.url), 'utf8');
    const question = (JSON.parse(text.split('\n')[0] as string) as { q: string }).q;
    const first = engine.answer(question);
    expect(engine.answer(question)).toEqual({ ...first, tookMs: expect.any(Number) });
  });
});
