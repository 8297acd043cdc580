import Html from '@kitajs/html';
import type { Lang, MessageKey, Translate } from '../../web/i18n.ts';
import type { PageContext } from '../../web/layout.tsx';
import { zhCN } from '../../web/messages/zh-CN.ts';
import type { SharingRequest } from '../schema.ts';

/**
 * The pieces the catalog's pages share: labelled form fields with their errors (the government
 * form pattern), the names of classes and statuses, and the answer countdown of a request.
 */

/** Messages named by a prefix and a value from the data, e.g. class.conditional; the value itself when unknown. */
export function named(t: Translate, prefix: string, value: string): string {
  const key = `${prefix}.${value}`;
  return key in zhCN ? t(key as MessageKey) : value;
}

export function itemLabel(lang: Lang, item: { labelZh: string; labelEn: string }): string {
  return lang === 'en' ? item.labelEn : item.labelZh;
}

/** When the provider's answer is due, in words: never by colour alone. */
export function DueText(props: { page: PageContext; request: SharingRequest }): JSX.Element {
  const { t } = props.page;
  const r = props.request;
  if (r.status !== 'pending') return <span safe>{r.dueOn}</span>;
  if (r.overdue) {
    return (
      <span class="overdue">
        <strong class="tag overdue-tag">{Html.escapeHtml(t('sharing.overdue'))}</strong>{' '}
        <span safe>{t('sharing.due.overdue', { due: r.dueOn, days: -r.workingDaysLeft })}</span>
      </span>
    );
  }
  return <span safe>{r.workingDaysLeft === 0 ? t('sharing.due.today', { due: r.dueOn }) : t('sharing.due.left', { due: r.dueOn, days: r.workingDaysLeft })}</span>;
}

/** Pending requests first, the soonest due on top; then the rest, newest first. */
export function queueOrder(requests: SharingRequest[]): SharingRequest[] {
  const pending = requests.filter((r) => r.status === 'pending').sort((a, b) => a.dueOn.localeCompare(b.dueOn) || a.submittedAt.localeCompare(b.submittedAt));
  const rest = requests.filter((r) => r.status !== 'pending').sort((a, b) => b.submittedAt.localeCompare(a.submittedAt));
  return [...pending, ...rest];
}

/** Previous and next links of a paged list, keeping the query. */
export function Pager(props: { page: PageContext; path: string; query: Record<string, string | undefined>; current: number; total: number; size: number }): JSX.Element {
  const { t } = props.page;
  const pages = Math.max(1, Math.ceil(props.total / props.size));
  if (pages <= 1) return <></>;
  const href = (n: number) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(props.query)) if (v) params.set(k, v);
    params.set('page', String(n));
    return `${props.path}?${params.toString()}`;
  };
  return (
    <nav aria-label={t('catalog.pages')}>
      <ul class="subnav">
        {props.current > 1 ? <li><a href={href(props.current - 1)} rel="prev">{Html.escapeHtml(t('catalog.prev'))}</a></li> : ''}
        <li safe>{t('catalog.page', { page: props.current, pages })}</li>
        {props.current < pages ? <li><a href={href(props.current + 1)} rel="next">{Html.escapeHtml(t('catalog.next'))}</a></li> : ''}
      </ul>
    </nav>
  );
}
