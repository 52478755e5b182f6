import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';

/** Where a question was asked, and where its reply went. */
export interface ReplyPlace {
  readonly channel: string;
  /** The thread the reply went to; undefined for a DM answered outside any thread. */
  readonly threadTs: string | undefined;
  /** The question's own timestamp: the reply came after it. */
  readonly eventTs: string;
}

interface MessageWithMetadata {
  readonly metadata?: { readonly event_payload?: { readonly event_key?: unknown } };
}

/**
 * Whether the bot has already replied to the event `eventKey`: a message after the question, in
 * its thread (or in the DM), whose Slack message metadata carries that key. Asked by a replica
 * that took an event over from one that died while handling it, so the dead one's reply is not
 * posted twice. Reads with `conversations.replies` / `conversations.history` (the history scopes
 * of the manifest); when Slack can't be asked, it says no and logs why: an answer posted twice is
 * better than none.
 */
export async function answeredBefore(client: webApi.WebClient, place: ReplyPlace, eventKey: string, logger: Logger): Promise<boolean> {
  try {
    const page =
      place.threadTs === undefined
        ? await client.conversations.history({ channel: place.channel, oldest: place.eventTs, include_all_metadata: true, limit: 200 })
        : await client.conversations.replies({ channel: place.channel, ts: place.threadTs, oldest: place.eventTs, include_all_metadata: true, limit: 200 });
    const messages = (page.messages ?? []) as readonly MessageWithMetadata[];
    return messages.some((message) => message.metadata?.event_payload?.event_key === eventKey);
  } catch (error) {
    logger.warn({ err: error, eventKey }, 'could not read the conversation to see whether a replica that died had answered already: answering');
    return false;
  }
}
