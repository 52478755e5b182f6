import MiniSearch, { type AsPlainObject, type Options } from 'minisearch';
import type { IntReader, IntWriter } from './ints.js';

/**
 * A MiniSearch index as integers and a list of terms, and back: how the index cache stores it.
 *
 * MiniSearch's own JSON is too slow for a restart in seconds. Measured at 100k passages (28k terms,
 * 4.6M postings, 2 shared cores): `toJSON` 3.9 s in one block, `JSON.stringify` 1.6 s (50 MiB),
 * then on load `JSON.parse` 2.8 s and `loadJS` 3.9 s. Here: 0.5 s to encode, in slices, and 0.8 s
 * to decode (36 MiB). The documents (ids, field lengths, stored fields) still go through MiniSearch's
 * own `loadJS`; only the term index is read from and written to MiniSearch's inside (`_index` and the
 * fields `toJSON` reads), the same maps `loadJS` fills. This module is the one place that knows
 * them: `selfTest` (run before the cache is used) and tests/index-cache.test.ts check that a decoded
 * index is the index encoded, so a MiniSearch that keeps them otherwise turns the cache off, never
 * serves a wrong index.
 */

/** term -> field id -> document short id -> term frequency, as MiniSearch keeps its index. */
type FieldPostings = Map<number, Map<number, number>>;

/** The inside of a MiniSearch instance that `toJSON` and `loadJS` read and write (MiniSearch 7). */
interface Inside {
  readonly _index: Iterable<[string, FieldPostings]> & { set(term: string, data: FieldPostings): unknown };
  readonly _documentIds: Map<number, unknown>;
  readonly _fieldLength: Map<number, number[]>;
  readonly _storedFields: Map<number, Record<string, unknown>>;
  readonly _documentCount: number;
  readonly _nextId: number;
  readonly _fieldIds: Record<string, number>;
  readonly _avgFieldLength: number[];
  readonly _dirtCount: number;
}

/** What an encoded index needs besides its integers: plain JSON, kept in the cache file's header. */
export interface IndexHeader {
  readonly documentCount: number;
  readonly nextId: number;
  readonly fieldIds: Record<string, number>;
  readonly averageFieldLength: number[];
  readonly dirtCount: number;
  /** Every term, in the order of the postings. */
  readonly terms: string[];
  /** The distinct stored-field objects, as JSON; each document names one by its place here. */
  readonly storedValues: string[];
}

/** Documents encoded between two yields. */
const STEP = 256;

function insideOf<T>(index: MiniSearch<T>): Inside {
  const inside = index as unknown as Inside;
  const maps = [inside._documentIds, inside._fieldLength, inside._storedFields];
  if (!maps.every((map) => map instanceof Map) || typeof inside._index?.set !== 'function' || typeof inside._nextId !== 'number') {
    throw new Error('this MiniSearch keeps its index in another way than the index cache knows');
  }
  return inside;
}

/**
 * Writes the documents, then each term's postings, to `out`; yields every few hundred documents
 * and after each term, so the caller can let other work run. The index must not change meanwhile.
 */
export function* encodeIndex<T>(index: MiniSearch<T>, out: IntWriter): Generator<void, IndexHeader> {
  const inside = insideOf(index);
  const dirtCount = inside._dirtCount;
  const header = { documentCount: inside._documentCount, nextId: inside._nextId };
  const storedValues: string[] = [];
  const storedPlace = new Map<string, number>();

  out.push(inside._documentIds.size);
  let step = 0;
  for (const [shortId, id] of inside._documentIds) {
    if (typeof id !== 'number' || !Number.isInteger(id) || Math.abs(id) >= 2 ** 31) throw new Error(`document id ${String(id)} is not a 32-bit whole number`);
    const stored = inside._storedFields.get(shortId);
    let place = -1;
    if (stored !== undefined) {
      const json = JSON.stringify(stored);
      place = storedPlace.get(json) ?? storedValues.push(json) - 1;
      storedPlace.set(json, place);
    }
    out.push(shortId);
    out.push(id);
    out.push(place);
    const lengths = inside._fieldLength.get(shortId);
    out.push(lengths === undefined ? -1 : lengths.length);
    // A field the document did not have is a hole in its array: -1.
    for (let field = 0; field < (lengths?.length ?? 0); field++) out.push(lengths?.[field] ?? -1);
    if (++step % STEP === 0) yield;
  }

  const terms: string[] = [];
  for (const [term, fields] of inside._index) {
    terms.push(term);
    out.push(fields.size);
    for (const [fieldId, postings] of fields) {
      out.push(fieldId);
      out.push(postings.size);
      // forEach, not for-of: no [key, value] array per posting to collect (4.6M at 100k passages).
      postings.forEach((frequency, shortId) => {
        out.push(shortId);
        out.push(frequency);
      });
    }
    // After every term: a frequent one alone has as many postings as thousands of rare ones.
    yield;
  }
  // A search of an index with discarded documents removes their postings as it meets them. (Not
  // `_index.size`: the tree counts its terms anew, 40 ms at 100k passages.)
  if (inside._documentCount !== header.documentCount || inside._dirtCount !== dirtCount) throw new Error('the index changed while it was written');

  return {
    ...header,
    fieldIds: { ...inside._fieldIds },
    averageFieldLength: [...inside._avgFieldLength],
    dirtCount,
    terms,
    storedValues,
  };
}

/**
 * The index `encodeIndex` wrote, with `options` (the same the encoded one was made with). Throws
 * when the integers do not make an index that fits the header: a damaged file is never served.
 */
export function decodeIndex<T>(header: IndexHeader, input: IntReader, options: Options<T>): MiniSearch<T> {
  const expectedFields = Object.fromEntries(options.fields.map((field, i) => [field, i]));
  if (JSON.stringify(header.fieldIds) !== JSON.stringify(expectedFields)) {
    throw new Error(`the index has fields ${JSON.stringify(header.fieldIds)}, the engine ${JSON.stringify(expectedFields)}`);
  }
  const fieldCount = options.fields.length;
  const stored = header.storedValues.map((json) => JSON.parse(json) as Record<string, unknown>);
  const documentIds: Record<number, number> = {};
  const fieldLength: Record<number, number[]> = {};
  const storedFields: Record<number, Record<string, unknown>> = {};
  const known = new Uint8Array(header.nextId);

  const documents = input.count(4, 'documents');
  for (let i = 0; i < documents; i++) {
    const shortId = input.next();
    if (shortId < 0 || shortId >= header.nextId || known[shortId] === 1) throw new Error(`document ${shortId} is out of range or twice`);
    known[shortId] = 1;
    documentIds[shortId] = input.next();
    const place = input.next();
    if (place >= stored.length || place < -1) throw new Error(`document ${shortId} names stored fields ${place} of ${stored.length}`);
    if (place >= 0) storedFields[shortId] = { ...stored[place] };
    const lengthCount = input.next();
    if (lengthCount > fieldCount || lengthCount < -1) throw new Error(`document ${shortId} has ${lengthCount} field lengths`);
    if (lengthCount >= 0) {
      const lengths: number[] = [];
      for (let field = 0; field < lengthCount; field++) {
        const length = input.next();
        if (length >= 0) lengths[field] = length;
      }
      fieldLength[shortId] = lengths;
    }
  }
  if (documents !== header.documentCount) throw new Error(`the index has ${documents} documents, its header says ${header.documentCount}`);

  const plain: AsPlainObject = {
    documentCount: header.documentCount,
    nextId: header.nextId,
    documentIds,
    fieldIds: header.fieldIds,
    fieldLength,
    averageFieldLength: header.averageFieldLength,
    storedFields,
    dirtCount: header.dirtCount,
    index: [],
    serializationVersion: 2,
  };
  const index = MiniSearch.loadJS<T>(plain, options);
  const inside = insideOf(index);

  const ints = input.ints;
  for (const term of header.terms) {
    const fields: FieldPostings = new Map();
    const fieldsHere = input.count(2, `postings of "${term}"`);
    for (let f = 0; f < fieldsHere; f++) {
      const fieldId = input.next();
      if (fieldId < 0 || fieldId >= fieldCount) throw new Error(`postings of "${term}" name field ${fieldId}`);
      const count = input.count(2, `postings of "${term}"`);
      const postings = new Map<number, number>();
      let at = input.at;
      for (let i = 0; i < count; i++, at += 2) {
        const shortId = ints[at] as number;
        // A discarded document's postings stay until MiniSearch vacuums them: any id below nextId may be named.
        if (!(shortId >= 0 && shortId < header.nextId)) throw new Error(`postings of "${term}" name document ${shortId}, past the index's last`);
        postings.set(shortId, ints[at + 1] as number);
      }
      input.skip(count * 2);
      fields.set(fieldId, postings);
    }
    inside._index.set(term, fields);
  }
  return index;
}
