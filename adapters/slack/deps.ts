import type { Logger } from 'pino';
import type { Assistant } from '../../src/assistant.js';
import type { SlackConfig } from './config.js';

/** What every listener is handed: the assistant, the settings, a logger, and the de-duplicator. */
export interface SlackDeps {
  readonly assistant: Assistant;
  readonly config: SlackConfig;
  readonly logger: Logger;
  readonly seen: RecentKeys;
}

/**
 * Remembers the last few thousand message keys (channel and timestamp), so a message is answered
 * once however often it arrives: Slack redelivers an event it thinks was not acknowledged
 * (X-Slack-Retry-Num), and a DM that mentions the bot can arrive as two kinds of event.
 */
export class RecentKeys {
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
}
