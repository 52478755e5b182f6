import pg from 'pg';
import type { Logger } from 'pino';
import type { ReloadReport } from '../../core/index.js';
import { PostgresEventClaims } from './claims.js';
import { clientConfig, databaseLabel, describeDatabaseError, openPool } from './connection.js';
import { PostgresKnowledgeSync, RELOAD_CHANNEL, type KnowledgeCounts } from './knowledgeSync.js';
import { PostgresLease } from './lease.js';
import { migrate } from './migrations.js';
import { PostgresQuestionLog } from './questionLog.js';
import { PostgresRateLimits } from './rateLimits.js';

export interface PostgresStoreOptions {
  readonly url: string;
  readonly poolSize: number;
  /** This replica's name, unique among the replicas: in logs, reload reports and pg_stat_activity. */
  readonly replica: string;
  readonly logger: Logger;
  readonly rateLimitPerMinute: number;
  /** Keep question texts in the log. */
  readonly keepText: boolean;
  /** How long a reload waits for the other replicas to load the new knowledge. */
  readonly reloadWaitMs: number;
  readonly reloadLocal: () => Promise<ReloadReport>;
  /** What this replica answers from: counts, and the fingerprint of its knowledge (see EngineStats). */
  readonly counts: () => KnowledgeCounts;
  /** Heartbeat period; replicas silent for 10 s are taken for dead. Default 2 s. */
  readonly heartbeatMs?: number;
}

const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;

/**
 * Everything replicas share, in PostgreSQL: event claims, rate limits, the question log, reload
 * broadcasts and the Discord gateway lease, over one small pool plus one connection that LISTENs
 * for reloads. `start()` returns at once and connects in the background: the schema is migrated,
 * then this replica joins; when the database can't be reached it says why in one line and tries
 * again after 1 s, 2 s, 4 s… up to 10 s, and `status()` (for /readyz) says so meanwhile. Every
 * part falls back to this process alone while the database is away, so the bot keeps answering.
 */
export class PostgresStore {
  readonly claims: PostgresEventClaims;
  readonly limits: PostgresRateLimits;
  readonly log: PostgresQuestionLog;
  readonly knowledge: PostgresKnowledgeSync;
  readonly #pool: pg.Pool;
  readonly #logger: Logger;
  readonly #appName: string;
  #listener: pg.Client | undefined;
  #status = 'connecting';
  #ready = false;
  #closed = false;
  #heartbeat: NodeJS.Timeout | undefined;
  #retry: NodeJS.Timeout | undefined;
  #connecting: Promise<void> | undefined;
  #beats = 0;

  constructor(private readonly options: PostgresStoreOptions) {
    this.#logger = options.logger.child({ module: 'store' });
    this.#appName = `apo-bot ${options.replica}`.slice(0, 63);
    this.#pool = openPool({ url: options.url, size: options.poolSize, applicationName: this.#appName }, (error) =>
      this.#logger.warn(`${describeDatabaseError(error, options.url)}: an idle database connection broke`),
    );
    this.claims = new PostgresEventClaims(this.#pool, options.replica, options.url, this.#logger);
    this.limits = new PostgresRateLimits(this.#pool, options.rateLimitPerMinute, options.url, this.#logger);
    this.log = new PostgresQuestionLog(this.#pool, options.keepText, options.url, this.#logger.child({ module: 'question-log' }));
    this.knowledge = new PostgresKnowledgeSync(this.#pool, {
      replica: options.replica,
      url: options.url,
      waitMs: options.reloadWaitMs,
      logger: this.#logger,
      reloadLocal: options.reloadLocal,
      counts: options.counts,
    });
  }

  get replica(): string {
    return this.options.replica;
  }

  /** For /readyz: `ready`, or `connecting: <why not>`. */
  status(): { ok: boolean; detail: string } {
    return { ok: this.#ready, detail: this.#status };
  }

  /** Connects in the background; resolves after the first try, whatever its outcome. */
  start(): Promise<void> {
    return this.#connectLoop(1_000);
  }

  /** A lease on a connection of its own, e.g. for the Discord gateway. */
  lease(name: string): PostgresLease {
    return new PostgresLease({ url: this.options.url, applicationName: this.#appName, name, logger: this.#logger });
  }

  /** Resolves once connected (for tests and the command line); rejects after `timeoutMs`. */
  async whenReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.#ready) {
      if (Date.now() > deadline) throw new Error(`the database is not ready: ${this.#status}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    clearInterval(this.#heartbeat);
    await this.#connecting?.catch(() => undefined);
    await this.log.close();
    if (this.#ready) await this.knowledge.leave().catch(() => undefined);
    const listener = this.#listener;
    this.#listener = undefined;
    await listener?.end().catch(() => undefined);
    await this.#pool.end().catch(() => undefined);
  }

  #connectLoop(delayMs: number): Promise<void> {
    this.#connecting = this.#connect().then(
      () => {
        this.#connecting = undefined;
      },
      (error: unknown) => {
        this.#connecting = undefined;
        if (this.#closed) return;
        const reason = describeDatabaseError(error, this.options.url);
        this.#ready = false;
        this.#status = `connecting: ${reason}; next try in ${seconds(delayMs)}`;
        this.#logger.warn({ retryInMs: delayMs }, `${reason} (check DATABASE_URL and the network); retrying in ${seconds(delayMs)}; answering from memory meanwhile`);
        this.#retry = setTimeout(() => void this.#connectLoop(Math.min(delayMs * 2, 10_000)), delayMs);
      },
    );
    return this.#connecting;
  }

  async #connect(): Promise<void> {
    const applied = await migrate(this.#pool);
    if (applied.length > 0) this.#logger.info({ versions: applied }, 'database schema migrated');
    const listener = new pg.Client({ ...clientConfig({ url: this.options.url, applicationName: this.#appName }), query_timeout: undefined });
    listener.on('error', () => this.#lostListener(listener));
    listener.on('end', () => this.#lostListener(listener));
    listener.on('notification', (message) => {
      const version = Number(message.payload);
      if (message.channel === RELOAD_CHANNEL && Number.isInteger(version)) this.knowledge.catchUp(version);
    });
    try {
      await listener.connect();
      await listener.query(`LISTEN ${RELOAD_CHANNEL}`);
    } catch (error) {
      listener.end().catch(() => undefined);
      throw error;
    }
    if (this.#closed) {
      await listener.end();
      return;
    }
    this.#listener = listener;
    try {
      // The LISTEN connection stands for this replica's life: its event claims name this session.
      // Should this machine stop answering, the server must end the session in seconds (another
      // replica then takes its events over), not after the kernel's two hours.
      await listener.query('SET tcp_keepalives_idle = 5; SET tcp_keepalives_interval = 3; SET tcp_keepalives_count = 3');
      const { rows } = await listener.query<{ pid: number; started: string }>('SELECT pid, backend_start::text AS started FROM pg_stat_activity WHERE pid = pg_backend_pid()');
      const session = rows[0];
      if (session === undefined) throw new Error('the database did not show this connection in pg_stat_activity');
      await this.claims.setSession(session);
      await this.log.prepare();
      await this.knowledge.onConnected();
    } catch (error) {
      // The next try opens a connection of its own: this one must not stay open beside it.
      this.#listener = undefined;
      void this.claims.setSession(undefined);
      listener.end().catch(() => undefined);
      throw error;
    }
    this.#ready = true;
    this.#status = 'ready';
    this.#logger.info({ database: databaseLabel(this.options.url), replica: this.options.replica }, 'connected to the shared database');
    clearInterval(this.#heartbeat);
    this.#heartbeat = setInterval(() => void this.#beat(), this.options.heartbeatMs ?? 2_000);
    this.#heartbeat.unref();
  }

  async #beat(): Promise<void> {
    try {
      await this.knowledge.heartbeat();
      // Once a minute or so: forget claims and rate limits past any use.
      if (this.#beats++ % 30 === 0) await Promise.all([this.claims.expire(), this.limits.expire()]);
    } catch (error) {
      this.#logger.debug({ err: error }, 'heartbeat failed');
    }
  }

  #lostListener(listener: pg.Client): void {
    if (listener !== this.#listener || this.#closed) return;
    this.#listener = undefined;
    void this.claims.setSession(undefined);
    listener.end().catch(() => undefined);
    clearInterval(this.#heartbeat);
    this.#ready = false;
    this.#status = 'connecting: lost the connection to the database';
    this.#logger.warn(`lost the connection to the database at ${databaseLabel(this.options.url)}: reconnecting; answering from memory meanwhile`);
    void this.#connectLoop(500);
  }
}
