import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, loadKnowledge, type KnowledgeEngine } from '../src/core/index.js';
import { checkPendingSuggestion, pendingSuggestionChecks, suggestQuestions, WAITING_CHECKS_UP_TO_PASSAGES } from '../src/core/search/rephrase.js';
import { buildSnapshot } from '../src/core/search/snapshot.js';
import { article, makeKnowledgeDir, SHIPPED_KNOWLEDGE } from './helpers/knowledgeDir.js';

let engine: KnowledgeEngine;

beforeAll(async () => {
  engine = await createEngine({ knowledgeDir: SHIPPED_KNOWLEDGE });
});

const LONG_QUESTION =
  "I'm preparing a briefing note for my head of division before we meet our counterparts next month, can you tell me " +
  'what the agency discussed with the ministry regarding funding timelines and the evaluation framework?';

describe('declines', () => {
  describe('when a long question matches little', () => {
    it('names at most three telling words that found nothing, not every one', () => {
      const reply = engine.answer(LONG_QUESTION);
      expect(reply.answered).toBe(false);
      const words = reply.decline?.unmatchedTerms ?? [];
      expect(words.length).toBeGreaterThan(0);
      expect(words.length).toBeLessThanOrEqual(3);
      // Vague words of the request ("next month", "preparing a note") are not what it was about.
      for (const vague of ['next', 'month', 'preparing', 'note', "I'm"]) expect(words).not.toContain(vague);
      expect(reply.message).toMatch(/Nothing matched: [^.]*\./);
      expect(reply.message).not.toContain('counterparts, next');
    });

    it('suggests two or three questions the knowledge answers, shown in the message too', () => {
      const reply = engine.answer(LONG_QUESTION);
      const suggestions = reply.decline?.suggestions ?? [];
      expect(suggestions.length).toBeGreaterThanOrEqual(2);
      expect(suggestions.length).toBeLessThanOrEqual(3);
      expect(reply.message).toContain('Try: ');
      for (const suggestion of suggestions) {
        expect(reply.message).toContain(suggestion);
        // Honest: each suggestion is a question the bot answers.
        expect(engine.answer(suggestion).answered, suggestion).toBe(true);
      }
    });

    it('draws suggestions from the articles the nearest list names', () => {
      const reply = engine.answer('How much does APO membership cost?');
      const titles = reply.decline?.nearest.map((ref) => ref.title) ?? [];
      const suggestions = reply.decline?.suggestions ?? [];
      expect(suggestions.length).toBeGreaterThanOrEqual(2);
      expect(suggestions.every((s) => titles.some((title) => s.includes(title)))).toBe(true);
    });
  });

  describe('with an audience', () => {
    let folder: Awaited<ReturnType<typeof makeKnowledgeDir>>;
    let mixed: KnowledgeEngine;

    beforeAll(async () => {
      folder = await makeKnowledgeDir({
        'staff.md': article(
          { id: 'staff-budget', title: 'Evaluation framework for staff budgets', date: '2019-04-01', audience: 'internal' },
          'The Secretariat reviews the evaluation framework for staff budgets every April, with the funding timelines.',
        ),
      });
      mixed = await createEngine({ knowledgeDir: folder.dir });
    });
    afterAll(() => folder.cleanup());

    it('never suggests an internal article to the public', () => {
      for (const question of [LONG_QUESTION, 'hello', 'What is the weather in Tokyo today?']) {
        const reply = mixed.answer(question, { audience: 'public' });
        expect(reply.answered).toBe(false);
        expect(reply.decline?.suggestions?.length ?? 0, question).toBeGreaterThanOrEqual(2);
        expect(JSON.stringify(reply), question).not.toContain('staff budgets');
      }
    });

    it('may suggest it to staff', () => {
      const reply = mixed.answer('What is the weather in Tokyo today?', { audience: 'internal' });
      expect(reply.decline?.suggestions?.some((s) => s.includes('Evaluation framework for staff budgets'))).toBe(true);
    });
  });

  describe('when the message is a greeting or thanks', () => {
    it.each(['hi', 'Hello!', 'hey there', 'thanks', 'Thank you so much!', 'good morning'])('replies to "%s" with what the bot does', (message) => {
      const reply = engine.answer(message);
      expect(reply.answered).toBe(false);
      expect(reply.decline?.reason).toBe('greeting');
      expect(reply.decline?.unmatchedTerms).toEqual([]);
      expect(reply.decline?.nearest).toEqual([]);
      expect(reply.message).not.toContain('Nothing matched');
      expect(reply.message).not.toContain("couldn't find");
      expect(reply.decline?.suggestions?.length).toBeGreaterThanOrEqual(2);
    });

    it('answers a question that only starts with a greeting', () => {
      expect(engine.answer('Hi, who conducted the 2018 study mission?').answer).toContain('Kim Peng Foo');
    });

    it('does not end the conversation a "thanks" comes in', () => {
      const first = engine.answer('Where did the 2017 mission take place?');
      const thanks = engine.answer('thanks', { context: [first.turn!] });
      expect(thanks.decline?.reason).toBe('greeting');
      const next = engine.answer('Who conducted it?', { context: [first.turn!, thanks.turn!] });
      expect(next.answer).toContain('Benjamin Yuan');
    });
  });

  describe('when the question is not in English', () => {
    it.each([
      ['Spanish', '¿Quién organizó la misión de estudio en 2018?'],
      ['Portuguese', 'Quem organizou a missão de estudo em 2018?'],
      ['French', "Qui a organisé la mission d'étude en 2018 ?"],
      ['German', 'Wer hat die Studienmission 2018 organisiert?'],
      ['Indonesian', 'Siapa yang menyelenggarakan misi studi pada 2018?'],
      ['Japanese', '2018年の研究ミッションを組織したのは誰ですか？'],
      ['Korean', '2018년 연구 미션은 누가 조직했나요?'],
    ])('says it answers in English only (%s)', (_language, question) => {
      const reply = engine.answer(question);
      expect(reply.answered).toBe(false);
      expect(reply.decline?.reason).toBe('not-english');
      expect(reply.decline?.unmatchedTerms).toEqual([]);
      expect(reply.message).toMatch(/^I can only answer questions in English/);
      expect(reply.message).not.toContain('Nothing matched');
    });

    it('reads it so in a conversation too', () => {
      const first = engine.answer('Who conducted the 2018 study mission?');
      expect(engine.answer('¿Dónde fue?', { context: [first.turn!] }).decline?.reason).toBe('not-english');
    });

    it.each([
      ['What did the mission learn at Ulala Lab?', 'Ulala Lab'],
      ['Who is Dong-Sun Kim?', 'Dong-Sun Kim'],
    ])('answers an English question with a foreign name: "%s"', (question, name) => {
      const reply = engine.answer(question);
      expect(reply.answered).toBe(true);
      expect(reply.answer).toContain(name);
    });

    it.each(['Who is Juan de la Cruz?', 'Who is 金正恩?', 'What is the Banco de la Nación?'])('declines "%s" as English, not as another language', (question) => {
      expect(engine.answer(question).decline?.reason).not.toBe('not-english');
    });
  });
});

describe('suggestions in a large knowledge base', () => {
  const topics = ['harbour', 'orchard', 'foundry', 'quarry', 'vineyard', 'tannery', 'brewery', 'sawmill', 'bakery', 'dairy', 'pottery', 'weavery'];
  let dir: { dir: string; cleanup: () => Promise<void> };
  beforeAll(async () => {
    const files: Record<string, string> = {};
    topics.forEach((topic, i) => {
      files[`${topic}.md`] = article({ id: topic, title: `The ${topic} programme`, date: `2020-01-${String(i + 10)}` }, `The ${topic} programme trained managers of small firms.`);
    });
    dir = await makeKnowledgeDir(files, { shipped: false });
  });
  afterAll(() => dir.cleanup());

  it('checks at most two suggestions it never checked before per decline, and reuses those it did', async () => {
    const snapshot = buildSnapshot(await loadKnowledge(dir.dir), { version: 1, knowledgeDir: dir.dir });
    const checked: string[] = [];
    const answersFrom = (question: string): boolean => {
      checked.push(question);
      return true;
    };
    const ask = (nearest: readonly string[]): string[] => suggestQuestions(snapshot, 'internal', nearest, () => true, answersFrom);

    expect(ask(['harbour', 'orchard', 'foundry', 'quarry'])).toHaveLength(2);
    expect(checked).toHaveLength(2);
    // The two checked before come back at once; two more are checked for the third place and beyond.
    const second = ask(['harbour', 'orchard', 'foundry', 'quarry']);
    expect(second).toHaveLength(3);
    expect(second.slice(0, 2)).toEqual(checked.slice(0, 2));
    expect(checked).toHaveLength(3);
  });
});

describe('suggestions in a knowledge base where a check costs milliseconds', () => {
  // Each article a topic of its own, in five paragraphs: past WAITING_CHECKS_UP_TO_PASSAGES.
  const ARTICLES = Math.ceil((WAITING_CHECKS_UP_TO_PASSAGES + 100) / 5);
  const crafts = ['harbour', 'orchard', 'foundry', 'quarry', 'vineyard', 'tannery', 'brewery', 'sawmill', 'bakery', 'dairy', 'pottery', 'weavery'];
  const letter = (n: number): string => String.fromCharCode(97 + (Math.floor(n) % 26));
  const topicOf = (i: number): string => `${crafts[i % crafts.length]}${letter(i / crafts.length)}${letter(i / (crafts.length * 26))}`;
  let dir: { dir: string; cleanup: () => Promise<void> };
  beforeAll(async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < ARTICLES; i++) {
      const topic = topicOf(i);
      const paragraphs = ['trained managers of small firms', 'met the owners of local shops', 'visited two training centres', 'wrote a report for the ministry', 'ended with a plan for next year'];
      files[`${topic}.md`] = article(
        { id: topic, title: `The ${topic} programme`, date: `20${String(10 + (i % 10))}-0${1 + (i % 9)}-1${i % 10}` },
        paragraphs.map((text) => `The ${topic} programme ${text}.`).join('\n\n'),
      );
    }
    dir = await makeKnowledgeDir(files, { shipped: false });
  });
  afterAll(() => dir.cleanup());

  it('checks none while a decline waits, and offers them once checked after it', async () => {
    const snapshot = buildSnapshot(await loadKnowledge(dir.dir), { version: 1, knowledgeDir: dir.dir });
    expect(snapshot.passages.length).toBeGreaterThan(WAITING_CHECKS_UP_TO_PASSAGES);
    const checked: string[] = [];
    const answersFrom = (question: string): boolean => {
      checked.push(question);
      return true;
    };
    const nearest = [topicOf(3), topicOf(4), topicOf(5)];
    expect(suggestQuestions(snapshot, 'internal', nearest, () => true, answersFrom)).toEqual([]);
    expect(checked).toEqual([]);
    // The three nearest and three newest wait; checked one at a time, oldest first.
    expect(pendingSuggestionChecks(snapshot)).toBe(6);
    while (checkPendingSuggestion(snapshot, () => answersFrom));
    expect(checked).toHaveLength(6);
    expect(checked.slice(0, 3)).toEqual(nearest.map((topic) => `What does “The ${topic} programme” say?`));
    expect(suggestQuestions(snapshot, 'internal', nearest, () => true, answersFrom)).toEqual(checked.slice(0, 3));
    expect(checked).toHaveLength(6);
  });

  it('the engine checks them after replying: the newest from the start, the nearest after a decline', async () => {
    const big = await createEngine({ knowledgeDir: dir.dir });
    await big.whenIdle();
    const question = `Who ran the ${topicOf(40)} programme budget in Paris?`;
    const first = big.answer(question);
    expect(first.answered).toBe(false);
    const nearest = first.decline?.nearest.map((ref) => ref.id) ?? [];
    expect(nearest[0]).toBe(topicOf(40));
    // Those of the newest articles, checked in the background since the start.
    const offered = first.decline?.suggestions ?? [];
    expect(offered.length).toBeGreaterThanOrEqual(2);
    expect(offered.some((suggestion) => suggestion.includes(topicOf(40)))).toBe(false);
    for (const suggestion of offered) expect(big.answer(suggestion).answered, suggestion).toBe(true);
    await big.whenIdle();
    const again = big.answer(question);
    expect(again.decline?.suggestions?.[0]).toBe(`What does “The ${topicOf(40)} programme” say?`);
  });
});
