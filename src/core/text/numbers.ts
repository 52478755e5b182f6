import { termOf } from './analyze.js';

/**
 * Numbers an article may write as a word: "three categories", "eighty societies". Not "one": it is
 * a pronoun ("one of the...") far more often than the number 1.
 */
const NUMBER_WORDS: readonly (readonly [number, string])[] = [
  ...'two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty'
    .split(' ')
    .map((word, i) => [2 + i, word] as const),
  ...'thirty forty fifty sixty seventy eighty ninety'.split(' ').map((word, i) => [30 + 10 * i, word] as const),
  [100, 'hundred'],
  [1000, 'thousand'],
];

let byTerm: ReadonlyMap<string, string> | undefined;

/**
 * The other way to write the number an index term is: the word's term for digits ("3": "three"),
 * the digits for a number word ("eighti": "80"); undefined for any other term.
 */
export function otherNumberTerm(term: string): string | undefined {
  if (byTerm === undefined) {
    const map = new Map<string, string>();
    for (const [n, word] of NUMBER_WORDS) {
      map.set(String(n), termOf(word));
      map.set(termOf(word), String(n));
    }
    byTerm = map;
  }
  return byTerm.get(term);
}

const DIGITS = /^\p{Nd}+$/u;
const ENDS_IN_DIGIT = /\p{Nd}$/u;
const STARTS_WITH_DIGIT = /^\p{Nd}/u;
/** What joins the parts of one number, a range, a score or a date: "100,000", "15–1", "2013-14", "2/21/2016". */
const JOINS_NUMBERS = /^[-–—/,.:]$/;

/**
 * Whether a question's word is a number it gives of its own ("15 regular season games", "Apollo
 * 12"): a passage that lacks it answers another question. A single digit is not: it numbers a
 * question in a list ("2. Who...", "step 3"), and articles write small numbers as words. Nor are
 * the later parts of a joined number ("14" of "2013-14"), or any part of a date written with
 * slashes or of a number with thousands separators: an article may write "1,000" as "1000" or
 * "2/21/2016" as "21 February 2016".
 */
export function isOwnNumber(text: string, words: readonly { surface: string; start: number; end: number }[], i: number): boolean {
  const word = words[i];
  if (word === undefined || !DIGITS.test(word.surface) || word.surface.length < 2) return false;
  const before = words[i - 1];
  const after = words[i + 1];
  const joinedBefore = before !== undefined && ENDS_IN_DIGIT.test(before.surface) && JOINS_NUMBERS.test(text.slice(before.end, word.start));
  const joinedAfter = after !== undefined && STARTS_WITH_DIGIT.test(after.surface) && JOINS_NUMBERS.test(text.slice(word.end, after.start));
  if (joinedBefore) return false;
  if (!joinedAfter) return true;
  const join = text.slice(word.end, (after as { start: number }).start);
  return join !== '/' && join !== ',';
}
