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

/**
 * Secrets in free text that redaction by key can't see: Slack and Discord token shapes, and the
 * tokens that URLs carry (a Discord interaction or webhook token is a path segment, and a Slack
 * response_url or webhook URL is a secret as a whole). Errors of HTTP clients put such URLs in
 * their message and in properties like `url`.
 */
const SECRET_PATTERNS: readonly (readonly [RegExp, string])[] = [
  [/\bxox[abposre]-[A-Za-z0-9-]+/g, '[redacted]'],
  [/\bxapp-[A-Za-z0-9-]+/g, '[redacted]'],
  [/\b[MN][A-Za-z\d_-]{23,25}\.[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27,38}\b/g, '[redacted]'],
  [/(\/(?:interactions|webhooks)\/\d+\/)[^/?#\s"'\\]+/g, '$1[redacted]'],
  [/(hooks\.slack(?:-gov)?\.com\/)[^\s"'\\]+/g, '$1[redacted]'],
];

/** Replaces anything shaped like a Slack or Discord token, or a URL's token, in a text. */
export function scrubSecrets(text: string): string {
  return SECRET_PATTERNS.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}

/**
 * pino's error serializer, then every string in the result scrubbed: a failed REST call's error
 * carries its URL (with an interaction token) in `url`, `message` and `stack`, and in its causes.
 */
export function serializeError(value: unknown): unknown {
  const seen = new WeakSet<object>();
  const scrub = (item: unknown, depth: number): unknown => {
    if (typeof item === 'string') return scrubSecrets(item);
    if (item === null || typeof item !== 'object' || depth > 8 || seen.has(item)) return item;
    seen.add(item);
    const plain = item instanceof Error ? (pino.stdSerializers.err(item) as unknown as Record<string, unknown>) : item;
    if (Array.isArray(plain)) return plain.map((entry) => scrub(entry, depth + 1));
    return Object.fromEntries(Object.entries(plain).map(([key, entry]) => [key, scrub(entry, depth + 1)]));
  };
  return scrub(value, 0);
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
    serializers: { err: serializeError, error: serializeError },
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
