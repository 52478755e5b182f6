/**
 * The bot's own engine as a benchmark retriever: every document becomes an article, indexed by
 * `createEngineFromKnowledge` exactly as the bot indexes its knowledge, and each query goes
 * through the engine's article search (passages ranked, then each article scored by its best
 * passage). Nothing here scores anything.
 */
import { createEngineFromKnowledge } from '../../src/core/index.js';
import type { KnowledgeEngine } from '../../src/core/index.js';
import type { BenchDoc } from './beir.js';
import { articleOf, knowledgeOf } from './corpusArticles.js';
import type { ScoredDoc } from './metrics.js';
import type { Retriever } from './retrievers.js';

export const ENGINE_NAME = 'apo-engine';

export class EngineRetriever implements Retriever {
  readonly name = ENGINE_NAME;
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
