import Html from '@kitajs/html';
import type { Lang, MessageKey, Translate } from './i18n.ts';

/** What every page needs to know about the request it answers. */
export interface PageContext {
  lang: Lang;
  t: Translate;
  /** Path of this page, for the language switch. */
  path: string;
  /** Its query string without `lang`, so switching language keeps it. */
  query: string;
  face: 'portal' | 'staff' | 'console';
  city: string;
  user: { name: string; department: string; roles: readonly string[] } | null;
  /** The citizen or enterprise signed in on the portal (identity/person-auth.ts). */
  person?: { name: string } | null;
  /** The session's CSRF token, put in every form that changes something. */
  csrf: string | null;
  requestId: string;
}

export function Layout(props: { page: PageContext; title: string; children?: Html.Children }): JSX.Element {
  const { page } = props;
  const { t } = page;
  const other: Lang = page.lang === 'en' ? 'zh-CN' : 'en';
  const nav: { href: string; key: MessageKey; face: PageContext['face'] }[] = [
    { href: '/', key: 'site.portal', face: 'portal' },
    { href: '/staff', key: 'site.staff', face: 'staff' },
    { href: '/console', key: 'site.console', face: 'console' },
  ];
  return (
    <>
      {'<!doctype html>'}
      <html lang={page.lang}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title safe>{`${props.title} · ${t('site.name', { city: page.city })}`}</title>
          <link rel="stylesheet" href="/assets/site.css" />
        </head>
        <body class={`face-${page.face}`}>
          <a class="skip" href="#main">{t('site.skip')}</a>
          <header class="site-header">
            <div class="bar">
              <a class="brand" href="/" safe>{t('site.name', { city: page.city })}</a>
              <nav aria-label={t('site.nav')}>
                <ul>
                  {nav.map((item) => (
                    <li>
                      <a href={item.href} aria-current={item.face === page.face ? 'page' : undefined}>{t(item.key)}</a>
                    </li>
                  ))}
                  <li>
                    <a href={switchLanguage(page, other)} lang={other} hreflang={other}>{t('site.lang.switch')}</a>
                  </li>
                </ul>
              </nav>
              {page.face === 'portal' && page.person ? (
                <form class="signout" method="post" action="/account/signout">
                  <a href="/my" safe>{t('site.myAccount', { name: page.person.name })}</a>
                  <input type="hidden" name="_csrf" value={page.csrf ?? ''} />
                  <button type="submit" class="link">{t('site.signout')}</button>
                </form>
              ) : page.user ? (
                <form class="signout" method="post" action="/signout">
                  <span safe>{t('site.signedInAs', { name: page.user.name, department: page.user.department })}</span>
                  <input type="hidden" name="_csrf" value={page.csrf ?? ''} />
                  <button type="submit" class="link">{t('site.signout')}</button>
                </form>
              ) : (
                <a class="signin" href={page.face === 'portal' ? '/account/signin' : '/signin'}>{t('site.signin')}</a>
              )}
            </div>
          </header>
          <main id="main" tabindex="-1">
            {props.children}
          </main>
          <footer class="site-footer">
            <p safe>{t('site.footer', { city: page.city })}</p>
          </footer>
        </body>
      </html>
    </>
  );
}

/** This page in the other language, keeping what the query asked for (a search, a return address). */
function switchLanguage(page: PageContext, lang: Lang): string {
  const query = new URLSearchParams(page.query);
  query.set('lang', lang);
  return `${page.path}?${query.toString()}`;
}

/** The error summary of the government form pattern: listed at the top, each linking to its field. */
export function ErrorSummary(props: { page: PageContext; errors: { field?: string; message: string; lang?: string }[] }): JSX.Element {
  if (props.errors.length === 0) return <></>;
  return (
    <div class="error-summary" role="alert" tabindex="-1">
      <h2>{props.page.t('error.summary')}</h2>
      <ul>
        {props.errors.map((e) => (
          <li lang={e.lang}>{e.field ? <a href={`#${e.field}`} safe>{e.message}</a> : <span safe>{e.message}</span>}</li>
        ))}
      </ul>
    </div>
  );
}

export function CsrfField(props: { page: PageContext }): JSX.Element {
  return <input type="hidden" name="_csrf" value={props.page.csrf ?? ''} />;
}

const STATUS_MESSAGES = new Set([401, 403, 404, 409, 413, 429]);

export function ErrorPage(props: { page: PageContext; status: number; message: string }): JSX.Element {
  const { t } = props.page;
  const headline = t((STATUS_MESSAGES.has(props.status) ? `error.status.${props.status}` : 'error.status.other') as MessageKey);
  return (
    <Layout page={props.page} title={headline}>
      <h1 safe>{headline}</h1>
      <p class="lead">{t('error.detail')}: <span lang="en" safe>{props.message}</span></p>
      <p>
        {t('error.requestId')}: <code safe>{props.page.requestId}</code>
      </p>
      <p>
        <a href="/">{t('error.back')}</a>
      </p>
    </Layout>
  );
}
