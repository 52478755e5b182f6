import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_RETRIES, watchFolder, type ChangeOutcome } from '../src/watch.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function folder(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'apo-watch-'));
  dirs.push(dir);
  return dir;
}

const waitFor = async (check: () => boolean, ms = 5000): Promise<void> => {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('watchFolder', () => {
  it('calls once for a burst of changes, after the folder is quiet', async () => {
    const dir = await folder();
    let calls = 0;
    const watcher = watchFolder(dir, () => ((calls += 1), 'done'), 50);
    for (let i = 0; i < 5; i++) await writeFile(path.join(dir, 'a.md'), `version ${i}`);
    await waitFor(() => calls === 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    watcher.close();
    expect(calls).toBe(1);
  });

  describe('when a reload skipped a file still being written', () => {
    it('tries again after quiet, without another change on disk', async () => {
      const dir = await folder();
      const outcomes: ChangeOutcome[] = ['retry', 'retry', 'done'];
      let calls = 0;
      const watcher = watchFolder(dir, async () => outcomes[calls++] ?? 'done', 30);
      await writeFile(path.join(dir, 'a.md'), 'half');
      await waitFor(() => calls === 3);
      await new Promise((resolve) => setTimeout(resolve, 200));
      watcher.close();
      expect(calls).toBe(3);
    });

    it('gives up after a bounded number of retries in a row', async () => {
      const dir = await folder();
      let calls = 0;
      const watcher = watchFolder(dir, () => ((calls += 1), 'retry'), 10);
      await writeFile(path.join(dir, 'a.md'), 'never settles');
      await waitFor(() => calls === MAX_RETRIES + 1);
      await new Promise((resolve) => setTimeout(resolve, 200));
      watcher.close();
      expect(calls).toBe(MAX_RETRIES + 1);
    });
  });
});
