import pg from 'pg';
import { networkCode } from '../../adapter.js';

/** Where the database is, for messages: the URL without its password. */
export function databaseLabel(url: string): string {
  try {
    const parsed = new URL(url);
    const user = parsed.username ? `${decodeURIComponent(parsed.username)}@` : '';
    return `postgres://${user}${parsed.host}${parsed.pathname}`;
  } catch {
    return 'DATABASE_URL';
  }
}

/**
 * One line an operator can act on, for a failed connection or query: what went wrong and where,
 * never the password, never a stack trace.
 */
export function describeDatabaseError(error: unknown, url: string): string {
  const where = databaseLabel(url);
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? (message.split('\n')[0] ?? message) : String(error);
  switch (code) {
    case '28P01':
    case '28000':
      return `the database at ${where} refused the login (${code}: ${text}): check the user and password in DATABASE_URL`;
    case '3D000':
      return `the database at ${where} does not exist (${code}): create it, or fix the name in DATABASE_URL`;
    case '57P01':
    case '57P02':
    case '57P03':
      return `the database at ${where} is shutting down or starting (${code})`;
    default:
      break;
  }
  const network = networkCode(error);
  if (network !== undefined) return `cannot reach the database at ${where} (${network})`;
  if (/terminated|Connection terminated|ended/i.test(text)) return `lost the connection to the database at ${where} (${text})`;
  return `database error at ${where}: ${typeof code === 'string' ? `${code}: ` : ''}${text}`;
}

export interface PoolOptions {
  readonly url: string;
  /** Connections at most; each replica keeps this many, plus two for LISTEN and the Discord lease. */
  readonly size: number;
  /** Shown in pg_stat_activity, so replicas can tell which of them are alive. */
  readonly applicationName: string;
}

/** Connection settings shared by the pool and the dedicated clients. */
export function clientConfig(options: Pick<PoolOptions, 'url' | 'applicationName'>): pg.ClientConfig {
  return {
    connectionString: options.url,
    application_name: options.applicationName.slice(0, 63),
    connectionTimeoutMillis: 5_000,
    keepAlive: true,
    // A query stuck on a dead connection must not hold an answer's bookkeeping forever.
    query_timeout: 15_000,
  };
}

/** The pool every query goes through (node-postgres' `Pool`): small, with bounded waits. */
export function openPool(options: PoolOptions, onError: (error: Error) => void): pg.Pool {
  const pool = new pg.Pool({ ...clientConfig(options), max: options.size, idleTimeoutMillis: 30_000 });
  // An idle connection that breaks (the database restarted) is reported here, never thrown.
  pool.on('error', onError);
  return pool;
}
