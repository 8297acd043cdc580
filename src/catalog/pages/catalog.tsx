import Html from '@kitajs/html';
import type { Department, DepartmentSystem } from '../../registry/schema.ts';
import type { FieldError } from '../../web/forms.ts';
import { localName } from '../../web/i18n.ts';
import { ErrorSummary, Layout, type PageContext } from '../../web/layout.tsx';
import { type Item, type Resource, type ResourceSummary, sharingClasses } from '../schema.ts';
import { Pager, itemLabel, named } from './fields.tsx';
import { RequestForm, type RequestFormValues } from './request-form.tsx';
import { SharingNav } from './sharing.tsx';
import { titleOf } from '../../web/fields.tsx';

/** The workbench's catalog browser: search with filters, and a resource's page with its "request access" form. */

export interface CatalogFilters {
  q: string;
  department: string;
  sharingClass: string;
  subject: string;
}

export interface CatalogHit {
  resource: ResourceSummary;
  items: Item[];
}

export function CatalogSearchPage(props: {
  page: PageContext; filters: CatalogFilters; departments: Department[]; hits: CatalogHit[]; total: number; current: number; size: number;
}): JSX.Element {
  const { t, lang } = props.page;
  const f = props.filters;
  const names = new Map(props.departments.map((d) => [d.code, localName(lang, d)]));
  const searched = Boolean(f.q || f.department || f.sharingClass || f.subject);
  return (
    <Layout page={props.page} title={t('catalog.title')}>
      <SharingNav page={props.page} />
      <h1 safe>{t('catalog.title')}</h1>
      <p class="lead" safe>{t('catalog.lead')}</p>
      <form method="get" action="/staff/catalog" role="search" class="catalog-search">
        <div class="search">
          <div>
            <label for="q" safe>{t('catalog.search.label')}</label>
            <p class="hint" id="q-hint" safe>{t('catalog.search.hint')}</p>
            <input type="search" id="q" name="q" value={f.q} aria-describedby="q-hint" maxlength="100" />
          </div>
          <button type="submit" safe>{t('catalog.search.button')}</button>
        </div>
        <fieldset class="filters">
          <legend safe>{t('catalog.filters')}</legend>
          <div>
            <label for="department" safe>{t('catalog.provider')}</label>
            <select id="department" name="department">
              <option value="" safe>{t('catalog.filter.any')}</option>
              {props.departments.map((d) => <option value={d.code} selected={f.department === d.code} safe>{localName(lang, d)}</option>)}
            </select>
          </div>
          <div>
            <label for="class" safe>{t('catalog.item.sharing')}</label>
            <select id="class" name="class">
              <option value="" safe>{t('catalog.filter.any')}</option>
              {sharingClasses.map((c) => <option value={c} selected={f.sharingClass === c} safe>{named(t, 'class', c)}</option>)}
            </select>
          </div>
          <div>
            <label for="subject" safe>{t('catalog.subject')}</label>
            <p class="hint" id="subject-hint" safe>{t('catalog.filter.subject.hint')}</p>
            <input type="text" id="subject" name="subject" value={f.subject} aria-describedby="subject-hint" maxlength="100" />
          </div>
        </fieldset>
      </form>
      {props.hits.length === 0
        ? <p role="status" safe>{searched ? t('catalog.none') : t('sharing.none')}</p>
        : (
          <>
            <p role="status" safe>{t('catalog.results', { count: props.total })}</p>
            <ul class="results">
              {props.hits.map(({ resource: r, items }) => (
                <li>
                  <h2><a href={`/staff/catalog/${encodeURIComponent(r.code)}`} safe>{localName(lang, r)}</a></h2>
                  <p>
                    <code safe>{r.code}</code>{' · '}
                    <span safe>{names.get(r.provider) ?? r.provider}</span>{' · '}
                    <span class="tag" safe>{named(t, 'class', r.sharingClass)}</span>{' · '}
                    <a href={`/staff/catalog?subject=${encodeURIComponent(r.subject)}`} safe>{r.subject}</a>
                  </p>
                  <p>
                    <span safe>{`${t('catalog.items')}: `}</span>
                    <span safe>{items.map((i) => itemLabel(lang, i)).join(lang === 'en' ? ', ' : '、')}</span>
                  </p>
                </li>
              ))}
            </ul>
            <Pager page={props.page} path="/staff/catalog" current={props.current} total={props.total} size={props.size}
              query={{ q: f.q, department: f.department, class: f.sharingClass, subject: f.subject }} />
          </>
        )}
    </Layout>
  );
}

/** The resource's description in the catalog standard's terms, as a two-column table. */
export function ResourceFacts(props: { page: PageContext; resource: Resource; providerName: string; full: boolean }): JSX.Element {
  const { t } = props.page;
  const r = props.resource;
  const format = r.format === 'api'
    ? `${named(t, 'format', r.format)}${r.serviceCode ? ` (${r.serviceCode})` : ''}`
    : `${named(t, 'format', r.format)}${r.delivery ? `, ${named(t, 'delivery', r.delivery)}` : ''}`;
  return (
    <table class="facts">
      <tbody>
        <tr><th scope="row" safe>{t('catalog.code')}</th><td><code safe>{r.code}</code></td></tr>
        <tr><th scope="row" safe>{t('catalog.provider')}</th><td safe>{props.providerName}</td></tr>
        <tr><th scope="row" safe>{t('catalog.summary')}</th><td safe>{r.summary}</td></tr>
        <tr><th scope="row" safe>{t('catalog.category')}</th><td safe>{named(t, 'category', r.category)}</td></tr>
        <tr><th scope="row" safe>{t('catalog.subject')}</th><td safe>{r.industry ? `${r.subject} · ${t('catalog.industry')} ${r.industry}` : r.subject}</td></tr>
        <tr><th scope="row" safe>{t('catalog.format')}</th><td safe>{format}</td></tr>
        <tr><th scope="row" safe>{t('catalog.updateCycle')}</th><td safe>{named(t, 'cycle', r.updateCycle)}</td></tr>
        <tr><th scope="row" safe>{t('catalog.publishedOn')}</th><td safe>{r.publishedOn}</td></tr>
        <tr><th scope="row" safe>{t('catalog.contact')}</th><td safe>{`${r.contact.name} · ${r.contact.phone} · ${r.contact.email}`}</td></tr>
        {props.full ? <tr><th scope="row" safe>{t('catalog.version')}</th><td>{r.version}</td></tr> : ''}
      </tbody>
    </table>
  );
}

/** Every item of a resource with its sensitivity, sharing class (conditions, legal basis) and open class. */
export function ItemsTable(props: { page: PageContext; items: Item[] }): JSX.Element {
  const { t, lang } = props.page;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col" safe>{t('catalog.item.label')}</th>
          <th scope="col" safe>{t('catalog.item.name')}</th>
          <th scope="col" safe>{t('catalog.item.type')}</th>
          <th scope="col" safe>{t('catalog.item.sensitivity')}</th>
          <th scope="col" safe>{t('catalog.item.sharing')}</th>
          <th scope="col" safe>{t('catalog.item.open')}</th>
        </tr>
      </thead>
      <tbody>
        {props.items.map((i) => (
          <tr>
            <th scope="row">
              <span safe>{itemLabel(lang, i)}</span>
              {i.description ? <p class="hint" safe>{i.description}</p> : ''}
            </th>
            <td><code safe>{i.name}</code></td>
            <td><code safe>{i.dataType}</code></td>
            <td safe>{named(t, 'sensitivity', i.sensitivity)}</td>
            <td>
              <span class="tag" safe>{named(t, 'class', i.sharingClass)}</span>
              {i.sharingCondition ? <p safe>{t('catalog.item.condition', { text: i.sharingCondition })}</p> : ''}
              {i.legalBasis ? <p safe>{t('catalog.item.legalBasis', { text: i.legalBasis })}</p> : ''}
            </td>
            <td safe>{named(t, 'open', i.openClass)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Why this person cannot ask for the resource, or null when they can. */
export type RequestBar = 'own' | 'role' | 'withdrawn' | null;

export function ResourcePage(props: {
  page: PageContext; resource: Resource; providerName: string; bar: RequestBar; systems: DepartmentSystem[];
  values: RequestFormValues; errors: FieldError[]; replyDays: number;
}): JSX.Element {
  const { t, lang } = props.page;
  const r = props.resource;
  const title = localName(lang, r);
  return (
    <Layout page={props.page} title={titleOf(props.page, title, props.errors)}>
      <p><a href="/staff/catalog" safe>{t('catalog.title')}</a></p>
      <ErrorSummary page={props.page} errors={props.errors} />
      <h1 safe>{title}</h1>
      <p class="lead" lang={lang === 'en' ? 'zh-CN' : 'en'} safe>{lang === 'en' ? r.nameZh : r.nameEn}</p>
      {r.withdrawn ? <p class="notice bad" safe>{t('catalog.withdrawn')}</p> : ''}
      <ResourceFacts page={props.page} resource={r} providerName={props.providerName} full />
      <h2 safe>{t('catalog.items')}</h2>
      <ItemsTable page={props.page} items={r.items} />
      <h2 id="request" safe>{t('request.title')}</h2>
      {props.bar === 'withdrawn' ? <p safe>{t('catalog.withdrawn')}</p>
        : props.bar === 'own' ? <p safe>{t('request.own')}</p>
        : props.bar === 'role' ? <p safe>{t('request.notClerk')}</p>
        : <RequestForm page={props.page} resource={r} systems={props.systems} values={props.values} errors={props.errors} replyDays={props.replyDays} />}
    </Layout>
  );
}
