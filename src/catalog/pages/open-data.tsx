import Html from '@kitajs/html';
import { localName } from '../../web/i18n.ts';
import { Layout, type PageContext } from '../../web/layout.tsx';
import type { Item, Resource, ResourceSummary } from '../schema.ts';
import { ResourceFacts } from './catalog.tsx';
import { Pager, itemLabel } from './fields.tsx';

/** The portal's open data: resources with items open to the public, showing those items only. */

export interface OpenDataHit {
  resource: ResourceSummary;
  openItems: Item[];
}

export function OpenDataPage(props: { page: PageContext; q: string; hits: OpenDataHit[]; total: number; current: number; size: number; departmentNames: Map<string, string> }): JSX.Element {
  const { t, lang } = props.page;
  return (
    <Layout page={props.page} title={t('opendata.title')}>
      <h1 safe>{t('opendata.title')}</h1>
      <p class="lead" safe>{t('opendata.lead')}</p>
      <form class="search" method="get" action="/open-data" role="search">
        <div>
          <label for="q" safe>{t('opendata.search.label')}</label>
          <p class="hint" id="q-hint" safe>{t('opendata.search.hint')}</p>
          <input type="search" id="q" name="q" value={props.q} aria-describedby="q-hint" maxlength="100" />
        </div>
        <button type="submit" safe>{t('catalog.search.button')}</button>
      </form>
      {props.hits.length === 0 ? <p role="status" safe>{props.q ? t('catalog.none') : t('sharing.none')}</p> : (
        <>
          <p role="status" safe>{t('catalog.results', { count: props.total })}</p>
          <ul class="results">
            {props.hits.map(({ resource: r, openItems }) => (
              <li>
                <h2><a href={`/open-data/${encodeURIComponent(r.code)}`} safe>{localName(lang, r)}</a></h2>
                <p>
                  <span safe>{props.departmentNames.get(r.provider) ?? r.provider}</span>{' · '}
                  <span safe>{r.subject}</span>
                </p>
                <p safe>{`${t('opendata.items')}: ${openItems.map((i) => itemLabel(lang, i)).join(lang === 'en' ? ', ' : '、')}`}</p>
              </li>
            ))}
          </ul>
          <Pager page={props.page} path="/open-data" query={{ q: props.q }} current={props.current} total={props.total} size={props.size} />
        </>
      )}
    </Layout>
  );
}

export function OpenDataResourcePage(props: { page: PageContext; resource: Resource; providerName: string }): JSX.Element {
  const { t, lang } = props.page;
  const r = props.resource;
  const open = r.items.filter((i) => i.openClass === 'open');
  const c = r.contact;
  return (
    <Layout page={props.page} title={localName(lang, r)}>
      <p><a href="/open-data" safe>{t('opendata.back')}</a></p>
      <h1 safe>{localName(lang, r)}</h1>
      <p class="lead" lang={lang === 'en' ? 'zh-CN' : 'en'} safe>{lang === 'en' ? r.nameZh : r.nameEn}</p>
      <ResourceFacts page={props.page} resource={r} providerName={props.providerName} full={false} />
      <h2 safe>{t('opendata.items')}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col" safe>{t('catalog.item.label')}</th>
            <th scope="col" safe>{t('catalog.item.name')}</th>
            <th scope="col" safe>{t('catalog.item.type')}</th>
            <th scope="col" safe>{t('catalog.item.description')}</th>
          </tr>
        </thead>
        <tbody>
          {open.map((i) => (
            <tr>
              <th scope="row" safe>{itemLabel(lang, i)}</th>
              <td><code safe>{i.name}</code></td>
              <td><code safe>{i.dataType}</code></td>
              <td safe>{i.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2 safe>{t('opendata.howTo')}</h2>
      <p safe>{`${t('opendata.howTo.text')} ${c.name} · ${c.phone} · ${c.email}`}</p>
    </Layout>
  );
}
