import { createHash } from 'node:crypto';
import { appendFile, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Assistant } from '../src/assistant.js';
import { createEngine, type KnowledgeEngine } from '../src/core/index.js';
import { QuestionLog, readQuestionLog, type QuestionEntry } from '../src/insight/questionLog.js';
import { parseDuration, renderInsight, summarize } from '../src/insight/stats.js';
import { createLogger } from '../src/logger.js';
import { RateLimiter } from '../src/rateLimit.js';
import { SHIPPED_KNOWLEDGE } from './helpers/knowledgeDir.js';

let dir: string;
let engine: KnowledgeEngine;
const logger = createLogger({ level: 'silent' });
const log = (options: Partial<ConstructorParameters<typeof QuestionLog>[0]> = {}) =>
  new QuestionLog({ dir, keepText: true, maxBytes: 1_000_000, keepFiles: 3, ...options });
const ask = (assistant: Assistant, question: string, userId = 'U1') =>
  assistant.ask({ platform: 'slack', userId, channelKind: 'channel', question, audience: 'internal' });

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'apo-insight-'));
  engine ??= await createEngine({ knowledgeDir: SHIPPED_KNOWLEDGE });
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('the question log', () => {
  it('records each question with a hashed user, the answer, the top article and the latency', async () => {
    const assistant = new Assistant({ engine, logger, log: log() });
    const outcome = await ask(assistant, 'kpc director name', 'U0SECRETID');
    await assistant.flush();
    const [entry] = (await readQuestionLog(dir)) as QuestionEntry[];
    expect(entry).toMatchObject({
      type: 'question',
      questionId: outcome.questionId,
      platform: 'slack',
      channelKind: 'channel',
      question: 'kpc director name',
      answered: true,
      topArticle: { id: '2018-smes-fourth-industrial-revolution' },
      latencyMs: expect.any(Number),
    });
    expect(entry?.user).toMatch(/^[0-9a-f]{16}$/);
    expect(await readFile(path.join(dir, 'questions.jsonl'), 'utf8')).not.toContain('U0SECRETID');
  });

  it('gives the same user the same pseudonym, and different users different ones', async () => {
    const questionLog = log();
    expect(await questionLog.hashUser('slack', 'U1')).toBe(await log().hashUser('slack', 'U1'));
    expect(await questionLog.hashUser('slack', 'U1')).not.toBe(await questionLog.hashUser('slack', 'U2'));
  });

  it('treats an empty or short salt as missing: makes a new one and logs that pseudonyms changed', async () => {
    for (const bad of ['', '\n', 'abc']) {
      await writeFile(path.join(dir, '.user-salt'), bad);
      const lines: Record<string, unknown>[] = [];
      const questionLog = log({ logger: pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) }) });
      const user = await questionLog.hashUser('slack', 'U1');
      const unsalted = createHash('sha256').update(`${bad.trim()}:slack:U1`).digest('hex').slice(0, 16);
      expect(user).not.toBe(unsalted);
      const salt = (await readFile(path.join(dir, '.user-salt'), 'utf8')).trim();
      expect(salt.length).toBeGreaterThanOrEqual(32);
      expect(user).toBe(createHash('sha256').update(`${salt}:slack:U1`).digest('hex').slice(0, 16));
      expect(lines).toContainEqual(expect.objectContaining({ level: 40, msg: expect.stringContaining('pseudonyms') }));
      // Once replaced, the new salt is kept.
      expect(await log().hashUser('slack', 'U1')).toBe(user);
    }
  });

  it('leaves question texts out when the privacy switch is on', async () => {
    const assistant = new Assistant({ engine, logger, log: log({ keepText: false }) });
    await ask(assistant, 'Tell me a joke');
    await assistant.flush();
    const text = await readFile(path.join(dir, 'questions.jsonl'), 'utf8');
    expect(text).not.toContain('joke');
    expect(JSON.parse(text)).toMatchObject({ answered: false, reason: 'no-match', chars: 14 });
    expect(summarize(await readQuestionLog(dir)).declined).toEqual([{ example: '(question text not logged)', count: 1, reason: 'no-match' }]);
  });

  it('rotates by size and reads the rotated files too, oldest first', async () => {
    const assistant = new Assistant({ engine, logger, log: log({ maxBytes: 600 }) });
    for (let i = 0; i < 8; i++) await ask(assistant, `kpc director name ${i}`);
    await assistant.flush();
    const files = (await readdir(dir)).filter((f) => f.startsWith('questions'));
    expect(files.length).toBeGreaterThan(1);
    expect(files.length).toBeLessThanOrEqual(4);
    const entries = (await readQuestionLog(dir, 3)) as QuestionEntry[];
    const kept = entries.map((e) => Number(e.question?.split(' ').at(-1)));
    expect(kept).toEqual([...kept].sort((a, b) => a - b));
    expect(kept.at(-1)).toBe(7);
  });

  it('skips a line torn by a crash mid-write and keeps everything before it', async () => {
    const assistant = new Assistant({ engine, logger, log: log() });
    await ask(assistant, 'kpc director name');
    await assistant.flush();
    await appendFile(path.join(dir, 'questions.jsonl'), '{"type":"question","at":"2026-');
    expect(await readQuestionLog(dir)).toHaveLength(1);
  });
  it('does not let a line torn by a crash swallow the entry written after it', async () => {
    const before = new Assistant({ engine, logger, log: log() });
    ask(before, 'kpc director name');
    await before.close(1_000);
    await appendFile(path.join(dir, 'questions.jsonl'), '{"type":"question","at":"2026-');
    // The next process appends to the same file.
    const after = new Assistant({ engine, logger, log: log() });
    ask(after, 'Who conducted the 2018 study mission?');
    await after.close(1_000);
    const questions = ((await readQuestionLog(dir)) as QuestionEntry[]).map((entry) => entry.question);
    expect(questions).toEqual(['kpc director name', 'Who conducted the 2018 study mission?']);
  });

  it('reads an entry that an older version appended straight after a torn line', async () => {
    const entry = { type: 'question', at: '2026-01-01T00:00:00Z', questionId: 'q2', platform: 'slack', user: 'u', channelKind: 'c', chars: 1, answered: true, latencyMs: 1 };
    await writeFile(path.join(dir, 'questions.jsonl'), `{"type":"question","at":"2026-${JSON.stringify(entry)}\n${JSON.stringify({ ...entry, questionId: 'q3' })}\n`);
    expect((await readQuestionLog(dir)).map((e) => (e.type === 'knowledge' ? undefined : e.questionId))).toEqual(['q2', 'q3']);
  });
});

describe('summarize', () => {
  it('counts questions and votes, ranks articles, and groups declined questions by their words', async () => {
    const assistant = new Assistant({ engine, logger, log: log() });
    const answered = await ask(assistant, 'kpc director name');
    await ask(assistant, 'Who conducted the 2018 study mission?');
    await ask(assistant, 'How much does APO membership cost?');
    await ask(assistant, 'how much does the APO membership cost', 'U2');
    await ask(assistant, 'Tell me a joke');
    await assistant.vote({ platform: 'slack', userId: 'U1', questionId: answered.questionId, helpful: true });
    await assistant.vote({ platform: 'slack', userId: 'U2', questionId: answered.questionId, helpful: false });
    await assistant.flush();

    const report = summarize(await readQuestionLog(dir));

    expect(report).toMatchObject({ questions: 5, answered: 2, byPlatform: { slack: 5 }, votes: { helpful: 1, notHelpful: 1 } });
    expect(report.topArticles).toEqual([{ title: 'APO drives SMEs to adopt Fourth Industrial Revolution', count: 2 }]);
    expect(report.declined).toEqual([
      { example: 'How much does APO membership cost?', count: 2, reason: 'weak-match' },
      { example: 'Tell me a joke', count: 1, reason: 'no-match' },
    ]);
    const text = renderInsight(report);
    expect(text).toContain('Answered: 2 (40%) · declined: 3');
    expect(text).toContain('2 × How much does APO membership cost?  [weak-match]');
  });

  it('lists declined questions voted "this should have been answered", apart from the votes on answers', async () => {
    const assistant = new Assistant({ engine, logger, log: log() });
    const answered = await ask(assistant, 'kpc director name');
    const cost = await ask(assistant, 'How much does APO membership cost?');
    const costAgain = await ask(assistant, 'how much does the APO membership cost', 'U2');
    const joke = await ask(assistant, 'Tell me a joke');
    await assistant.vote({ platform: 'slack', userId: 'U1', questionId: answered.questionId, helpful: true });
    await assistant.vote({ platform: 'slack', userId: 'U1', questionId: cost.questionId, helpful: false });
    await assistant.vote({ platform: 'slack', userId: 'U1', questionId: cost.questionId, helpful: false });
    await assistant.vote({ platform: 'discord', userId: 'U2', questionId: costAgain.questionId, helpful: false });
    await assistant.vote({ platform: 'slack', userId: 'U3', questionId: joke.questionId, helpful: true });
    await assistant.flush();

    const report = summarize(await readQuestionLog(dir));
    expect(report.votes).toEqual({ helpful: 1, notHelpful: 0 });
    expect(report.declineVotes).toEqual({ shouldAnswer: 3, right: 1 });
    // One person's repeated clicks count once; the same question in other words is the same question.
    expect(report.shouldHaveAnswered).toEqual([{ example: 'How much does APO membership cost?', votes: 2, reason: 'weak-match' }]);
    const text = renderInsight(report);
    expect(text).toContain('Votes: 1 helpful, 0 not helpful · on declines: 3 should have been answered, 1 rightly declined');
    expect(text).toContain('Declined, but voted "this should have been answered" (check these first):\n  2 votes · How much does APO membership cost?  [weak-match]');
    expect(renderInsight(summarize([]))).toContain('Declined, but voted "this should have been answered" (check these first):\n  (none)');
  });

  it('joins a vote to its question when the question is older than the period shown', () => {
    const question: QuestionEntry = { type: 'question', at: '2026-01-01T00:00:00Z', questionId: 'q1', platform: 'x', user: 'u', channelKind: 'c', question: 'pizza?', chars: 6, answered: false, reason: 'no-match', latencyMs: 1 };
    const vote = { type: 'vote' as const, at: '2026-03-01T00:00:00Z', questionId: 'q1', platform: 'x', user: 'u', helpful: false };
    const report = summarize([question, vote], new Date('2026-02-01T00:00:00Z'));
    expect(report.shouldHaveAnswered).toEqual([{ example: 'pizza?', votes: 1, reason: 'no-match' }]);
  });

  it('keeps only entries since a date', () => {
    const entry = (at: string): QuestionEntry => ({ type: 'question', at, questionId: at, platform: 'x', user: 'u', channelKind: 'c', chars: 1, answered: true, latencyMs: 1 });
    const report = summarize([entry('2026-01-01T00:00:00Z'), entry('2026-03-01T00:00:00Z')], new Date('2026-02-01T00:00:00Z'));
    expect(report.questions).toBe(1);
  });

  it('reads durations like 7d and 24h, and refuses others', () => {
    expect(parseDuration('7d')).toBe(7 * 86_400_000);
    expect(parseDuration('24h')).toBe(86_400_000);
    expect(parseDuration('2w')).toBe(14 * 86_400_000);
    expect(() => parseDuration('soon')).toThrow('"soon" is not a duration: use a number and m, h, d or w, like 7d or 24h');
  });
});

describe('Assistant', () => {
  it('limits each user to the configured questions a minute, with a friendly message', async () => {
    let now = 0;
    const assistant = new Assistant({ engine, logger, limiter: new RateLimiter(2, 60_000, () => now) });
    expect((await ask(assistant, 'kpc director name')).kind).toBe('answer');
    expect((await ask(assistant, 'kpc director name')).kind).toBe('answer');
    const third = await ask(assistant, 'kpc director name');
    expect(third).toMatchObject({ kind: 'rate-limited', retryAfterSeconds: 60 });
    expect(third.kind === 'rate-limited' && third.message).toBe("You're asking faster than I can keep up with. Please wait 60 seconds and ask again.");
    expect((await ask(assistant, 'kpc director name', 'someone else')).kind).toBe('answer');
    now = 60_001;
    expect((await ask(assistant, 'kpc director name')).kind).toBe('answer');
  });

  it('on close, refuses new questions and waits for those in flight, up to the deadline', async () => {
    const assistant = new Assistant({ engine, logger });
    let finish: () => void = () => {};
    void assistant.track(new Promise<void>((resolve) => (finish = resolve)));
    const closing = assistant.close(5_000);
    expect(await ask(assistant, 'kpc director name')).toMatchObject({ kind: 'closing', message: expect.stringContaining('restarting') });
    finish();
    expect(await closing).toBe(0);

    const stuck = new Assistant({ engine, logger });
    void stuck.track(new Promise(() => {}));
    expect(await stuck.close(50)).toBe(1);
  });
});
