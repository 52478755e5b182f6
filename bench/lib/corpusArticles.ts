/**
 * Turning benchmark documents into knowledge-base articles, so the engine indexes them through
 * exactly the code the bot uses (paragraph splitting, analysis, glossary, scoring).
 */
import { createHash } from 'node:crypto';

import { EMPTY_GLOSSARY } from '../../src/core/index.js';
import type { Article, LoadedKnowledge } from '../../src/core/index.js';
import type { BenchDoc } from './beir.js';

/** SciFact abstracts have no date or source; every article gets the same neutral ones. */
const BENCH_DATE = '2000-01-01';
const BENCH_SOURCE = 'benchmark corpus';

/** One article per document: its title, and its text as the body (one paragraph for an abstract). */
export function articleOf(doc: BenchDoc, id: string = doc.id): Article {
  return {
    id,
    title: doc.title.trim() === '' ? id : doc.title,
    date: BENCH_DATE,
    source: BENCH_SOURCE,
    audience: 'public',
    tags: [],
    body: doc.text,
    file: `${id}.md`,
    contentHash: createHash('sha256').update(doc.title).update('\n').update(doc.text).digest('hex'),
  };
}

/** In-memory knowledge with no glossary and no problems, as the loader would return it. */
export function knowledgeOf(articles: readonly Article[]): LoadedKnowledge {
  return { articles, glossary: EMPTY_GLOSSARY, errors: [], warnings: [] };
}

/**
 * Ways of cutting an abstract into paragraphs: sentences per paragraph, and how many sentences
 * the first paragraph leaves out of the regular cut. Each pass over the corpus ("edition") uses
 * the next way, so a larger knowledge base repeats the abstracts but not the same passages.
 */
const EDITION_CUTS: readonly { size: number; shift: number }[] = [
  { size: 3, shift: 0 },
  { size: 2, shift: 0 },
  { size: 4, shift: 0 },
  { size: 3, shift: 1 },
  { size: 2, shift: 1 },
  { size: 4, shift: 2 },
  { size: 3, shift: 2 },
  { size: 4, shift: 1 },
];

/** Cuts sentences into paragraphs of `size`, the first one `shift` sentences shorter. */
function paragraphsOf(sentences: readonly string[], size: number, shift: number): string[] {
  const paragraphs: string[] = [];
  let from = 0;
  let take = shift > 0 && shift < size ? size - shift : size;
  while (from < sentences.length) {
    paragraphs.push(sentences.slice(from, from + take).join(' '));
    from += take;
    take = size;
  }
  return paragraphs;
}

/** A date spread over 2000–2019 for the n-th generated article, so questions' years can match. */
function spreadDate(n: number): string {
  const day = new Date(Date.UTC(2000, 0, 1) + ((n * 37) % (20 * 365)) * 86_400_000);
  return day.toISOString().slice(0, 10);
}

/**
 * Articles with exactly `passages` paragraphs in all, built from benchmark documents: each
 * document's sentences are cut into paragraphs of two to four sentences (about the size of a news
 * paragraph); when one pass over the documents is not enough, the next pass cuts them another
 * way. `splitSentences` is the engine's own sentence splitter.
 */
export function generateArticles(
  docs: readonly BenchDoc[],
  passages: number,
  splitSentences: (text: string) => readonly string[],
): Article[] {
  if (docs.length === 0) throw new Error('no documents to generate articles from');
  const sentencesOf = new Map<string, readonly string[]>();
  const articles: Article[] = [];
  let count = 0;
  for (let edition = 0; count < passages; edition++) {
    const cut = EDITION_CUTS[edition % EDITION_CUTS.length] as { size: number; shift: number };
    for (const doc of docs) {
      if (count >= passages) break;
      let sentences = sentencesOf.get(doc.id);
      if (sentences === undefined) {
        // A few abstracts carry Markdown heading marks ("### Methods") inside their text; as the
        // first line of a paragraph they would make it a heading, which the loader leaves out.
        sentences = splitSentences(doc.text).map((sentence) => sentence.replace(/^#+\s*/, ''));
        sentencesOf.set(doc.id, sentences);
      }
      const paragraphs = paragraphsOf(sentences, cut.size, cut.shift).slice(0, passages - count);
      if (paragraphs.length === 0) continue;
      count += paragraphs.length;
      const id = `doc-${doc.id.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${edition + 1}`;
      const title = edition === 0 ? doc.title : `${doc.title} (${edition + 1})`;
      articles.push({
        ...articleOf({ id, title, text: paragraphs.join('\n\n') }),
        date: spreadDate(articles.length),
      });
    }
  }
  return articles;
}

/** An article as a knowledge file, front matter and body, that the normal loader reads back. */
export function articleMarkdown(article: Article): string {
  const lines = [
    '---',
    `id: ${article.id}`,
    `title: ${JSON.stringify(article.title)}`,
    `date: ${article.date}`,
    `source: ${JSON.stringify(article.source)}`,
    `audience: ${article.audience}`,
    '---',
    article.body,
    '',
  ];
  return lines.join('\n');
}
