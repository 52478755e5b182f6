import { createRequire } from 'node:module';

/**
 * Irregular forms and their base words, from WordNet's exception lists (through wink-lexicon):
 * "met" is "meet", "children" is "child", "began" is "begin". The Porter stemmer joins regular
 * forms ("meeting", "meets") by their endings, but an irregular form shares no ending with its
 * base word, so without these "When did Chopin meet Field?" could never find "Chopin met Field".
 *
 * Only forms that are not words of their own are mapped: "left" (the side), "found" (to found a
 * company) or "saw" (the tool) keep their meaning, since joining them with "leave", "find" or
 * "see" costs more than it brings (SciFact nDCG@10 0.7019 without lemmas, 0.6990 with every
 * exception, see docs/BENCHMARKS.md). A regular form is left to the stemmer.
 */
const require = createRequire(import.meta.url);
const lexicon = 'wink-lexicon/src/';

let bases: ReadonlyMap<string, string> | undefined;

/** Built on first use: WordNet's word list is read once, to filter the exceptions, and dropped. */
function irregularForms(): ReadonlyMap<string, string> {
  if (bases === undefined) {
    const wordsFile = require.resolve(`${lexicon}wn-words.js`);
    const words = require(wordsFile) as Readonly<Record<string, unknown>>;
    const map = new Map<string, string>();
    for (const file of ['wn-verb-exceptions.js', 'wn-noun-exceptions.js']) {
      const exceptions = require(`${lexicon}${file}`) as Readonly<Record<string, string>>;
      for (const [form, base] of Object.entries(exceptions)) {
        if (!Object.hasOwn(words, form) && !map.has(form) && /^\p{Ll}+$/u.test(form)) map.set(form, base);
      }
    }
    // Nearly 2 MB of words, needed only here: let them be collected.
    delete require.cache[wordsFile];
    bases = map;
  }
  return bases;
}

/** The base word of an irregular verb or noun form (lowercase) that is no word of its own, or the word itself. */
export function irregularBase(lower: string): string {
  return irregularForms().get(lower) ?? lower;
}
