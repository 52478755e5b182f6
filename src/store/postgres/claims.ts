import type pg from 'pg';
import type { Logger } from 'pino';
import { MemoryEventClaims, OWN_CLAIM, type Claim, type EventClaims } from '../types.js';
import { describeDatabaseError } from './connection.js';

/** How long a replica that lost a claim waits for its live owner to finish, at most. */
const WAIT_FOR_OWNER_MS = 60_000;

/**
 * After a takeover, how long the taker waits before it looks for the dead owner's reply: a reply
 * the owner sent in its last instant may still be on its way to the chat service.
 */
export const TAKEOVER_SETTLE_MS = 1_000;

/**
 * A database session: its backend's pid and start time, unique together for the server's life.
 * The time as PostgreSQL's text, to the microsecond (a JavaScript Date would cut it to the ms).
 */
export interface DatabaseSession {
  readonly pid: number;
  readonly started: string;
}

/**
 * Claims in PostgreSQL: a row per event key, inserted by the first replica to get the event
 * (`ON CONFLICT DO NOTHING` makes exactly one insert win), naming the owner's database session
 * (the replica's LISTEN connection). The winner handles the event and marks it done. A replica
 * that lost waits for the owner to be done, and takes the event over only once the owner's
 * session is gone from pg_stat_activity (the owner's process died: a kill -9 closes its
 * connections at once), so an event that reached a live replica is never lost and a live owner
 * never loses its claim. The handler that takes over is told so (`Claim.takenOver`) and looks for
 * the dead owner's reply before posting one; an owner whose session broke and came back asks
 * `stillMine()` before posting. While the database can't be reached (or this replica's session
 * is down), claims fall back to this process's memory: a question is answered (perhaps twice)
 * rather than dropped. Rows expire after an hour (`expire`), far past Slack's retries.
 */
export class PostgresEventClaims implements EventClaims {
  readonly #local = new MemoryEventClaims(20_000);
  /** Keys this process is handling now (claimed in the database and not done). */
  readonly #handling = new Set<string>();
  #session: DatabaseSession | undefined;
  #warnedAt = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly replica: string,
    private readonly url: string,
    private readonly logger: Logger,
  ) {}

  /**
   * The session that stands for this replica's life, once (re)connected; undefined while it is
   * down. Claims this process is still handling move to the new session, so they stay its own.
   */
  async setSession(session: DatabaseSession | undefined): Promise<void> {
    this.#session = session;
    if (session === undefined || this.#handling.size === 0) return;
    await this.pool.query('UPDATE apo_event_claims SET owner_pid = $1, owner_started = $2 WHERE key = ANY($3) AND replica = $4 AND NOT done', [
      session.pid,
      session.started,
      [...this.#handling],
      this.replica,
    ]);
  }

  async once(key: string, handle: (claim: Claim) => Promise<void>): Promise<boolean> {
    // A repeat delivered to this same process is dropped without asking the database.
    if (!this.#local.firstTime(key)) return false;
    let outcome: 'new' | 'taken-over' | 'not-mine';
    try {
      outcome = await this.#claim(key);
    } catch (error) {
      this.#warn(error, key);
      await handle(OWN_CLAIM);
      return true;
    }
    if (outcome === 'not-mine') return false;
    this.#handling.add(key);
    try {
      await handle({ takenOver: outcome === 'taken-over', stillMine: () => this.#stillMine(key) });
    } finally {
      this.#handling.delete(key);
      await this.pool.query('UPDATE apo_event_claims SET done = true WHERE key = $1 AND replica = $2', [key, this.replica]).catch(() => undefined);
    }
    return true;
  }

  async #stillMine(key: string): Promise<boolean> {
    try {
      const { rows } = await this.pool.query<{ replica: string }>('SELECT replica FROM apo_event_claims WHERE key = $1', [key]);
      const owner = rows[0]?.replica;
      if (owner === undefined || owner === this.replica) return true;
      this.logger.warn({ key, replica: owner }, 'another replica took this event over while the database connection was down: it answers, not this one');
      return false;
    } catch {
      return true;
    }
  }

  /** Whether this replica owns `key` now, as a new claim or taken over from a dead owner. */
  async #claim(key: string): Promise<'new' | 'taken-over' | 'not-mine'> {
    const session = this.#session;
    if (session === undefined) throw new Error('this replica is not connected to the database');
    const started = Date.now();
    let pause = 50;
    for (;;) {
      const inserted = await this.pool.query(
        'INSERT INTO apo_event_claims (key, replica, owner_pid, owner_started) VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO NOTHING',
        [key, this.replica, session.pid, session.started],
      );
      if (inserted.rowCount === 1) return 'new';
      const { rows } = await this.pool.query<{ done: boolean; replica: string; owner_pid: number | null; alive: boolean }>(
        `SELECT c.done, c.replica, c.owner_pid,
                EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = c.owner_pid AND a.backend_start = c.owner_started) AS alive
           FROM apo_event_claims c WHERE c.key = $1`,
        [key],
      );
      const row = rows[0];
      if (row === undefined) continue; // expired between the two statements: claim it again
      if (row.done) return 'not-mine';
      if (!row.alive) {
        const taken = await this.pool.query(
          `UPDATE apo_event_claims SET replica = $2, owner_pid = $3, owner_started = $4, claimed_at = now()
            WHERE key = $1 AND replica = $5 AND owner_pid IS NOT DISTINCT FROM $6 AND NOT done`,
          [key, this.replica, session.pid, session.started, row.replica, row.owner_pid],
        );
        if (taken.rowCount === 1) {
          this.logger.warn({ key, deadReplica: row.replica }, 'took over an event whose replica died before it was done');
          await new Promise((resolve) => setTimeout(resolve, TAKEOVER_SETTLE_MS));
          return 'taken-over';
        }
        continue;
      }
      if (Date.now() - started > WAIT_FOR_OWNER_MS) return 'not-mine';
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
