/** A sentence of a passage, with its offsets in the passage text. */
export interface Sentence {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/** Abbreviations that never end a sentence: titles and the like come before a name or a number. */
const NEVER_FINAL = new Set(
  (
    'mr mrs ms dr prof st mt gen col lt sgt capt gov sen rep hon rev fr sr jr pte no nos vol vols ' +
    'fig figs pp para art sec ch vs cf approx ca dept univ assoc bros e.g i.e op ' +
    'jan feb mar apr jun jul aug sep sept oct nov dec'
  ).split(' '),
);

/** Abbreviations that may end a sentence: they do when a capitalised word follows. */
const MAYBE_FINAL = new Set('ltd inc co corp plc bhd etc al'.split(' '));

// A run of closing punctuation, then any closing quotes or brackets, then white space.
const CANDIDATE = /([.!?…]+)["'”’)\]]*(\s+)/g;
const WORD_BEFORE = /([\p{L}\p{N}.]+)$/u;
const LIST_ITEM = /\n(?=\s*(?:[-*•]|\d+[.)])\s)/g;

/**
 * Splits a passage into sentences. A period after an abbreviation ("Prof.", "Pte.", "e.g.") or an
 * initial ("D. CAMP") does not end a sentence; "Ltd." and the like do only when a capitalised word
 * follows. List items on their own lines are sentences of their own.
 */
export function splitSentences(text: string): Sentence[] {
  const cuts = new Set<number>();
  for (const match of text.matchAll(CANDIDATE)) {
    const end = match.index + match[0].length - (match[2] as string).length;
    const next = text.slice(match.index + match[0].length, match.index + match[0].length + 1);
    // The word before the punctuation is all that matters: look back a little, not to the start.
    if (endsSentence(text.slice(Math.max(0, match.index - 40), match.index), match[1] as string, next)) cuts.add(end);
  }
  for (const match of text.matchAll(LIST_ITEM)) cuts.add(match.index);

  const sentences: Sentence[] = [];
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b).concat(text.length)) {
    pushTrimmed(sentences, text, from, cut);
    from = cut;
  }
  return sentences;
}

function endsSentence(before: string, punctuation: string, next: string): boolean {
  if (next === '') return true;
  // "e.g. the", "Really? yes": a lowercase word after the punctuation continues the sentence.
  if (/\p{Ll}/u.test(next)) return false;
  if (punctuation !== '.') return true;
  const word = WORD_BEFORE.exec(before)?.[1] ?? '';
  const lower = word.toLowerCase().replace(/\.$/, '');
  if (NEVER_FINAL.has(lower)) return false;
  // A single capital letter is an initial: "D. CAMP", "J. Smith"; so are several with dots
  // between: "J.S. Bach", "L.A. Reid".
  if (/^(?:\p{Lu}\.)*\p{Lu}$/u.test(word)) return false;
  // A single small letter is an abbreviation before a year or a name: "(r. 1206–1227)", "(b. 1950)",
  // "(d. 1849)", "c. 1500", "p. 12".
  if (/^\p{Ll}$/u.test(word)) return false;
  if (MAYBE_FINAL.has(lower)) return /\p{Lu}/u.test(next);
  return true;
}

function pushTrimmed(into: Sentence[], text: string, from: number, to: number): void {
  let start = from;
  let end = to;
  while (start < end && /\s/.test(text[start] as string)) start++;
  while (end > start && /\s/.test(text[end - 1] as string)) end--;
  if (end > start) into.push({ text: text.slice(start, end), start, end });
}
