/**
 * Two plain quoting systems to read the engine's answer figures against. They are baselines, not
 * the engine: MiniSearch as it comes (its tokenizer, lower-casing, BM25, OR of the words; only the
 * text is indexed, not the article title, as in the reference run of the set's SOURCE.md), and a
 * word overlap written here. They never decline on purpose; a question
 * none of whose words is indexed gets no result, and that is counted as the decline it is.
 *
 * Both cut sentences with the engine's splitter, so the three systems quote the same units.
 */
import MiniSearch from 'minisearch';

import type { BenchPassage, Reply } from './answerJudge.js';

/** A system that quotes one sentence for a question, like `ask --json` does. */
export interface QuotingSystem {
  readonly name: string;
  answer(question: string): Reply;
}

interface IndexedText {
  readonly id: number;
  readonly text: string;
}

const MAX_CITATIONS = 3;

/** MiniSearch over every sentence; quotes the top sentence and cites the paragraphs of the top ones. */
export class SentenceBaseline implements QuotingSystem {
  readonly name = 'MiniSearch over sentences';
  readonly #index = new MiniSearch<IndexedText>({ fields: ['text'] });
  readonly #sentences: { readonly text: string; readonly passage: BenchPassage }[] = [];

  constructor(passages: readonly BenchPassage[]) {
    for (const passage of passages) {
      for (const text of passage.sentences) {
        const id = this.#sentences.length;
        this.#sentences.push({ text, passage });
        this.#index.add({ id, text });
      }
    }
  }

  answer(question: string): Reply {
    const results = this.#index.search(question);
    const top = results[0];
    if (top === undefined) return { answered: false, answer: null, citations: [] };
    const citations: { id: string; paragraph: number }[] = [];
    for (const result of results) {
      const { passage } = this.#sentences[result.id as number] as { passage: BenchPassage };
      if (!citations.some((c) => c.id === passage.articleId && c.paragraph === passage.paragraph)) {
        citations.push({ id: passage.articleId, paragraph: passage.paragraph });
        if (citations.length === MAX_CITATIONS) break;
      }
    }
    return { answered: true, answer: (this.#sentences[top.id as number] as { text: string }).text, citations };
  }
}

/** MiniSearch over paragraphs; quotes the sentence of the top paragraph that shares the most question words. */
export class ParagraphBaseline implements QuotingSystem {
  readonly name = 'MiniSearch over paragraphs';
  readonly #index = new MiniSearch<IndexedText>({ fields: ['text'] });
  readonly #passages: readonly BenchPassage[];

  constructor(passages: readonly BenchPassage[]) {
    this.#passages = passages;
    this.#index.addAll(passages.map((passage, id) => ({ id, text: passage.text })));
  }

  answer(question: string): Reply {
    const results = this.#index.search(question).slice(0, MAX_CITATIONS);
    const top = results[0];
    if (top === undefined) return { answered: false, answer: null, citations: [] };
    const passages = results.map((result) => this.#passages[result.id as number] as BenchPassage);
    return {
      answered: true,
      answer: bestOverlapSentence(question, (passages[0] as BenchPassage).sentences),
      citations: passages.map((passage) => ({ id: passage.articleId, paragraph: passage.paragraph })),
    };
  }
}

/** Small words that say nothing about which sentence answers. */
const STOP_WORDS = new Set(
  ('a an and are as at be by did do does for from had has have he her his how in is it its of on or she ' +
    'that the their them they this to was were what when where which who whom whose why will with').split(' '),
);

/** Lower-cased words and numbers, without the small words: the baseline's own simple tokenization. */
export function overlapWords(text: string): Set<string> {
  const words = text.normalize('NFKC').toLowerCase().split(/[^\p{L}\p{N}]+/u);
  return new Set(words.filter((word) => word !== '' && !STOP_WORDS.has(word)));
}

/** The sentence sharing the most distinct words with the question; the first on a tie. */
export function bestOverlapSentence(question: string, sentences: readonly string[]): string | null {
  const wanted = overlapWords(question);
  let best: string | null = null;
  let bestShared = -1;
  for (const sentence of sentences) {
    let shared = 0;
    for (const word of overlapWords(sentence)) if (wanted.has(word)) shared++;
    if (shared > bestShared) {
      best = sentence;
      bestShared = shared;
    }
  }
  return best;
}
