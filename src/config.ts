import { hostname } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { defaultKnowledgeDir, projectRoot } from './paths.js';

/** Questions longer than this are declined with a message saying the limit. */
export const DEFAULT_MAX_QUESTION_LENGTH = 500;

/** Everything the bot reads from its environment, validated once at start. */
export interface Config {
  /** Folder with the articles and glossary. */
  readonly knowledgeDir: string;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Whether LOG_LEVEL was set, so commands can pick a quieter default when it was not. */
  readonly logLevelSet: boolean;
  /** Human-readable logs; `undefined` means "when standard error is a terminal". */
  readonly logPretty: boolean | undefined;
  readonly maxQuestionLength: number;
  /** Where the question log and the index cache live. */
  readonly dataDir: string;
  /**
   * Where the engine keeps the built search index between runs (`DATA_DIR/index-cache`), so a
   * restart over unchanged knowledge loads it instead of indexing again; undefined with INDEX_CACHE=off.
   */
  readonly indexCacheDir: string | undefined;
  /** Record questions and votes in the question log. */
  readonly questionLog: boolean;
  /** Keep question texts in the log; off for privacy (the rest is still recorded). */
  readonly questionLogText: boolean;
  readonly questionLogMaxBytes: number;
  /** Questions one user may ask a minute; 0 turns the limit off. */
  readonly rateLimitPerMinute: number;
  /** Events handled at once; past it a question gets a short "busy" reply at once. 0: no limit. */
  readonly maxInFlight: number;
  /** Reload when a file in the knowledge folder changes. */
  readonly knowledgeWatch: boolean;
  /** Port of /healthz and /readyz while chat adapters run (0: any free port). */
  readonly healthPort: number;
  readonly healthHost: string;
  /** How long shutdown waits for questions in flight. */
  readonly shutdownTimeoutMs: number;
  /** PostgreSQL shared by the replicas (postgres://…); undefined: one process, state in memory and DATA_DIR. */
  readonly databaseUrl: string | undefined;
  /** Connections each replica's pool keeps at most. */
  readonly databasePoolSize: number;
  /** This replica's name among the replicas (reload reports, logs); default host name and process id. */
  readonly replicaName: string;
  /** How long a reload waits for the other replicas to load the new knowledge. */
  readonly reloadWaitMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const SWITCH_ON = ['on', 'true', '1', 'yes'];
const switchText = (name: string) =>
  z
    .enum([...SWITCH_ON, 'off', 'false', '0', 'no'], { error: (i) => `${name} must be on or off, got "${String(i.input)}"` })
    .transform((value) => SWITCH_ON.includes(value));

const booleanText = (name: string) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: (i) => `${name} must be true or false, got "${String(i.input)}"` })
    .transform((value) => ['true', '1', 'yes'].includes(value));

/** A whole number in a range, from its text, with a message that names the variable. */
export const wholeNumber = (name: string, min: number, max: number) =>
  z.string().transform((text, ctx) => {
    const value = Number(text);
    const problem = !/^\s*-?\d+(\.\d+)?\s*$/.test(text)
      ? `${name} must be a number, got "${text}"`
      : !Number.isInteger(value)
        ? `${name} must be a whole number, got "${text}"`
        : value < min || value > max
          ? `${name} must be from ${min} to ${max}, got ${value}`
          : undefined;
    if (problem === undefined) return value;
    ctx.addIssue({ code: 'custom', message: problem });
    return z.NEVER;
  });

const envSchema = z.object({
  KNOWLEDGE_DIR: z.string().trim().min(1, { error: 'KNOWLEDGE_DIR must not be empty' }).optional(),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: (i) => `LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent; got "${String(i.input)}"`,
    })
    .optional(),
  LOG_PRETTY: booleanText('LOG_PRETTY').optional(),
  MAX_QUESTION_LENGTH: wholeNumber('MAX_QUESTION_LENGTH', 1, 100_000).optional(),
  DATA_DIR: z.string().optional(),
  INDEX_CACHE: switchText('INDEX_CACHE').optional(),
  QUESTION_LOG: booleanText('QUESTION_LOG').optional(),
  QUESTION_LOG_TEXT: booleanText('QUESTION_LOG_TEXT').optional(),
  QUESTION_LOG_MAX_BYTES: wholeNumber('QUESTION_LOG_MAX_BYTES', 1024, 1024 ** 3).optional(),
  RATE_LIMIT_PER_MINUTE: wholeNumber('RATE_LIMIT_PER_MINUTE', 0, 100_000).optional(),
  MAX_IN_FLIGHT: wholeNumber('MAX_IN_FLIGHT', 0, 100_000).optional(),
  KNOWLEDGE_WATCH: booleanText('KNOWLEDGE_WATCH').optional(),
  HEALTH_PORT: wholeNumber('HEALTH_PORT', 0, 65_535).optional(),
  HEALTH_HOST: z.string().optional(),
  SHUTDOWN_TIMEOUT_MS: wholeNumber('SHUTDOWN_TIMEOUT_MS', 0, 600_000).optional(),
  DATABASE_URL: z.string().trim().superRefine((text, ctx) => {
    const problem = databaseUrlProblem(text);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }).optional(),
  DATABASE_POOL_SIZE: wholeNumber('DATABASE_POOL_SIZE', 1, 100).optional(),
  REPLICA_NAME: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._-]{1,48}$/, { error: 'REPLICA_NAME must be 1 to 48 letters, digits, dots, dashes or underscores' })
    .optional(),
  RELOAD_WAIT_MS: wholeNumber('RELOAD_WAIT_MS', 100, 600_000).optional(),
});

/** What is wrong with a DATABASE_URL, without repeating it (it may hold a password). */
function databaseUrlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'DATABASE_URL must be a URL like postgres://user:password@host:5432/database';
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    return `DATABASE_URL must start with postgres:// or postgresql://, got "${url.protocol}//…"`;
  }
  if (url.hostname === '' && !url.searchParams.has('host')) return 'DATABASE_URL must name a host, like postgres://user:password@host:5432/database';
  return undefined;
}

/**
 * Reads the configuration from an environment (normally `process.env` after dotenv has read
 * `.env`). Empty values count as unset. Throws one `ConfigError` listing every bad value.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((issue) => issue.message));
  const values = parsed.data;
  const dataDir = path.resolve(values.DATA_DIR ?? path.join(projectRoot(), 'data'));
  return Object.freeze({
    knowledgeDir: values.KNOWLEDGE_DIR ? path.resolve(values.KNOWLEDGE_DIR) : defaultKnowledgeDir(),
    logLevel: values.LOG_LEVEL ?? 'info',
    logLevelSet: values.LOG_LEVEL !== undefined,
    logPretty: values.LOG_PRETTY,
    maxQuestionLength: values.MAX_QUESTION_LENGTH ?? DEFAULT_MAX_QUESTION_LENGTH,
    dataDir,
    indexCacheDir: values.INDEX_CACHE === false ? undefined : path.join(dataDir, 'index-cache'),
    questionLog: values.QUESTION_LOG ?? true,
    questionLogText: values.QUESTION_LOG_TEXT ?? true,
    questionLogMaxBytes: values.QUESTION_LOG_MAX_BYTES ?? 5 * 1024 * 1024,
    rateLimitPerMinute: values.RATE_LIMIT_PER_MINUTE ?? 10,
    maxInFlight: values.MAX_IN_FLIGHT ?? 128,
    knowledgeWatch: values.KNOWLEDGE_WATCH ?? false,
    healthPort: values.HEALTH_PORT ?? 8080,
    healthHost: values.HEALTH_HOST ?? '0.0.0.0',
    shutdownTimeoutMs: values.SHUTDOWN_TIMEOUT_MS ?? 10_000,
    databaseUrl: values.DATABASE_URL,
    databasePoolSize: values.DATABASE_POOL_SIZE ?? 5,
    replicaName: values.REPLICA_NAME ?? `${hostname().slice(0, 32)}-${process.pid}`,
    reloadWaitMs: values.RELOAD_WAIT_MS ?? 15_000,
  });
}
