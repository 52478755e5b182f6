import type { ConversationRef } from '../../src/conversations.js';

/**
 * Which conversation each of the bot's recent answers belongs to, so a reply to an answer
 * continues it. Only ids are kept (the turns themselves live in the Assistant's memory, which
 * expires them); the oldest entries go first past `maxEntries`.
 */
export class AnswerThreads {
  readonly #conversationOf = new Map<string, string>();

  constructor(readonly maxEntries = 10_000) {}

  get size(): number {
    return this.#conversationOf.size;
  }

  /** Remembers that the bot's message `answerId` answered in conversation `conversationId`. */
  remember(answerId: string, conversationId: string): void {
    this.#conversationOf.delete(answerId);
    this.#conversationOf.set(answerId, conversationId);
    if (this.#conversationOf.size > this.maxEntries) {
      const oldest = this.#conversationOf.keys().next();
      if (!oldest.done) this.#conversationOf.delete(oldest.value);
    }
  }

  /** The conversation a bot answer belongs to; undefined for a message it does not know (or forgot). */
  conversationOf(answerId: string | undefined): string | undefined {
    return answerId === undefined ? undefined : this.#conversationOf.get(answerId);
  }
}

/** The conversations a question is asked in: the one whose turns it reads, and another it also joins. */
export interface MessageConversation {
  readonly conversation: ConversationRef;
  readonly alsoIn?: ConversationRef;
  /** The reply chain the answer belongs to: what a reply to the answer continues. */
  readonly chain: string;
}

/**
 * The conversation a message belongs to. A reply to one of the bot's answers continues that
 * answer's reply chain. Otherwise a guild message starts a chain of its own (keyed by its id, so
 * a new mention never sees earlier ones), and a DM continues the DM's recent exchange while
 * starting a chain of its own, which a reply to its answer continues. A DM reply joins the recent
 * exchange too, so the next plain DM follows on from it.
 */
export function conversationFor(
  message: { readonly id: string; readonly channelId: string; readonly inDm: boolean; readonly repliesTo: string | undefined },
  threads: AnswerThreads,
): MessageConversation {
  const continued = threads.conversationOf(message.repliesTo);
  const recent: ConversationRef = { id: message.channelId, kind: 'recent' };
  if (continued !== undefined) {
    return { conversation: { id: continued, kind: 'thread' }, ...(message.inDm ? { alsoIn: recent } : {}), chain: continued };
  }
  const own: ConversationRef = { id: message.id, kind: 'thread' };
  return message.inDm ? { conversation: recent, alsoIn: own, chain: own.id } : { conversation: own, chain: own.id };
}
