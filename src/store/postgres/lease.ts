import pg from 'pg';
import type { Logger } from 'pino';
import { sleep, StoppedError } from '../../adapter.js';
import type { Lease } from '../types.js';
import { clientConfig, describeDatabaseError } from './connection.js';

export interface LeaseOptions {
  readonly url: string;
  readonly applicationName: string;
  /** What the lease is for; its advisory lock key is derived from it. */
  readonly name: string;
  readonly logger: Logger;
  /** How often a replica without the lease tries to take it, and the holder checks it still has it. */
  readonly checkEveryMs?: number;
}

/**
 * A lease held as a session-level advisory lock on a connection of its own. PostgreSQL lets go of
 * it as soon as that connection ends: when the holder exits, is killed, or its machine stops
 * answering (TCP keepalives, set short on this connection, find that out within about 20 s). The
 * others try to take it every few seconds; the holder checks its connection as often and gives
 * the lease up at once when the connection breaks, so two replicas never both think they hold it.
 */
export class PostgresLease implements Lease {
  #client: pg.Client | undefined;
  #lost: Promise<void> | undefined;
  #markLost: () => void = () => {};
  #check: NodeJS.Timeout | undefined;
  readonly #everyMs: number;

  constructor(private readonly options: LeaseOptions) {
    this.#everyMs = options.checkEveryMs ?? 3_000;
  }

  async acquire(signal: AbortSignal, onStandby?: () => void): Promise<void> {
    let lastProblem = '';
    for (;;) {
      if (signal.aborted) throw new StoppedError(this.options.name);
      try {
        if (await this.#tryAcquire()) return;
        onStandby?.();
      } catch (error) {
        const problem = describeDatabaseError(error, this.options.url);
        if (problem !== lastProblem) this.options.logger.warn(`${problem}: cannot take the ${this.options.name} lease yet`);
        lastProblem = problem;
        await this.#drop();
      }
      await sleep(this.#everyMs, signal, this.options.name);
    }
  }

  lost(): Promise<void> {
    return this.#lost ?? Promise.resolve();
  }

  async release(): Promise<void> {
    const client = this.#client;
    clearInterval(this.#check);
    if (client) await client.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
    await this.#drop();
  }

  async #tryAcquire(): Promise<boolean> {
    const client = this.#client ?? (await this.#connect());
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [`apo-bot:${this.options.name}`]);
    if (!rows[0]?.locked) return false;
    this.#lost = new Promise((resolve) => (this.#markLost = resolve));
    this.#check = setInterval(() => {
      client.query('SELECT 1').catch(() => this.#onBroken(client));
    }, this.#everyMs);
    return true;
  }

  async #connect(): Promise<pg.Client> {
    const client = new pg.Client({ ...clientConfig(this.options), query_timeout: this.#everyMs });
    client.on('error', () => this.#onBroken(client));
    client.on('end', () => this.#onBroken(client));
    await client.connect();
    // A dead holder's machine must free the lock in seconds, not after the kernel's two hours.
    await client.query('SET tcp_keepalives_idle = 5; SET tcp_keepalives_interval = 3; SET tcp_keepalives_count = 3');
    this.#client = client;
    return client;
  }

  #onBroken(client: pg.Client): void {
    if (client !== this.#client) return;
    this.#client = undefined;
    clearInterval(this.#check);
    client.end().catch(() => undefined);
    this.#markLost();
  }

  async #drop(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    clearInterval(this.#check);
    this.#markLost();
    await client?.end().catch(() => undefined);
  }
}

