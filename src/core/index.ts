/** The core's public API: what adapters, the CLI and benchmarks may import. */
export type {
  AlternativeAnswer,
  Answer,
  AnswerContext,
  AnswerEngine,
  AnswerOptions,
  Article,
  ArticleRef,
  Audience,
  Citation,
  ConversationTurn,
  Decline,
  DeclineReason,
  EngineStats,
  GlossaryState,
  Highlight,
  KnowledgeCounts,
  KnowledgeProblem,
  LoadProgress,
  ReloadOptions,
  ReloadReport,
} from './types.js';
export { createEngine, createEngineFromKnowledge, DEFAULT_MAX_QUESTION_LENGTH, KnowledgeEngine } from './engine.js';
export type { CoreLogger, EngineOptions, SearchHit } from './engine.js';
export { parseArticle } from './knowledge/article.js';
export { compileGlossary, EMPTY_GLOSSARY } from './knowledge/glossary.js';
export { loadKnowledge } from './knowledge/loadKnowledge.js';
export type { LoadedKnowledge, LoadOptions } from './knowledge/loadKnowledge.js';
export { declineHeadline } from './declines.js';
export { markSnippet } from './search/snippet.js';
export { indexTerms } from './text/analyze.js';
export { formatProblem } from './problems.js';
