import { findConcepts, type Glossary } from '../knowledge/glossary.js';
import { tokenize, type Token } from '../text/analyze.js';
import { isFragment } from '../text/passages.js';
import { splitSentences, type Sentence } from '../text/sentences.js';
import type { TextFeatures } from './match.js';
import { findPeriods, periodKeys } from './periods.js';
import type { AnswerKind } from './query.js';

/**
 * What a passage says, whatever the question: its words, concepts and periods, whole and sentence
 * by sentence. A token's offsets are in the passage's text (a title's token, in the title), for
 * the passage and its sentences alike: the sentences share the passage's token objects, as a
 * reading is kept (`ReadingCache`) and copies were most of its memory.
 */
export interface PassageReading {
  /** The article's title and the passage as one text, with the article's own periods. */
  readonly whole: TextFeatures;
  readonly sentences: readonly SentenceReading[];
}

export interface SentenceReading {
  readonly sentence: Sentence;
  readonly features: TextFeatures;
  /** False for a credit or a few words left in a paragraph ("Photos: KPC"): never the quote (`isFragment`). */
  readonly quotable: boolean;
  /**
   * What the sentence names of each kind of answer (`kindMentions` in sentenceScore.ts), found
   * the first time a question asks for that kind: a reading is kept, and questions ask again.
   */
  kindMentions?: Map<AnswerKind, readonly string[]>;
}

/**
 * Reads a passage: its title and text are tokenized once, and each sentence takes its tokens from
 * the text's, so no word is analysed twice.
 */
export function readPassageText(title: string, text: string, glossary: Glossary, articlePeriods: Iterable<string>): PassageReading {
  const titleTokens = tokenize(title);
  const textTokens = tokenize(text);
  const whole = featuresOf([...titleTokens, ...textTokens], glossary, [...findPeriods(`${title}\n${text}`).flatMap(periodKeys), ...articlePeriods]);

  let next = 0;
  const sentences = splitSentences(text).map((sentence) => {
    while (next < textTokens.length && (textTokens[next] as Token).start < sentence.start) next++;
    let end = next;
    while (end < textTokens.length && (textTokens[end] as Token).end <= sentence.end) end++;
    const features = featuresOf(textTokens.slice(next, end), glossary, findPeriods(sentence.text).flatMap(periodKeys));
    return { sentence, features, quotable: !isFragment(sentence.text) };
  });
  return { whole, sentences };
}

function featuresOf(tokens: readonly Token[], glossary: Glossary, periods: Iterable<string>): TextFeatures {
  const conceptMatches = findConcepts(glossary, tokens);
  const terms = new Set<string>();
  for (const token of tokens) if (!token.stop) terms.add(token.term);
  return { tokens, terms, concepts: new Set(conceptMatches.map((m) => m.concept)), conceptMatches, periods: new Set(periods) };
}

/**
 * The readings of the passages read most recently. A question reads a handful of passages and
 * popular passages come back again and again, but holding every passage's reading would cost
 * more memory than the index. A Map keeps insertion order: its first key is the least recently used.
 */
export class ReadingCache {
  readonly #readings = new Map<number, PassageReading>();
  /**
   * The passages of the last `capacity` reads that were not kept. A passage is kept the second
   * time it is read among them: a reading kept lives long enough for the garbage collector to
   * copy it out of the young generation, and in a large knowledge base most passages are read
   * once (at 10k passages, keeping every reading made a scavenge of 3 to 4.5 ms every fifteen
   * answers or so). Passages read again, a follow-up's or a small knowledge base's, are kept.
   */
  readonly #readOnce = new Set<number>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#readings.size;
  }

  get(passage: number, read: () => PassageReading): PassageReading {
    let reading = this.#readings.get(passage);
    if (reading !== undefined) {
      this.#readings.delete(passage);
      this.#readings.set(passage, reading);
      return reading;
    }
    reading = read();
    if (!this.#readOnce.delete(passage)) {
      this.#readOnce.add(passage);
      if (this.#readOnce.size > this.#capacity) this.#readOnce.delete(this.#readOnce.values().next().value as number);
      return reading;
    }
    if (this.#readings.size >= this.#capacity) {
      const oldest = this.#readings.keys().next();
      if (!oldest.done) this.#readings.delete(oldest.value);
    }
    this.#readings.set(passage, reading);
    return reading;
  }
}
