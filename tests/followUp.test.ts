import { beforeAll, describe, expect, it } from 'vitest';
import { ConversationMemory } from '../src/conversations.js';
import { createEngine, type ConversationTurn, type KnowledgeEngine } from '../src/core/index.js';
import { readQuestion } from '../src/core/search/followUp.js';
import { article, makeKnowledgeDir, SHIPPED_KNOWLEDGE } from './helpers/knowledgeDir.js';

let engine: KnowledgeEngine;
beforeAll(async () => {
  engine = await createEngine({ knowledgeDir: SHIPPED_KNOWLEDGE });
});

/** Asks the questions in order, each with the turns before it. */
function converse(questions: readonly string[], audience: 'public' | 'internal' = 'internal', on: KnowledgeEngine = engine) {
  let context: ConversationTurn[] = [];
  return questions.map((question) => {
    const answer = on.answer(question, { audience, ...(context.length > 0 ? { context } : {}) });
    if (answer.turn) context = [...context, answer.turn];
    return answer;
  });
}

describe('readQuestion', () => {
  it.each([
    ['who conducted it?', 'follow-up'],
    ['where was that?', 'follow-up'],
    ['and in 2017?', 'follow-up'],
    ['What about the 2018 one?', 'follow-up'],
    ['When?', 'follow-up'],
    ['tell me more', 'more'],
    ['More, please', 'more'],
    ['What is the capital of France?', 'alone'],
    ['Which organisation showed that collaboration nurtures innovation?', 'alone'],
    ['Are there incubators in Seoul?', 'alone'],
  ])('reads "%s" as %s', (question, kind) => {
    expect(readQuestion(question).kind).toBe(kind);
  });
});

describe('answer with a conversation', () => {
  it('answers exactly as alone when the question stands on its own', () => {
    const [, alone] = converse(['Where did the 2017 mission take place?', 'What percentage of enterprises in APO member economies are SMEs?']);
    const fresh = engine.answer('What percentage of enterprises in APO member economies are SMEs?');
    expect(alone?.context).toBeUndefined();
    expect(alone?.answer).toBe(fresh.answer);
    expect(alone?.citations).toEqual(fresh.citations);
  });

  it('reads a pronoun as the previous subject, in the previous article, and says so', () => {
    const [, followUp] = converse(['Where did the 2017 mission take place?', 'who conducted it?']);
    expect(followUp?.answer).toContain('Benjamin Yuan');
    expect(followUp?.citations[0]?.id).toBe('2017-rok-sme-innovation');
    expect(followUp?.context).toMatchObject({ kind: 'follow-up', articleId: '2017-rok-sme-innovation' });
    expect(followUp?.context?.reading).toBe('Reading “it” as: mission 2017');
    expect(followUp?.message).toContain('(Reading “it” as: mission 2017)');
  });

  it('replaces the period and asks another article when the period changes', () => {
    const [first, second] = converse(['How many participants attended the 2018 mission?', 'and in 2017?']);
    expect(first?.answer).toContain('15 participants');
    expect(second?.answer).toContain('16 participants');
  });

  it('declines a changed period the knowledge does not cover', () => {
    const [, second] = converse(['Where was the 2018 mission held?', 'and in 2022?']);
    expect(second?.decline?.reason).toBe('period-not-covered');
  });

  it('goes on with the next paragraphs of the article for "tell me more", then says when it ends', () => {
    const answers = converse(['Who conducted the 2017 study mission?', 'tell me more', 'tell me more']);
    expect(answers[1]?.answer).toMatch(/^After serving as a core technocrat/);
    expect(answers[1]?.citations[0]).toMatchObject({ id: '2017-rok-sme-innovation', paragraph: 6 });
    expect(answers[1]?.context?.kind).toBe('more');
    expect(answers[2]?.decline?.reason).toBe('nothing-more');
    expect(answers[2]?.message).toContain('That is all “ROK showcasing SME innovation”');
  });

  it('declines "tell me more" with nothing asked before', () => {
    expect(engine.answer('tell me more').decline?.reason).toBe('nothing-more');
  });

  it('offers both articles for a question that fits both, and narrows with "the 2018 one"', () => {
    const [both, narrowed] = converse(['Which incubators did the mission visit?', 'the 2018 one']);
    const articles = [both?.citations[0]?.id, ...(both?.alternatives ?? []).map((a) => a.citation.id)];
    expect(new Set(articles)).toEqual(new Set(['2017-rok-sme-innovation', '2018-smes-fourth-industrial-revolution']));
    expect(narrowed?.answer).toContain('D. CAMP');
    expect(narrowed?.alternatives).toBeUndefined();
  });

  it('never offers an alternative for a question that names its period', () => {
    expect(engine.answer('Which incubators did the 2018 mission visit?').alternatives).toBeUndefined();
  });

  it("never carries an article the audience may not read into a public conversation", async () => {
    const folder = await makeKnowledgeDir({
      'secret.md': article(
        { id: 'secret-budget', title: 'Internal budget note', date: '2019-03-01', audience: 'internal' },
        'The Zanzibar pilot was funded with a budget of 40,000 dollars. It was approved by the Secretary-General.',
      ),
    });
    try {
      const withSecret = await createEngine({ knowledgeDir: folder.dir });
      const [staff] = converse(['What was the budget of the Zanzibar pilot?'], 'internal', withSecret);
      expect(staff?.citations[0]?.id).toBe('secret-budget');
      // A public asker handed a turn that came from an internal answer still never sees the article.
      const leaked = withSecret.answer('who approved it?', { audience: 'public', context: [staff?.turn as ConversationTurn] });
      expect(leaked.citations.map((c) => c.id)).not.toContain('secret-budget');
      expect(leaked.context?.articleId).toBeUndefined();
    } finally {
      await folder.cleanup();
    }
  });
});

describe('ConversationMemory', () => {
  it('keeps the last few turns of a thread and only the last of a recent exchange', () => {
    const memory = new ConversationMemory({ maxTurns: 2 });
    const turn = (question: string): ConversationTurn => ({ question, subject: [] });
    for (const q of ['a', 'b', 'c']) memory.add('slack', 'internal', { id: 'T1', kind: 'thread' }, turn(q));
    for (const q of ['a', 'b']) memory.add('slack', 'internal', { id: 'D1', kind: 'recent' }, turn(q));
    expect(memory.turns('slack', 'internal', { id: 'T1', kind: 'thread' }).map((t) => t.question)).toEqual(['b', 'c']);
    expect(memory.turns('slack', 'internal', { id: 'D1', kind: 'recent' }).map((t) => t.question)).toEqual(['b']);
  });

  it('never shares turns across platforms or audiences', () => {
    const memory = new ConversationMemory();
    memory.add('slack', 'internal', { id: 'C1:1', kind: 'thread' }, { question: 'q', subject: ['budget'] });
    expect(memory.has('discord', 'internal', { id: 'C1:1', kind: 'thread' })).toBe(false);
    expect(memory.has('slack', 'public', { id: 'C1:1', kind: 'thread' })).toBe(false);
    expect(memory.has('slack', 'internal', { id: 'C1:1', kind: 'thread' })).toBe(true);
  });

  it('forgets a conversation after its time and the least recently used past its cap', () => {
    let now = 0;
    const memory = new ConversationMemory({ maxConversations: 2, threadTtlMs: 1000, recentTtlMs: 100, now: () => now });
    const ref = (id: string, kind: 'thread' | 'recent' = 'thread') => ({ id, kind });
    memory.add('x', 'internal', ref('dm', 'recent'), { question: 'q', subject: [] });
    memory.add('x', 'internal', ref('a'), { question: 'q', subject: [] });
    now = 150;
    expect(memory.has('x', 'internal', ref('dm', 'recent'))).toBe(false);
    expect(memory.has('x', 'internal', ref('a'))).toBe(true);
    memory.add('x', 'internal', ref('b'), { question: 'q', subject: [] });
    memory.add('x', 'internal', ref('c'), { question: 'q', subject: [] });
    expect(memory.size).toBe(2);
    expect(memory.has('x', 'internal', ref('a'))).toBe(false);
    now = 5000;
    expect(memory.has('x', 'internal', ref('c'))).toBe(false);
  });
});
