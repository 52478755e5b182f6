import { Readability } from '@mozilla/readability';
import { JSDOM, VirtualConsole } from 'jsdom';
import { dateOfLine, dateOfValue } from './dates.js';
import { creditOfLine, partsOfBlocks, type PageParts } from './parseText.js';

/** What an HTML page holds besides its text. */
export interface HtmlParts extends PageParts {
  /** The page's own address: its canonical link, or `og:url`. */
  readonly url?: string;
}

/** The page's chrome: elements whose text is never the article's. */
const CHROME = 'nav, header, footer, aside, [class*="breadcrumb" i], [class*="share" i], [class*="translate" i], [id*="translate" i]';
/** The elements whose text is one paragraph of the article. */
const BLOCKS = 'p, li, h1, h2, h3, h4, h5, h6, blockquote, pre, figcaption';
const MAX_SHOWN = 80;

/**
 * The article of a saved HTML page: its main text as Readability finds it (jsdom builds the
 * document; no script runs and nothing is fetched), the title from its `<h1>`, the date from its
 * metadata or the date line near the title, the canonical address, and what was left out.
 */
export function parseHtml(html: string): HtmlParts {
  const dom = new JSDOM(html, { virtualConsole: new VirtualConsole() });
  const document = dom.window.document;
  const dropped = chromeOf(document);
  const url = canonicalUrl(document);
  const title = text(document.querySelector('main h1, article h1') ?? document.querySelector('h1')) || meta(document, 'og:title');

  const article = new Readability(document.cloneNode(true) as Document).parse();
  let blocks: string[][] = [];
  if (article?.content) blocks = blocksOf(JSDOM.fragment(article.content));
  if (blocks.length === 0) blocks = blocksOf(document.body);
  const date =
    dateOfValue(meta(document, 'article:published_time')) ??
    dateOfValue(article?.publishedTime) ??
    dateOfValue(document.querySelector('time[datetime]')?.getAttribute('datetime')) ??
    dateLineOf(document);
  const credit = blocks.flat().map(creditOfLine).find(Boolean) ?? creditOf(document);
  const parts = partsOfBlocks(
    blocks.filter((block) => !(date !== undefined && block.length === 1 && dateOfLine(block[0] ?? '') === date)),
    {
      ...(title ? { title } : article?.title ? { title: article.title } : {}),
      ...(date === undefined ? {} : { date }),
      ...(credit === undefined ? {} : { credit }),
      dropped,
    },
  );
  dom.window.close();
  return { ...parts, ...(url === undefined ? {} : { url }) };
}

function text(element: Element | null | undefined): string {
  return (element?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

function meta(document: Document, name: string): string | undefined {
  const element = document.querySelector(`meta[property="${name}"], meta[name="${name}"]`);
  return element?.getAttribute('content')?.trim() || undefined;
}

function canonicalUrl(document: Document): string | undefined {
  const href = document.querySelector('link[rel~="canonical" i]')?.getAttribute('href')?.trim() || meta(document, 'og:url');
  if (!href) return undefined;
  try {
    const url = new URL(href);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** One block per paragraph element (the innermost ones), its text on one line. */
function blocksOf(root: ParentNode | null): string[][] {
  if (!root) return [];
  const elements = [...root.querySelectorAll(BLOCKS)].filter((element) => element.querySelector(BLOCKS) === null);
  return elements.map((element) => [text(element)]).filter(([line]) => line !== '');
}

/** The outermost chrome elements' text, shortened, for the report of what was left out. */
function chromeOf(document: Document): string[] {
  // An article's own <header> holds its title and date, which are not chrome.
  const found = [...document.querySelectorAll(CHROME)].filter((element) => !(element.localName === 'header' && element.closest('article')));
  return found
    .filter((element) => !found.some((other) => other !== element && other.contains(element)))
    .map(text)
    .filter((line) => line !== '')
    .map((line) => (line.length > MAX_SHOWN ? `${line.slice(0, MAX_SHOWN - 1)}…` : line));
}

/** The first element of the page whose whole text is a date ("25 Sep 2018" under the title). */
function dateLineOf(document: Document): string | undefined {
  for (const element of document.querySelectorAll('time, p, span, div, li, small, h2, h3, h4, h5, h6')) {
    const date = dateOfLine(text(element));
    if (date !== undefined) return date;
  }
  return undefined;
}

function creditOf(document: Document): string | undefined {
  for (const element of document.querySelectorAll('p, span, div, small, figcaption')) {
    const credit = creditOfLine(text(element));
    if (credit !== undefined) return credit;
  }
  return undefined;
}
