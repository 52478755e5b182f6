import type pg from 'pg';
import type { Logger } from 'pino';
import type { ReloadReport } from '../../core/index.js';
import type { KnowledgeSync, ReplicaOutcome, ReplicaReport } from '../types.js';
import { describeDatabaseError } from './connection.js';

/** A replica that has not written its heartbeat for this long is taken for dead. */
export const REPLICA_TIMEOUT_SECONDS = 10;

/** What a replica answers from, as it reports it in apo_replicas. */
export interface KnowledgeCounts {
  readonly articles: number;
  readonly passages: number;
  /** EngineStats.fingerprint: equal on two replicas exactly when they loaded the same knowledge. */
  readonly fingerprint: string;
}

/** The channel of LISTEN/NOTIFY that carries new knowledge versions. */
export const RELOAD_CHANNEL = 'apo_reload';

/**
 * Records a new knowledge version, tells every replica (NOTIFY), and waits until each live one
 * has loaded it (its row in apo_replicas says so) or `waitMs` passed. `self` is the replica that
 * reloaded already (none from the command line).
 */
export async function broadcastReload(
  pool: pg.Pool,
  options: { readonly requestedBy: string; readonly origin: string; readonly waitMs: number; readonly self?: KnowledgeCounts & { readonly id: string; readonly onVersion: (version: number) => void } },
): Promise<ReplicaReport> {
  const { rows } = await pool.query<{ id: string }>('INSERT INTO apo_knowledge_versions (requested_by, origin) VALUES ($1, $2) RETURNING id', [
    options.requestedBy,
    options.origin,
  ]);
  const version = Number(rows[0]?.id);
  if (options.self) {
    // Before the notification: the replica that reloaded must not take its own as news.
    options.self.onVersion(version);
    await pool.query(
      'UPDATE apo_replicas SET knowledge_version = $2, reload_ok = true, reload_error = NULL, articles = $3, passages = $4, fingerprint = $5, last_seen = now() WHERE id = $1',
      [options.self.id, version, options.self.articles, options.self.passages, options.self.fingerprint],
    );
  }
  await pool.query('SELECT pg_notify($1, $2)', [RELOAD_CHANNEL, String(version)]);
  const deadline = Date.now() + options.waitMs;
  let replicas: { id: string; knowledge_version: string; reload_ok: boolean; reload_error: string | null; fingerprint: string | null }[] = [];
  for (;;) {
    ({ rows: replicas } = await pool.query(
      `SELECT id, knowledge_version, reload_ok, reload_error, fingerprint FROM apo_replicas
        WHERE last_seen > now() - make_interval(secs => $1) ORDER BY started_at, id`,
      [REPLICA_TIMEOUT_SECONDS],
    ));
    if (replicas.every((r) => Number(r.knowledge_version) >= version) || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const outcomes: ReplicaOutcome[] = replicas.map((r) =>
    Number(r.knowledge_version) < version
      ? { replica: r.id, applied: false, reason: `did not load it within ${Math.round(options.waitMs / 1000)} s` }
      : Number(r.knowledge_version) > version || r.reload_ok
        ? { replica: r.id, applied: true, ...(r.fingerprint === null ? {} : { fingerprint: r.fingerprint }) }
        : { replica: r.id, applied: false, reason: r.reload_error ?? 'its reload was refused' },
  );
  return { knowledgeVersion: version, replicas: outcomes, ...referenceFingerprint(outcomes, options.self?.fingerprint) };
}

/**
 * The knowledge the replicas should all have loaded: the initiator's, or from the command line
 * the one most replicas loaded. Replicas that loaded another are named in the admin's report.
 */
function referenceFingerprint(outcomes: readonly ReplicaOutcome[], initiator: string | undefined): { fingerprint?: string } {
  if (initiator !== undefined) return { fingerprint: initiator };
  const tally = new Map<string, number>();
  for (const outcome of outcomes) if (outcome.applied && outcome.fingerprint !== undefined) tally.set(outcome.fingerprint, (tally.get(outcome.fingerprint) ?? 0) + 1);
  const [top] = [...tally.entries()].sort((a, b) => b[1] - a[1]);
  return top === undefined ? {} : { fingerprint: top[0] };
}

/** The newest knowledge version recorded (0 when none). */
export async function latestKnowledgeVersion(pool: pg.Pool | pg.Client): Promise<number> {
  const { rows } = await pool.query<{ id: string | null }>('SELECT max(id) AS id FROM apo_knowledge_versions');
  return Number(rows[0]?.id ?? 0);
}

/**
 * This replica's side of shared reloads: it broadcasts the reloads made here, and loads the
 * knowledge again when another replica (or `apo-bot reload`) announced a new version, by NOTIFY
 * or, should a notification be missed while the database restarted, by the heartbeat's look at
 * the newest version.
 */
export class PostgresKnowledgeSync implements KnowledgeSync {
  #version = 0;
  /** The newest version this replica tried to load, applied or not: it is not tried twice. */
  #tried = 0;
  #joined = false;
  #applying: Promise<void> = Promise.resolve();

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: {
      readonly replica: string;
      readonly url: string;
      readonly waitMs: number;
      readonly logger: Logger;
      /** Loads the knowledge folder again on this replica. */
      readonly reloadLocal: () => Promise<ReloadReport>;
      readonly counts: () => KnowledgeCounts;
    },
  ) {}

  knowledgeVersion(): number {
    return this.#version;
  }

  async broadcast(report: ReloadReport, requestedBy: string): Promise<ReplicaReport> {
    const { replica, waitMs } = this.options;
    try {
      const onVersion = (version: number): void => {
        this.#version = Math.max(this.#version, version);
        this.#tried = Math.max(this.#tried, version);
      };
      const result = await broadcastReload(this.pool, { requestedBy, origin: replica, waitMs, self: { id: replica, ...this.options.counts(), onVersion } });
      this.options.logger.info(
        { knowledgeVersion: result.knowledgeVersion, applied: result.replicas.filter((r) => r.applied).length, replicas: result.replicas.length, failed: result.replicas.filter((r) => !r.applied) },
        'reload broadcast to the replicas',
      );
      return result;
    } catch (error) {
      const reason = describeDatabaseError(error, this.options.url);
      this.options.logger.warn({ applied: report.applied }, `${reason}: the reload was applied on this replica only`);
      return { knowledgeVersion: this.#version, replicas: [{ replica, applied: true }], notBroadcast: reason };
    }
  }

  /**
   * On every (re)connection: the first time, this replica joins with the newest version (it has
   * just loaded the folder); later, it catches up with any version announced while it was away.
   */
  async onConnected(): Promise<void> {
    const latest = await latestKnowledgeVersion(this.pool);
    if (!this.#joined) {
      this.#joined = true;
      this.#version = Math.max(this.#version, latest);
      this.#tried = Math.max(this.#tried, latest);
    }
    const counts = this.options.counts();
    await this.pool.query(
      `INSERT INTO apo_replicas (id, knowledge_version, articles, passages, fingerprint) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO UPDATE SET last_seen = now(), knowledge_version = GREATEST(apo_replicas.knowledge_version, $2), articles = $3, passages = $4, fingerprint = $5`,
      [this.options.replica, this.#tried, counts.articles, counts.passages, counts.fingerprint],
    );
    this.catchUp(latest);
  }

  /** Loads `version` unless this replica has already tried it; runs one load at a time, in order. */
  catchUp(version: number): void {
    if (version <= this.#tried) return;
    this.#tried = version;
    this.#applying = this.#applying.then(() => this.#apply(version));
  }

  /** Resolves when the loads asked for so far are done. */
  settled(): Promise<void> {
    return this.#applying;
  }

  async #apply(version: number): Promise<void> {
    const { logger } = this.options;
    let ok = false;
    let reason: string | null = null;
    try {
      const report = await this.options.reloadLocal();
      ok = report.applied;
      if (!ok) reason = `its reload was refused: ${report.errors.length} error(s), first ${report.errors[0] ? `${report.errors[0].file}: ${report.errors[0].message}` : 'unknown'}`;
    } catch (error) {
      reason = `its reload failed: ${(error as Error).message}`;
    }
    if (ok) this.#version = Math.max(this.#version, version);
    if (ok) logger.info({ knowledgeVersion: version }, 'knowledge version loaded, as another replica asked');
    else logger.error({ knowledgeVersion: version, reason }, 'could not load the knowledge version another replica announced: still answering from the previous one');
    const counts = this.options.counts();
    await this.pool
      .query('UPDATE apo_replicas SET knowledge_version = GREATEST(knowledge_version, $2), reload_ok = $3, reload_error = $4, articles = $5, passages = $6, fingerprint = $7, last_seen = now() WHERE id = $1', [
        this.options.replica,
        version,
        ok,
        reason,
        counts.articles,
        counts.passages,
        counts.fingerprint,
      ])
      .catch((error: unknown) => logger.warn(`${describeDatabaseError(error, this.options.url)}: could not report the reload`));
  }

  /** The heartbeat: this replica is alive; and the newest version, in case a notification was missed. */
  async heartbeat(): Promise<void> {
    const { rows } = await this.pool.query<{ latest: string | null }>(
      'WITH seen AS (UPDATE apo_replicas SET last_seen = now() WHERE id = $1) SELECT max(id) AS latest FROM apo_knowledge_versions',
      [this.options.replica],
    );
    this.catchUp(Number(rows[0]?.latest ?? 0));
  }

  /** Leaves the list of replicas, so a reload does not wait for this one. */
  async leave(): Promise<void> {
    await this.pool.query('DELETE FROM apo_replicas WHERE id = $1', [this.options.replica]);
  }
}
