import { lowerWord } from './analyze.js';

/**
 * Whether a question is written in another language than English. The knowledge and its
 * analysis (stemming, stop words, glossary) are English, so such a question would only be
 * declined for words that match nothing; it is better told that the bot answers in English.
 *
 * Cheap on purpose: a question mostly in another script (Japanese, Arabic, Cyrillic...) is not
 * English; a Latin-script one is not when it has more very common words of Spanish, French,
 * German, Portuguese, Italian, Dutch or Indonesian than of English. A foreign name in an English
 * question ("Ulala Lab", "Juan de la Cruz") stays English: its English words outnumber it.
 */
export function looksNotEnglish(question: string): boolean {
  const words = (question.match(WORD) ?? []).map(lowerWord);
  const english = words.filter((word) => ENGLISH_WORDS.has(word)).length;
  // Letters of another script are never ASCII: most questions need no count of them.
  if (NOT_ASCII.test(question)) {
    const letters = question.match(LETTER)?.length ?? 0;
    const latin = question.match(LATIN_LETTER)?.length ?? 0;
    if (letters > 0 && (letters - latin) / letters >= OTHER_SCRIPT_SHARE) return english < 2;
  }
  const foreign = words.filter((word) => FOREIGN_WORDS.has(word)).length;
  // One foreign word alone ("Gracias", "Bonjour") is foreign too, when nothing else is said.
  return foreign > english && (foreign >= 2 || words.length === foreign);
}

const NOT_ASCII = /[^\x00-\x7F]/;
const LETTER = /\p{L}/gu;
const LATIN_LETTER = /\p{Script=Latin}/gu;
const WORD = /\p{L}+(?:['’]\p{L}+)*/gu;
/** At least this share of the letters outside the Latin script: another script's language. */
const OTHER_SCRIPT_SHARE = 0.5;

/** Very common English words: question words, auxiliaries, articles and prepositions. */
const ENGLISH_WORDS: ReadonlySet<string> = new Set(
  (
    'the a an of to in on at for with by from about and or is are was were be been did does do has have had ' +
    'what who whom whose when where which why how this that these those it its they their there can could ' +
    'will would should tell me my i you your we our any many much'
  ).split(' '),
);

/**
 * Very common words of other languages written in Latin script, accents folded (as `lowerWord`
 * gives them), that are not English words too: "de", "la", "qui", "und", "yang"; never "in",
 * "a", "die", "was" or "come", which English questions use.
 */
const FOREIGN_WORDS: ReadonlySet<string> = new Set(
  (
    // Spanish
    'el la los las del que quien quienes cual cuales cuando donde como por una es fue ' +
    'se su sus al lo y o en de esta este estos estas pero mas muy sobre hola gracias ' +
    // Portuguese
    'os da dos das em na nas uma foi sao quem onde porque obrigado obrigada ola ' +
    // French
    'le les des du et est qui quoi quand ou pourquoi un une dans avec sur aux ce cette ces ' +
    'je vous nous il elle ils sont bonjour merci ' +
    // German
    'der das und ist wer wann wie warum nicht ein eine einen mit von zu dem des im auf fur ich sie ' +
    'wir sind hallo danke welche welcher hat wurde haben werden gibt einer eines ' +
    // Italian
    'il gli chi cosa perche della delle degli sono ciao grazie ' +
    // Dutch
    'het een wat waar wanneer niet ik zijn ' +
    // Indonesian and Malay
    'yang dan di ke dari apa siapa kapan mana bagaimana mengapa adalah untuk dengan ini itu pada ' +
    'tidak ada oleh akan terima kasih'
  ).split(' '),
);
