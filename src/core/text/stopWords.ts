/**
 * Words too common to tell passages apart. Matched against the lowercased surface form, before
 * stemming, so "us" the pronoun is a stop word but "US" as written still lowercases to it (an
 * accepted loss: the glossary can map "United States" if the knowledge ever needs it).
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a about above after again against all also am an and any are aren\'t as at be because been before being ' +
    'mr mrs ms dr ' +
    'below between both but by can can\'t cannot could couldn\'t did didn\'t do does doesn\'t doing don\'t down ' +
    'during each either etc few for from further had hadn\'t has hasn\'t have haven\'t having he her here hers ' +
    'herself him himself his how however i if in into is isn\'t it it\'s its itself just let\'s may me might ' +
    'more most must my myself no nor not now of off on once only or other ought our ours ourselves out over ' +
    'own same shall she should shouldn\'t so some such than that that\'s the their theirs them themselves then ' +
    'there there\'s these they this those through to too under until up upon us very via was wasn\'t we were ' +
    'weren\'t what what\'s when where which while who whom whose why will with won\'t would wouldn\'t yet you ' +
    'your yours yourself yourselves'
  ).split(' '),
);

/**
 * Words that shape a question but say nothing about its subject ("tell me the name of...",
 * "which article talks about..."). They are dropped from queries only: in an article they are
 * ordinary words.
 */
export const QUESTION_FILLERS: ReadonlySet<string> = new Set(
  (
    'tell know name names please kindly give list show explain describe find want wanted like ' +
    'article articles news story stories post talk talks talked talking mention mentions mentioned ' +
    'say says said anything something everything info hi hello hey thanks thank much many ' +
    'people person persons ' +
    // Verbs that only carry the question: "where was it held", "when did it take place".
    'held hold holds happen happens happened occur occurs occurred take took taken place get got ' +
    'come comes came coming'
  ).split(' '),
);

/** After "how", these ask for an amount ("how long", "how many"): the question's kind, not its subject. */
export const AMOUNT_WORDS: ReadonlySet<string> = new Set('long much many big large far often old soon'.split(' '));
