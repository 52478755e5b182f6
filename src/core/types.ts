/**
 * The types adapters see. Everything a chat platform needs to render an answer or a reload report
 * is here; nothing here knows about any platform.
 */

/** Who may read an article: `public` articles are shown to everyone, `internal` ones to staff only. */
export type Audience = 'public' | 'internal';

/** One article of the knowledge base, as loaded and validated from a Markdown file. */
export interface Article {
  readonly id: string;
  readonly title: string;
  /** The article's own date, ISO `YYYY-MM-DD`. */
  readonly date: string;
  readonly source: string;
  readonly audience: Audience;
  readonly url?: string;
  readonly tags: readonly string[];
  /** Who took the photos ("Photos: KPC" on the page): kept with the article, never quoted. */
  readonly credit?: string;
  /** The article text without front matter. */
  readonly body: string;
  /** Path of the file relative to the knowledge folder, for error messages and reports. */
  readonly file: string;
  /** Hash of the file content, to tell a changed article from an unchanged one on reload. */
  readonly contentHash: string;
}

/** A problem found while loading knowledge, with the file (relative path) and line where known. */
export interface KnowledgeProblem {
  readonly file: string;
  readonly line?: number;
  readonly message: string;
}

/** The bibliographic part of an article: what a citation or a decline names. */
export interface ArticleRef {
  readonly id: string;
  readonly title: string;
  readonly date: string;
  readonly source: string;
  readonly url?: string;
}

/** A half-open character range `[start, end)` in a snippet. */
export type Highlight = readonly [start: number, end: number];

/** A passage quoted as evidence: its article (title, date, id...) and where in it. */
export interface Citation extends ArticleRef {
  /** 1-based paragraph number in the article's body. */
  readonly paragraph: number;
  /** The passage, or a window of it around its best sentence ("…" marks a cut). */
  readonly snippet: string;
  /** Ranges of `snippet` that matched the question's words, in order, not overlapping. */
  readonly highlights: readonly Highlight[];
  /** Relevance, higher is better; comparable only within one answer. */
  readonly score: number;
}

export type DeclineReason =
  /** Nothing was asked. */
  | 'empty-question'
  /** The question is over the engine's length limit. */
  | 'too-long'
  /** No word of the question is in the knowledge base. */
  | 'no-match'
  /** Some words matched, but no passage answers the question as a whole. */
  | 'weak-match'
  /** The question names a year or month the knowledge base has nothing from. */
  | 'period-not-covered'
  /** The question names something (a place, a person, an organisation) the knowledge base never mentions. */
  | 'unknown-name'
  /** "Tell me more" after the last paragraph of an article, or with nothing asked before. */
  | 'nothing-more'
  /** "Hi", "hello", "thanks": not a question; the reply says what the bot can do. */
  | 'greeting'
  /** A question in another language or script: the bot answers in English only. */
  | 'not-english';

export interface Decline {
  readonly reason: DeclineReason;
  /** Words of the question that found nothing in the knowledge base: the few (at most three) that say most about it. */
  readonly unmatchedTerms: readonly string[];
  /** The period asked about, as written in the question, when `reason` is `period-not-covered`. */
  readonly period?: string;
  /** The length limit, when `reason` is `too-long`. */
  readonly limit?: number;
  /** The closest articles the knowledge base does have, best first. */
  readonly nearest: readonly ArticleRef[];
  /** Two or three questions the knowledge can answer, drawn from the nearest articles, to rephrase with. */
  readonly suggestions?: readonly string[];
}

/** The engine's reply to one question. */
export interface Answer {
  readonly question: string;
  /** Whether the knowledge base holds an answer. */
  readonly answered: boolean;
  /** The best sentence, quoted verbatim from an article; `null` when declined. */
  readonly answer: string | null;
  /** Where the answer comes from, best first; the first one holds `answer`. Empty when declined. */
  readonly citations: readonly Citation[];
  /** Why the question was declined; present exactly when `answered` is false. */
  readonly decline?: Decline;
  /** A short plain-text reply a person can read: the quote, or the decline explained. */
  readonly message: string;
  /** How long answering took, in milliseconds. */
  readonly tookMs: number;
  /** Which knowledge snapshot answered (increases with every successful reload). */
  readonly snapshotVersion: number;
  /** How the conversation's earlier turns were read into this question; absent when they were not used. */
  readonly context?: AnswerContext;
  /**
   * When the question fits several articles about equally, the best sentence of each other one,
   * labelled by its citation (article, date, paragraph); `answer` stays the best single sentence.
   */
  readonly alternatives?: readonly AlternativeAnswer[];
  /** What the next question of the same conversation needs to know of this one (see `AnswerOptions.context`). */
  readonly turn?: ConversationTurn;
}

/** Another article's best sentence for the same question. */
export interface AlternativeAnswer {
  readonly answer: string;
  readonly citation: Citation;
}

/**
 * One earlier question of a conversation, as the engine summed it up in `Answer.turn`. A plain
 * value: whoever keeps the conversation hands the turns back with the next question.
 */
export interface ConversationTurn {
  readonly question: string;
  /** What the question was about, as written: the words its answer matched, and those it carried over itself. */
  readonly subject: readonly string[];
  /** The period it asked about, as written ("2018"), when it named one. */
  readonly period?: string;
  /** The article it quoted and the paragraph of the quote; absent when it was declined. */
  readonly articleId?: string;
  readonly paragraph?: number;
  /** Articles offered beside the answer (`Answer.alternatives`). */
  readonly alternatives?: readonly string[];
}

/** How a follow-up was read. */
export interface AnswerContext {
  /**
   * `follow-up`: the previous question's subject (and article) weighed in, below the question's
   * own words; `more`: the next paragraph of the article quoted last.
   */
  readonly kind: 'follow-up' | 'more';
  /** For people: "Reading “it” as: 2017 mission". */
  readonly reading: string;
  /** The earlier words that were carried into this question. */
  readonly carried: readonly string[];
  /** The article the previous answer quoted. */
  readonly articleId?: string;
}

export interface AnswerOptions {
  /** `public` hides internal articles (for outside contacts); `internal` (the default) sees all. */
  readonly audience?: Audience;
  /**
   * The conversation so far, oldest first (each from an earlier `Answer.turn`). Without it, or
   * when the question stands on its own, the answer is exactly what it would be alone.
   */
  readonly context?: readonly ConversationTurn[];
}

export interface KnowledgeCounts {
  readonly articles: number;
  readonly passages: number;
}

/**
 * What a reload did. `applied` is false when errors kept the previous knowledge in place, or when
 * it was a dry run, which only reports what a reload would add, change and remove.
 */
export interface ReloadReport {
  readonly applied: boolean;
  readonly dryRun: boolean;
  readonly before: KnowledgeCounts;
  readonly after: KnowledgeCounts;
  readonly added: readonly string[];
  readonly changed: readonly string[];
  readonly removed: readonly string[];
  readonly errors: readonly KnowledgeProblem[];
  readonly warnings: readonly KnowledgeProblem[];
  readonly tookMs: number;
  readonly snapshotVersion: number;
  /**
   * Files that kept changing while the reload read them (each is also in `errors`): they were
   * skipped rather than read half written, so the reload was not applied.
   */
  readonly stillBeingWritten?: readonly string[];
  /** The glossary the engine answers with after this reload (or dry run). */
  readonly glossary?: GlossaryState;
  /**
   * For an applied reload: `updated` when the search index was changed in place (few articles
   * changed), `rebuilt` when it was built anew (the glossary or many articles changed).
   */
  readonly index?: 'updated' | 'rebuilt';
}

/**
 * Which glossary answers use. A question in other words than the articles' finds its passage
 * through the glossary, so running without it gives worse answers and must be said loudly.
 */
export interface GlossaryState {
  /**
   * `loaded`: the folder's glossary is in use. `none`: the folder has no glossary file.
   * `last-good`: the glossary file does not load; the last one that did is still in use.
   * `missing`: the glossary file does not load and none ever did: answers run without a glossary.
   */
  readonly status: 'loaded' | 'none' | 'last-good' | 'missing';
  /** The glossary file, relative to the knowledge folder, when there is one. */
  readonly file?: string;
  /** Entries (groups of words that mean the same) in use. */
  readonly entries: number;
}

/** How far the engine's start has got: the files read, then articles indexed one by one. */
export interface LoadProgress {
  readonly stage: 'read' | 'indexing';
  /** Articles indexed so far. */
  readonly articles: number;
  /** Articles the folder holds (that loaded). */
  readonly totalArticles: number;
  /** Passages indexed so far. */
  readonly passages: number;
}

export interface ReloadOptions {
  readonly dryRun?: boolean;
}

export interface EngineStats extends KnowledgeCounts {
  readonly snapshotVersion: number;
  readonly loadedAt: Date;
  readonly knowledgeDir: string;
  /** Problems found by the load that built the current snapshot (files it had to leave out). */
  readonly problems: readonly KnowledgeProblem[];
  readonly articleList: readonly ArticleRef[];
  readonly glossary: GlossaryState;
  /**
   * A short hash of the knowledge answered from (every article's id and content, the glossary's
   * groups): equal on two replicas exactly when they loaded the same knowledge.
   */
  readonly fingerprint: string;
  /**
   * Where the search index answered from came from: `built` from the articles, or read from the
   * index cache (`cache`), as a start over knowledge unchanged since the cache was written does.
   */
  readonly indexSource: 'built' | 'cache';
}

/** The one interface every adapter uses. */
export interface AnswerEngine {
  answer(question: string, options?: AnswerOptions): Answer;
  /**
   * Reads the knowledge folder again; swaps the new knowledge in only if it loads without errors.
   * With `dryRun`, validates and reports what would change without swapping anything.
   */
  reload(options?: ReloadOptions): Promise<ReloadReport>;
  stats(): EngineStats;
}
