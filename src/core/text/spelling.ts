/**
 * British and American spellings of the same word should find each other ("centre" and "center",
 * "organisation" and "organization", "programme" and "program"). The Porter stemmer does not fold
 * them, so words are mapped to the American form before stemming.
 */

/** Roots whose -ise/-isation forms are spelled -ize/-ization in American English. */
const IZE_ROOTS = new Set(
  (
    'organ recogn real util special emphas minim maxim optim modern digital digit industrial global ' +
    'standard character author priorit mobil capital commercial central local normal categor critic ' +
    'summar stabil subsid apolog visual final harmon legal memor synchron urban western institutional ' +
    'international rational revital incentiv custom energ familiar galvan human ideal internal jeopard ' +
    'legitim liberal monet motor neutral privat public regular revolution scrutin sensit social ' +
    'stigmat symbol sympath theor vital'
  ).split(' '),
);

const WHOLE_WORDS: ReadonlyMap<string, string> = new Map([
  ['centre', 'center'],
  ['centres', 'centers'],
  ['centred', 'centered'],
  ['metre', 'meter'],
  ['metres', 'meters'],
  ['litre', 'liter'],
  ['litres', 'liters'],
  ['fibre', 'fiber'],
  ['theatre', 'theater'],
  ['programme', 'program'],
  ['programmes', 'programs'],
  ['labour', 'labor'],
  ['labours', 'labors'],
  ['favour', 'favor'],
  ['favourable', 'favorable'],
  ['behaviour', 'behavior'],
  ['behaviours', 'behaviors'],
  ['colour', 'color'],
  ['honour', 'honor'],
  ['neighbour', 'neighbor'],
  ['neighbouring', 'neighboring'],
  ['catalogue', 'catalog'],
  ['defence', 'defense'],
  ['licence', 'license'],
  ['analyse', 'analyze'],
  ['analysed', 'analyzed'],
  ['analysing', 'analyzing'],
  ['travelling', 'traveling'],
  ['enrolment', 'enrollment'],
  ['modelling', 'modeling'],
  ['fulfil', 'fulfill'],
]);

const IZE_FORM = /^(.+)is(e|es|ed|ing|ation|ations|er|ers)$/;

/** Returns the American spelling of a lowercase word, or the word itself. */
export function americanSpelling(word: string): string {
  const whole = WHOLE_WORDS.get(word);
  if (whole !== undefined) return whole;
  const match = IZE_FORM.exec(word);
  if (match && IZE_ROOTS.has(match[1] as string)) return `${match[1]}iz${match[2]}`;
  return word;
}
