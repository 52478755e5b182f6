import { pino, type Logger, type LevelWithSilent } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

/**
 * Keys that may hold secrets, wherever they appear in a logged object (top level or one level
 * down). pino replaces their values before anything is written.
 */
const SECRET_KEYS = [
  'token',
  'botToken',
  'appToken',
  'signingSecret',
  'clientSecret',
  'authorization',
  'SLACK_BOT_TOKEN',
  'SLACK_APP_TOKEN',
  'SLACK_SIGNING_SECRET',
  'DISCORD_TOKEN',
];
export const REDACTED_PATHS = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((key) => `*.${key}`),
  'headers.authorization',
  '*.headers.authorization',
  'headers["x-slack-signature"]',
  '*.headers["x-slack-signature"]',
];

/** Token shapes of the platforms we talk to, caught in free text that redaction by key can't see. */
const TOKEN_PATTERNS = [/\bxox[abposre]-[A-Za-z0-9-]+/g, /\bxapp-[A-Za-z0-9-]+/g, /\b[MN][A-Za-z\d_-]{23,25}\.[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27,38}\b/g];

/** Replaces anything shaped like a Slack or Discord token in a text. */
export function scrubSecrets(text: string): string {
  return TOKEN_PATTERNS.reduce((out, pattern) => out.replace(pattern, '[redacted]'), text);
}

export interface LoggerOptions {
  readonly level: LevelWithSilent;
  /** Human-readable lines instead of JSON; by default when stderr is a terminal. */
  readonly pretty?: boolean;
  /** Where to write; standard error by default, so logs never mix with command output. */
  readonly destination?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const destination = options.destination ?? process.stderr;
  const usePretty = options.pretty ?? Boolean((destination as NodeJS.WriteStream).isTTY);
  const base = {
    level: options.level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    hooks: {
      // Messages are free text (a library's printf-style log line, an error's message): scrub them.
      logMethod(this: Logger, args: unknown[], method: (...args: unknown[]) => void) {
        method.apply(this, args.map((arg) => (typeof arg === 'string' ? scrubSecrets(arg) : arg)));
      },
    },
  };
  if (usePretty) {
    return pino(base, pretty({ destination, colorize: Boolean((destination as NodeJS.WriteStream).isTTY), sync: true, ignore: 'pid,hostname' }));
  }
  return pino(base, destination === process.stderr ? pino.destination({ fd: 2, sync: true }) : destination);
}
