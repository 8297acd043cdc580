import Html from '@kitajs/html';
import type { Department } from '../../registry/schema.ts';
import { localName, type MessageKey } from '../i18n.ts';
import { Layout, type PageContext } from '../layout.tsx';

export function HomePage(props: { page: PageContext; departmentCount: number }): JSX.Element {
  const { t } = props.page;
  const sections: { key: MessageKey; text: MessageKey; href: string | null; more?: { href: string; key: MessageKey } }[] = [
    { key: 'home.section.services', text: 'home.section.services.text', href: '/services' },
    { key: 'home.section.disclosure', text: 'home.section.disclosure.text', href: null, more: { href: '/open-data', key: 'home.section.disclosure.openData' } },
    { key: 'home.section.interaction', text: 'home.section.interaction.text', href: null },
    { key: 'home.section.departments', text: 'home.section.departments.text', href: '/departments' },
  ];
  return (
    <Layout page={props.page} title={t('home.title', { city: props.page.city })}>
      <h1 safe>{t('home.title', { city: props.page.city })}</h1>
      <p class="lead">{t('home.lead')}</p>
      <SearchForm page={props.page} q="" />
      <h2>{t('home.sections')}</h2>
      <ul class="cards">
        {sections.map((s) => (
          <li>
            <h3>{s.href ? <a href={s.href}>{t(s.key)}</a> : t(s.key)}</h3>
            <p safe>{t(s.text, { count: props.departmentCount })}</p>
            {s.more ? <p><a href={s.more.href} safe>{t(s.more.key)}</a></p> : ''}
            {s.href || s.more ? '' : <span class="tag" safe>{t('home.section.soon')}</span>}
          </li>
        ))}
      </ul>
      <p><a href="/staff">{t('home.staffLink')}</a></p>
    </Layout>
  );
}

function SearchForm(props: { page: PageContext; q: string }): JSX.Element {
  const { t } = props.page;
  return (
    <form class="search" method="get" action="/search" role="search">
      <div>
        <label for="q">{t('home.search.label')}</label>
        <p class="hint" id="q-hint">{t('home.search.hint')}</p>
        <input type="search" id="q" name="q" value={props.q} aria-describedby="q-hint" maxlength="100" />
      </div>
      <button type="submit">{t('home.search.button')}</button>
    </form>
  );
}

export function SearchPage(props: { page: PageContext; q: string; results: Department[] }): JSX.Element {
  const { t, lang } = props.page;
  return (
    <Layout page={props.page} title={t('search.title')}>
      <h1>{t('search.title')}</h1>
      <SearchForm page={props.page} q={props.q} />
      {props.q === '' ? <p>{t('search.empty')}</p>
        : props.results.length === 0 ? <p safe>{t('search.none', { q: props.q })}</p>
        : (
          <>
            <p role="status">{t('search.results', { count: props.results.length })}</p>
            <ul>
              {props.results.map((d) => (
                <li><a href={`/departments/${d.code}`} safe>{localName(lang, d)}</a> <span class="tag">{t(`kind.${d.kind}` as MessageKey)}</span></li>
              ))}
            </ul>
          </>
        )}
    </Layout>
  );
}
