import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type KnowledgeEngine } from '../src/core/index.js';
import { acronymKey, findAcronyms, learnAcronyms, titleInitials } from '../src/core/knowledge/acronyms.js';
import { tokenize } from '../src/core/text/analyze.js';
import { irregularBase } from '../src/core/text/lemmas.js';
import { isOwnNumber, otherNumberTerm } from '../src/core/text/numbers.js';
import { synonymsOf } from '../src/core/text/synonyms.js';
import { EMPTY_GLOSSARY, loadKnowledge, parseArticle } from '../src/core/index.js';
import { unitMatch } from '../src/core/search/match.js';
import { readPassageText } from '../src/core/search/passageReading.js';
import { analyzeQuestion, kindOf } from '../src/core/search/query.js';
import { hasKind, sentenceSignals, withAntecedent, type SentenceSignals } from '../src/core/search/sentenceScore.js';
import { buildSnapshot } from '../src/core/search/snapshot.js';
import type { Article } from '../src/core/types.js';
import { article, makeKnowledgeDir } from './helpers/knowledgeDir.js';

const termsOf = (text: string): string[] => tokenize(text).filter((t) => !t.stop).map((t) => t.term);

/** An engine over a scratch knowledge folder of these files alone, for the tests of one describe block. */
function engineOver(files: Record<string, string>): () => KnowledgeEngine {
  let engine: KnowledgeEngine | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const folder = await makeKnowledgeDir(files, { shipped: false });
    cleanup = folder.cleanup;
    engine = await createEngine({ knowledgeDir: folder.dir });
  });
  afterAll(() => cleanup?.());
  return () => {
    if (engine === undefined) throw new Error('engineOver: used before beforeAll ran');
    return engine;
  };
}

describe('irregular forms (lemmas)', () => {
  it('maps irregular verb and noun forms to their base word', () => {
    expect(irregularBase('met')).toBe('meet');
    expect(irregularBase('began')).toBe('begin');
    expect(irregularBase('wrote')).toBe('write');
    expect(irregularBase('children')).toBe('child');
  });

  it('leaves forms that are words of their own, and regular forms, to the stemmer', () => {
    // "left" is a side, "found" is to found a company, "saw" is a tool.
    for (const word of ['left', 'found', 'saw', 'meeting', 'nocturnes']) expect(irregularBase(word)).toBe(word);
  });

  it('gives an irregular form the index term of its base word', () => {
    expect(termsOf('Chopin met Field')).toEqual(termsOf('Chopin meet Field'));
    expect(termsOf('the children')).toEqual(termsOf('the child'));
  });
});

describe('acronyms learned from the knowledge', () => {
  it('finds an acronym with the words before it that spell it', () => {
    expect(findAcronyms('The Korea Productivity Center (KPC) hosted the Office of Manned Space Flight (OMSF) team.')).toEqual([
      { acronym: 'KPC', expansion: 'Korea Productivity Center' },
      { acronym: 'OMSF', expansion: 'Office of Manned Space Flight' },
    ]);
    expect(findAcronyms('Support for small and medium enterprises (SMEs) grew.')).toEqual([{ acronym: 'SMEs', expansion: 'small and medium enterprises' }]);
  });

  it('spells with a hyphenated word\'s later parts or skips them ("medium-sized", "Asia-Pacific")', () => {
    expect(findAcronyms('Policies for small- and medium-sized enterprises (SMEs) and the Asia-Pacific Economic Cooperation (APEC) forum.')).toEqual([
      { acronym: 'SMEs', expansion: 'small and medium-sized enterprises' },
      { acronym: 'APEC', expansion: 'Asia-Pacific Economic Cooperation' },
    ]);
  });

  it('ignores brackets whose words do not spell the acronym', () => {
    expect(findAcronyms('The mission went to Seoul (ROK) and Tokyo (JP).')).toEqual([]);
    expect(findAcronyms('A note (A) on nothing.')).toEqual([]);
  });

  it("takes a title's initials only from three to five capitalised words", () => {
    expect(titleInitials('New York City')).toBe('NYC');
    expect(titleInitials('Victoria and Albert Museum')).toBe('VAM');
    expect(titleInitials('Frédéric Chopin')).toBeUndefined();
    expect(titleInitials('APO drives SMEs to adopt Fourth Industrial Revolution')).toBeUndefined();
  });

  it('maps each acronym, singular and lowercase, to the index terms of its words', () => {
    const articles = [
      { id: 'nyc', title: 'New York City', body: 'The city has five boroughs.' },
      { id: 'smes', title: 'SME support', body: 'Small and medium enterprises (SMEs) employ most people.' },
    ] as Article[];
    const learned = learnAcronyms(articles);
    expect(learned.get('nyc')).toEqual(termsOf('New York City'));
    expect(learned.get(acronymKey('SMEs'))).toEqual(termsOf('small medium enterprises'));
  });
});

describe('answers with learned acronyms', () => {
  const engine = engineOver(
    {
      'new-york-city.md': article(
        { id: 'new-york-city', title: 'New York City', date: '2020-02-01' },
        'New York City has five boroughs.\n\nAbout a quarter of the residents are Catholic, making it the largest religious group in the city.',
      ),
      'tokyo.md': article(
        { id: 'tokyo', title: 'Tokyo', date: '2020-03-01' },
        'The Tokyo Metropolitan Government (TMG) runs the city. Most residents follow Shinto and Buddhism, the religious traditions of the city.',
      ),
    },
  );

  it('reads an acronym the text never uses as the words of a title it stands for', () => {
    const reply = engine().answer('What is the largest religious group in NYC?');
    expect(reply.answered).toBe(true);
    expect(reply.citations[0]?.id).toBe('new-york-city');
    expect(reply.answer).toContain('Catholic');
  });

  it('reads an acronym an article defines as its words', () => {
    const reply = engine().answer('What does the TMG run?');
    expect(reply.answered).toBe(true);
    expect(reply.citations[0]?.id).toBe('tokyo');
  });
});

describe('questions that ask what an acronym stands for', () => {
  const files = {
    'centre.md': article(
      { id: 'centre', title: 'A training centre opens', date: '2021-04-01' },
      'The centre opened in March and KPC staff ran its first course.\n\n' +
        'It was built by the Korea Productivity Center (KPC), which trains managers.\n\n' +
        'KPC plans three more centres and KPC trainers will visit each of them.\n\n' +
        'The Agency for Research and Training (ART) keeps an art library.',
    ),
  };
  const engine = engineOver(files);

  it('asks for the acronym and the words it stands for, and not for "stand"', async () => {
    const folder = await makeKnowledgeDir(files, { shipped: false });
    try {
      const knowledge = await loadKnowledge(folder.dir);
      const snapshot = buildSnapshot(knowledge, { version: 1, knowledgeDir: folder.dir });
      const analyzed = analyzeQuestion(snapshot, 'What does KPC stand for?');
      expect(analyzed.searchTerms).toEqual(termsOf('KPC Korea Productivity Center'));
      expect(analyzeQuestion(snapshot, 'What is the full name of the KPC?').searchTerms).toEqual(termsOf('KPC Korea Productivity Center'));
      expect(analyzeQuestion(snapshot, 'What is another name for the KPC?').searchTerms).toEqual(termsOf('KPC Korea Productivity Center'));
      // Asked for anything else, an acronym the articles use is only itself.
      expect(analyzeQuestion(snapshot, 'Where does KPC stand?').searchTerms).toEqual(termsOf('KPC stand'));
      // Asked for another name, only a word written as an acronym is one: "art" is not ART.
      expect(analyzeQuestion(snapshot, 'What is another name for the art library?').searchTerms).toEqual(termsOf('art library'));
    } finally {
      await folder.cleanup();
    }
  });

  it('quotes the sentence that spells the acronym out', () => {
    for (const question of ['What does KPC stand for?', 'What is KPC short for?', 'What is the full name of the KPC?', 'What is another name for the KPC?']) {
      const reply = engine().answer(question);
      expect(reply.answered, question).toBe(true);
      expect(reply.answer, question).toContain('Korea Productivity Center (KPC)');
    }
  });
});

describe('questions that ask for another name', () => {
  const engine = engineOver({
    'algae.md': article(
      { id: 'algae', title: 'Algae in the lake', date: '2021-05-01' },
      'A diatom is a heterokontophyte, a single-celled alga with a wall of silica.\n\n' +
        'Online retail, or e-commerce, reached the village shops the same year.',
    ),
  });

  it('asks for the thing named, not for "another word" or "synonym"', () => {
    for (const question of ['What is another word for diatom?', 'What is a synonym for diatom?', 'What other name does a diatom have?']) {
      const reply = engine().answer(question);
      expect(reply.answered, `${question}: ${reply.message}`).toBe(true);
      expect(reply.answer, question).toContain('heterokontophyte');
    }
  });

  it('keeps "name" and "word" where they are what is asked about', () => {
    // Not a question for another name: "name" stays a word of the question, and nothing has it.
    expect(engine().answer('What name did the diatom paper use?').answered).toBe(false);
  });
});

describe('answers with irregular forms', () => {
  const engine = engineOver(
    {
      'chopin.md': article(
        { id: 'chopin', title: 'Chopin in Paris', date: '2020-02-01' },
        'Chopin moved to Paris in 1831.\n\nIn 1833 Chopin met John Field, whose nocturnes he admired.',
      ),
    },
  );

  it('finds "met" for a question that asks when they "meet"', () => {
    const reply = engine().answer('When did Chopin meet Field?');
    expect(reply.answered).toBe(true);
    expect(reply.answer).toBe('In 1833 Chopin met John Field, whose nocturnes he admired.');
  });
});

describe('answer types', () => {
  it('reads the kind of thing asked for from the question words', () => {
    expect(kindOf('Who opened the centre?')).toBe('person');
    expect(kindOf('In what century was the temple built?')).toBe('date');
    expect(kindOf('How old was Katharina when she married?')).toBe('number');
    expect(kindOf('How far is the port from the city?')).toBe('number');
    expect(kindOf('What river runs through the city?')).toBe('place');
    expect(kindOf('What did the mission study?')).toBeUndefined();
  });

  it('sees the kind of thing a question asks for in a sentence', () => {
    expect(hasKind('date', 'She rose to fame in the late 1990s.', 'when did she become famous?')).toBe(true);
    expect(hasKind('date', 'The mission began on 12 June.', 'when did the mission begin?')).toBe(true);
    expect(hasKind('number', 'It hosted 16 participants.', 'how many people joined?')).toBe(true);
    expect(hasKind('person', 'It was opened by Taiho Kang.', 'who opened it?')).toBe(true);
    expect(hasKind('place', 'The centre is in Seoul.', 'where is the centre?')).toBe(true);
    expect(hasKind('any', 'It was held in 2018.', 'what was held?')).toBe(false);
  });

  it('does not take what the question names itself for its answer', () => {
    expect(hasKind('date', 'The 2017 mission visited Seoul.', 'when did the 2017 mission end?')).toBe(false);
    expect(hasKind('date', 'The 2017 mission ended in July.', 'when did the 2017 mission end?')).toBe(true);
    expect(hasKind('place', 'Participants met in Seoul.', 'where in seoul did they meet?')).toBe(false);
    expect(hasKind('number', 'Three of the 16 participants spoke.', 'how many of the 16 participants spoke?')).toBe(true);
  });
});

describe('sentences read with the sentence before', () => {
  const engine = engineOver(
    {
      'mission.md': article(
        { id: 'mission', title: 'Study mission in Seoul', date: '2019-05-20' },
        'Participants later toured an incubator opened by Park Ji-sung in 2016. The study mission on smart factories was inaugurated in Seoul on 10 May. It was opened by Dr. Lee Min-ho, director of the host center.',
      ),
    },
  );

  it('quotes the sentence that points back with "It" when it holds the answer', () => {
    const reply = engine().answer('Who opened the study mission?');
    expect(reply.answered).toBe(true);
    expect(reply.answer).toBe('It was opened by Dr. Lee Min-ho, director of the host center.');
  });

  describe('a sentence that does not point back', () => {
    const explorer = engineOver({
      'harbour.md': article(
        { id: 'harbour', title: 'Early voyages', date: '2019-05-20' },
        'Verrazzano anchored in the harbour in 1524 with a crew of fifty. The colony was called Nouvelle Angoulême by the settlers. Dutch traders came to the harbour in 1609.',
      ),
    });

    it('still reads with the sentence before, a little less', () => {
      const reply = explorer().answer("What did Verrazzano's crew call the colony?");
      expect(reply.answered).toBe(true);
      expect(reply.answer).toBe('The colony was called Nouvelle Angoulême by the settlers.');
    });
  });
});

describe('sentence signals', () => {
  const text = 'Verrazzano anchored in the harbour in 1524. He named the bay Nouvelle Angoulême. Dutch traders came much later.';
  const parsed = parseArticle('harbour.md', article({ id: 'harbour', title: 'Early voyages', date: '2019-05-20' }, text));
  if (!parsed.ok) throw new Error('harbour.md does not parse');
  const snapshot = buildSnapshot({ articles: [parsed.article], glossary: EMPTY_GLOSSARY, errors: [], warnings: [] }, { version: 1, knowledgeDir: '' });

  /** Each sentence's signals for the question, read in the passage as the engine reads it. */
  function signalsFor(question: string): SentenceSignals[] {
    const analyzed = analyzeQuestion(snapshot, question);
    const reading = readPassageText('Early voyages', text, EMPTY_GLOSSARY, []);
    const passageMatches = analyzed.units.map((unit) => unitMatch(unit, reading.whole));
    const own = reading.sentences.map(({ features }) => analyzed.units.map((unit) => unitMatch(unit, features)));
    return reading.sentences.map(({ sentence, features }, i) => {
      const matches = withAntecedent(sentence, own[i] as number[], own[i - 1]);
      const context = { passageMatches, datedIn: analyzed.units.map(() => false), searchScore: 1, topScore: 1, own: own[i] as number[], next: own[i + 1] };
      return sentenceSignals(analyzed, features, sentence, matches, context);
    });
  }

  it('credits a sentence with what the sentence before says of the subject, apart from its own words', () => {
    const [first, second] = signalsFor('What did Verrazzano name the bay?');
    expect(first?.antecedentMatched).toBe(0);
    expect(second?.antecedentMatched).toBeGreaterThan(0);
    // "He named the bay" has "bay" itself, not "Verrazzano" ("name" only phrases the question).
    expect(second?.unitShare).toBe(0.5);
    expect(second?.namesInSentence).toBe(0);
    expect(first?.namesInSentence).toBe(1);
  });

  it('tells a sentence what the sentence after it matches', () => {
    const [first, second, third] = signalsFor('What did Verrazzano name the bay?');
    expect(first?.nextMatched).toBeGreaterThan(0);
    expect(second?.nextMatched).toBe(0);
    expect(third?.nextMatched).toBe(0);
  });

  it('counts question words next to each other apart from those only near each other', () => {
    // "Verrazzano anchored": next to each other; "anchored in the harbour": three words apart.
    const [first] = signalsFor('When did Verrazzano anchor in the harbour?');
    expect(first?.pairs).toBe(2);
    expect(first?.exactPairs).toBe(1);
  });
});

describe('names a passage lacks', () => {
  const engine = engineOver(
    {
      'awards.md': article(
        { id: 'awards', title: 'Cooperative awards', date: '2020-02-01' },
        'The most valuable player award of the farming cooperative league went to a rice grower from Carolina.',
      ),
      'visit.md': article({ id: 'visit', title: 'Visitors', date: '2020-03-01' }, 'The Panthers visited the APO secretariat in Tokyo in March.'),
      'buses.md': article({ id: 'buses', title: 'Transit in the city', date: '2020-05-01' }, 'The city buses of New York carry two million riders each day.'),
      'vote.md': article({ id: 'vote', title: 'A vote', date: '2020-05-02' }, 'New Yorkers voted on the transit plan in November. Portal clubs voted too.'),
      'fair.md': article({ id: 'fair', title: 'The county fair', date: '2020-06-01' }, 'The port of the fair opened in June.'),
      'museum.md': article(
        { id: 'museum', title: 'Victoria and Albert Museum', date: '2020-04-01' },
        [
          'The Victoria and Albert Museum (often abbreviated as the V&A) is a museum of decorative arts and design in London. The BBC filmed its galleries in 1990.',
          'In 1914 the sculptor Auguste Rodin donated eighteen of his works to the museum, in gratitude for British support of France in the war.',
          'A film crew interviewed the keeper of tapestries about the museum in 2004.',
        ].join('\n\n'),
      ),
    },
  );

  it('does not answer from a passage that lacks a name the question gives, however many other words it has', () => {
    const reply = engine().answer('Who was the most valuable player of the Carolina Panthers league?');
    expect(reply.answered, `quoted: ${reply.answer}`).toBe(false);
  });

  it('answers from the passage that has the names', () => {
    const reply = engine().answer('When did the Panthers visit the APO secretariat?');
    expect(reply.answered).toBe(true);
    expect(reply.citations[0]?.id).toBe('visit');
  });

  it("takes a name its article's first sentence gives as the subject of the article's other passages", () => {
    // The Rodin paragraph says "the museum"; the article's first sentence says it is the V&A.
    const reply = engine().answer("Who donated Rodin's works to the V&A?");
    expect(reply.answered, reply.message).toBe(true);
    expect(reply.answer).toContain('Auguste Rodin donated eighteen of his works');
    expect(reply.citations[0]).toMatchObject({ id: 'museum', paragraph: 2 });
  });

  it("takes the name from the lead's first sentence only", () => {
    // The lead mentions the BBC after its first sentence: the article is not about the BBC.
    const reply = engine().answer('Which BBC crew interviewed the keeper of tapestries?');
    expect(reply.answered && reply.citations[0]?.paragraph === 3, reply.message).toBe(false);
  });

  it('takes the people of a place the passage names for that place: "New Yorkers" for "New York"', () => {
    const reply = engine().answer('How many New Yorkers ride the city buses each day?');
    expect(reply.answered, reply.message).toBe(true);
    expect(reply.answer).toContain('two million riders');
  });

  it('takes no other longer word for a name', () => {
    // "Portal" begins with "port", but "-al" makes no people of a place.
    const reply = engine().answer('When did the Portal of the fair open?');
    expect(reply.answered && reply.citations[0]?.id === 'fair', reply.message).toBe(false);
  });

  it("does not take the name from another article's lead", () => {
    // The V&A's lead does not make the Panthers' visit a V&A one, nor the V&A a visitor.
    const reply = engine().answer('When did the Panthers visit the V&A?');
    expect(reply.answered && reply.citations[0]?.id === 'visit', reply.message).toBe(false);
  });
});

/** An article with numbers in words, for the blocks below. */
const STUDY_TOUR = article({ id: 'tour', title: 'A study tour', date: '2020-04-01' }, 'The study tour visited three factories in Osaka and eighty farms near Kobe.');

describe('a passage that covers little of the question, outscored by one set aside', () => {
  const engine = engineOver({
    'record.md': article(
      { id: 'record', title: 'League records', date: '2020-02-01' },
      'The rice growers of the farming league set the regular season passing record in March.',
    ),
    'visit.md': article(
      { id: 'visit', title: 'Visitors', date: '2020-03-01' },
      'A Panthers player visited the APO secretariat in Tokyo after the regular season.',
    ),
    'tour.md': STUDY_TOUR,
    'fair.md': article({ id: 'fair', title: 'The county fair', date: '2020-05-01' }, 'The port of the fair opened in June with a record crowd.'),
  });

  it('is not quoted: the question is about what the better passage lacks', () => {
    // The record passage matches best but lacks "Panthers"; the visit passage has the name and
    // under half of the rest of the question.
    const reply = engine().answer('Which Panthers player set the regular season passing record in Tokyo last year?');
    expect(reply.answered, `quoted: ${reply.answer}`).toBe(false);
    expect(reply.decline?.reason).toBe('weak-match');
  });

  it('does not stop a passage that covers most of the question', () => {
    const reply = engine().answer('Which Panthers player visited Tokyo after the season last year?');
    expect(reply.answered, reply.message).toBe(true);
    expect(reply.citations[0]?.id).toBe('visit');
  });
});

describe('numbers the question gives', () => {
  const engine = engineOver({
    'league.md': article(
      { id: 'league', title: 'The cooperative league', date: '2020-02-01' },
      'The farming cooperative league played 16 games in its regular season, and the rice growers won most of them.',
    ),
    'tour.md': STUDY_TOUR,
    'mission.md': article({ id: 'mission', title: 'Apollo missions', date: '2020-04-01' }, 'One of the crews named their flight Apollo 1 before the fire.'),
  });

  it('does not answer from a passage that lacks a number the question gives, however many other words it has', () => {
    const reply = engine().answer('How many teams won 15 regular season games in the farming cooperative league?');
    expect(reply.answered, `quoted: ${reply.answer}`).toBe(false);
  });

  it('answers from the passage that has the number', () => {
    const reply = engine().answer('Who won most of the 16 games of the regular season?');
    expect(reply.answered, reply.message).toBe(true);
    expect(reply.citations[0]?.id).toBe('league');
  });

  it('takes a number written as a word for the same number in digits, and back', () => {
    const byDigits = engine().answer('Which 3 factories did the study tour visit?');
    expect(byDigits.answered, byDigits.message).toBe(true);
    expect(byDigits.citations[0]?.id).toBe('tour');
    const snapshot = buildSnapshot({ articles: [], glossary: EMPTY_GLOSSARY, errors: [], warnings: [] }, { version: 1, knowledgeDir: '' });
    const [eighty] = analyzeQuestion(snapshot, 'eighty').units;
    const [digits] = analyzeQuestion(snapshot, '80').units;
    const farms = readPassageText('Farms', 'The tour saw 80 farms.', EMPTY_GLOSSARY, []).whole;
    const words = readPassageText('Farms', 'The tour saw eighty farms.', EMPTY_GLOSSARY, []).whole;
    expect(eighty && unitMatch(eighty, farms)).toBe(1);
    expect(digits && unitMatch(digits, words)).toBe(1);
  });

  it('does not take "one" for the number 1: it is far more often a pronoun', () => {
    expect(otherNumberTerm('1')).toBeUndefined();
    expect(otherNumberTerm('3')).toBe(tokenize('three')[0]?.term);
  });

  it('reads the parts of a range, a score, a large number or a date as one number, and no part of a large number or a date as one of its own', () => {
    const own = (text: string): string[] => {
      const words = tokenize(text);
      return words.filter((_, i) => isOwnNumber(text, words, i)).map((w) => w.surface);
    };
    expect(own('the 2013-14 season')).toEqual(['2013']);
    expect(own('a 15–1 record')).toEqual(['15']);
    expect(own('sales of 100,000,000 units')).toEqual([]);
    expect(own('the c1622-23 sculpture')).toEqual([]);
    expect(own('by 2/21/2016')).toEqual([]);
    expect(own('the 16-game schedule of Apollo 12')).toEqual(['16', '12']);
    // A single digit numbers a question in a list, or is written as a word.
    expect(own('2. Who opened the 3 factories?')).toEqual([]);
  });
});

describe('words the knowledge never uses, read as the beginning of a word', () => {
  const snapshot = buildSnapshot({ articles: [], glossary: EMPTY_GLOSSARY, errors: [], warnings: [] }, { version: 1, knowledgeDir: '' });
  const matchOf = (word: string, text: string): number => {
    const [unit] = analyzeQuestion(snapshot, word).units;
    return unit === undefined ? 0 : unitMatch(unit, readPassageText('Text', text, EMPTY_GLOSSARY, []).whole);
  };

  it('reads a word cut short, or a name, as the beginning of any longer word', () => {
    expect(matchOf('incub', 'Visits to incubators.')).toBeGreaterThan(0);
    expect(matchOf('What did Gyeong show?', 'The Gyeonggi Center for Creative Economy.')).toBeGreaterThan(0);
  });

  it('reads an English word as the beginning of its own forms only, a short ending away', () => {
    expect(matchOf('rediscovered', 'The rediscovery of the palace.')).toBeGreaterThan(0);
    expect(matchOf('part', 'The APO welcomed the participants.')).toBe(0);
  });
});

describe('questions that ask for a share', () => {
  const engine = engineOver({
    'jobs.md': article({ id: 'jobs', title: 'SMEs and employment', date: '2020-02-01' }, 'SMEs account for more than 60% of employment in member economies.'),
    'seminar.md': article(
      { id: 'seminar', title: 'A seminar', date: '2020-03-01' },
      'Delegates shared strategies for the employment policies of SMEs at the seminar.',
    ),
  });

  it('reads "what share of" as asking for a percentage, not for the word "share"', () => {
    for (const question of ['What share of employment do SMEs provide?', 'What proportion of employment do SMEs provide?']) {
      const reply = engine().answer(question);
      expect(reply.answered, reply.message).toBe(true);
      expect(reply.citations[0]?.id, question).toBe('jobs');
    }
  });
});

describe('synonyms (WordNet)', () => {
  it("gives the other words of a word's most common sense, for inflected forms too", () => {
    expect(synonymsOf('film')).toContain('movie');
    expect(synonymsOf('films')).toContain('movie');
    expect(synonymsOf('big')).toContain('large');
    expect(synonymsOf('qwzx')).toEqual([]);
    expect(synonymsOf('film')).not.toContain('film');
  });

  it('finds words at both ends of the sorted index, and nothing for what is no word', () => {
    expect(synonymsOf('zymurgy')).toContain('zymology');
    expect(synonymsOf('abnegate')).toContain('deny');
    for (const word of ['', 'naïve', "it's", 'x'.repeat(5_000), '2018']) expect(synonymsOf(word)).toEqual([]);
  });

  describe('in answers', () => {
    const engine = engineOver(
      {
        'festival.md': article(
          { id: 'festival', title: 'Productivity festival', date: '2020-02-01' },
          'The festival opened with a keynote on lean management. A short talk about factory workers in Manila was given on the first day. A short film about factory workers in Manila was given on the second day.',
        ),
      },
    );

    it('matches a synonym of a question word, for less than the word itself', () => {
      const reply = engine().answer('When was the movie about factory workers given?');
      expect(reply.answered).toBe(true);
      expect(reply.answer).toBe('A short film about factory workers in Manila was given on the second day.');
    });
  });
});

describe('a period named in the sentence', () => {
  const engine = engineOver(
    {
      'history.md': article(
        { id: 'history', title: 'History of the center', date: '2020-02-01' },
        'In 2005 the center trained 450 consultants. In 1995 the center trained 300 consultants.',
      ),
    },
  );

  it('prefers, in an article of many years, the sentence about the year asked for', () => {
    const reply = engine().answer('How many consultants did the center train in the 1990s?');
    expect(reply.answered).toBe(true);
    expect(reply.answer).toBe('In 1995 the center trained 300 consultants.');
  });
});
