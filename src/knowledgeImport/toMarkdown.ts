/** An article as the import makes it: its front matter fields and its paragraphs. */
export interface ImportedArticle {
  readonly id: string;
  readonly title: string;
  /** `YYYY-MM-DD`. */
  readonly date: string;
  readonly source: string;
  readonly audience: 'public' | 'internal';
  readonly url?: string;
  readonly credit?: string;
  /** Kept from the article an import replaces. */
  readonly tags?: readonly string[];
  readonly paragraphs: readonly string[];
}

const MAX_ID_WORDS = 8;

/** The id of an article: its date and the first words of its title, as a slug ("2018-09-25-apo-drives-smes-to-adopt..."). */
export function slugId(date: string, title: string): string {
  const words = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’`]/g, '')
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .slice(0, MAX_ID_WORDS);
  return [date, ...words].join('-');
}

/** The Markdown file of an article: front matter, then the paragraphs separated by blank lines. */
export function toMarkdown(article: ImportedArticle): string {
  // JSON strings are YAML double-quoted scalars: any title, source or credit stays one safe line.
  const quoted = (value: string): string => JSON.stringify(value);
  const lines = [
    '---',
    `id: ${article.id}`,
    `title: ${quoted(article.title)}`,
    `date: ${article.date}`,
    `source: ${quoted(article.source)}`,
    `audience: ${article.audience}`,
    ...(article.url === undefined ? [] : [`url: ${quoted(article.url)}`]),
    ...(article.credit === undefined ? [] : [`credit: ${quoted(article.credit)}`]),
    ...(article.tags && article.tags.length > 0 ? ['tags:', ...article.tags.map((tag) => `  - ${quoted(tag)}`)] : []),
    '---',
  ];
  // A paragraph that starts like a Markdown heading is text, not a heading.
  const body = article.paragraphs.map((paragraph) => paragraph.replace(/^#/, '\\#'));
  return `${lines.join('\n')}\n${body.join('\n\n')}\n`;
}
