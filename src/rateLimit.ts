/**
 * A per-user limit on questions: at most `limit` in any `windowMs` (a sliding window), so one
 * person, or a script, can't drown the bot. Keys are forgotten once their window has passed.
 */
export class RateLimiter {
  readonly #hits = new Map<string, number[]>();

  constructor(
    readonly limit: number,
    readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a hit for `key`; returns 0 when allowed, else the milliseconds until it would be. */
  take(key: string): number {
    if (this.limit <= 0) return 0;
    const now = this.now();
    const recent = (this.#hits.get(key) ?? []).filter((at) => at > now - this.windowMs);
    if (recent.length >= this.limit) {
      this.#hits.set(key, recent);
      return (recent[0] as number) + this.windowMs - now;
    }
    recent.push(now);
    this.#hits.set(key, recent);
    if (this.#hits.size > 10_000) this.#forgetIdle(now);
    return 0;
  }

  #forgetIdle(now: number): void {
    for (const [key, hits] of this.#hits) if (hits.every((at) => at <= now - this.windowMs)) this.#hits.delete(key);
  }
}
