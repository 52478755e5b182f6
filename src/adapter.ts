import type { Logger } from './logger.js';

/** A running chat platform connection, as the entry point starts and stops it. */
export interface ChatAdapter {
  readonly name: string;
  /**
   * Connects and authenticates, trying again with growing waits while the platform can't be
   * reached; resolves once the adapter serves. Rejects with a `ConnectError` when the platform
   * refuses a credential or setting (final: trying again won't help), or a `StoppedError` when
   * `stop()` came first.
   */
  start(): Promise<void>;
  /** For `/readyz`: `connecting`, `connecting: <why not yet>`, `ready`, `failed: <why>` or `stopped`. */
  status(): string;
  /** Stops taking questions and closes connections; also cuts a `start()` in progress short. */
  stop(): Promise<void>;
}

/** What an adapter's configuration reader returns: its settings when enabled, and every problem. */
export interface AdapterConfigResult<T> {
  /** Undefined when the adapter is not configured (its token is not set). */
  readonly config: T | undefined;
  readonly problems: readonly string[];
}

/** Splits a comma- or space-separated list from the environment: "U1, U2" → ["U1", "U2"]. */
export function listFromEnv(value: string | undefined): string[] {
  return (value ?? '').split(/[\s,]+/).filter((item) => item.length > 0);
}

/** Why connecting to a platform failed, in terms an operator can act on. */
export interface ConnectFailure {
  /** `rejected`: the platform refused a credential or setting, so trying again can't help. `unreachable`: try again later. */
  readonly kind: 'rejected' | 'unreachable';
  /** The platform's error code (`invalid_auth`, 401) or the network's (`ENOTFOUND`, `ECONNREFUSED`). */
  readonly code: string | number;
  /** The setting to check, e.g. `SLACK_BOT_TOKEN`. */
  readonly setting: string;
  /** One sentence, with the code and never a token: `Slack rejected SLACK_BOT_TOKEN (invalid_auth)`. */
  readonly summary: string;
  /** Where the adapter tried to connect (unreachable failures). */
  readonly url?: string;
}

/** An adapter will not connect with these settings. */
export class ConnectError extends Error {
  constructor(readonly failure: ConnectFailure) {
    super(failure.summary);
    this.name = 'ConnectError';
  }
}

/** An adapter's start() was cut short by its stop(). */
export class StoppedError extends Error {
  constructor(adapter: string) {
    super(`${adapter} was stopped before it connected`);
    this.name = 'StoppedError';
  }
}

/**
 * The network's error code (`ENOTFOUND`, `ECONNREFUSED`, `ETIMEDOUT`…) in an error, its causes or
 * the error it wraps (Slack's `original`), if any: the sign that the platform could not be reached.
 */
export function networkCode(error: unknown): string | undefined {
  let current = error;
  for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth += 1) {
    const { code, name, cause, original, errors } = current as { code?: unknown; name?: unknown; cause?: unknown; original?: unknown; errors?: unknown };
    if (typeof code === 'string' && (/^E[A-Z]+$/.test(code) || code.startsWith('UND_ERR_'))) return code;
    if (name === 'TimeoutError' || name === 'AbortError' || code === 'ECONNABORTED') return 'ETIMEDOUT';
    // Node's happy-eyeballs connect reports every address it tried in an AggregateError.
    current = cause ?? original ?? (Array.isArray(errors) ? errors[0] : undefined);
  }
  return undefined;
}

export interface RetryOptions {
  /** The adapter's name, in every log line as `adapter`. */
  readonly adapter: string;
  readonly logger: Logger;
  /** Aborted by the adapter's stop(): ends the waiting and the attempt in progress. */
  readonly signal: AbortSignal;
  /** One try; resolves once connected and authenticated. */
  attempt(signal: AbortSignal): Promise<void>;
  /** What a failed try means; undefined for an error nobody expected (it is not retried). */
  classify(error: unknown): ConnectFailure | undefined;
  /** Told why the adapter is still connecting, for /readyz. */
  onWaiting(reason: string): void;
  /** The first wait; it doubles after each failure up to `maxDelayMs`. Default 1 s and 60 s. */
  readonly firstDelayMs?: number;
  readonly maxDelayMs?: number;
}

const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;

/**
 * Runs `attempt` until it succeeds. A platform that can't be reached is tried again after 1 s,
 * 2 s, 4 s… up to a minute, each failure logged at warn with its code, URL, the setting to check
 * and the wait. A rejected credential ends it with a `ConnectError`; `signal` with a `StoppedError`.
 */
export async function connectWithRetry(options: RetryOptions): Promise<void> {
  const { adapter, logger, signal } = options;
  const maxDelayMs = options.maxDelayMs ?? 60_000;
  let delayMs = options.firstDelayMs ?? 1_000;
  for (let attempt = 1; ; attempt += 1) {
    if (signal.aborted) throw new StoppedError(adapter);
    try {
      await untilAborted(options.attempt(signal), signal, adapter);
      return;
    } catch (error) {
      if (signal.aborted) throw new StoppedError(adapter);
      const failure = options.classify(error);
      if (failure === undefined) throw error;
      if (failure.kind === 'rejected') throw new ConnectError(failure);
      options.onWaiting(`${failure.summary}; next try in ${seconds(delayMs)}`);
      logger.warn(
        { adapter, code: failure.code, url: failure.url, setting: failure.setting, attempt, retryInMs: delayMs },
        `${failure.summary} (check ${failure.setting} and the network); retrying in ${seconds(delayMs)}`,
      );
      await sleep(delayMs, signal, adapter);
      delayMs = Math.min(delayMs * 2, maxDelayMs);
    }
  }
}

/** The promise's outcome, or a StoppedError as soon as the signal aborts (the promise is left to settle unobserved). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal, adapter: string): Promise<T> {
  promise.catch(() => {});
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new StoppedError(adapter));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Waits `ms`, or rejects with a `StoppedError` naming `adapter` as soon as the signal aborts. */
export function sleep(ms: number, signal: AbortSignal, adapter: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new StoppedError(adapter));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
