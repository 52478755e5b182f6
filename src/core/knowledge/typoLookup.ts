import type SearchableMap from 'minisearch/SearchableMap';

/**
 * The keys of `map` within `typos` of `term`, where a typo is a letter added, dropped or changed,
 * or two neighbouring letters swapped ("misison"), as `editDistance` in search/match.ts counts.
 * The map's own fuzzy lookup counts a swap as two edits; so each set of swaps is tried on the term
 * first and the lookup asked for the typos left, rather than asking it for twice as many.
 */
export function keysWithinTypos(map: SearchableMap<unknown>, term: string, typos: number): ReadonlySet<string> {
  // A question's words come back in the next questions: each is looked up once per map. The
  // memo is bounded like the word caches (text/analyze.ts), emptied when full.
  let known = remembered.get(map);
  if (known === undefined) remembered.set(map, (known = new Map()));
  const key = `${typos}\u0000${term}`;
  let keys = known.get(key);
  if (keys === undefined) {
    keys = lookUpWithinTypos(map, term, typos);
    if (known.size >= REMEMBERED_WORDS) known.clear();
    if (term.length <= LONGEST_REMEMBERED_WORD) known.set(key, keys);
  }
  return keys;
}

/** Words remembered per map, and the longest remembered (longer ones are not vocabulary that comes back). */
export const REMEMBERED_WORDS = 10_000;
const LONGEST_REMEMBERED_WORD = 40;
const remembered = new WeakMap<SearchableMap<unknown>, Map<string, ReadonlySet<string>>>();

function lookUpWithinTypos(map: SearchableMap<unknown>, term: string, typos: number): ReadonlySet<string> {
  const keys = new Set<string>();
  // No key is that long: nothing to try, however long the word (a 490-letter word has ~120,000
  // sets of swaps, each a lookup of its own).
  if (term.length - typos > longestKey(map)) return keys;
  const visit = (text: string, from: number, left: number): void => {
    if (left === 0) {
      if (map.has(text)) keys.add(text);
    } else {
      for (const key of map.fuzzyGet(text, left).keys()) keys.add(key);
    }
    // Swaps at positions that do not overlap, in order, so each set of swaps is tried once.
    for (let i = from; left > 0 && i + 1 < text.length; i++) {
      if (text[i] === text[i + 1]) continue;
      visit(`${text.slice(0, i)}${text[i + 1]}${text[i]}${text.slice(i + 2)}`, i + 2, left - 1);
    }
  };
  visit(term, 0, typos);
  return keys;
}

const longestKeys = new WeakMap<SearchableMap<unknown>, number>();

/** The length of the map's longest key, found once per map. */
function longestKey(map: SearchableMap<unknown>): number {
  let longest = longestKeys.get(map);
  if (longest === undefined) {
    longest = 0;
    for (const key of map.keys()) longest = Math.max(longest, key.length);
    longestKeys.set(map, longest);
  }
  return longest;
}
