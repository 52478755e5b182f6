/**
 * An append-only list that tests can wait on.
 *
 * Bolt answers Slack before its listeners finish (it acks first), so a test
 * cannot assert on outgoing API calls right after its request returns: it has
 * to wait until the call shows up. `waitFor` looks at what is already recorded
 * first, then at what arrives later, so the order of "call happens" and
 * "test starts waiting" does not matter.
 */

interface Waiter<T> {
  matches: (entry: T) => boolean;
  resolve: (entry: T) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export class WaitableLog<T> {
  readonly #entries: T[] = [];
  readonly #waiters = new Set<Waiter<T>>();

  /** A snapshot, so callers never see the list change under them. */
  get entries(): readonly T[] {
    return [...this.#entries];
  }

  add(entry: T): void {
    this.#entries.push(entry);
    for (const waiter of this.#waiters) {
      if (waiter.matches(entry)) {
        this.#settle(waiter);
        waiter.resolve(entry);
      }
    }
  }

  /**
   * Resolves with the first recorded entry that matches, now or later.
   * `describeFailure` builds the timeout message lazily so it can list what
   * did arrive, which is usually what you need to see when a test fails.
   */
  waitFor(matches: (entry: T) => boolean, timeoutMs: number, describeFailure: () => string): Promise<T> {
    const already = this.#entries.find(matches);
    if (already !== undefined) return Promise.resolve(already);

    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {
        matches,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.#settle(waiter);
          reject(new Error(describeFailure()));
        }, timeoutMs),
      };
      this.#waiters.add(waiter);
    });
  }

  /** Forgets recorded entries; pending waiters keep waiting for new ones. */
  clear(): void {
    this.#entries.length = 0;
  }

  /** Fails every pending wait, e.g. when the server behind the log shuts down. */
  rejectPending(reason: string): void {
    for (const waiter of this.#waiters) {
      this.#settle(waiter);
      waiter.reject(new Error(reason));
    }
  }

  #settle(waiter: Waiter<T>): void {
    clearTimeout(waiter.timer);
    this.#waiters.delete(waiter);
  }
}
