import type pg from 'pg';
import type { Logger } from 'pino';
import { RateLimiter } from '../../rateLimit.js';
import type { RateLimits } from '../types.js';
import { describeDatabaseError } from './connection.js';

/**
 * The per-user limit shared by every replica: a sliding window of the user's recent questions in
 * one row, trimmed and extended in one statement (the row lock orders replicas asking for the
 * same user at once), with the database's clock. While the database can't be reached, each
 * replica limits on its own, as a single process does.
 */
export class PostgresRateLimits implements RateLimits {
  readonly #local: RateLimiter;
  #warnedAt = 0;

  constructor(
    private readonly pool: pg.Pool,
    readonly limit: number,
    private readonly url: string,
    private readonly logger: Logger,
    readonly windowMs = 60_000,
  ) {
    this.#local = new RateLimiter(limit, windowMs);
  }

  async take(key: string): Promise<number> {
    if (this.limit <= 0) return 0;
    try {
      const { rows } = await this.pool.query<{ allowed: boolean; wait_ms: string }>(
        `WITH kept AS (
           INSERT INTO apo_rate_limits AS r (key, hits) VALUES ($1, ARRAY[now()])
           ON CONFLICT (key) DO UPDATE SET hits = CASE
             WHEN (SELECT count(*) FROM unnest(r.hits) h WHERE h > now() - make_interval(secs => $3::float8 / 1000)) >= $2
               THEN ARRAY(SELECT h FROM unnest(r.hits) h WHERE h > now() - make_interval(secs => $3::float8 / 1000) ORDER BY h)
             ELSE ARRAY(SELECT h FROM unnest(r.hits) h WHERE h > now() - make_interval(secs => $3::float8 / 1000) ORDER BY h) || now()
           END
           RETURNING hits)
         SELECT hits[cardinality(hits)] = now() AS allowed,
                ceil(extract(epoch FROM (hits[1] + make_interval(secs => $3::float8 / 1000) - now())) * 1000) AS wait_ms
           FROM kept`,
        [key, this.limit, this.windowMs],
      );
      const row = rows[0];
      if (!row || row.allowed) return 0;
      return Math.max(1, Number(row.wait_ms));
    } catch (error) {
      if (Date.now() - this.#warnedAt > 60_000) {
        this.#warnedAt = Date.now();
        this.logger.warn(`${describeDatabaseError(error, this.url)}: rate limits are per replica until it is back`);
      }
      return this.#local.take(key);
    }
  }

  /** Forgets users whose window has passed. */
  async expire(): Promise<void> {
    await this.pool.query('DELETE FROM apo_rate_limits WHERE hits[cardinality(hits)] < now() - make_interval(secs => $1::float8 / 1000)', [this.windowMs]);
  }
}
