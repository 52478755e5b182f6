import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { ChatImports, type ApplyResult, type PreviewResult } from './chatImport.js';
import type { Logger } from 'pino';
import type { Answer, AnswerEngine, Audience, EngineStats, ReloadOptions } from './core/index.js';
import { summarize, type InsightReport } from './insight/stats.js';
import { ConversationMemory, type ConversationRef } from './conversations.js';
import type { KnowledgeSync, QuestionRecords, RateLimits, SharedReloadReport } from './store/types.js';

/** Who asks, and where: what the log and the rate limit need to know. */
export interface AskRequest {
  readonly platform: string;
  readonly userId: string;
  /** "channel", "dm", "command", "thread"...: where in the platform it was asked. */
  readonly channelKind: string;
  readonly question: string;
  readonly audience: Audience;
  /**
   * The conversation the question belongs to (a thread, a reply chain, a DM): its earlier turns
   * are handed to the engine, so follow-ups like "who conducted it?" are read in context.
   */
  readonly conversation?: ConversationRef;
  /**
   * Another conversation this question and its answer also belong to, given the same turn: a
   * Discord DM question is part of the DM's recent exchange and starts the reply chain of its answer.
   */
  readonly alsoIn?: ConversationRef;
}

export type AskOutcome =
  /** `knowledgeVersion`: the shared knowledge version that answered (0 without a shared database). */
  | { readonly kind: 'answer'; readonly questionId: string; readonly answer: Answer; readonly knowledgeVersion: number }
  | { readonly kind: 'rate-limited'; readonly questionId: string; readonly retryAfterSeconds: number; readonly message: string }
  | { readonly kind: 'closing'; readonly questionId: string; readonly message: string }
  /** Too many questions are being handled already: answering this one too would only make everyone wait. */
  | { readonly kind: 'busy'; readonly questionId: string; readonly message: string };

export const BUSY_MESSAGE = "I'm busy answering other questions; please ask again in a few seconds.";

export interface AssistantOptions {
  readonly engine: AnswerEngine;
  readonly logger: Logger;
  /** Where questions and votes are recorded (the JSONL log, or the shared database); none when undefined. */
  readonly log?: QuestionRecords;
  /** The per-user limit: in this process, or shared by the replicas. */
  readonly limiter?: RateLimits;
  /** With replicas: spreads reloads to all of them, and names the knowledge version answers come from. */
  readonly sync?: KnowledgeSync;
  /**
   * Most events handled at once (answers being computed and posted, votes, commands); past it a
   * question gets the busy reply at once. Unlimited when undefined or 0.
   */
  readonly maxInFlight?: number;
  /** Where conversations are remembered; a fresh in-memory one by default. */
  readonly conversations?: ConversationMemory;
}

/**
 * What every chat adapter talks to: the engine, plus what running it for real needs around each
 * question. It enforces the per-user rate limit, records questions and votes in the question log,
 * counts the work in flight and answers "busy" past its limit (so a burst gets a quick reply
 * rather than a late answer), and refuses new questions once shutting down.
 */
export class Assistant {
  readonly #engine: AnswerEngine;
  readonly #logger: Logger;
  readonly #log: QuestionRecords | undefined;
  readonly #limiter: RateLimits | undefined;
  readonly #sync: KnowledgeSync | undefined;
  readonly #maxInFlight: number;
  readonly #conversations: ConversationMemory;
  readonly #imports: ChatImports;
  /** Questions turned away as busy since the last one answered, for the log. */
  #turnedAway = 0;
  #closing = false;
  readonly #inFlight = new Set<Promise<unknown>>();
  /** Records are written one after another, in the order questions were asked. */
  #recording: Promise<void> = Promise.resolve();

  constructor(options: AssistantOptions) {
    this.#engine = options.engine;
    this.#logger = options.logger.child({ module: 'assistant' });
    this.#log = options.log;
    this.#limiter = options.limiter;
    this.#sync = options.sync;
    this.#maxInFlight = options.maxInFlight && options.maxInFlight > 0 ? options.maxInFlight : Infinity;
    this.#conversations = options.conversations ?? new ConversationMemory();
    this.#imports = new ChatImports(() => this.#engine.stats().knowledgeDir, () => this.reload({}, 'chat import'));
    // Whatever fails here fails again, and is logged, when the first entry is written.
    this.#log?.prepare().catch((error: unknown) => this.#logger.warn({ err: error }, 'question log could not be opened yet'));
  }

  get closing(): boolean {
    return this.#closing;
  }

  /**
   * Whether the bot has answered in this conversation lately: a Slack thread reply without a
   * mention is answered only then.
   */
  inConversation(platform: string, audience: Audience, conversation: ConversationRef): boolean {
    return this.#conversations.has(platform, audience, conversation);
  }

  /** Step one of a chat import: the article a file would make, nothing written (admins only: the adapter checks). */
  previewImport(request: { platform: string; userId: string; fileName: string; bytes: Uint8Array }): Promise<PreviewResult> {
    return this.#imports.preview(request);
  }

  /** Step two: writes the previewed article, reloads, and records the change in the question log. */
  async applyImport(request: { platform: string; userId: string; token: string }): Promise<ApplyResult> {
    const result = await this.#imports.apply(request);
    if (!result.ok) return result;
    this.#logger.info({ platform: request.platform, articleId: result.articleId, action: result.action, file: result.file, applied: result.report.applied }, 'article imported from chat');
    const log = this.#log;
    if (log) {
      const entry = { type: 'knowledge', at: new Date().toISOString(), platform: request.platform, file: path.basename(result.file), articleId: result.articleId, action: result.action } as const;
      this.#recording = this.#recording
        .then(() => log.hashUser(request.platform, request.userId))
        .then((user) => log.append({ ...entry, user }))
        .catch((error: unknown) => this.#logger.error({ err: error }, 'knowledge change log write failed'));
    }
    return result;
  }

  cancelImport(request: { platform: string; userId: string; token: string }): boolean {
    return this.#imports.cancel(request);
  }

  /** Events being handled now: the backlog, for /readyz and the load benchmark. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** The shared knowledge version this replica answers from (0 without a shared database). */
  get knowledgeVersion(): number {
    return this.#sync?.knowledgeVersion() ?? 0;
  }

  async ask(request: AskRequest): Promise<AskOutcome> {
    const questionId = randomUUID().slice(0, 8);
    if (this.#closing) {
      return { kind: 'closing', questionId, message: 'I am restarting for maintenance; please ask again in a minute.' };
    }
    if (this.#inFlight.size >= this.#maxInFlight) {
      // Once per busy spell, not once per question: a burst would flood the log too.
      if (this.#turnedAway++ === 0) this.#logger.warn({ inFlight: this.#inFlight.size, maxInFlight: this.#maxInFlight }, 'too many questions in flight: replying busy');
      return { kind: 'busy', questionId, message: BUSY_MESSAGE };
    }
    if (this.#turnedAway > 0) {
      this.#logger.info({ turnedAway: this.#turnedAway }, 'answering again after replying busy');
      this.#turnedAway = 0;
    }
    const waitMs = (await this.#limiter?.take(`${request.platform}:${request.userId}`)) ?? 0;
    if (waitMs > 0) {
      const retryAfterSeconds = Math.ceil(waitMs / 1000);
      this.#logger.info({ questionId, platform: request.platform, retryAfterSeconds }, 'question rate-limited');
      return {
        kind: 'rate-limited',
        questionId,
        retryAfterSeconds,
        message: `You're asking faster than I can keep up with. Please wait ${retryAfterSeconds} second${retryAfterSeconds === 1 ? '' : 's'} and ask again.`,
      };
    }
    const conversation = request.conversation;
    const context = conversation ? this.#conversations.turns(request.platform, request.audience, conversation) : [];
    const answer = this.#engine.answer(request.question, { audience: request.audience, ...(context.length > 0 ? { context } : {}) });
    if (answer.turn) {
      for (const ref of [conversation, request.alsoIn]) if (ref) this.#conversations.add(request.platform, request.audience, ref, answer.turn);
    }
    const knowledgeVersion = this.knowledgeVersion;
    this.#record(questionId, request, answer, knowledgeVersion);
    return { kind: 'answer', questionId, answer, knowledgeVersion };
  }

  /** Records whether an answer helped. */
  async vote(vote: { platform: string; userId: string; questionId: string; helpful: boolean }): Promise<void> {
    this.#logger.info({ questionId: vote.questionId, helpful: vote.helpful, platform: vote.platform }, 'answer vote');
    const log = this.#log;
    if (!log) return;
    const at = new Date().toISOString();
    let written: Promise<void> | undefined;
    const queued = this.#recording
      .then(() => log.hashUser(vote.platform, vote.userId))
      .then((user) => {
        written = log.append({ type: 'vote', at, questionId: vote.questionId, platform: vote.platform, user, helpful: vote.helpful });
      });
    // The chain orders entries but does not wait for their writes: the log batches those.
    this.#recording = queued.catch((error: unknown) => this.#logger.error({ err: error }, 'vote log write failed'));
    await queued;
    await written?.catch((error: unknown) => {
      this.#logger.error({ err: error }, 'vote log write failed');
      throw error;
    });
  }

  /**
   * Reloads the knowledge here; with replicas, an applied reload is then broadcast and the report
   * says which replicas loaded it. `requestedBy` names who asked, for the record.
   */
  async reload(options?: ReloadOptions, requestedBy = 'unknown'): Promise<SharedReloadReport> {
    const report = await this.#engine.reload(options);
    if (!this.#sync || !report.applied || report.dryRun) return report;
    return { ...report, replicas: await this.#sync.broadcast(report, requestedBy) };
  }

  stats(): EngineStats {
    return this.#engine.stats();
  }

  /** Questions, answers, topics and declines from the question log. */
  async insight(since?: Date): Promise<InsightReport> {
    await this.flush();
    const entries = this.#log ? await this.#log.read(since) : [];
    return summarize(entries, since);
  }

  /** Resolves when every question and vote so far is written to the log. */
  async flush(): Promise<void> {
    await this.#recording;
    await this.#log?.flush();
  }

  /** Runs an adapter's handling of one event, counting it as in flight until it settles. */
  track<T>(work: Promise<T>): Promise<T> {
    this.#inFlight.add(work);
    const done = (): void => {
      this.#inFlight.delete(work);
    };
    work.then(done, done);
    return work;
  }

  /**
   * Stops taking questions and waits for those in flight, at most `timeoutMs`. Resolves with how
   * many were still running when the wait ended (0 when all finished).
   */
  async close(timeoutMs: number): Promise<number> {
    this.#closing = true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([Promise.allSettled([...this.#inFlight]), timeout]);
    clearTimeout(timer);
    await this.#recording;
    await this.#log?.close();
    return this.#inFlight.size;
  }

  #record(questionId: string, request: AskRequest, answer: Answer, knowledgeVersion: number): void {
    this.#logger.info(
      {
        questionId,
        platform: request.platform,
        channelKind: request.channelKind,
        answered: answer.answered,
        reason: answer.decline?.reason,
        tookMs: answer.tookMs,
        ...(this.#sync ? { knowledgeVersion } : {}),
      },
      'question answered',
    );
    const log = this.#log;
    if (!log) return;
    const top = answer.citations[0];
    this.#recording = this.#recording
      .then(() => log.hashUser(request.platform, request.userId))
      .then((user) => {
        // Not awaited: the log writes entries in batches, and the chain only keeps their order.
        void log
          .append({
          type: 'question',
          at: new Date().toISOString(),
          questionId,
          platform: request.platform,
          user,
          channelKind: request.channelKind,
          question: answer.question,
          chars: answer.question.length,
          answered: answer.answered,
          ...(answer.decline ? { reason: answer.decline.reason } : {}),
          ...(top ? { topArticle: { id: top.id, title: top.title } } : {}),
          latencyMs: answer.tookMs,
          ...(this.#sync ? { knowledgeVersion } : {}),
        })
          .catch((error: unknown) => this.#logger.error({ err: error, questionId }, 'question log write failed'));
      })
      .catch((error: unknown) => this.#logger.error({ err: error, questionId }, 'question log write failed'));
  }
}
