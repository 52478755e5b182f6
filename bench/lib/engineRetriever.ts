/**
 * The bot's own engine as a benchmark retriever: every document becomes an article, indexed by
 * `createEngineFromKnowledge` exactly as the bot indexes its knowledge, and each query goes
 * through the engine's article search (passages ranked, then each article scored by its best
 * passage). Nothing here scores anything.
 */
import { createEngineFromKnowledge } from '../../src/core/index.js';
import type { KnowledgeEngine } from '../../src/core/index.js';
import { splitSentences } from '../../src/core/text/sentences.js';
import type { BenchDoc } from './beir.js';
import { articleOf, generateArticles, knowledgeOf } from './corpusArticles.js';
import type { ScoredDoc } from './metrics.js';
import type { Retriever } from './retrievers.js';

export const ENGINE_NAME = 'apo-engine';

export class EngineRetriever implements Retriever {
  readonly name: string = ENGINE_NAME;
  private engine: KnowledgeEngine | undefined;

  build(docs: readonly BenchDoc[]): void {
    const knowledge = knowledgeOf(docs.map((doc) => articleOf(doc)));
    this.engine = createEngineFromKnowledge(knowledge, { knowledgeDir: '(in memory)' });
  }

  search(query: string, k: number): ScoredDoc[] {
    if (this.engine === undefined) throw new Error(`${this.name}: search() called before build()`);
    return this.engine.searchArticles(query, { limit: k }).map((hit) => ({ docId: hit.id, score: hit.score }));
  }
}

/**
 * The engine asked for as many articles as an answer reads passages (ten): the ranking an answer
 * chooses from, with the smaller posting budget of a search that reads that deep (see
 * `postingBudget` in src/core/search/retrieve.ts). Its nDCG@10 is the figure; R@100 does not
 * apply to ten results.
 */
export class AnswerDepthEngineRetriever extends EngineRetriever {
  override readonly name = `${ENGINE_NAME}-top10`;

  override search(query: string): ScoredDoc[] {
    return super.search(query, ANSWER_DEPTH);
  }
}
const ANSWER_DEPTH = 10;

/**
 * The engine over a larger knowledge base made of the same documents: `passages` paragraphs cut
 * from them by `generateArticles` (each document's sentences cut another way in each edition), as
 * bench:speed makes its 10k and 100k sizes. A document scores by its best passage in any edition.
 */
export class GeneratedEngineRetriever implements Retriever {
  readonly name: string;
  private engine: KnowledgeEngine | undefined;
  private documentOf = new Map<string, string>();

  constructor(private readonly passages: number) {
    this.name = `${ENGINE_NAME}-${passages}-passages`;
  }

  build(docs: readonly BenchDoc[]): void {
    const articles = generateArticles(docs, this.passages, (text) => splitSentences(text).map((sentence) => sentence.text));
    const byStem = new Map(docs.map((doc) => [generatedStem(doc.id), doc.id]));
    for (const article of articles) this.documentOf.set(article.id, byStem.get(article.id.replace(/-\d+$/, '')) ?? article.id);
    this.engine = createEngineFromKnowledge(knowledgeOf(articles), { knowledgeDir: '(in memory)' });
  }

  search(query: string, k: number): ScoredDoc[] {
    if (this.engine === undefined) throw new Error(`${this.name}: search() called before build()`);
    const best = new Map<string, number>();
    for (const hit of this.engine.searchArticles(query, { limit: Number.POSITIVE_INFINITY })) {
      const docId = this.documentOf.get(hit.id) ?? hit.id;
      if (!best.has(docId)) best.set(docId, hit.score);
      if (best.size >= k) break;
    }
    return [...best].map(([docId, score]) => ({ docId, score }));
  }
}

/** The id `generateArticles` gives a document's articles, without its "-edition" ending. */
function generatedStem(docId: string): string {
  return `doc-${docId.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
}
