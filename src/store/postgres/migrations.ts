import type pg from 'pg';

/**
 * The schema, as numbered steps applied in order, each once. A step is never edited after it
 * shipped: a change is a new step. Every table is prefixed `apo_`, so the bot can share a database.
 */
export const MIGRATIONS: readonly { readonly version: number; readonly name: string; readonly sql: string }[] = [
  {
    version: 1,
    name: 'shared state for replicas',
    sql: `
      CREATE TABLE apo_event_claims (
        key text PRIMARY KEY,
        replica text NOT NULL,
        claimed_at timestamptz NOT NULL DEFAULT now(),
        done boolean NOT NULL DEFAULT false
      );
      CREATE INDEX apo_event_claims_claimed_at ON apo_event_claims (claimed_at);

      CREATE TABLE apo_rate_limits (
        key text PRIMARY KEY,
        hits timestamptz[] NOT NULL
      );

      CREATE TABLE apo_question_log (
        id bigserial PRIMARY KEY,
        entry_key text NOT NULL UNIQUE,
        at timestamptz NOT NULL,
        type text NOT NULL,
        entry jsonb NOT NULL
      );
      CREATE INDEX apo_question_log_at ON apo_question_log (at);

      CREATE TABLE apo_settings (
        name text PRIMARY KEY,
        value text NOT NULL
      );

      CREATE TABLE apo_knowledge_versions (
        id bigserial PRIMARY KEY,
        requested_at timestamptz NOT NULL DEFAULT now(),
        requested_by text NOT NULL,
        origin text NOT NULL
      );

      CREATE TABLE apo_replicas (
        id text PRIMARY KEY,
        started_at timestamptz NOT NULL DEFAULT now(),
        last_seen timestamptz NOT NULL DEFAULT now(),
        knowledge_version bigint NOT NULL DEFAULT 0,
        reload_ok boolean NOT NULL DEFAULT true,
        reload_error text,
        articles integer NOT NULL DEFAULT 0,
        passages integer NOT NULL DEFAULT 0
      );
    `,
  },
  {
    version: 2,
    name: 'event claims name the database session of their owner; replicas report their knowledge fingerprint',
    // The owner is alive while this session (its LISTEN connection) is: a replica restarted under
    // the same name is a new session, so the claims of the process that died are taken over.
    sql: `
      ALTER TABLE apo_event_claims ADD COLUMN owner_pid integer, ADD COLUMN owner_started timestamptz;
      ALTER TABLE apo_replicas ADD COLUMN fingerprint text;
    `,
  },
];

/** Any number: the key of the advisory lock that lets one replica migrate at a time. */
const MIGRATION_LOCK = 4_471_113;

/**
 * Brings the schema up to date. Safe when several replicas start at once: each runs in one
 * transaction under an advisory lock, so the others wait and then find nothing left to do.
 * Returns the versions applied now.
 */
export async function migrate(pool: pg.Pool): Promise<number[]> {
  const client = await pool.connect();
  // A client checked out of the pool has no 'error' listener of the pool's: should the database
  // go away between two of these statements (a restart), node-postgres would emit the broken
  // socket as an unheard 'error' and end the process. Here it fails the statement in progress.
  let broken: Error | undefined;
  const onError = (error: Error): void => {
    broken = error;
  };
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS apo_schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ version: number }>('SELECT version FROM apo_schema_migrations');
    const done = new Set(rows.map((row) => row.version));
    const applied: number[] = [];
    for (const step of MIGRATIONS) {
      if (done.has(step.version)) continue;
      await client.query(step.sql);
      await client.query('INSERT INTO apo_schema_migrations (version, name) VALUES ($1, $2)', [step.version, step.name]);
      applied.push(step.version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (error) {
    if (broken === undefined) await client.query('ROLLBACK').catch(() => undefined);
    broken ??= error as Error;
    throw error;
  } finally {
    client.off('error', onError);
    // A client that failed is not handed out again: the pool drops it.
    client.release(broken);
  }
}
