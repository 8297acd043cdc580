import Html from '@kitajs/html';
import type { Department } from '../../registry/schema.ts';
import { ConsoleNav } from '../../web/console.tsx';
import type { FieldError } from '../../web/forms.ts';
import { localName, type MessageKey } from '../../web/i18n.ts';
import { CsrfField, ErrorSummary, Layout, type PageContext } from '../../web/layout.tsx';
import type { Account } from '../schema.ts';

export interface AccountFormValues {
  username?: string; displayName?: string; department?: string; roles?: string[];
}

export function AccountsPage(props: {
  page: PageContext; accounts: Account[]; departments: Department[]; grantable: readonly string[];
  values: AccountFormValues; errors: FieldError[]; created: Account | null;
}): JSX.Element {
  const { t, lang } = props.page;
  const names = new Map(props.departments.map((d) => [d.code, localName(lang, d)]));
  const v = props.values;
  return (
    <Layout page={props.page} title={t('accounts.title')}>
      <ConsoleNav page={props.page} />
      <ErrorSummary page={props.page} errors={props.errors} />
      <h1>{t('accounts.title')}</h1>
      {props.created ? <p class="notice ok" role="status" safe>{`${t('form.saved')} ${props.created.username}`}</p> : ''}
      {props.grantable.length > 0 ? (
        <details open={props.errors.length > 0}>
          <summary>{t('accounts.create')}</summary>
          <form method="post" action="/console/accounts" novalidate>
            <CsrfField page={props.page} />
            <label for="username">{t('accounts.username')}</label>
            <input type="text" id="username" name="username" value={v.username ?? ''} autocomplete="off" spellcheck="false" />
            <label for="displayName">{t('accounts.displayName')}</label>
            <input type="text" id="displayName" name="displayName" value={v.displayName ?? ''} />
            <label for="department">{t('accounts.department')}</label>
            <select id="department" name="department">
              {props.departments.map((d) => <option value={d.code} selected={v.department === d.code} safe>{localName(lang, d)}</option>)}
            </select>
            <fieldset class="checkboxes" id="roles">
              <legend>{t('accounts.roles')}</legend>
              {props.grantable.map((r) => (
                <label><input type="checkbox" name="roles" value={r} checked={v.roles?.includes(r)} /> {t(`role.${r}` as MessageKey)}</label>
              ))}
            </fieldset>
            <label for="password">{t('accounts.password')}</label>
            <input type="password" id="password" name="password" autocomplete="new-password" />
            <div><button type="submit">{t('accounts.create')}</button></div>
          </form>
        </details>
      ) : ''}
      <table>
        <thead>
          <tr>
            <th scope="col">{t('accounts.username')}</th><th scope="col">{t('accounts.displayName')}</th>
            <th scope="col">{t('accounts.department')}</th><th scope="col">{t('accounts.roles')}</th>
            <th scope="col">{t('accounts.secondFactor')}</th><th scope="col">{t('accounts.status')}</th>
          </tr>
        </thead>
        <tbody>
          {props.accounts.map((a) => (
            <tr>
              <td><code safe>{a.username}</code></td>
              <td safe>{a.displayName}</td>
              <td safe>{names.get(a.department) ?? a.department}</td>
              <td>{a.roles.map((r) => t(`role.${r}` as MessageKey)).join('、')}</td>
              <td>{a.secondFactor ? t('accounts.yes') : t('accounts.no')}</td>
              <td>{a.disabled ? t('accounts.disabled') : a.locked ? t('accounts.locked') : t('accounts.active')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Layout>
  );
}

