import Html from '@kitajs/html';
import { type Lang, localName, type MessageKey, type Translate } from '../../web/i18n.ts';
import { Layout, type PageContext } from '../../web/layout.tsx';
import { itemTypes, topics, type ServiceGroups, type ServiceItemSummary } from '../schema.ts';

/**
 * The portal's service guide, first page: a search box with filters (a GET form, so it works
 * without JavaScript), ranked results, and when nothing is asked the browse lists: life events
 * (一件事) first, then topics, then departments, each with how many items it has in force.
 */

export interface ServiceFilters {
  q: string;
  department: string;
  topic: string;
  lifeEvent: string;
}

export interface ServiceResults {
  items: ServiceItemSummary[];
  total: number;
  current: number;
  size: number;
}

// ——— Pieces the guide's pages share ———

/** A time limit in working days, in words: 0 is on the spot (即办). */
export function daysText(t: Translate, days: number): string {
  return days === 0 ? t('services.days.spot') : days === 1 ? t('services.days.one') : t('services.days', { days });
}

export function typeName(lang: Lang, key: string): string {
  const type = itemTypes.find((x) => x.key === key);
  return type ? localName(lang, type) : key;
}

export function topicName(lang: Lang, key: string): string {
  const topic = topics.find((x) => x.key === key);
  return topic ? localName(lang, topic) : key;
}

/** The list separator of the language: 、 in Chinese. */
export function joined(lang: Lang, parts: string[]): string {
  return parts.join(lang === 'en' ? ', ' : '、');
}

/** A label's colon in the language: ：in Chinese. */
export function colon(lang: Lang): string {
  return lang === 'en' ? ': ' : '：';
}

/** Set as `lang` on text the departments publish in Chinese only, when the page is in English. */
export function zhOnly(lang: Lang): string | undefined {
  return lang === 'en' ? 'zh-CN' : undefined;
}

export const itemPath = (code: string) => `/services/${encodeURIComponent(code)}`;
export const lifeEventPath = (code: string) => `/life-events/${encodeURIComponent(code)}`;

/** Time limit, online or not, visits: one line under an item's name in lists. */
export function ItemMeta(props: { page: PageContext; item: ServiceItemSummary }): JSX.Element {
  const { t, lang } = props.page;
  const i = props.item;
  return (
    <p safe>
      {[
        `${t('services.promised')}${colon(lang)}${daysText(t, i.promisedDays)}`,
        i.online ? t('services.online') : t('services.offline'),
        t('services.visits', { count: i.visits }),
      ].join(' · ')}
    </p>
  );
}

// ——— The page ———

export function ServicesPage(props: {
  page: PageContext; filters: ServiceFilters; groups: ServiceGroups; results: ServiceResults | null;
}): JSX.Element {
  const { t } = props.page;
  return (
    <Layout page={props.page} title={t('services.title')}>
      <h1 safe>{t('services.title')}</h1>
      <p class="lead" safe>{t('services.lead')}</p>
      <SearchForm page={props.page} filters={props.filters} groups={props.groups} />
      {props.results ? <Results page={props.page} filters={props.filters} results={props.results} /> : <Browse page={props.page} groups={props.groups} />}
      <p id="ratings-link"><a href="/ratings" safe>{t('ratings.stats.link')}</a></p>
    </Layout>
  );
}

function SearchForm(props: { page: PageContext; filters: ServiceFilters; groups: ServiceGroups }): JSX.Element {
  const { t, lang } = props.page;
  const f = props.filters;
  const g = props.groups;
  const select = (id: keyof ServiceFilters, label: MessageKey, options: { value: string; name: string }[]) => (
    <div>
      <label for={id} safe>{t(label)}</label>
      <select id={id} name={id}>
        <option value="" safe>{t('services.filter.any')}</option>
        {options.map((o) => <option value={o.value} selected={f[id] === o.value} safe>{o.name}</option>)}
      </select>
    </div>
  );
  return (
    <form method="get" action="/services" role="search">
      <div class="search">
        <div>
          <label for="q" safe>{t('services.search.label')}</label>
          <p class="hint" id="q-hint" safe>{t('services.search.hint')}</p>
          <input type="search" id="q" name="q" value={f.q} aria-describedby="q-hint" maxlength="100" />
        </div>
        <button type="submit" safe>{t('services.search.button')}</button>
      </div>
      <fieldset class="filters">
        <legend safe>{t('services.filters')}</legend>
        {select('lifeEvent', 'services.filter.lifeEvent', g.lifeEvents.map((e) => ({ value: e.code, name: localName(lang, e) })))}
        {select('topic', 'services.filter.topic', g.topics.filter((x) => x.items > 0).map((x) => ({ value: x.key, name: localName(lang, x) })))}
        {select('department', 'services.filter.department', g.departments.map((d) => ({ value: d.code, name: localName(lang, d) })))}
      </fieldset>
      <button type="submit" class="secondary" safe>{t('services.filter.apply')}</button>
    </form>
  );
}

function Results(props: { page: PageContext; filters: ServiceFilters; results: ServiceResults }): JSX.Element {
  const { t, lang } = props.page;
  const r = props.results;
  const f = props.filters;
  return (
    <>
      <h2 safe>{t('services.results.title')}</h2>
      <p role="status" safe>{r.total === 0 ? t('services.none') : t('services.results', { count: r.total })}</p>
      {r.items.length === 0 ? '' : (
        <ul class="results">
          {r.items.map((item) => (
            <li>
              <h3><a href={itemPath(item.code)} safe>{localName(lang, item)}</a></h3>
              <p>
                <span safe>{localName(lang, item.department)}</span>{' · '}
                <span class="tag" safe>{typeName(lang, item.type)}</span>
              </p>
              <ItemMeta page={props.page} item={item} />
            </li>
          ))}
        </ul>
      )}
      <Pager page={props.page} query={{ q: f.q, department: f.department, topic: f.topic, lifeEvent: f.lifeEvent }} current={r.current} total={r.total} size={r.size} />
      <p><a href="/services" safe>{t('services.clear')}</a></p>
    </>
  );
}

function Browse(props: { page: PageContext; groups: ServiceGroups }): JSX.Element {
  const { t, lang } = props.page;
  const g = props.groups;
  const topicList = (audience: 'citizen' | 'enterprise') => (
    <ul>
      {g.topics.filter((x) => x.audience === audience && x.items > 0).map((x) => (
        <li>
          <a href={`/services?topic=${encodeURIComponent(x.key)}`} safe>{localName(lang, x)}</a>
          <span safe>{` · ${t('services.count', { count: x.items })}`}</span>
        </li>
      ))}
    </ul>
  );
  return (
    <>
      <h2 safe>{t('services.browse.lifeEvents')}</h2>
      <p safe>{t('services.browse.lifeEvents.text')}</p>
      <ul class="cards">
        {g.lifeEvents.map((e) => (
          <li>
            <h3><a href={lifeEventPath(e.code)} safe>{localName(lang, e)}</a></h3>
            <p safe>{`${t(`services.audience.${e.audience}` as MessageKey)} · ${t('services.count', { count: e.items })}`}</p>
          </li>
        ))}
      </ul>
      <h2 safe>{t('services.browse.topics')}</h2>
      <h3 safe>{t('services.browse.citizen')}</h3>
      {topicList('citizen')}
      <h3 safe>{t('services.browse.enterprise')}</h3>
      {topicList('enterprise')}
      <h2 safe>{t('services.browse.departments')}</h2>
      <ul>
        {g.departments.map((d) => (
          <li>
            <a href={`/services?department=${encodeURIComponent(d.code)}`} safe>{localName(lang, d)}</a>
            <span safe>{` · ${t('services.count', { count: d.items })}`}</span>
          </li>
        ))}
      </ul>
    </>
  );
}

/** Previous and next links of the results, keeping the search and filters. */
function Pager(props: { page: PageContext; query: Record<string, string>; current: number; total: number; size: number }): JSX.Element {
  const { t } = props.page;
  const pages = Math.max(1, Math.ceil(props.total / props.size));
  if (pages <= 1) return <></>;
  const href = (n: number) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(props.query)) if (v) params.set(k, v);
    params.set('page', String(n));
    return `/services?${params.toString()}`;
  };
  return (
    <nav aria-label={t('services.pages')}>
      <ul class="subnav">
        {props.current > 1 ? <li><a href={href(props.current - 1)} rel="prev" safe>{t('services.prev')}</a></li> : ''}
        <li safe>{t('services.page', { page: props.current, pages })}</li>
        {props.current < pages ? <li><a href={href(props.current + 1)} rel="next" safe>{t('services.next')}</a></li> : ''}
      </ul>
    </nav>
  );
}
