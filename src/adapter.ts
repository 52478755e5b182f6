/** A running chat platform connection, as the entry point starts and stops it. */
export interface ChatAdapter {
  readonly name: string;
  start(): Promise<void>;
  /** Stops taking questions and closes connections. */
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
