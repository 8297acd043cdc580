import Html from '@kitajs/html';
import { ErrorSummary, Layout, type PageContext } from '../../web/layout.tsx';

export interface FormError {
  field?: string;
  message: string;
}

export function SignInPage(props: { page: PageContext; username: string; returnTo: string; loginCsrf: string; notice: string | null; errors: FormError[] }): JSX.Element {
  const { t } = props.page;
  return (
    <Layout page={props.page} title={t('signin.title')}>
      <ErrorSummary page={props.page} errors={props.errors} />
      <h1>{t('signin.title')}</h1>
      {props.notice ? <p class="notice" safe>{props.notice}</p> : ''}
      <form method="post" action="/signin" novalidate>
        <input type="hidden" name="_csrf" value={props.loginCsrf} />
        <input type="hidden" name="return" value={props.returnTo} />
        <div class={props.errors.length ? 'field-error' : ''}>
          <label for="username">{t('signin.username')}</label>
          <input type="text" id="username" name="username" value={props.username} autocomplete="username" autocapitalize="none" spellcheck="false" required />
          <label for="password">{t('signin.password')}</label>
          <input type="password" id="password" name="password" autocomplete="current-password" required />
        </div>
        <button type="submit">{t('signin.submit')}</button>
      </form>
    </Layout>
  );
}

export function SecondFactorPage(props: { page: PageContext; errors: FormError[]; action: string; enrol: { secret: string; uri: string } | null }): JSX.Element {
  const { t } = props.page;
  const title = props.enrol ? t('signin.enrol.title') : t('signin.totp.title');
  return (
    <Layout page={props.page} title={title}>
      <ErrorSummary page={props.page} errors={props.errors} />
      <h1>{title}</h1>
      <p class="lead">{props.enrol ? t('signin.enrol.lead') : t('signin.totp.lead')}</p>
      {props.enrol ? (
        <dl>
          <dt>{t('signin.enrol.secret')}</dt>
          <dd><code id="totp-secret" safe>{props.enrol.secret}</code></dd>
          <dt>{t('signin.enrol.uri')}</dt>
          <dd><a href={props.enrol.uri} safe>{props.enrol.uri}</a></dd>
        </dl>
      ) : ''}
      <form method="post" action={props.action} novalidate>
        <div class={props.errors.length ? 'field-error' : ''}>
          <label for="code">{t('signin.totp.code')}</label>
          <input type="text" id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required />
        </div>
        <button type="submit">{t('signin.totp.submit')}</button>
      </form>
    </Layout>
  );
}
