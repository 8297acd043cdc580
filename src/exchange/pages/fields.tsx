import type { Lang } from '../../web/i18n.ts';

/** What only the exchange's pages need: numbers, ids. */

/** A number with the language's digit grouping. */
export function formatNumber(lang: Lang, n: number): string {
  return new Intl.NumberFormat(lang).format(n);
}

/** A string usable as an HTML id and URL fragment (gateway ids hold a slash). */
export function idOf(prefix: string, value: string): string {
  return `${prefix}-${value.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}
