import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { keyOf, staleReason } from './cache/cacheKey.js';
import { openIndexCache, saveIndexCache, type CachedIndex } from './cache/indexCache.js';
import { DEFAULT_MAX_FILE_BYTES, loadKnowledge } from './knowledge/loadKnowledge.js';
import type { LoadedKnowledge } from './knowledge/loadKnowledge.js';
import { rankArticles, rankPassages } from './search/retrieve.js';
import { queueNewestSuggestions, suggestionAnswers } from './search/answer.js';
import { answerInConversation } from './search/followUp.js';
import { checkPendingSuggestion, pendingSuggestionChecks, WAITING_CHECKS_UP_TO_PASSAGES } from './search/rephrase.js';
import { buildSnapshot, buildSnapshotInSlices, restoreSnapshot, type Snapshot } from './search/snapshot.js';
import { planUpdate, type InPlaceUpdate } from './search/update.js';
import { runInSlices } from './slices.js';
import { splitParagraphs } from './text/passages.js';
import type {
  Answer,
  AnswerEngine,
  AnswerOptions,
  Article,
  EngineStats,
  GlossaryState,
  KnowledgeCounts,
  KnowledgeProblem,
  LoadProgress,
  ReloadOptions,
  ReloadReport,
} from './types.js';

/** The part of a pino logger the core uses; any logger with these methods will do. */
export interface CoreLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export interface EngineOptions {
  /** The folder with the articles (`*.md`) and `glossary.yml`. */
  knowledgeDir: string;
  logger?: CoreLogger;
  /** Questions longer than this are declined. Default 1,000 characters. */
  maxQuestionLength?: number;
  /** Knowledge files larger than this are refused. Default 1 MiB. */
  maxFileBytes?: number;
  /**
   * A folder for the index cache: after a build (at the start or a reload) the engine writes the
   * index there in the background, and `createEngine` over the same knowledge (same files, glossary
   * and engine version) reads it instead of indexing again. A damaged or unreadable cache is
   * ignored with a warning. `createEngineFromKnowledge` writes it but never reads it. Unset: no cache.
   */
  cacheDir?: string;
  /** Knowledge with fewer passages is not cached: it indexes about as fast as it loads. Default 1,000. */
  cacheMinPassages?: number;
  /**
   * Told how `createEngine` gets on: once the files are read, then after each article indexed
   * (often: throttle what you show). A large folder takes tens of seconds to index the first time.
   */
  onProgress?: (progress: LoadProgress) => void;
}

interface EngineSettings {
  readonly knowledgeDir: string;
  readonly logger: CoreLogger | undefined;
  readonly maxQuestionLength: number;
  readonly maxFileBytes: number;
  readonly cacheDir: string | undefined;
  readonly cacheMinPassages: number;
}

export const DEFAULT_MAX_QUESTION_LENGTH = 1000;
/** 1,000 passages index in about 0.3 s (2 shared cores): below that a cache file is not worth writing. */
const DEFAULT_CACHE_MIN_PASSAGES = 1000;

/** A passage found by `search`: its article's id, its paragraph number and its score. */
export interface SearchHit {
  readonly id: string;
  readonly paragraph: number;
  readonly score: number;
}

/**
 * Loads the knowledge folder and returns an engine over it. A bad file never stops the start:
 * the engine serves the files that loaded and lists the problems in `stats().problems`.
 */
export async function createEngine(options: EngineOptions): Promise<KnowledgeEngine> {
  const settings = settingsOf(options);
  const started = performance.now();
  const cache = settings.cacheDir === undefined ? undefined : await openCache(settings.cacheDir, settings);
  const knowledge = await loadKnowledge(settings.knowledgeDir, {
    maxFileBytes: settings.maxFileBytes,
    ...(cache === undefined ? {} : { parsedBefore: cache.articles() }),
  });
  for (const problem of knowledge.errors) settings.logger?.warn({ problem }, 'knowledge file left out');
  const totalArticles = knowledge.articles.length;
  options.onProgress?.({ stage: 'read', articles: 0, totalArticles, passages: 0 });
  const restored = cache === undefined ? undefined : restoreFromCache(cache, knowledge, settings);
  // Indexed in slices, so a health check or a signal is answered meanwhile.
  const snapshot =
    restored ??
    (await buildSnapshotInSlices(knowledge, { version: 1, knowledgeDir: settings.knowledgeDir }, (articles, passages) =>
      options.onProgress?.({ stage: 'indexing', articles, totalArticles, passages }),
    ));
  return engineOver(snapshot, knowledge, settings, restored === undefined ? 'built' : 'cache', started);
}

/**
 * An engine over knowledge already in memory (benchmarks build it from their own data). Its
 * `reload` reads `options.knowledgeDir` like any engine's.
 */
export function createEngineFromKnowledge(knowledge: LoadedKnowledge, options: EngineOptions): KnowledgeEngine {
  const settings = settingsOf(options);
  const started = performance.now();
  const snapshot = buildSnapshot(knowledge, { version: 1, knowledgeDir: settings.knowledgeDir });
  return engineOver(snapshot, knowledge, settings, 'built', started);
}

/** The engine over a first snapshot, logged; one just built is written to the index cache. */
function engineOver(snapshot: Snapshot, knowledge: LoadedKnowledge, settings: EngineSettings, indexSource: 'built' | 'cache', started: number): KnowledgeEngine {
  const glossary = glossaryStateOf(knowledge, undefined);
  settings.logger?.info({ ...countsOf(snapshot), glossary, indexSource, tookMs: Math.round(performance.now() - started) }, 'knowledge loaded');
  if (glossary.status === 'missing') {
    settings.logger?.error({ glossary }, `${glossary.file ?? 'glossary'} did not load: answers run WITHOUT the glossary until it is fixed and reloaded`);
  }
  const engine = new KnowledgeEngine(snapshot, glossary, settings, indexSource, knowledge);
  if (indexSource === 'built') engine.saveIndexCache();
  return engine;
}

/** The knowledge folder's index cache file, read and checked; undefined (and why, logged) when there is none to use. */
async function openCache(dir: string, settings: EngineSettings): Promise<CachedIndex | undefined> {
  const opened = await openIndexCache(dir, settings.knowledgeDir);
  if (opened.kind === 'read') return opened.cache;
  if (opened.kind === 'damaged') settings.logger?.warn({ file: opened.file, reason: opened.reason }, 'index cache ignored: indexing the knowledge');
  else if (opened.kind === 'other-version') settings.logger?.info({ file: opened.file, reason: opened.reason }, 'index cache is of another engine version: indexing the knowledge');
  return undefined;
}

/** The snapshot the cache holds, if it was made from exactly this knowledge by this engine; else undefined, logged. */
function restoreFromCache(cache: CachedIndex, knowledge: LoadedKnowledge, settings: EngineSettings): Snapshot | undefined {
  const started = performance.now();
  const file = cache.file;
  try {
    const stale = staleReason(cache.key, keyOf(knowledge));
    if (stale !== undefined) {
      settings.logger?.info({ file, reason: stale }, 'index cache does not fit the knowledge: indexing it');
      return undefined;
    }
    const snapshot = restoreSnapshot(knowledge, cache.parts(), { version: 1, knowledgeDir: settings.knowledgeDir });
    settings.logger?.info({ file, tookMs: Math.round(performance.now() - started) }, 'index read from the cache');
    return snapshot;
  } catch (error) {
    // Never trusted: a file that does not decode into an index that fits is as good as none.
    settings.logger?.warn({ file, reason: (error as Error).message }, 'index cache ignored: indexing the knowledge');
    return undefined;
  }
}

/**
 * The glossary state after a load: the folder's glossary if it loaded; else the one in use
 * (`previous`) goes on serving, or, when none ever loaded, answers run without one.
 */
function glossaryStateOf(knowledge: LoadedKnowledge, previous: GlossaryState | undefined): GlossaryState {
  const file = knowledge.glossaryFile;
  if (file === undefined) return { status: 'none', entries: 0 };
  if (file.loaded) return { status: 'loaded', file: file.file, entries: knowledge.glossary.groups.length };
  if (previous !== undefined && previous.entries > 0) return { status: 'last-good', file: file.file, entries: previous.entries };
  return { status: 'missing', file: file.file, entries: 0 };
}

/** What a reload report says besides the load's own warnings when answers lack the folder's glossary. */
function glossaryWarnings(glossary: GlossaryState): KnowledgeProblem[] {
  const file = glossary.file ?? 'glossary.yml';
  if (glossary.status === 'missing') return [{ file, message: 'answers run WITHOUT the glossary: it has not loaded since the start' }];
  if (glossary.status === 'last-good') return [{ file, message: 'does not load: answers use the last glossary that did' }];
  return [];
}

function settingsOf(options: EngineOptions): EngineSettings {
  return {
    knowledgeDir: options.knowledgeDir,
    logger: options.logger,
    maxQuestionLength: options.maxQuestionLength ?? DEFAULT_MAX_QUESTION_LENGTH,
    maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
    cacheDir: options.cacheDir,
    cacheMinPassages: options.cacheMinPassages ?? DEFAULT_CACHE_MIN_PASSAGES,
  };
}

/**
 * Holds one immutable snapshot and answers from it. A reload builds a new snapshot beside it and
 * swaps the reference only if the new knowledge loaded without errors, so a question never sees
 * half a reload and a broken file never replaces good knowledge.
 */
export class KnowledgeEngine implements AnswerEngine {
  #snapshot: Snapshot;
  /** Swapped together with `#snapshot`, in the same synchronous step. */
  #glossary: GlossaryState;
  #reloading: Promise<ReloadReport> | undefined;
  /** Whether the running reload has begun reading: a caller after that needs a reload of its own. */
  #reloadReading = false;
  #nextReload: Promise<ReloadReport> | undefined;
  /** Where the current snapshot's index came from; swapped with `#snapshot`. */
  #indexSource: 'built' | 'cache';
  /** The index cache writes, one after the other; never rejects. */
  #saving: Promise<void> = Promise.resolve();
  #saveQueued = false;
  /** The suggestion checks left for after a decline's reply (see `rephrase.ts`); never rejects. */
  #checking: Promise<void> = Promise.resolve();
  #checksScheduled = false;
  /** The last load of the folder: a reload opens only the files changed since (see `loadKnowledge`). */
  #lastLoad: LoadedKnowledge | undefined;
  readonly #settings: EngineSettings;

  constructor(snapshot: Snapshot, glossary: GlossaryState, settings: EngineSettings, indexSource: 'built' | 'cache' = 'built', load?: LoadedKnowledge) {
    this.#snapshot = snapshot;
    this.#glossary = glossary;
    this.#settings = settings;
    this.#indexSource = indexSource;
    this.#lastLoad = load;
    this.#prepareSuggestions();
  }

  /**
   * In a knowledge base large enough that a decline checks no suggestion while it waits, the
   * newest articles' are checked in the background from the start, so the first declines have
   * some to offer (those drawn from the newest articles when nothing nearer was checked yet).
   */
  #prepareSuggestions(): void {
    if (this.#snapshot.passages.length <= WAITING_CHECKS_UP_TO_PASSAGES) return;
    queueNewestSuggestions(this.#snapshot);
    this.#checkSuggestionsLater();
  }

  /** Runs the suggestion checks a decline left, one a turn, for the current snapshot. */
  #checkSuggestionsLater(): void {
    const snapshot = this.#snapshot;
    if (this.#checksScheduled || pendingSuggestionChecks(snapshot) === 0) return;
    this.#checksScheduled = true;
    this.#checking = this.#checking.then(async () => {
      try {
        do {
          // The reply goes out first; each check is an answer of its own, in a turn of its own.
          await nextTurn();
          if (this.#snapshot !== snapshot) break;
        } while (checkPendingSuggestion(snapshot, (audience) => suggestionAnswers(snapshot, audience)));
      } catch (error) {
        this.#settings.logger?.warn({ reason: (error as Error).message }, 'suggestion check failed');
      } finally {
        this.#checksScheduled = false;
      }
      // A reload meanwhile: its snapshot's checks, if any.
      this.#checkSuggestionsLater();
    });
  }

  /**
   * Writes the current snapshot to the index cache in the background (when the engine has a cache
   * folder and enough passages), after the writes under way. A failure is a warning: the next start
   * indexes again.
   */
  saveIndexCache(): void {
    const dir = this.#settings.cacheDir;
    if (dir === undefined || this.#snapshot.passages.length < this.#settings.cacheMinPassages || this.#saveQueued) return;
    // A write queued and not begun will take the newest snapshot: one is enough.
    this.#saveQueued = true;
    this.#saving = this.#saving.then(async () => {
      // Whoever created the engine or reloaded goes first: the first answers, the start of the adapters.
      await nextTurn();
      this.#saveQueued = false;
      const snapshot = this.#snapshot;
      try {
        const saved = await saveIndexCache(dir, snapshot);
        this.#settings.logger?.info(
          { file: saved.file, bytes: saved.bytes, tookMs: Math.round(saved.tookMs), encodeMs: Math.round(saved.encodeMs), snapshot: snapshot.version },
          'index cache written',
        );
      } catch (error) {
        this.#settings.logger?.warn({ dir, reason: (error as Error).message }, 'index cache not written: the next start indexes the knowledge again');
      }
    });
  }

  /**
   * Resolves once the background work (index cache writes, suggestion checks) is done: what a
   * process waits for before it exits, and tests.
   */
  async whenIdle(): Promise<void> {
    let checking: Promise<void> | undefined;
    // A check may leave more, and a write may be queued meanwhile: until neither is running.
    while (checking !== this.#checking) {
      checking = this.#checking;
      await Promise.all([this.#saving, checking]);
    }
  }

  answer(question: string, options: AnswerOptions = {}): Answer {
    const started = performance.now();
    const snapshot = this.#snapshot;
    const reply = answerInConversation(snapshot, String(question ?? ''), options.audience ?? 'internal', this.#settings, options.context);
    const tookMs = Math.round((performance.now() - started) * 1000) / 1000;
    if (!reply.answered) this.#checkSuggestionsLater();
    this.#settings.logger?.debug(
      { answered: reply.answered, reason: reply.decline?.reason, tookMs, snapshot: snapshot.version, chars: reply.question.length },
      'engine answered',
    );
    // Object.assign, not `{ ...a, more }`: see SEARCH_OPTION_DEFAULTS (snapshot.ts).
    return Object.assign(reply, { tookMs });
  }

  /**
   * The passages that match a question, best first, without choosing a sentence: the engine's
   * retrieval on its own, for benchmarks and tools.
   */
  search(question: string, options: AnswerOptions & { limit?: number } = {}): SearchHit[] {
    return rankPassages(this.#snapshot, question, options.audience ?? 'internal', options.limit ?? 10).map(({ passage, score }) => ({
      id: passage.article.id,
      paragraph: passage.paragraph,
      score,
    }));
  }

  /**
   * The articles that match a question, best first, each scored by its best passage (MaxP): the
   * engine's retrieval at the level of whole articles, for benchmarks and tools.
   */
  searchArticles(question: string, options: AnswerOptions & { limit?: number } = {}): SearchHit[] {
    return rankArticles(this.#snapshot, question, options.audience ?? 'internal', options.limit ?? 10).map(({ passage, score }) => ({
      id: passage.article.id,
      paragraph: passage.paragraph,
      score,
    }));
  }

  /**
   * Reloads from disk; a dry run reads and validates the folder but never swaps. Calls made at
   * the same time share one reload rather than racing it. A call made once a reload has begun
   * reading gets the next reload, which starts when that one ends (later calls share it), so a
   * change saved during a reload (the watcher's next call) is never answered with a reload that
   * read the folder before it.
   */
  reload(options: ReloadOptions = {}): Promise<ReloadReport> {
    if (options.dryRun) return this.#reload(true);
    if (this.#reloading === undefined) {
      this.#reloadReading = false;
      setImmediate(() => {
        this.#reloadReading = true;
      });
      this.#reloading = this.#reload(false).finally(() => {
        this.#reloading = undefined;
      });
      return this.#reloading;
    }
    if (!this.#reloadReading) return this.#reloading;
    this.#nextReload ??= this.#reloading.then(
      () => this.#startNext(),
      () => this.#startNext(),
    );
    return this.#nextReload;
  }

  #startNext(): Promise<ReloadReport> {
    this.#nextReload = undefined;
    return this.reload();
  }

  async #reload(dryRun: boolean): Promise<ReloadReport> {
    const started = performance.now();
    const before = this.#snapshot;
    const knowledge = await loadKnowledge(this.#settings.knowledgeDir, {
      maxFileBytes: this.#settings.maxFileBytes,
      ...(this.#lastLoad === undefined ? {} : { previous: this.#lastLoad }),
    });
    if (!dryRun) this.#lastLoad = knowledge;
    const tookMs = () => Math.round(performance.now() - started);
    const diff = await runInSlices(diffArticles(before.articles, knowledge.articles));
    const stillBeingWritten = knowledge.stillChanging ?? [];
    const changing = stillBeingWritten.length > 0 ? { stillBeingWritten } : {};

    if (knowledge.errors.length > 0 || dryRun) {
      // Refused: the glossary in use stays; if the folder's no longer loads, say which is used.
      const glossary = dryRun || knowledge.glossaryFile?.loaded !== false ? this.#glossary : glossaryStateOf(knowledge, this.#glossary);
      if (!dryRun) this.#glossary = glossary;
      const report: ReloadReport = {
        applied: false,
        dryRun,
        before: countsOf(before),
        // A clean dry run tells what a reload would give; a refused one, that nothing changed.
        after: dryRun && knowledge.errors.length === 0 ? countsOfArticles(knowledge.articles) : countsOf(before),
        ...diff,
        errors: knowledge.errors,
        warnings: [...knowledge.warnings, ...glossaryWarnings(glossary)],
        tookMs: tookMs(),
        snapshotVersion: before.version,
        ...changing,
        glossary,
      };
      if (dryRun) this.#settings.logger?.info({ ...diff, errors: knowledge.errors.length }, 'reload dry run');
      else this.#settings.logger?.warn({ errors: knowledge.errors, ...changing, glossary, tookMs: report.tookMs }, 'reload refused: previous knowledge kept');
      return report;
    }

    const meta = { version: before.version + 1, knowledgeDir: this.#settings.knowledgeDir };
    // The index is shared with the next snapshot when few articles changed: the cache writer must
    // not be reading it meanwhile.
    await this.#saving;
    const update = await this.#updateInPlace(before, knowledge, meta);
    // Else built in slices: questions asked meanwhile are answered from the current snapshot.
    const next = update?.next ?? (await buildSnapshotInSlices(knowledge, meta));
    const glossary = glossaryStateOf(knowledge, this.#glossary);
    this.#snapshot = next;
    this.#glossary = glossary;
    this.#indexSource = 'built';
    this.#prepareSuggestions();
    if (update !== undefined) await runInSlices(update.remove());
    this.saveIndexCache();
    const report: ReloadReport = {
      applied: true,
      dryRun: false,
      before: countsOf(before),
      after: countsOf(next),
      ...diff,
      errors: [],
      warnings: knowledge.warnings,
      tookMs: tookMs(),
      snapshotVersion: next.version,
      glossary,
      index: update === undefined ? 'rebuilt' : 'updated',
    };
    const passages = update === undefined ? {} : { passagesAdded: update.passagesAdded, passagesRemoved: update.passagesRemoved };
    this.#settings.logger?.info({ ...report, warnings: report.warnings.length, ...passages }, 'knowledge reloaded');
    return report;
  }

  /**
   * The next snapshot made in place (see `update.ts`), its passages added to the shared index;
   * undefined when it is to be built from scratch: too much changed, or the update failed (the
   * index is then as it was, and the failure logged).
   */
  async #updateInPlace(current: Snapshot, knowledge: LoadedKnowledge, meta: { version: number; knowledgeDir: string }): Promise<InPlaceUpdate | undefined> {
    try {
      const update = await runInSlices(planUpdate(current, knowledge, meta));
      if (update !== undefined) await runInSlices(update.add());
      return update;
    } catch (error) {
      this.#settings.logger?.error({ reason: (error as Error).message }, 'reload in place failed: building the index from scratch');
      return undefined;
    }
  }

  stats(): EngineStats {
    const snapshot = this.#snapshot;
    return {
      ...countsOf(snapshot),
      snapshotVersion: snapshot.version,
      loadedAt: snapshot.loadedAt,
      knowledgeDir: snapshot.knowledgeDir,
      problems: snapshot.problems,
      articleList: snapshot.articles.map(({ id, title, date, source }) => ({ id, title, date, source })),
      glossary: this.#glossary,
      fingerprint: fingerprintOf(snapshot),
      indexSource: this.#indexSource,
    };
  }
}

/** Each snapshot's fingerprint, computed the first time it is asked for. */
const fingerprints = new WeakMap<Snapshot, string>();

/**
 * What a snapshot holds, in 16 hex digits: a sha256 over its articles sorted by id (id and content
 * hash each) and the glossary's groups. The same folder gives the same fingerprint on every
 * replica; a changed article, a new one or a changed glossary gives another.
 */
function fingerprintOf(snapshot: Snapshot): string {
  const known = fingerprints.get(snapshot);
  if (known !== undefined) return known;
  const hash = createHash('sha256');
  for (const article of [...snapshot.articles].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) hash.update(`article\0${article.id}\0${article.contentHash}\n`);
  for (const group of snapshot.glossary.groups) hash.update(`glossary\0${group.join('\0')}\n`);
  const fingerprint = hash.digest('hex').slice(0, 16);
  fingerprints.set(snapshot, fingerprint);
  return fingerprint;
}

function countsOfArticles(articles: readonly Article[]): KnowledgeCounts {
  return { articles: articles.length, passages: articles.reduce((sum, article) => sum + splitParagraphs(article.body).length, 0) };
}

function countsOf(snapshot: Snapshot): KnowledgeCounts {
  return { articles: snapshot.articles.length, passages: snapshot.passages.length };
}

/** Articles gone through between two yields of `diffArticles`. */
const DIFF_STEP = 2048;

/** Which articles a reload adds, changes and removes, by id; yields now and then (100k passages are 25k articles). */
function* diffArticles(before: readonly Article[], after: readonly Article[]): Generator<void, Pick<ReloadReport, 'added' | 'changed' | 'removed'>> {
  const old = new Map<string, string>();
  const now = new Set<string>();
  const added: string[] = [];
  const changed: string[] = [];
  const removed: string[] = [];
  let step = 0;
  for (const article of before) {
    old.set(article.id, article.contentHash);
    if (++step % DIFF_STEP === 0) yield;
  }
  for (const article of after) {
    now.add(article.id);
    const hash = old.get(article.id);
    if (hash === undefined) added.push(article.id);
    else if (hash !== article.contentHash) changed.push(article.id);
    if (++step % DIFF_STEP === 0) yield;
  }
  for (const article of before) {
    if (!now.has(article.id)) removed.push(article.id);
    if (++step % DIFF_STEP === 0) yield;
  }
  return { added, changed, removed };
}
