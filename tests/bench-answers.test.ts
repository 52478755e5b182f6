// The answer benchmark's own parts on small hand-made cases. Nothing here reads ../shared: a fresh
// clone has no benchmark data.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { bestOverlapSentence, ParagraphBaseline, SentenceBaseline } from '../bench/lib/answerBaselines.js';
import { benchKnowledgeOf, goldSentenceOf, judgeAnswerable, judgeOutOfKnowledge, type BenchKnowledge, type Gold, type Reply } from '../bench/lib/answerJudge.js';
import { foldForMatch, holdsGold } from '../bench/lib/answerMatch.js';
import { askJson } from '../bench/lib/askJson.js';
import { halfOf, loadSquadSet } from '../bench/lib/squad.js';
import { loadKnowledge } from '../src/core/index.js';

describe('foldForMatch', () => {
  it('folds case', () => {
    expect(foldForMatch('Late 1990s')).toBe(foldForMatch('late 1990S'));
  });

  it('folds en and em dashes, minus signs and non-breaking hyphens into a hyphen', () => {
    expect(foldForMatch('1998–2001')).toBe('1998-2001');
    expect(foldForMatch('Jay—Z ‑ −5')).toBe('jay-z - -5');
  });

  it('folds curly quotes and apostrophes into straight ones', () => {
    expect(foldForMatch('“Crazy in Love”')).toBe('"crazy in love"');
    expect(foldForMatch('Destiny’s Child')).toBe("destiny's child");
  });

  it('folds runs of white space, tabs, line breaks and non-breaking spaces into one space, trimmed', () => {
    expect(foldForMatch('  New\u00a0York \n\t City ')).toBe('new york city');
  });

  it('treats a decomposed accent as the composed one', () => {
    expect(foldForMatch('Beyonce\u0301')).toBe(foldForMatch('Beyonc\u00e9'));
  });
});

describe('holdsGold', () => {
  const sentence = 'Beyoncé rose to fame in the late 1990s as lead singer of Destiny’s Child.';

  it('finds a gold text inside the sentence whatever its case, quotes and spacing', () => {
    expect(holdsGold(sentence, ["destiny's  child"])).toBe(true);
    expect(holdsGold(sentence, ['LATE 1990s'])).toBe(true);
  });

  it('is a hit when any one of several golds is inside', () => {
    expect(holdsGold(sentence, ['2003', 'lead singer'])).toBe(true);
  });

  it('forgives nothing else: another wording of the same fact is a miss', () => {
    expect(holdsGold('They raised a million pigs.', ['1 million'])).toBe(false);
  });

  it('never matches an empty or blank gold', () => {
    expect(holdsGold(sentence, ['', '   '])).toBe(false);
  });
});

describe('halfOf', () => {
  it('puts a question in the same half every time, from its id alone', () => {
    const ids = Array.from({ length: 50 }, (_, i) => `q${i}`);
    expect(ids.map(halfOf)).toEqual(ids.map(halfOf));
  });

  it('splits many ids into two halves of about the same size', () => {
    const tune = Array.from({ length: 2000 }, (_, i) => `id-${i}`).filter((id) => halfOf(id) === 'tune').length;
    expect(tune).toBeGreaterThan(900);
    expect(tune).toBeLessThan(1100);
  });
});

describe('the answer benchmark on a tiny knowledge folder', () => {
  let dir: string;
  let knowledge: BenchKnowledge;
  const article = (id: string, title: string, paragraphs: readonly string[]): void => {
    const front = `---\nid: ${id}\ntitle: "${title}"\ndate: 2000-01-01\nsource: "test"\naudience: public\n---\n`;
    writeFileSync(join(dir, 'knowledge', `${id}.md`), `${front}${paragraphs.join('\n\n')}\n`);
  };
  const goldOf = (title: string, paragraph: number, expect: readonly string[]): Gold => ({
    expect,
    passage: knowledge.passage(title, paragraph) as NonNullable<ReturnType<BenchKnowledge['passage']>>,
  });
  const quoting = (answer: string, ...citations: [string, number][]): Reply => ({
    answered: true,
    answer,
    citations: citations.map(([id, paragraph]) => ({ id, paragraph })),
  });
  const declined: Reply = { answered: false, answer: null, citations: [] };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'apo-bench-answers-'));
    mkdirSync(join(dir, 'knowledge'));
    article('singer', 'Singer', [
      'The singer was born in Houston in 1981. She joined a girl group at the age of nine.',
      'Her first label head was Antonio Reid. He signed her in 2004.',
    ]);
    article('museum', 'Museum', [
      'The museum was founded in 1852. It holds over two million objects.',
      'Its garden has a fountain from 1909. The cafe opened in 1868.',
    ]);
    const loaded = await loadKnowledge(join(dir, 'knowledge'));
    expect(loaded.errors).toEqual([]);
    knowledge = benchKnowledgeOf(loaded);
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('cuts paragraphs and sentences as the engine does', () => {
    expect(knowledge.passages.map((p) => [p.articleId, p.paragraph, p.sentences.length])).toEqual([
      ['museum', 1, 2],
      ['museum', 2, 2],
      ['singer', 1, 2],
      ['singer', 2, 2],
    ]);
    expect(knowledge.passage('Singer', 2)?.sentences[0]).toBe('Her first label head was Antonio Reid.');
  });

  it('counts a quote holding the gold text as an answer hit and a passage hit at 1, with no miss', () => {
    const gold = goldOf('Singer', 1, ['Houston']);
    const judgement = judgeAnswerable(quoting('The singer was born in Houston in 1981.', ['singer', 1]), gold);
    expect(judgement).toEqual({ answerHit: true, passageAt1: true, passageAt3: true, declined: false, miss: undefined });
  });

  it('calls a declined answerable question a false decline', () => {
    const judgement = judgeAnswerable(declined, goldOf('Museum', 1, ['1852']));
    expect(judgement).toMatchObject({ answerHit: false, passageAt1: false, passageAt3: false, declined: true, miss: 'false-decline' });
  });

  it('calls a quote from another paragraph a wrong paragraph, and still counts the gold among the first three', () => {
    const gold = goldOf('Museum', 1, ['1852']);
    const judgement = judgeAnswerable(quoting('The cafe opened in 1868.', ['museum', 2], ['museum', 1]), gold);
    expect(judgement).toMatchObject({ answerHit: false, passageAt1: false, passageAt3: true, miss: 'wrong-paragraph' });
  });

  it('calls a quote from the gold paragraph that lacks the gold text a wrong sentence', () => {
    const gold = goldOf('Museum', 1, ['two million']);
    const judgement = judgeAnswerable(quoting('The museum was founded in 1852.', ['museum', 1]), gold);
    expect(judgement).toMatchObject({ answerHit: false, passageAt1: true, miss: 'wrong-sentence' });
    expect(goldSentenceOf(gold)).toBe('It holds over two million objects.');
  });

  it('calls a gold text that the splitter cut in two an answer split across sentences, wherever the quote came from', () => {
    // A gold text that runs over the end of a sentence, as SQuAD's sometimes do.
    const gold = goldOf('Singer', 2, ['Antonio Reid. He signed']);
    expect(goldSentenceOf(gold)).toBeUndefined();
    expect(judgeAnswerable(quoting('Her first label head was Antonio Reid.', ['singer', 2]), gold).miss).toBe('split-across-sentences');
    expect(judgeAnswerable(quoting('The singer was born in Houston in 1981.', ['singer', 1]), gold).miss).toBe('split-across-sentences');
  });

  it('counts a hit on a sentence from another paragraph that holds the gold text', () => {
    const gold = goldOf('Museum', 2, ['1868']);
    const judgement = judgeAnswerable(quoting('The cafe opened in 1868.', ['singer', 1], ['museum', 2]), gold);
    expect(judgement).toMatchObject({ answerHit: true, passageAt1: false, passageAt3: true, miss: undefined });
  });

  it('wants an out-of-knowledge question declined, and calls an answer to one a miss', () => {
    expect(judgeOutOfKnowledge(declined)).toEqual({ declined: true, miss: undefined });
    expect(judgeOutOfKnowledge(quoting('The museum was founded in 1852.', ['museum', 1]))).toEqual({
      declined: false,
      miss: 'answered-out-of-knowledge',
    });
  });

  it('asks through ask --json, one answer a question, in order', async () => {
    const questions = ['When was the museum founded?', 'Who won Super Bowl 50 in Santa Clara?'];
    const answers = await askJson(join(dir, 'knowledge'), questions);
    expect(answers.map((a) => a.question)).toEqual(questions);
    expect(answers[0]).toMatchObject({ answered: true, answer: 'The museum was founded in 1852.' });
    expect(answers[0]?.citations[0]).toMatchObject({ id: 'museum', paragraph: 1 });
    expect(answers[1]?.answered).toBe(false);
  });

  it('baselines quote a sentence and cite its paragraph', () => {
    const question = 'When did the cafe open?';
    const bySentence = new SentenceBaseline(knowledge.passages).answer(question);
    expect(bySentence).toMatchObject({ answered: true, answer: 'The cafe opened in 1868.' });
    expect(bySentence.citations[0]).toEqual({ id: 'museum', paragraph: 2 });
    // Each paragraph is cited once, however many of its sentences matched.
    expect(new Set(bySentence.citations.map((c) => `${c.id}:${c.paragraph}`)).size).toBe(bySentence.citations.length);
    expect(new ParagraphBaseline(knowledge.passages).answer(question)).toMatchObject({
      answered: true,
      answer: 'The cafe opened in 1868.',
    });
  });
});

describe('bestOverlapSentence', () => {
  it('picks the sentence sharing the most question words, small words aside, the first on a tie', () => {
    const sentences = ['The the the of a.', 'A fountain stands in the garden.', 'The garden fountain dates from 1909.'];
    expect(bestOverlapSentence('When is the garden fountain from?', sentences)).toBe('A fountain stands in the garden.');
    expect(bestOverlapSentence('What dates from 1909?', sentences)).toBe('The garden fountain dates from 1909.');
  });
});

describe('loadSquadSet', () => {
  it('names the file and line of a question without gold answers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'apo-bench-squad-'));
    try {
      writeFileSync(join(dir, 'questions.jsonl'), '{"id":"a","q":"Why?","expect":["x"],"article":"T","paragraph":1}\n{"id":"b","q":"How?","article":"T","paragraph":1}\n');
      writeFileSync(join(dir, 'impossible.jsonl'), '');
      expect(() => loadSquadSet(dir)).toThrow(/questions\.jsonl:2: "expect" must be/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads answerable and out-of-knowledge questions', () => {
    const dir = mkdtempSync(join(tmpdir(), 'apo-bench-squad-'));
    try {
      writeFileSync(
        join(dir, 'questions.jsonl'),
        '{"id":"a","q":"Why?","expect":["x"],"article":"T","paragraph":2}\n{"id":"b","q":"How?","unanswerable":true,"source_article":"U"}\n',
      );
      writeFileSync(join(dir, 'impossible.jsonl'), '{"id":"c","q":"Who?","unanswerable":true,"article":"T","paragraph":1}\n');
      const set = loadSquadSet(dir);
      expect(set.questions.map((q) => q.kind)).toEqual(['answerable', 'out-of-knowledge']);
      expect(set.impossible).toEqual([{ kind: 'impossible', id: 'c', q: 'Who?', article: 'T', paragraph: 1 }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
