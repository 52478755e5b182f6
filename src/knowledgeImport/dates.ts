import * as chrono from 'chrono-node';

/** The longest line taken for a date line ("Posted on Tuesday, 25 September 2018 by APO"). */
const MAX_DATE_LINE = 60;

/**
 * The calendar date a short line of text names, as `YYYY-MM-DD`: "20 Jun 2017", "September 25,
 * 2018", "Tue, 25 Sep 2018", "2018-09-25", "Posted on 25th September 2018". Only a full date (day,
 * month and year written out) and only a line that is mostly that date: a sentence that mentions
 * a date ("organized from 19 to 23 June 2017 in Seoul") is text, not the page's date.
 */
export function dateOfLine(line: string): string | undefined {
  const text = line.trim();
  if (text.length === 0 || text.length > MAX_DATE_LINE) return undefined;
  const [found] = chrono.strict.parse(text, new Date(Date.UTC(2000, 0, 1)));
  if (!found || found.text.length < text.length / 2) return undefined;
  return isoDate(found.start);
}

/** A date a page states in its metadata (`<time datetime>`, `article:published_time`), as `YYYY-MM-DD`. */
export function dateOfValue(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  const iso = /^(\d{4}-\d{2}-\d{2})(?:$|[T ])/.exec(value.trim());
  if (iso) return iso[1];
  return dateOfLine(value);
}

function isoDate(components: chrono.ParsedComponents): string | undefined {
  if (!components.isCertain('day') || !components.isCertain('month') || !components.isCertain('year')) return undefined;
  const pad = (n: number | null, width: number): string => String(n ?? 0).padStart(width, '0');
  return `${pad(components.get('year'), 4)}-${pad(components.get('month'), 2)}-${pad(components.get('day'), 2)}`;
}
