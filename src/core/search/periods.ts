/** A year, a month of a year, or a decade named in a text ("2018", "June 2017", "the 1970s"). */
export interface Period {
  readonly year: number;
  /** 1 to 12 when a month is named. */
  readonly month?: number;
  /** True for "1970s": the ten years from `year`. */
  readonly decade?: boolean;
  /** As written. */
  readonly text: string;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

// An optional month (full or short, optional day after it), then a year from 1900 to 2099,
// or a decade like "1970s".
const PERIOD =
  /\b(?:(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?\s+(?:\d{1,2}(?:st|nd|rd|th)?,?\s+)?)?((?:19|20)\d{2})(s)?\b/gi;

/** Finds the years, months and decades a text names. */
export function findPeriods(text: string): Period[] {
  const periods: Period[] = [];
  for (const match of text.matchAll(PERIOD)) {
    const year = Number(match[2]);
    const monthName = match[1]?.toLowerCase().slice(0, 3);
    const month = monthName === undefined ? undefined : MONTHS.indexOf(monthName) + 1;
    periods.push({
      year,
      ...(month === undefined ? {} : { month }),
      ...(match[3] ? { decade: true } : {}),
      text: match[0],
    });
  }
  return periods;
}

/** Keys under which an article is filed by the periods its text names: "2017", "2017-06", "1970s". */
export function periodKeys(period: Period): string[] {
  if (period.decade) return [`${period.year}s`];
  const keys = [String(period.year)];
  if (period.month !== undefined) keys.push(monthKey(period.year, period.month));
  return keys;
}

export function monthKey(year: number, month: number): string {
  return `${year}-${String(month).padStart(2, '0')}`;
}

/** The key a question's period must find among an article's keys to be covered by it. */
export function wantedKeys(period: Period): string[] {
  if (period.month !== undefined) return [monthKey(period.year, period.month)];
  if (period.decade) {
    const years = Array.from({ length: 10 }, (_, i) => String(period.year + i));
    return [`${period.year}s`, ...years];
  }
  return [String(period.year), `${Math.floor(period.year / 10) * 10}s`];
}

/** Days between a period's middle and a date, for "the nearest articles" to a period. */
export function distanceInDays(period: Period, isoDate: string): number {
  const middle =
    period.month !== undefined
      ? Date.UTC(period.year, period.month - 1, 15)
      : Date.UTC(period.year + (period.decade ? 5 : 0), period.decade ? 0 : 6, 1);
  return Math.abs(Date.parse(`${isoDate}T00:00:00Z`) - middle) / 86_400_000;
}
