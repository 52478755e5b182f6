import type { LogEntry } from '../../insight/questionLog.js';
import type { ReplicaReport } from '../types.js';
import { describeDatabaseError, openPool } from './connection.js';
import { broadcastReload } from './knowledgeSync.js';
import { migrate } from './migrations.js';

/** A database error for the command line: one line, no stack trace. */
export class DatabaseCommandError extends Error {}

async function withPool<T>(url: string, run: (pool: ReturnType<typeof openPool>) => Promise<T>): Promise<T> {
  const pool = openPool({ url, size: 2, applicationName: 'apo-bot cli' }, () => {});
  try {
    await migrate(pool);
    return await run(pool);
  } catch (error) {
    throw new DatabaseCommandError(describeDatabaseError(error, url));
  } finally {
    await pool.end().catch(() => undefined);
  }
}

/** `apo-bot reload` with DATABASE_URL: every running replica loads the knowledge again. */
export function reloadReplicas(url: string, options: { requestedBy: string; waitMs: number }): Promise<ReplicaReport> {
  return withPool(url, (pool) => broadcastReload(pool, { ...options, origin: 'command line' }));
}

/** Every entry of the shared question log, oldest first. */
export function readSharedQuestionLog(url: string): Promise<LogEntry[]> {
  return withPool(url, async (pool) => (await pool.query<{ entry: LogEntry }>('SELECT entry FROM apo_question_log ORDER BY at, id')).rows.map((row) => row.entry));
}
