import { watch, type FSWatcher } from 'node:fs';

/**
 * Calls `onChange` once the knowledge folder has been quiet for `debounceMs` after a change, so
 * an editor saving several files (or one file in several writes) causes one reload.
 */
export function watchFolder(dir: string, onChange: () => void, debounceMs = 500): { close(): void } {
  let timer: NodeJS.Timeout | undefined;
  const watcher: FSWatcher = watch(dir, { recursive: true }, () => {
    clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
  });
  return {
    close() {
      clearTimeout(timer);
      watcher.close();
    },
  };
}
