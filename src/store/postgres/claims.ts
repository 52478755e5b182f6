import type pg from 'pg';
import type { Logger } from 'pino';
import { MemoryEventClaims, type EventClaims } from '../types.js';
import { describeDatabaseError } from './connection.js';

/** How long a replica that lost a claim waits for its owner to finish, at most. */
const WAIT_FOR_OWNER_MS = 60_000;

/**
 * Claims in PostgreSQL: a row per event key, inserted by the first replica to get the event
 * (`ON CONFLICT DO NOTHING` makes exactly one insert win). The winner handles the event and marks
 * it done. A replica that lost waits for the owner to be done, and takes the event over when the
 * owner dies first (its connections are gone from pg_stat_activity), so an event that reached a
 * live replica is never lost. While the database can't be reached, claims fall back to this
 * process's memory: a question is answered (perhaps twice) rather than dropped. Rows expire after
 * an hour (`expire`), far past Slack's retries.
 */
export class PostgresEventClaims implements EventClaims {
  readonly #local = new MemoryEventClaims(20_000);
  #warnedAt = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly replica: string,
    private readonly url: string,
    private readonly logger: Logger,
  ) {}

  async once(key: string, handle: () => Promise<void>): Promise<boolean> {
    // A repeat delivered to this same process is dropped without asking the database.
    if (!this.#local.firstTime(key)) return false;
    let mine: boolean;
    try {
      mine = await this.#claim(key);
    } catch (error) {
      this.#warn(error, key);
      mine = true;
    }
    if (!mine) return false;
    try {
      await handle();
    } finally {
      await this.pool.query('UPDATE apo_event_claims SET done = true WHERE key = $1', [key]).catch(() => undefined);
    }
    return true;
  }

  /** True once this replica owns `key`; false when another replica handled it or still is. */
  async #claim(key: string): Promise<boolean> {
    const started = Date.now();
    let pause = 50;
    for (;;) {
      const inserted = await this.pool.query('INSERT INTO apo_event_claims (key, replica) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [key, this.replica]);
      if (inserted.rowCount === 1) return true;
      const { rows } = await this.pool.query<{ done: boolean; replica: string; alive: boolean }>(
        `SELECT c.done, c.replica,
                EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.application_name = left('apo-bot ' || c.replica, 63)) AS alive
           FROM apo_event_claims c WHERE c.key = $1`,
        [key],
      );
      const row = rows[0];
      if (row === undefined) continue; // expired between the two statements: claim it again
      if (row.done) return false;
      if (!row.alive) {
        const taken = await this.pool.query('UPDATE apo_event_claims SET replica = $2, claimed_at = now() WHERE key = $1 AND replica = $3 AND NOT done', [
          key,
          this.replica,
          row.replica,
        ]);
        if (taken.rowCount === 1) {
          this.logger.warn({ key, deadReplica: row.replica }, 'took over an event whose replica died before answering it');
          return true;
        }
        continue;
      }
      if (Date.now() - started > WAIT_FOR_OWNER_MS) return false;
      await new Promise((resolve) => setTimeout(resolve, pause));
      pause = Math.min(pause * 2, 1_000);
    }
  }

  /** Forgets claims past any retry. */
  async expire(): Promise<void> {
    await this.pool.query("DELETE FROM apo_event_claims WHERE claimed_at < now() - interval '1 hour'");
  }

  #warn(error: unknown, key: string): void {
    // Once a minute at most: an outage would otherwise log every event.
    if (Date.now() - this.#warnedAt < 60_000) return;
    this.#warnedAt = Date.now();
    this.logger.warn({ key }, `${describeDatabaseError(error, this.url)}: events are de-duplicated in this replica only until it is back`);
  }
}
