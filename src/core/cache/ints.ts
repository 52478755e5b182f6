/** 32-bit integers written in chunks (so a large index is never one huge array) and read back. */

const CHUNK_INTS = 1 << 20;

/** Appends integers to chunks of a million; `chunks()` gives them, the last one cut to its length. */
export class IntWriter {
  readonly #full: Int32Array[] = [];
  #chunk = new Int32Array(CHUNK_INTS);
  #length = 0;

  push(value: number): void {
    if (this.#length === CHUNK_INTS) {
      this.#full.push(this.#chunk);
      this.#chunk = new Int32Array(CHUNK_INTS);
      this.#length = 0;
    }
    this.#chunk[this.#length++] = value;
  }

  get count(): number {
    return this.#full.length * CHUNK_INTS + this.#length;
  }

  chunks(): Int32Array[] {
    return [...this.#full, this.#chunk.subarray(0, this.#length)];
  }
}

/** Reads integers in order, each checked against the end: a short or damaged file throws, never reads past it. */
export class IntReader {
  #at = 0;

  constructor(readonly ints: Int32Array) {}

  get at(): number {
    return this.#at;
  }

  get done(): boolean {
    return this.#at === this.ints.length;
  }

  next(): number {
    if (this.#at >= this.ints.length) throw new Error('the data ends too early');
    return this.ints[this.#at++] as number;
  }

  /** A count of things to come, each `width` integers long: checked to be in range and to fit in what is left. */
  count(width: number, what: string): number {
    const value = this.next();
    if (value < 0 || value * width > this.ints.length - this.#at) throw new Error(`${what}: ${value} does not fit the data`);
    return value;
  }

  /** Moves past `n` integers already read by index (see `count`). */
  skip(n: number): void {
    this.#at += n;
  }
}
