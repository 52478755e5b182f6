import type { Audience, ConversationTurn } from './core/index.js';

/**
 * Where a question was asked, as the adapter names it, so follow-ups find the turns before them.
 * `thread`: a Slack thread, a Discord reply chain, a terminal session: the last few turns, for a
 * while. `recent`: a DM without a thread: only the last question and answer, for a few minutes.
 */
export interface ConversationRef {
  readonly id: string;
  readonly kind: 'thread' | 'recent';
}

export interface ConversationMemoryOptions {
  /** Conversations kept at most; the one used least recently goes first. Default 10,000. */
  readonly maxConversations?: number;
  /** Turns kept per thread. Default 5. */
  readonly maxTurns?: number;
  /** A thread is forgotten this long after its last turn. Default 30 minutes. */
  readonly threadTtlMs?: number;
  /** A DM's recent exchange is forgotten this long after it. Default 5 minutes. */
  readonly recentTtlMs?: number;
  readonly now?: () => number;
}

interface Entry {
  readonly turns: readonly ConversationTurn[];
  readonly expiresAt: number;
}

/**
 * The turns of each conversation, in memory, bounded in count and age. Keys include the platform
 * and the audience, so a conversation never crosses platforms, channels or audiences: a Discord
 * (public) conversation never sees the turns, or the articles, of a Slack (internal) one.
 */
export class ConversationMemory {
  readonly #entries = new Map<string, Entry>();
  readonly #maxConversations: number;
  readonly #maxTurns: number;
  readonly #threadTtlMs: number;
  readonly #recentTtlMs: number;
  readonly #now: () => number;

  constructor(options: ConversationMemoryOptions = {}) {
    this.#maxConversations = options.maxConversations ?? 10_000;
    this.#maxTurns = options.maxTurns ?? 5;
    this.#threadTtlMs = options.threadTtlMs ?? 30 * 60_000;
    this.#recentTtlMs = options.recentTtlMs ?? 5 * 60_000;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The turns so far, oldest first; none for a new, expired or unknown conversation. */
  turns(platform: string, audience: Audience, ref: ConversationRef): readonly ConversationTurn[] {
    const key = keyOf(platform, audience, ref);
    const entry = this.#entries.get(key);
    if (entry === undefined) return [];
    if (entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return [];
    }
    return entry.turns;
  }

  /** Whether the conversation has turns that have not expired (a thread the bot answered in lately). */
  has(platform: string, audience: Audience, ref: ConversationRef): boolean {
    return this.turns(platform, audience, ref).length > 0;
  }

  /** Adds a turn, keeping the last few (one for a DM's recent exchange) and renewing the expiry. */
  add(platform: string, audience: Audience, ref: ConversationRef, turn: ConversationTurn): void {
    const key = keyOf(platform, audience, ref);
    const keep = ref.kind === 'recent' ? 1 : this.#maxTurns;
    const turns = [...this.turns(platform, audience, ref), turn].slice(-keep);
    this.#entries.delete(key);
    this.#entries.set(key, { turns, expiresAt: this.#now() + (ref.kind === 'recent' ? this.#recentTtlMs : this.#threadTtlMs) });
    if (this.#entries.size > this.#maxConversations) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
  }
}

function keyOf(platform: string, audience: Audience, ref: ConversationRef): string {
  return `${platform}\u0000${audience}\u0000${ref.kind}\u0000${ref.id}`;
}
