import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from 'pino';

/**
 * Bolt's logger interface over pino, so Bolt's own messages go through the same redaction and
 * output as ours. Bolt logs printf-style argument lists; they are joined into the message.
 */
export function boltLoggerFrom(logger: Logger): BoltLogger {
  const text = (parts: unknown[]): string => parts.map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join(' ');
  let level = LogLevel.INFO;
  return {
    debug: (...parts) => logger.debug(text(parts)),
    info: (...parts) => logger.info(text(parts)),
    warn: (...parts) => logger.warn(text(parts)),
    error: (...parts) => logger.error(text(parts)),
    // pino's own level decides what is written; Bolt may still ask.
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
