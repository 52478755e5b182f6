import type { ReloadReport } from '../core/index.js';
import type { LogEntry } from '../insight/questionLog.js';

/**
 * The state that replicas share, as small interfaces with two implementations each: in-process
 * (one bot process, the default) and PostgreSQL (`DATABASE_URL`, any number of replicas). The
 * assistant and the adapters see only these.
 */

/** What a handler is told about the claim it runs under. */
export interface Claim {
  /**
   * This replica took the event over from one that died while handling it (its database session
   * ended before it marked the event done). The dead one may have posted its reply already: the
   * handler looks in the chat for a reply carrying the event key before it posts one.
   */
  readonly takenOver: boolean;
  /**
   * Whether the event is still this replica's to answer: false once another replica took it over
   * (this one's database session broke meanwhile). Asked right before posting; true when the
   * database can't say (an answer rather than none).
   */
  stillMine(): Promise<boolean>;
}

/** The claim of a replica alone (no database): always its own, never taken over. */
export const OWN_CLAIM: Claim = { takenOver: false, stillMine: () => Promise.resolve(true) };

/** Decides which replica handles an event (a Slack delivery, a Discord message or interaction). */
export interface EventClaims {
  /**
   * Runs `handle` when this replica is the one to handle the event `key`, and resolves whether it
   * ran. A repeat of a key already handled (here or by another replica) does not run; nor does one
   * another replica is handling now, unless that replica dies before it is done: then this one
   * runs it with `claim.takenOver`.
   */
  once(key: string, handle: (claim: Claim) => Promise<void>): Promise<boolean>;
}

/** The per-user limit on questions. `RateLimiter` (in-process) satisfies it. */
export interface RateLimits {
  /** Records a question for `key`; 0 when allowed, else the milliseconds until it would be. */
  take(key: string): number | Promise<number>;
}

/** Where questions, votes and knowledge changes are recorded and read back for the stats. */
export interface QuestionRecords {
  /** A stable pseudonym for a user, the same on every replica; never the id itself. */
  hashUser(platform: string, userId: string): Promise<string>;
  /** Appends an entry; resolves once it is stored. */
  append(entry: LogEntry): Promise<void>;
  /** Every entry, oldest first (`since` may leave older ones out, but keeps what votes need). */
  read(since?: Date): Promise<LogEntry[]>;
  /** Opens what the first entries need (a file, a salt) ahead of them. */
  prepare(): Promise<void>;
  /** Resolves when every entry appended so far is stored (or counted as not logged). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** One replica's part in a reload that was broadcast. */
export interface ReplicaOutcome {
  readonly replica: string;
  /** `applied`: it answers from the new knowledge; otherwise why not. */
  readonly applied: boolean;
  readonly reason?: string;
  /** The fingerprint of the knowledge it answers from now (EngineStats.fingerprint), when known. */
  readonly fingerprint?: string;
}

/** How a reload reached the other replicas. */
export interface ReplicaReport {
  /** The knowledge version every replica was asked to load. */
  readonly knowledgeVersion: number;
  /** Replicas alive when the reload was broadcast, this one included. */
  readonly replicas: readonly ReplicaOutcome[];
  /**
   * The knowledge every replica should have loaded: the initiator's fingerprint (from the command
   * line, the one most replicas loaded). A replica that applied the reload with another one reads
   * a different folder.
   */
  readonly fingerprint?: string;
  /** Set when the broadcast could not be made (the database is unreachable): only this replica reloaded. */
  readonly notBroadcast?: string;
}

/** A reload report, with how the other replicas took it when there are any. */
export type SharedReloadReport = ReloadReport & { readonly replicas?: ReplicaReport };

/** Spreads an applied reload to every replica, and says which knowledge version this one serves. */
export interface KnowledgeSync {
  /** Asks every other replica to load the knowledge again; resolves once they did, or the wait ran out. */
  broadcast(report: ReloadReport, requestedBy: string): Promise<ReplicaReport>;
  /** The knowledge version this replica answers from (0 before any shared reload). */
  knowledgeVersion(): number;
}

/** Exclusive ownership of something only one replica may do at a time (the Discord gateway). */
export interface Lease {
  /**
   * Resolves once this replica holds the lease; waits while another one does (`onStandby` is
   * called each time a try finds it held). Rejects when `signal` aborts.
   */
  acquire(signal: AbortSignal, onStandby?: () => void): Promise<void>;
  /** Resolves when a held lease is lost (the database connection that holds it broke). */
  lost(): Promise<void>;
  /** Lets go of the lease, so another replica takes over at once. */
  release(): Promise<void>;
}

/** In-process claims: the last few thousand keys, so a repeat delivery to this process runs once. */
export class MemoryEventClaims implements EventClaims {
  readonly #keys = new Set<string>();
  constructor(readonly capacity = 5000) {}

  /** True the first time a key is seen; false for a repeat. */
  firstTime(key: string): boolean {
    if (this.#keys.has(key)) return false;
    this.#keys.add(key);
    if (this.#keys.size > this.capacity) {
      const oldest = this.#keys.values().next().value;
      if (oldest !== undefined) this.#keys.delete(oldest);
    }
    return true;
  }

  async once(key: string, handle: (claim: Claim) => Promise<void>): Promise<boolean> {
    if (!this.firstTime(key)) return false;
    await handle(OWN_CLAIM);
    return true;
  }
}
