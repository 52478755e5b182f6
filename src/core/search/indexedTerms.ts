import type MiniSearch from 'minisearch';

/**
 * What a MiniSearch query of a word would add to given passages' scores, read from MiniSearch's
 * own index without walking the word's postings; and which index terms a word matches loosely.
 *
 * MiniSearch has no public way to ask for one passage's term frequencies and field lengths (a
 * search restricted by `filter` or `boostDocument` still walks every posting of the word), so
 * this is the one module that reads its internals, as MiniSearch 7.2 keeps them: the radix tree
 * `_index` (term to field id to short id to frequency, searched by prefix and by edit distance
 * as MiniSearch searches it), `_idToShortId`, `_fieldIds`, `_fieldLength`, `_avgFieldLength`,
 * `_documentCount` and the BM25 parameters in `_options`. `indexedTerms` checks their shape and
 * throws when it is not what this module reads, and tests/retrieve.test.ts compares its scores
 * and matches with MiniSearch's own, so a MiniSearch upgrade that changes them fails loudly.
 *
 * The counts are read at each call, as MiniSearch reads them, so they follow passages added to
 * and removed from the index. (A passage `discard`ed and not yet vacuumed would still count here
 * until MiniSearch's search meets it; the engine removes passages, it never discards them.)
 */

/** BM25+ parameters, as MiniSearch names them. */
interface Bm25Params {
  readonly k: number;
  readonly b: number;
  readonly d: number;
}

/** A term's postings: field id to short id to term frequency. */
type FieldTermData = ReadonlyMap<number, ReadonlyMap<number, number>>;

/** The parts of a MiniSearch instance read here (MiniSearch 7.2, src/MiniSearch.ts). */
interface Internals {
  readonly _index: {
    get(term: string): FieldTermData | undefined;
    has(term: string): boolean;
    fuzzyGet(term: string, maxEditDistance: number): Map<string, [FieldTermData, number]>;
    atPrefix(prefix: string): { fuzzyGet(term: string, maxEditDistance: number): Map<string, [FieldTermData, number]> };
  };
  readonly _idToShortId: ReadonlyMap<unknown, number>;
  readonly _fieldIds: Readonly<Record<string, number>>;
  readonly _fieldLength: ReadonlyMap<number, readonly number[]>;
  readonly _avgFieldLength: readonly number[];
  readonly _documentCount: number;
  readonly _options: { readonly searchOptions?: { readonly bm25?: Bm25Params } };
}

/** Passages as the index knows them, in the order asked for. */
export interface IndexedPassages {
  /** MiniSearch's short id of each passage; -1 for one the index does not hold. */
  readonly shortIds: Int32Array;
  /** Each passage's field lengths, by field id. */
  readonly fieldLengths: readonly (readonly number[])[];
}

export interface IndexedTerms {
  /** The passages with these ids (`IndexedPassage.id`). */
  passages(ids: readonly number[]): IndexedPassages;
  /**
   * Adds an exact index term's BM25 in the given fields, with their boosts, times `weight`, to
   * `scores[i]` of each passage i that has it, and sets `has[i]`: what a MiniSearch query of the
   * term without fuzzy or prefix, boosted by `weight`, adds to those passages' scores (before any
   * document boost).
   */
  addTerm(
    term: string,
    boosts: Readonly<Record<string, number>>,
    passages: IndexedPassages,
    scores: Float64Array,
    has: Uint8Array,
    weight?: number,
  ): void;
  /**
   * The index terms a query term matches with fuzzy and prefix search, each with the weight
   * MiniSearch gives its matches: 1 for the term itself, `weights.prefix` scaled down with the
   * letters added for a longer term it begins, `weights.fuzzy` scaled down with the edits for a
   * term within `maxEdits` (a term that is both counts as a prefix match), as in MiniSearch's
   * `executeQuerySpec`; but a typo is looked for after the first letter (see `typos`).
   */
  expand(term: string, options: { readonly prefix: boolean; readonly maxEdits: number; readonly weights: Weights }): Map<string, number>;
}

/** MiniSearch's weights of fuzzy and prefix matches. */
export interface Weights {
  readonly fuzzy: number;
  readonly prefix: number;
}

/** MiniSearch's defaults (src/MiniSearch.ts, `defaultBM25params`), used when the index sets none. */
const DEFAULT_BM25: Bm25Params = { k: 1.2, b: 0.7, d: 0.5 };
const NO_LENGTHS: readonly number[] = [];

/** Reads an index's statistics; throws when MiniSearch no longer keeps them where this module looks. */
export function indexedTerms<T>(index: MiniSearch<T>): IndexedTerms {
  const internals = checkedInternals(index);
  // MiniSearch's fuzzy look-up among the terms that start with `first`, of what follows it.
  const within = (first: string, rest: string, edits: number, found: Map<string, [FieldTermData, number]>, added = 0): void => {
    for (const [tail, [data, distance]] of internals._index.atPrefix(first).fuzzyGet(rest, edits)) {
      const near = first + tail;
      const before = found.get(near);
      if (before === undefined || before[1] > distance + added) found.set(near, [data, distance + added]);
    }
  };
  /**
   * The index terms within `maxEdits` of a term that keep its first letter, or that it has one
   * or two letters in front of ("hTRPML2" for "TRPML2", "uncultured" for "cultured"). A lookup
   * of the whole vocabulary within two edits cost 2 ms a word at 10k passages, most of the time of
   * a question with a few words the knowledge never uses; one branch of it costs a sixth. What is
   * left out: a term whose first letter differs ("twitch" for "switch").
   */
  const typos = (term: string, maxEdits: number): Map<string, [FieldTermData, number]> => {
    const found = new Map<string, [FieldTermData, number]>();
    within(term.slice(0, 1), term.slice(1), maxEdits, found);
    if (term.length > 2) within(term.slice(1, 2), term.slice(2), maxEdits - 1, found, 1);
    if (maxEdits >= 2 && term.length > 3) within(term.slice(2, 3), term.slice(3), 0, found, 2);
    return found;
  };
  return {
    passages(ids) {
      const shortIds = new Int32Array(ids.length);
      const fieldLengths: (readonly number[])[] = [];
      ids.forEach((id, i) => {
        const shortId = internals._idToShortId.get(id);
        const lengths = shortId === undefined ? undefined : internals._fieldLength.get(shortId);
        shortIds[i] = lengths === undefined ? -1 : (shortId as number);
        fieldLengths.push(lengths ?? NO_LENGTHS);
      });
      return { shortIds, fieldLengths };
    },
    addTerm(term, boosts, passages, scores, has, termWeight = 1) {
      const data = internals._index.get(term);
      if (data === undefined) return;
      const { k, b, d } = internals._options.searchOptions?.bm25 ?? DEFAULT_BM25;
      const documentCount = internals._documentCount;
      const { shortIds, fieldLengths } = passages;
      for (const [field, boost] of Object.entries(boosts)) {
        const fieldId = internals._fieldIds[field];
        if (fieldId === undefined) throw new Error(`indexedTerms: the index has no field "${field}"`);
        const frequencies = data.get(fieldId);
        if (frequencies === undefined || frequencies.size === 0) continue;
        // MiniSearch's `calcBM25Score`: the inverse document frequency counts the passages that
        // have the term in this field, out of all passages; then BM25+ with its k, b and d.
        const weight = termWeight * boost * Math.log(1 + (documentCount - frequencies.size + 0.5) / (frequencies.size + 0.5));
        const averageLength = internals._avgFieldLength[fieldId] ?? 0;
        const add = (i: number, frequency: number): void => {
          const length = (fieldLengths[i] as readonly number[])[fieldId] ?? 0;
          scores[i] = (scores[i] as number) + weight * (d + (frequency * (k + 1)) / (frequency + k * (1 - b + (b * length) / averageLength)));
          has[i] = 1;
        };
        // Whichever is shorter: the term's postings in this field, or the passages.
        if (frequencies.size < shortIds.length) {
          const places = placesOf(passages);
          for (const [shortId, frequency] of frequencies) {
            const i = places.get(shortId);
            if (i !== undefined) add(i, frequency);
          }
        } else {
          for (let i = 0; i < shortIds.length; i++) {
            const frequency = frequencies.get(shortIds[i] as number);
            if (frequency !== undefined) add(i, frequency);
          }
        }
      }
    },
    expand(term, { prefix, maxEdits, weights }) {
      const found = new Map<string, number>();
      if (internals._index.has(term)) found.set(term, 1);
      const fuzzy = maxEdits > 0 ? typos(term, maxEdits) : undefined;
      if (prefix) {
        for (const [longer] of internals._index.atPrefix(term) as unknown as Iterable<[string, FieldTermData]>) {
          const added = longer.length - term.length;
          if (added === 0) continue;
          fuzzy?.delete(longer);
          found.set(longer, (weights.prefix * longer.length) / (longer.length + 0.3 * added));
        }
      }
      for (const [near, [, edits]] of fuzzy ?? []) {
        if (edits > 0) found.set(near, (weights.fuzzy * near.length) / (near.length + edits));
      }
      return found;
    },
  };
}

const places = new WeakMap<IndexedPassages, ReadonlyMap<number, number>>();

/** Each passage's place in `passages`, by short id, found once per set of passages. */
function placesOf(passages: IndexedPassages): ReadonlyMap<number, number> {
  let found = places.get(passages);
  if (found === undefined) {
    const byShortId = new Map<number, number>();
    passages.shortIds.forEach((shortId, i) => {
      if (shortId >= 0) byShortId.set(shortId, i);
    });
    found = byShortId;
    places.set(passages, found);
  }
  return found;
}

function checkedInternals<T>(index: MiniSearch<T>): Internals {
  const raw = index as unknown as Record<string, unknown>;
  const problems: string[] = [];
  const expect = (name: string, ok: boolean): void => {
    if (!ok) problems.push(name);
  };
  for (const method of ['get', 'has', 'atPrefix', 'fuzzyGet']) {
    expect(`_index.${method}`, typeof (raw._index as Record<string, unknown> | undefined)?.[method] === 'function');
  }
  expect('_idToShortId', raw._idToShortId instanceof Map);
  expect('_fieldIds', typeof raw._fieldIds === 'object' && raw._fieldIds !== null);
  expect('_fieldLength', raw._fieldLength instanceof Map);
  expect('_avgFieldLength', Array.isArray(raw._avgFieldLength));
  expect('_documentCount', typeof raw._documentCount === 'number');
  expect('_options.searchOptions', typeof raw._options === 'object' && raw._options !== null);
  if (problems.length > 0) {
    throw new Error(`indexedTerms: MiniSearch's internals changed (${problems.join(', ')} not as in MiniSearch 7.2): see src/core/search/indexedTerms.ts`);
  }
  return index as unknown as Internals;
}
