import type { Logger } from 'pino';
import type { Assistant } from '../../src/assistant.js';
import type { EventClaims } from '../../src/store/types.js';
import type { DiscordConfig } from './config.js';
import type { AnswerThreads } from './conversations.js';

/** What every command and listener is handed. */
export interface DiscordDeps {
  readonly assistant: Assistant;
  readonly config: DiscordConfig;
  readonly logger: Logger;
  /** The bot's recent answers and their reply chains, so a reply to an answer is read in context. */
  readonly threads: AnswerThreads;
  /** Which messages and interactions are handled here: each once, even across a gateway takeover. */
  readonly claims: EventClaims;
}
