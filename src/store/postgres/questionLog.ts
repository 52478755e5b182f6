import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { LogEntry } from '../../insight/questionLog.js';
import type { QuestionRecords } from '../types.js';
import { describeDatabaseError } from './connection.js';

/** Entries kept in memory while the database can't be reached; past it they are counted as not logged. */
const MAX_BUFFERED = 50_000;

interface Pending {
  readonly key: string;
  readonly entry: LogEntry;
  settle?: () => void;
}

/**
 * The question log in one table for every replica: each entry a row (its JSON as the JSONL log
 * writes it), so `stats` counts every replica's questions. Entries of the same moment are written
 * in one statement. While the database can't be reached they wait in memory (at most 50,000) and
 * are written when it is back; each has a key of its own, so a batch retried after a lost reply
 * is not stored twice. The salt of the user pseudonyms is in the database too, so a user hashes
 * the same on every replica.
 */
export class PostgresQuestionLog implements QuestionRecords {
  #salt: string | undefined;
  readonly #saltReady: Promise<string>;
  #resolveSalt: (salt: string) => void = () => {};
  #pending: Pending[] = [];
  #writing: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #retryMs = 500;
  #failing = false;
  /** Entries dropped because the buffer was full, or still unwritten at close. */
  notLogged = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly keepText: boolean,
    private readonly url: string,
    private readonly logger: Logger,
  ) {
    this.#saltReady = new Promise((resolve) => (this.#resolveSalt = resolve));
  }

  /** Entries waiting to be written. */
  get buffered(): number {
    return this.#pending.length;
  }

  async hashUser(platform: string, userId: string): Promise<string> {
    const salt = this.#salt ?? (await this.#saltReady);
    return createHash('sha256').update(`${salt}:${platform}:${userId}`).digest('hex').slice(0, 16);
  }

  /** Loads (or makes) the shared salt; the store calls it on every connection until it worked. */
  async prepare(): Promise<void> {
    if (this.#salt !== undefined) return;
    await this.pool.query("INSERT INTO apo_settings (name, value) VALUES ('user_salt', $1) ON CONFLICT (name) DO NOTHING", [randomBytes(16).toString('hex')]);
    const { rows } = await this.pool.query<{ value: string }>("SELECT value FROM apo_settings WHERE name = 'user_salt'");
    const salt = rows[0]?.value;
    if (salt === undefined) throw new Error('the user salt could not be stored');
    this.#salt = salt;
    this.#resolveSalt(salt);
  }

  /** Resolves once written, or once the first try failed and the entry waits in memory for the database. */
  append(entry: LogEntry): Promise<void> {
    const kept = this.keepText || entry.type !== 'question' ? entry : (({ question: _q, ...rest }) => rest)(entry);
    if (this.#pending.length >= MAX_BUFFERED) {
      this.notLogged += 1;
      if (this.notLogged % 1000 === 1) this.logger.error({ notLogged: this.notLogged }, 'question log buffer full while the database is unreachable: entries not logged');
      return Promise.resolve();
    }
    return new Promise<void>((settle) => {
      this.#pending.push({ key: randomUUID(), entry: kept as LogEntry, settle });
      this.#timer ??= setTimeout(() => this.#write(), this.#failing ? this.#retryMs : 0);
    });
  }

  async read(): Promise<LogEntry[]> {
    await this.flush();
    const { rows } = await this.pool.query<{ entry: LogEntry }>('SELECT entry FROM apo_question_log ORDER BY at, id');
    return rows.map((row) => row.entry);
  }

  /** Resolves when everything appended is written, or when the database can't take it now. */
  async flush(): Promise<void> {
    while (this.#pending.length > 0 || this.#writing) {
      if (!this.#writing) this.#write();
      await this.#writing;
      if (this.#failing) return;
    }
  }

  /** Writes what it can within `timeoutMs`; what is left is counted (and logged) as not logged. */
  async close(timeoutMs = 3_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.#pending.length > 0 && Date.now() < deadline) {
      await this.flush();
      if (this.#failing) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    clearTimeout(this.#timer);
    if (this.#pending.length > 0) {
      this.notLogged += this.#pending.length;
      this.logger.error({ notLogged: this.#pending.length }, 'question log entries not written: the database could not be reached before shutdown');
      for (const item of this.#pending) item.settle?.();
      this.#pending = [];
    }
  }

  #write(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#writing || this.#pending.length === 0) return;
    const batch = this.#pending.slice(0, 1000);
    this.#writing = this.pool
      .query(
        `INSERT INTO apo_question_log (entry_key, at, type, entry)
         SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::jsonb[])
         ON CONFLICT (entry_key) DO NOTHING`,
        [batch.map((p) => p.key), batch.map((p) => p.entry.at), batch.map((p) => p.entry.type), batch.map((p) => JSON.stringify(p.entry))],
      )
      .then(
        () => {
          this.#pending.splice(0, batch.length);
          for (const item of batch) item.settle?.();
          if (this.#failing) this.logger.info({ written: batch.length }, 'question log: the database is back, buffered entries written');
          this.#failing = false;
          this.#retryMs = 500;
        },
        (error: unknown) => {
          if (!this.#failing) this.logger.warn({ buffered: this.#pending.length }, `${describeDatabaseError(error, this.url)}: question log entries wait in memory until it is back`);
          this.#failing = true;
          // Whoever waits for these entries stops waiting: they are kept and written later.
          for (const item of batch) {
            item.settle?.();
            item.settle = undefined;
          }
          this.#retryMs = Math.min(this.#retryMs * 2, 5_000);
        },
      )
      .finally(() => {
        this.#writing = undefined;
        if (this.#pending.length > 0) this.#timer ??= setTimeout(() => this.#write(), this.#failing ? this.#retryMs : 0);
      });
  }
}
