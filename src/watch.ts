import { watch, type FSWatcher } from 'node:fs';

/**
 * What a watched change led to: `'retry'` asks for another call after the next quiet period,
 * even when nothing else changes (a reload that skipped a file still being written).
 */
export type ChangeOutcome = 'done' | 'retry';

/** At most this many retries in a row, so a file that never stops changing can't keep it busy. */
export const MAX_RETRIES = 10;

/**
 * Calls `onChange` once the knowledge folder has been quiet for `debounceMs` after a change, so
 * an editor saving several files (or one file in several writes) causes one reload. When
 * `onChange` resolves to `'retry'`, it is called again after another quiet period.
 */
export function watchFolder(
  dir: string,
  onChange: () => ChangeOutcome | Promise<ChangeOutcome>,
  debounceMs = 500,
): { close(): void } {
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let retries = 0;
  const schedule = (): void => {
    clearTimeout(timer);
    if (!closed) timer = setTimeout(run, debounceMs);
  };
  const run = (): void => {
    void Promise.resolve()
      .then(onChange)
      .catch((): ChangeOutcome => 'done')
      .then((outcome) => {
        if (outcome === 'retry' && retries < MAX_RETRIES) {
          retries += 1;
          schedule();
        } else {
          retries = 0;
        }
      });
  };
  const watcher: FSWatcher = watch(dir, { recursive: true }, () => {
    retries = 0;
    schedule();
  });
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      watcher.close();
    },
  };
}
