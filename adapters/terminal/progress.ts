import type { LoadProgress } from '../../src/core/index.js';

export interface ProgressOptions {
  /** Nothing is shown for a start shorter than this. Default 1,000 ms. */
  readonly quietMs?: number;
  /** At most one line this often. Default 2,000 ms. */
  readonly everyMs?: number;
  /** The clock (tests). */
  readonly now?: () => number;
}

/**
 * What the terminal shows while a large knowledge folder is indexed the first time (tens of
 * seconds at 100,000 passages), so a person knows it is working: a line every few seconds, and
 * one when it is done. A start quicker than `quietMs` shows nothing.
 */
export function loadProgressPrinter(write: (line: string) => void, options: ProgressOptions = {}): (progress: LoadProgress) => void {
  const now = options.now ?? Date.now;
  const quietMs = options.quietMs ?? 1_000;
  const everyMs = options.everyMs ?? 2_000;
  const started = now();
  let shownAt: number | undefined;
  let done = false;
  const count = (n: number): string => n.toLocaleString('en-US');
  return (progress) => {
    if (done) return;
    const at = now();
    const finished = progress.stage === 'indexing' && progress.articles === progress.totalArticles;
    if (finished) {
      done = true;
      if (shownAt !== undefined) {
        write(`Indexed ${count(progress.articles)} articles (${count(progress.passages)} passages) in ${Math.round((at - started) / 1000)} s.`);
      }
      return;
    }
    if (at - started < quietMs || (shownAt !== undefined && at - shownAt < everyMs)) return;
    shownAt = at;
    write(
      progress.stage === 'read'
        ? `Read ${count(progress.totalArticles)} articles...`
        : `Indexing the knowledge: ${count(progress.articles)} of ${count(progress.totalArticles)} articles, ${count(progress.passages)} passages...`,
    );
  };
}
