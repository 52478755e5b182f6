import type { Logger } from 'pino';
import type { AnswerEngine } from '../../src/core/index.js';
import type { DiscordConfig } from './config.js';

/** What every command and listener is handed. */
export interface DiscordDeps {
  readonly engine: AnswerEngine;
  readonly config: DiscordConfig;
  readonly logger: Logger;
}
