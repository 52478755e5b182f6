import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Long work runs at most this long before other work (questions, health checks) runs. */
export const SLICE_MS = 10;

/** Runs a generator to its end at once, for work that may block (a start, a benchmark). */
export function runAtOnce<R>(steps: Generator<void, R>): R {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * Runs a generator to its end, a slice at a time: after each step that ends a slice of `SLICE_MS`,
 * other work runs before the next. Resolves to the generator's return value.
 */
export async function runInSlices<R>(steps: Generator<void, R>): Promise<R> {
  let sliceStart = performance.now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() - sliceStart >= SLICE_MS) {
      await nextTurn();
      sliceStart = performance.now();
    }
  }
}
