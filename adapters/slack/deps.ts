import type { Logger } from 'pino';
import type { Assistant } from '../../src/assistant.js';
import type { EventClaims } from '../../src/store/types.js';
import type { SlackConfig } from './config.js';

/** What every listener is handed: the assistant, the settings, a logger, and the de-duplicator. */
export interface SlackDeps {
  readonly assistant: Assistant;
  readonly config: SlackConfig;
  readonly logger: Logger;
  /**
   * Which messages are answered here: each message key (channel and timestamp) once, however
   * often it arrives. Slack redelivers an event it thinks was not acknowledged (X-Slack-Retry-Num),
   * perhaps to another replica, and a DM that mentions the bot can arrive as two kinds of event.
   */
  readonly claims: EventClaims;
}

/** The claim key of a Slack message, the same whichever kind of event brought it. */
export const messageKey = (channel: string, ts: string): string => `slack:message:${channel}:${ts}`;
