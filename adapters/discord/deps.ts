import type { Logger } from 'pino';
import type { Assistant } from '../../src/assistant.js';
import type { DiscordConfig } from './config.js';

/** What every command and listener is handed. */
export interface DiscordDeps {
  readonly assistant: Assistant;
  readonly config: DiscordConfig;
  readonly logger: Logger;
}
