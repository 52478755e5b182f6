// Benchmark harness checks on small hand-computed cases. Nothing here reads
// ../shared: a fresh clone has no benchmark data.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import lunr from 'lunr';
import { afterAll, describe, expect, it } from 'vitest';

import { DEFAULT_DATA_DIR, loadBeirDataset, loadCorpus, loadQrels, resolveDataDir } from '../bench/lib/beir.js';
import { compareLikeStrcmp, evaluateRun, ndcgAt, rankLikeTrecEval, recallAt } from '../bench/lib/metrics.js';
import type { Judgements, ScoredDoc } from '../bench/lib/metrics.js';
import { analyzeForBm25, Bm25ReferenceRetriever, toLunrQuery } from '../bench/lib/retrievers.js';
import { formatTrecRun, parseTrecRun } from '../bench/lib/trecRun.js';

const judged = (entries: Record<string, number>): Judgements => new Map(Object.entries(entries));
/** Results whose scores fall with list position: ranked exactly as given. */
const ranked = (...docIds: string[]): ScoredDoc[] => docIds.map((docId, index) => ({ docId, score: docIds.length - index }));

describe('nDCG@k as trec_eval ndcg_cut', () => {
  it('is 1 for a perfect ranking', () => {
    expect(ndcgAt(ranked('r1', 'r2', 'x'), judged({ r1: 1, r2: 1 }), 10)).toBe(1);
  });

  it('is 1/log2(3) for the only relevant document at rank 2', () => {
    expect(ndcgAt(ranked('x', 'r'), judged({ r: 1 }), 10)).toBeCloseTo(1 / Math.log2(3), 12);
  });

  it('uses the grade as gain and the k best grades for the ideal', () => {
    // DCG = 1/log2(2) + 2/log2(3); ideal = 2/log2(2) + 1/log2(3).
    const expected = (1 + 2 / Math.log2(3)) / (2 + 1 / Math.log2(3));
    expect(ndcgAt(ranked('one', 'two'), judged({ one: 1, two: 2, zero: 0 }), 10)).toBeCloseTo(expected, 12);
  });

  it('cuts both the ranking and the ideal at k', () => {
    // Three relevant, k = 2: ideal counts two; the relevant doc at rank 3 is not seen.
    const expected = 1 / (1 + 1 / Math.log2(3));
    expect(ndcgAt(ranked('a', 'x', 'b', 'c'), judged({ a: 1, b: 1, c: 1 }), 2)).toBeCloseTo(expected, 12);
  });

  it('is 0 with no results and with no relevant judgement', () => {
    expect(ndcgAt([], judged({ r: 1 }), 10)).toBe(0);
    expect(ndcgAt(ranked('a'), judged({ a: 0 }), 10)).toBe(0);
  });

  it('ignores the given order and sorts by score', () => {
    const results = [
      { docId: 'x', score: 1 },
      { docId: 'r', score: 5 },
    ];
    expect(ndcgAt(results, judged({ r: 1 }), 10)).toBe(1);
  });
});

describe('tie-breaking as trec_eval (score desc, then docid desc)', () => {
  it('puts the larger docid first among equal scores', () => {
    // "b" > "a", so "b" takes rank 1 and the relevant "a" drops to rank 2.
    const tied = [
      { docId: 'a', score: 1 },
      { docId: 'b', score: 1 },
    ];
    expect(rankLikeTrecEval(tied).map((doc) => doc.docId)).toEqual(['b', 'a']);
    expect(ndcgAt(tied, judged({ a: 1 }), 10)).toBeCloseTo(1 / Math.log2(3), 12);
  });

  it('compares docids as strings, not numbers', () => {
    const tied = [
      { docId: '10', score: 2 },
      { docId: '9', score: 2 },
      { docId: '100', score: 3 },
    ];
    expect(rankLikeTrecEval(tied).map((doc) => doc.docId)).toEqual(['100', '9', '10']);
  });

  it('orders like strcmp on UTF-8 bytes, also beyond the BMP', () => {
    expect(compareLikeStrcmp('a', 'b')).toBeLessThan(0);
    expect(compareLikeStrcmp('ab', 'a')).toBeGreaterThan(0);
    // U+1F600 is above U+FFFD in UTF-8, though its first UTF-16 unit is smaller.
    expect(compareLikeStrcmp('\u{1F600}', '\uFFFD')).toBeGreaterThan(0);
  });

  it('rejects duplicate documents and non-finite scores', () => {
    expect(() => rankLikeTrecEval([{ docId: 'a', score: 1 }, { docId: 'a', score: 2 }])).toThrow(/duplicate/);
    expect(() => rankLikeTrecEval([{ docId: 'a', score: Number.NaN }])).toThrow(/non-finite/);
  });
});

describe('Recall@k as trec_eval recall', () => {
  it('counts relevant documents within the cut-off only', () => {
    const results = ranked('r1', 'x', 'r2', 'y', 'r3');
    const judgements = judged({ r1: 1, r2: 1, r3: 1, x: 0 });
    expect(recallAt(results, judgements, 3)).toBeCloseTo(2 / 3, 12);
    expect(recallAt(results, judgements, 5)).toBe(1);
    expect(recallAt(results, judgements, 100)).toBe(1);
  });

  it('counts unretrieved relevant documents in the denominator', () => {
    expect(recallAt(ranked('r1'), judged({ r1: 1, r2: 2 }), 100)).toBe(0.5);
  });

  it('is 0 for a query without relevant judgements', () => {
    expect(recallAt(ranked('a'), judged({ a: 0 }), 100)).toBe(0);
  });
});

describe('evaluateRun (trec_eval -c averaging)', () => {
  const qrels = new Map([
    ['q1', judged({ d1: 1 })],
    ['q2', judged({ d2: 1 })],
  ]);

  it('averages over every judged query, a missing one scoring 0', () => {
    const run = new Map([
      ['q1', ranked('d1')],
      ['unjudged', ranked('d9')],
    ]);
    const evaluation = evaluateRun(run, qrels);
    expect(evaluation.queryCount).toBe(2);
    expect(evaluation.meanNdcg).toBe(0.5);
    expect(evaluation.meanRecall).toBe(0.5);
    expect(evaluation.missingQueries).toEqual(['q2']);
    expect(evaluation.perQuery.get('q2')).toEqual({ ndcg: 0, recall: 0 });
    expect(evaluation.perQuery.has('unjudged')).toBe(false);
  });

  it('treats an empty result list like a missing query', () => {
    const evaluation = evaluateRun(new Map([['q1', []], ['q2', ranked('d2')]]), qrels);
    expect(evaluation.meanNdcg).toBe(0.5);
    expect(evaluation.missingQueries).toEqual(['q1']);
  });
});

describe('TREC run files', () => {
  const run = new Map<string, ScoredDoc[]>([
    ['q1', [{ docId: 'a', score: 0.1 }, { docId: 'c', score: 1 / 3 }, { docId: 'b', score: 0.1 }]],
    ['q2', [{ docId: 'z', score: -2.5e-7 }]],
  ]);

  it('writes trec_eval order with ranks from 1', () => {
    expect(formatTrecRun(run, 'tag').split('\n')).toEqual([
      `q1 Q0 c 1 ${1 / 3} tag`,
      'q1 Q0 b 2 0.1 tag',
      'q1 Q0 a 3 0.1 tag',
      'q2 Q0 z 1 -2.5e-7 tag',
      '',
    ]);
  });

  it('round-trips scores exactly and keeps the evaluation', () => {
    const parsed = parseTrecRun(formatTrecRun(run, 'tag'));
    expect(parsed.tag).toBe('tag');
    expect(parsed.run.get('q1')).toEqual(rankLikeTrecEval(run.get('q1') ?? []));
    expect(parsed.run.get('q2')).toEqual(run.get('q2'));
    const qrels = new Map([['q1', judged({ a: 1, b: 1 })], ['q2', judged({ z: 1 })]]);
    expect(evaluateRun(parsed.run, qrels)).toEqual(evaluateRun(run, qrels));
  });

  it('keeps only the top `depth` documents per query', () => {
    const many = new Map([['q', Array.from({ length: 150 }, (_, i) => ({ docId: `d${i}`, score: i }))]]);
    const parsed = parseTrecRun(formatTrecRun(many, 'tag'));
    expect(parsed.run.get('q')).toHaveLength(100);
    expect(parsed.run.get('q')?.[0]).toEqual({ docId: 'd149', score: 149 });
  });

  it('reads like trec_eval: ignores rank, blank and # lines, extra fields', () => {
    const text = '# comment\n\nq1 Q0 x 1 0.5 t extra\r\nq1 Q0 y 7 0.9 t\n';
    const parsed = parseTrecRun(text);
    expect(rankLikeTrecEval(parsed.run.get('q1') ?? []).map((doc) => doc.docId)).toEqual(['y', 'x']);
  });

  it('names the line of bad input', () => {
    expect(() => parseTrecRun('q1 Q0 a 1 1 t\nq1 Q0 b 2\n', 'my.run')).toThrow(/my\.run line 2/);
    expect(() => parseTrecRun('q1 Q0 a 1 high t\n', 'my.run')).toThrow(/line 1: score "high"/);
    expect(() => parseTrecRun('q1 Q0 a 1 1 t\nq1 Q0 a 2 0 t\n', 'my.run')).toThrow(/line 2: .*twice/);
  });

  it('refuses ids that would break the format', () => {
    expect(() => formatTrecRun(new Map([['q 1', ranked('a')]]), 'tag')).toThrow(/whitespace/);
    expect(() => formatTrecRun(new Map([['q1', ranked('a')]]), 'my tag')).toThrow(/whitespace/);
  });
});

describe('BEIR loader', () => {
  const folder = mkdtempSync(join(tmpdir(), 'beir-test-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  const file = (name: string, content: string): string => {
    const path = join(folder, name);
    writeFileSync(path, content);
    return path;
  };

  it('defaults to ../shared/bench/scifact beside the project root, whatever the cwd', () => {
    const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
    expect(DEFAULT_DATA_DIR).toBe(resolve(projectRoot, '..', 'shared', 'bench', 'scifact'));
    expect(resolveDataDir(undefined)).toBe(DEFAULT_DATA_DIR);
    expect(resolveDataDir(folder)).toBe(folder);
  });

  it('loads a small folder', () => {
    file('corpus.jsonl', '{"_id":"d1","title":"T","text":"one"}\n{"_id":"d2","text":"two","metadata":{}}\n');
    file('queries.jsonl', '{"_id":"q1","text":"one?"}\n{"_id":"q2","text":"unjudged"}\n');
    file('qrels.tsv', 'query-id\tcorpus-id\tscore\r\nq1\td1\t1\r\n');
    const dataset = loadBeirDataset(folder);
    expect(dataset.corpus).toEqual([
      { id: 'd1', title: 'T', text: 'one' },
      { id: 'd2', title: '', text: 'two' },
    ]);
    expect(dataset.queries).toEqual([{ id: 'q1', text: 'one?' }]);
    expect(dataset.qrels.get('q1')?.get('d1')).toBe(1);
    expect(dataset.warnings).toEqual(['1 query(ies) have no judgements and are skipped']);
  });

  it('names the file and line of bad input', () => {
    const corpus = file('bad-corpus.jsonl', '{"_id":"d1","text":"ok"}\n{"_id":"d2", text}\n');
    expect(() => loadCorpus(corpus)).toThrow(`${corpus} line 2: invalid JSON`);
    const noText = file('no-text.jsonl', '{"_id":"d1","title":"t"}\n');
    expect(() => loadCorpus(noText)).toThrow(`${noText} line 1: "text" must be a string`);
    const duplicate = file('dup.jsonl', '{"_id":"d1","text":"a"}\n\n{"_id":"d1","text":"b"}\n');
    expect(() => loadCorpus(duplicate)).toThrow(`${duplicate} line 3: duplicate document id "d1"`);
    const qrels = file('bad-qrels.tsv', 'query-id\tcorpus-id\tscore\nq1\td1\t1\nq1\td2\tyes\n');
    expect(() => loadQrels(qrels)).toThrow(`${qrels} line 3: score "yes" is not an integer`);
    expect(() => loadBeirDataset(join(folder, 'nope'))).toThrow(/not found/);
  });
});

describe('retriever helpers', () => {
  it('turns claims with lunr syntax into queries lunr accepts', () => {
    const index = lunr((builder) => {
      builder.ref('id');
      builder.field('text');
      builder.add({ id: 'd1', text: 'CD4+ cells in a 1:1 ratio show inductive properties.' });
    });
    for (const claim of ['CD4+ T-cells: -IL ~2 ^3 *', 'ratio 1:1', 'alpha (+)- trait', '  ', 'properties.']) {
      expect(() => index.search(toLunrQuery(claim))).not.toThrow();
    }
    expect(toLunrQuery('Ratio 1:1 of CD4+ cells.')).toBe('ratio 1\\:1 of cd4 cells');
    expect(index.search(toLunrQuery('ratio 1:1')).map((result) => result.ref)).toEqual(['d1']);
    expect(index.search(toLunrQuery('inductive properties.')).map((result) => result.ref)).toEqual(['d1']);
  });

  it('analyzes BM25 text with Lucene stop words and Porter stemming', () => {
    expect(analyzeForBm25('The cells are RUNNING, p53-mediated!')).toEqual(['cell', 'run', 'p53', 'mediat']);
    expect(analyzeForBm25('The cells', false)).toEqual(['cells']);
  });

  it('ranks with BM25 and cuts at k', () => {
    const bm25 = new Bm25ReferenceRetriever();
    bm25.build([
      { id: 'd1', title: 'Apples', text: 'apples and pears' },
      { id: 'd2', title: 'Pears', text: 'pears only, many pears' },
      { id: 'd3', title: 'Other', text: 'nothing relevant' },
    ]);
    expect(bm25.search('apples', 10).map((doc) => doc.docId)).toEqual(['d1']);
    expect(bm25.search('pears', 10).map((doc) => doc.docId)).toEqual(['d2', 'd1']);
    expect(bm25.search('pears apples', 1)).toHaveLength(1);
    expect(bm25.search('the', 10)).toEqual([]);
  });
});
