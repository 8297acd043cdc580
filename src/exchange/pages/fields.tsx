import type { Lang } from '../../web/i18n.ts';

/** What only the exchange's pages need: times in Beijing, numbers, ids. */

/**
 * An instant as `YYYY-MM-DD HH:MM` in Beijing time. A fixed +8 hours, as the calendar does:
 * China has no daylight saving time.
 */
export function beijingTime(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}

/** A number with the language's digit grouping. */
export function formatNumber(lang: Lang, n: number): string {
  return new Intl.NumberFormat(lang).format(n);
}

/** A string usable as an HTML id and URL fragment (gateway ids hold a slash). */
export function idOf(prefix: string, value: string): string {
  return `${prefix}-${value.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}
