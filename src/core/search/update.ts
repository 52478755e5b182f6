import { acronymsOfArticle, type AcronymDefinition } from '../knowledge/acronyms.js';
import type { Glossary } from '../knowledge/glossary.js';
import type { LoadedKnowledge } from '../knowledge/loadKnowledge.js';
import type { Article } from '../types.js';
import {
  articlePeriods,
  assembleSteps,
  coveredPeriodsSteps,
  indexArticle,
  newerFirst,
  type Passage,
  type PassageDocument,
  type Snapshot,
} from './snapshot.js';

/**
 * A reload in place: the next snapshot shares the current one's search index, whose documents
 * change only where articles did. Three steps, the engine running each a slice at a time:
 *
 * 1. `planUpdate` reads the changed articles and makes the next snapshot, seeing through its
 *    `byId` only its own passages (the kept ones and those of new and changed articles, which get
 *    ids the index never had).
 * 2. `add` puts the new passages into the index. The current snapshot does not see them: they are
 *    not in its `byId`, so its answers stay entirely its own.
 * 3. After the engine swapped the snapshots, `remove` takes the replaced passages out. The next
 *    snapshot does not see them meanwhile; once they are out, the index holds exactly what a build
 *    of the new knowledge would (in another order of ids), so answers are the same.
 *
 * Only while a reload runs do an answer's word statistics count the passages on their way in or
 * out. A glossary change, or a change to more than a fifth of the articles, is built from scratch.
 */

/** A reload changing more than this share of the articles builds a new index instead. */
const MAX_CHANGED_SHARE = 0.2;
/** Documents added or removed between two yields. */
const DOCUMENTS_PER_STEP = 16;
/** Passages or articles gone through between two yields. */
const ITEMS_PER_STEP = 2048;

export interface InPlaceUpdate {
  readonly next: Snapshot;
  readonly passagesAdded: number;
  readonly passagesRemoved: number;
  /** Adds the new passages to the shared index; if that fails, takes out what it added and throws. */
  add(): Generator<void>;
  /** Once `next` replaced the current snapshot: takes the replaced passages out of the index. */
  remove(): Generator<void>;
}

/**
 * The in-place reload from `current` to `knowledge`, yielding between its parts; undefined when the
 * knowledge should be built from scratch (another glossary, or too much changed).
 */
export function* planUpdate(
  current: Snapshot,
  knowledge: LoadedKnowledge,
  meta: { version: number; knowledgeDir: string },
): Generator<void, InPlaceUpdate | undefined> {
  if (current.passages.length === 0 || !sameGlossary(current.glossary, knowledge.glossary)) return undefined;
  let items = 0;
  const before = new Map<string, Article>();
  for (const article of current.articles) {
    before.set(article.id, article);
    if (++items % ITEMS_PER_STEP === 0) yield;
  }
  // An article is kept when its file and text are the same; its object, passages and ids stay.
  const keptOf = (article: Article): Article | undefined => {
    const old = before.get(article.id);
    return old !== undefined && old.contentHash === article.contentHash && old.file === article.file ? old : undefined;
  };
  const kept = new Set<string>();
  const changed = new Set<string>();
  for (const article of knowledge.articles) {
    if (keptOf(article) === undefined) changed.add(article.id);
    else kept.add(article.id);
    if (++items % ITEMS_PER_STEP === 0) yield;
  }
  const replaced: Article[] = [];
  for (const article of current.articles) {
    if (++items % ITEMS_PER_STEP === 0) yield;
    if (kept.has(article.id)) continue;
    replaced.push(article);
    changed.add(article.id);
  }
  if (changed.size > MAX_CHANGED_SHARE * Math.max(current.articles.length, knowledge.articles.length)) return undefined;
  yield;

  // One walk through the articles in order, old and new alike (both are in file order, and a kept
  // article keeps its file): the kept articles' passages are copied, the new ones' made, and the
  // replaced ones' found. Knowledge in another order is built from scratch.
  const articles: Article[] = [];
  const passages: Passage[] = [];
  const freshPassages: Passage[] = [];
  const added: PassageDocument[] = [];
  const replacedPassages = new Map<string, Passage[]>();
  const periods = new Map(current.periods);
  yield;
  const acronymsByArticle = new Map<string, readonly AcronymDefinition[]>(current.acronymsByArticle);
  for (const { id } of replaced) {
    periods.delete(id);
    acronymsByArticle.delete(id);
  }
  const freshArticles: Article[] = [];
  const old = current.passages;
  let at = 0;
  const skipReplaced = (until?: Article): void => {
    while (at < old.length && (old[at] as Passage).article !== until) {
      const passage = old[at] as Passage;
      if (kept.has(passage.article.id)) return;
      const list = replacedPassages.get(passage.article.id);
      if (list === undefined) replacedPassages.set(passage.article.id, [passage]);
      else list.push(passage);
      at += 1;
    }
  };
  let nextId = current.nextId;
  for (const article of knowledge.articles) {
    if (++items % ITEMS_PER_STEP === 0) yield;
    const keptArticle = keptOf(article);
    if (keptArticle !== undefined) {
      skipReplaced(keptArticle);
      if (at < old.length && (old[at] as Passage).article !== keptArticle) return undefined;
      articles.push(keptArticle);
      while (at < old.length && (old[at] as Passage).article === keptArticle) passages.push(old[at++] as Passage);
      continue;
    }
    const indexed = indexArticle(article, knowledge.glossary, nextId);
    nextId += indexed.passages.length;
    articles.push(article);
    freshArticles.push(article);
    passages.push(...indexed.passages);
    freshPassages.push(...indexed.passages);
    added.push(...indexed.documents);
    periods.set(article.id, articlePeriods(article));
    const definitions = acronymsOfArticle(article);
    if (definitions.length > 0) acronymsByArticle.set(article.id, definitions);
  }
  skipReplaced();
  if (at !== old.length) return undefined;
  yield;

  // A replaced passage's document is made again to take it out: the same article and glossary
  // make the same document, with the ids its passages have (one article's are consecutive).
  const removed: PassageDocument[] = [];
  let passagesRemoved = 0;
  for (const article of replaced) {
    const gone = replacedPassages.get(article.id) ?? [];
    const remade = indexArticle(article, current.glossary, gone[0]?.index ?? 0);
    if (remade.passages.length !== gone.length || remade.passages.some((passage, i) => passage.index !== gone[i]?.index)) {
      throw new Error(`article ${article.id}: its passages do not match the index (${gone.length} held, ${remade.passages.length} made again)`);
    }
    removed.push(...remade.documents);
    passagesRemoved += gone.length;
    yield;
  }

  const documentFrequency = new Map(current.documentFrequency);
  yield;
  const count = (documents: readonly PassageDocument[], by: 1 | -1): void => {
    for (const { terms } of documents) {
      for (const term of terms) {
        const n = (documentFrequency.get(term) ?? 0) + by;
        if (n > 0) documentFrequency.set(term, n);
        else documentFrequency.delete(term);
      }
    }
  };
  count(removed, -1);
  count(added, 1);
  yield;

  const covered = yield* coveredPeriodsSteps(articles, periods);
  // The current list by id, without the replaced passages and with the new ones.
  const byId = current.byId.slice();
  for (const list of replacedPassages.values()) for (const passage of list) byId[passage.index] = undefined;
  for (const passage of freshPassages) byId[passage.index] = passage;
  yield;
  // The kept articles in the current date order, the new ones merged in.
  freshArticles.sort(newerFirst);
  const articlesByDate: Article[] = [];
  let j = 0;
  for (const article of current.articlesByDate) {
    if (++items % ITEMS_PER_STEP === 0) yield;
    if (!kept.has(article.id)) continue;
    while (j < freshArticles.length && newerFirst(freshArticles[j] as Article, article) < 0) articlesByDate.push(freshArticles[j++] as Article);
    articlesByDate.push(article);
  }
  articlesByDate.push(...freshArticles.slice(j));
  yield;
  const next = yield* assembleSteps(
    articles,
    knowledge,
    // Readings depend on a passage's text, its article and the glossary, all kept with its id.
    { version: meta.version, knowledgeDir: meta.knowledgeDir, readings: current.readings, nextId, byId, articlesByDate },
    passages,
    { byArticle: periods, covered },
    { index: current.index, documentFrequency, acronymsByArticle },
  );
  const index = current.index;
  return {
    next,
    passagesAdded: freshPassages.length,
    passagesRemoved,
    *add() {
      let done = 0;
      try {
        for (const { document } of added) {
          index.add(document);
          done += 1;
          if (done % DOCUMENTS_PER_STEP === 0) yield;
        }
      } catch (error) {
        for (const { document } of added.slice(0, done)) index.remove(document);
        throw error;
      }
    },
    *remove() {
      let done = 0;
      for (const { document } of removed) {
        index.remove(document);
        if (++done % DOCUMENTS_PER_STEP === 0) yield;
      }
    },
  };
}

function sameGlossary(a: Glossary, b: Glossary): boolean {
  return a === b || JSON.stringify(a.groups) === JSON.stringify(b.groups);
}
