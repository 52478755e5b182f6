/**
 * An append-only record that tests can wait on, shared by the Slack and Discord stand-ins.
 *
 * A bot answers after it acknowledges, so a test cannot assert on what the bot sent right after
 * its request returns: it waits until the entry shows up. Each `waitFor` claims the first
 * matching entry no earlier wait has claimed, whether it arrived before or after the call, so a
 * test can await something it already caused, and two waits get the first and the second entry.
 */
interface PendingWait<T> {
  readonly matches: (entry: T) => boolean;
  readonly resolve: (entry: T) => void;
  readonly reject: (error: Error) => void;
}

export class WaitableLog<T> {
  private recorded: T[] = [];
  private readonly claimed = new Set<T>();
  private readonly pending = new Set<PendingWait<T>>();

  constructor(private readonly describeEntry: (entry: T) => string) {}

  /** A snapshot, so callers never see the list change under them. */
  get entries(): readonly T[] {
    return [...this.recorded];
  }

  push(entry: T): void {
    this.recorded.push(entry);
    for (const wait of this.pending) {
      if (wait.matches(entry)) {
        this.pending.delete(wait);
        this.claimed.add(entry);
        wait.resolve(entry);
        return;
      }
    }
  }

  waitFor(matches: (entry: T) => boolean, timeoutMs: number, what: string): Promise<T> {
    const already = this.recorded.find((entry) => !this.claimed.has(entry) && matches(entry));
    if (already !== undefined) {
      this.claimed.add(already);
      return Promise.resolve(already);
    }
    return new Promise<T>((resolve, reject) => {
      const wait: PendingWait<T> = {
        matches,
        resolve: (entry) => {
          clearTimeout(timer);
          resolve(entry);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        this.pending.delete(wait);
        // Listing what did arrive is what makes a timeout in a test diagnosable.
        const seen = this.recorded.map(this.describeEntry).join('\n  ') || '(nothing)';
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}. Seen so far:\n  ${seen}`));
      }, timeoutMs);
      this.pending.add(wait);
    });
  }

  /** Forgets everything recorded (waits still pending keep waiting). */
  clear(): void {
    this.recorded = [];
    this.claimed.clear();
  }

  /** Fails every pending wait, e.g. when the stand-in closes. */
  rejectPending(reason: string): void {
    for (const wait of this.pending) wait.reject(new Error(reason));
    this.pending.clear();
  }
}
