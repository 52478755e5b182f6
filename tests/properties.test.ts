/**
 * Properties that must hold for any input: no question and no knowledge file, however strange,
 * makes the bot throw, and what it says back stays within the platforms' rules.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { EMBED_LIMITS, renderDiscordAnswer } from '../adapters/discord/render.js';
import { MAX_BLOCKS, renderSlackAnswer, SECTION_TEXT_LIMIT } from '../adapters/slack/render.js';
import { createEngine, loadKnowledge, type Answer, type KnowledgeEngine } from '../src/core/index.js';
import { article, SHIPPED_KNOWLEDGE } from './helpers/knowledgeDir.js';

const MAX_LENGTH = 500;
let engine: KnowledgeEngine;
let bodies: string[];

beforeAll(async () => {
  engine = await createEngine({ knowledgeDir: SHIPPED_KNOWLEDGE, maxQuestionLength: MAX_LENGTH });
  bodies = (await loadKnowledge(SHIPPED_KNOWLEDGE)).articles.map((a) => a.body);
});

/** Strings a chat user might send, and strings meant to break things. */
const questions = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: fc.constantFrom(...'()[]{}.*+?^$|\\/-<>!&@#*_~`'.split('')), maxLength: 60 }),
  fc.constantFrom(
    '<!channel> <!here> <@U123> <https://evil.example|click> &amp;',
    '@everyone @here <@&123456789012345678> **bold** __under__ ||spoiler|| `code`',
    '\u0000\u0001\u0007\u001b[31m\u202e\ufeff who conducted the mission?',
    '🎉🚀 who conducted the 2018 study mission? 🇯🇵',
    'x'.repeat(100_000),
    'kpc '.repeat(400),
    'Who conducted the 2018 study mission?',
  ),
  fc.tuple(fc.constantFrom('who', 'what', 'where', 'when', 'how many'), fc.string({ maxLength: 80 })).map(([w, rest]) => `${w} ${rest}`),
);

function checkAnswer(question: string, answer: Answer): void {
  expect(answer.message.length).toBeGreaterThan(0);
  if (answer.answered) {
    expect(answer.answer).not.toBeNull();
    expect(bodies.some((body) => body.includes(answer.answer as string))).toBe(true);
    expect(answer.citations.length).toBeGreaterThan(0);
  } else {
    expect(answer.answer).toBeNull();
    expect(answer.decline).toBeDefined();
  }
  if (question.trim().length > MAX_LENGTH) expect(answer.decline?.reason).toBe('too-long');
}

describe('any question', () => {
  it('gets an answer quoted from the knowledge or a decline, never an exception', () => {
    fc.assert(
      fc.property(questions, (question) => {
        checkAnswer(question, engine.answer(question));
        checkAnswer(question, engine.answer(question, { audience: 'public' }));
      }),
      { numRuns: 400 },
    );
  }, 60_000);

  it('renders for Slack with user text escaped and within Slack limits', () => {
    fc.assert(
      fc.property(questions, (question) => {
        const message = renderSlackAnswer(engine.answer(question), 'abcd1234');
        expect(message.blocks.length).toBeLessThanOrEqual(MAX_BLOCKS);
        const texts = JSON.stringify(message.blocks);
        // Every "<" from users or articles is escaped; the renderer itself writes only links to an
        // article's http(s) url, <url|title>, with the title escaped.
        expect(texts.replace(/<https?:\/\/[^\s|<>]+\|[^<>]*>/g, '')).not.toContain('<');
        for (const block of message.blocks as { text?: { text: string } }[]) {
          expect((block.text?.text ?? '').length).toBeLessThanOrEqual(SECTION_TEXT_LIMIT);
        }
      }),
      { numRuns: 300 },
    );
  }, 60_000);

  it('renders for Discord within embed limits', () => {
    fc.assert(
      fc.property(questions, (question) => {
        const embed = renderDiscordAnswer(engine.answer(question, { audience: 'public' }));
        expect(embed.title?.length ?? 0).toBeLessThanOrEqual(EMBED_LIMITS.title);
        expect(embed.description?.length ?? 0).toBeLessThanOrEqual(EMBED_LIMITS.description);
        for (const field of embed.fields ?? []) expect(field.value.length).toBeLessThanOrEqual(EMBED_LIMITS.fieldValue);
        const total = (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.footer?.text.length ?? 0) +
          (embed.fields ?? []).reduce((sum, f) => sum + f.name.length + f.value.length, 0);
        expect(total).toBeLessThanOrEqual(EMBED_LIMITS.total);
      }),
      { numRuns: 300 },
    );
  }, 60_000);
});

describe('any knowledge file', () => {
  const valid = article({ id: 'valid-one', title: 'Valid', date: '2020-02-02' }, 'A paragraph about SMEs.\n\nAnother one about KPC.');

  /** A valid article cut short, with bytes changed, or random bytes altogether. */
  const damaged = fc.oneof(
    fc.nat({ max: valid.length }).map((cut) => Buffer.from(valid.slice(0, cut))),
    fc.tuple(fc.nat({ max: valid.length - 1 }), fc.uint8Array({ minLength: 1, maxLength: 8 })).map(([at, bytes]) => {
      const buffer = Buffer.from(valid);
      buffer.set(bytes.subarray(0, buffer.length - at), at);
      return buffer;
    }),
    fc.uint8Array({ maxLength: 400 }).map((bytes) => Buffer.from(bytes)),
    fc.string({ unit: 'grapheme', maxLength: 300 }).map((text) => Buffer.from(`---\n${text}\n---\n${text}`)),
  );

  it('never crashes the loader: each file either loads or is reported with its name', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(damaged, { minLength: 1, maxLength: 4 }), async (files) => {
        const dir = await mkdtemp(path.join(tmpdir(), 'apo-fuzz-'));
        try {
          const names = files.map((_, i) => `f${i}.md`);
          await Promise.all(files.map((bytes, i) => writeFile(path.join(dir, names[i] as string), bytes)));
          await writeFile(path.join(dir, 'good.md'), article({ id: 'good-one' }));
          const loaded = await loadKnowledge(dir);
          expect(loaded.articles.map((a) => a.id)).toContain('good-one');
          for (const error of loaded.errors) expect([...names, 'good.md']).toContain(error.file);
          // Every file is accounted for: loaded as an article, or named in an error.
          for (const name of names) {
            const loadedIt = loaded.articles.some((a) => a.file === name);
            const reported = loaded.errors.some((e) => e.file === name);
            expect(loadedIt || reported).toBe(true);
          }
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 60 },
    );
  }, 60_000);
});
