/**
 * nDCG@k and Recall@k computed the way trec_eval computes `ndcg_cut.k` and
 * `recall.k` when run with `-c` (average over every judged query).
 *
 * Behaviour copied from trec_eval's source (usnistgov/trec_eval, read at
 * commit dc0c991c80bae2087de774ed76278e11d9d9f4c6):
 *
 * - Ranking (form_res_rels.c, `te_form_res_rels` + `comp_sim_docno`): the
 *   rank column of a run is ignored. Each query's results are qsort-ed by
 *   score descending, and equal scores are ordered by `strcmp(ptr2->docno,
 *   ptr1->docno)`, i.e. docno DESCENDING in byte order ("9" before "10",
 *   "b" before "a"). Duplicate docnos within one query are an error.
 * - nDCG (m_ndcg_cut.c, `te_calc_ndcg_cut`): gain = the qrels grade when it is
 *   > 0 (non-relevant, unjudged and negative grades add nothing), discount
 *   log2(rank + 1). The ideal DCG at cut-off k uses the k highest positive
 *   grades among the query's judgements. A query whose ideal DCG is 0 scores 0.
 * - Recall (m_recall.c, `te_calc_recall`): relevant = grade >= 1 (trec_eval's
 *   default relevance_level); recall@k = relevant in the top k / relevant
 *   judged; 0 when the query has no relevant document.
 * - Averaging (trec_eval.c, `-c` flag): the mean runs over every query in the
 *   qrels. A query missing from the run gets a bogus one-document ranking that
 *   scores 0. Queries that are in the run but not in the qrels are ignored.
 */

/** One retrieved document and the score the retriever gave it. */
export interface ScoredDoc {
  docId: string;
  score: number;
}

/** docId -> relevance grade, for one query. */
export type Judgements = ReadonlyMap<string, number>;
/** queryId -> that query's judgements. */
export type Qrels = ReadonlyMap<string, Judgements>;
/** queryId -> retrieved documents (any order; scores decide the ranking). */
export type Run = ReadonlyMap<string, readonly ScoredDoc[]>;

/** trec_eval's default `-l` relevance level: grades >= 1 count as relevant. */
const RELEVANCE_LEVEL = 1;

/**
 * Compare two strings as C's strcmp compares their UTF-8 bytes, so the
 * tie-break matches trec_eval even for non-ASCII ids. UTF-8 byte order equals
 * code-point order; JS `<` compares UTF-16 code units, which disagrees only
 * when a surrogate (code point >= U+10000) meets a unit in U+E000..U+FFFF.
 */
export function compareLikeStrcmp(a: string, b: string): number {
  const shared = Math.min(a.length, b.length);
  for (let i = 0; i < shared; i++) {
    const unitA = a.charCodeAt(i);
    const unitB = b.charCodeAt(i);
    if (unitA !== unitB) return codePointOrder(unitA) - codePointOrder(unitB);
  }
  return a.length - b.length;
}

/** Lift surrogates above the BMP so they sort after U+E000..U+FFFF. */
function codePointOrder(unit: number): number {
  return unit >= 0xd800 && unit <= 0xdfff ? unit + 0x2800 : unit;
}

/**
 * Order results as trec_eval does before scoring: score descending, ties by
 * docId descending (strcmp order). Throws on a duplicate docId or a score that
 * is not a finite number, both of which make the ranking meaningless.
 */
export function rankLikeTrecEval(results: readonly ScoredDoc[]): ScoredDoc[] {
  const seen = new Set<string>();
  for (const { docId, score } of results) {
    if (seen.has(docId)) throw new Error(`duplicate document "${docId}" in one query's results`);
    if (!Number.isFinite(score)) throw new Error(`document "${docId}" has a non-finite score (${score})`);
    seen.add(docId);
  }
  return [...results].sort((x, y) => {
    if (x.score !== y.score) return y.score - x.score;
    return compareLikeStrcmp(y.docId, x.docId);
  });
}

/** nDCG@k of one query's results (any order) against its judgements. */
export function ndcgAt(results: readonly ScoredDoc[], judgements: Judgements, k: number): number {
  assertCutoff(k);
  const ranked = rankLikeTrecEval(results).slice(0, k);
  let dcg = 0;
  ranked.forEach(({ docId }, index) => {
    const gain = judgements.get(docId) ?? 0;
    if (gain > 0) dcg += gain / Math.log2(index + 2);
  });

  const idealGains = [...judgements.values()]
    .filter((grade) => grade > 0)
    .sort((x, y) => y - x)
    .slice(0, k);
  let idealDcg = 0;
  idealGains.forEach((gain, index) => {
    idealDcg += gain / Math.log2(index + 2);
  });

  return idealDcg > 0 ? dcg / idealDcg : 0;
}

/** Recall@k of one query's results (any order) against its judgements. */
export function recallAt(results: readonly ScoredDoc[], judgements: Judgements, k: number): number {
  assertCutoff(k);
  let relevantJudged = 0;
  for (const grade of judgements.values()) if (grade >= RELEVANCE_LEVEL) relevantJudged++;
  if (relevantJudged === 0) return 0;

  const ranked = rankLikeTrecEval(results).slice(0, k);
  const relevantRetrieved = ranked.filter(({ docId }) => (judgements.get(docId) ?? 0) >= RELEVANCE_LEVEL).length;
  return relevantRetrieved / relevantJudged;
}

function assertCutoff(k: number): void {
  if (!Number.isInteger(k) || k < 1) throw new Error(`cut-off must be a positive integer, got ${k}`);
}

export interface Cutoffs {
  /** k of nDCG@k (trec_eval ndcg_cut.k). */
  ndcg: number;
  /** k of Recall@k (trec_eval recall.k). */
  recall: number;
}

export const BEIR_CUTOFFS: Cutoffs = { ndcg: 10, recall: 100 };

export interface QueryScores {
  ndcg: number;
  recall: number;
}

export interface Evaluation {
  cutoffs: Cutoffs;
  /** Number of judged queries averaged over (trec_eval's num_q with -c). */
  queryCount: number;
  meanNdcg: number;
  meanRecall: number;
  /** Judged queries with no results at all in the run (each scored 0). */
  missingQueries: string[];
  perQuery: Map<string, QueryScores>;
}

/** Score a whole run against qrels, averaging over every judged query. */
export function evaluateRun(run: Run, qrels: Qrels, cutoffs: Cutoffs = BEIR_CUTOFFS): Evaluation {
  const perQuery = new Map<string, QueryScores>();
  const missingQueries: string[] = [];
  let ndcgSum = 0;
  let recallSum = 0;

  for (const [queryId, judgements] of qrels) {
    const results = run.get(queryId);
    if (results === undefined || results.length === 0) missingQueries.push(queryId);
    const scores: QueryScores = {
      ndcg: ndcgAt(results ?? [], judgements, cutoffs.ndcg),
      recall: recallAt(results ?? [], judgements, cutoffs.recall),
    };
    perQuery.set(queryId, scores);
    ndcgSum += scores.ndcg;
    recallSum += scores.recall;
  }

  const queryCount = perQuery.size;
  return {
    cutoffs,
    queryCount,
    // trec_eval exits with an error when no query can be scored; a mean of
    // nothing is reported as 0 here so a caller can still print a table.
    meanNdcg: queryCount > 0 ? ndcgSum / queryCount : 0,
    meanRecall: queryCount > 0 ? recallSum / queryCount : 0,
    missingQueries,
    perQuery,
  };
}
