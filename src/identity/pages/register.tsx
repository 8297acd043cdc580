import Html from '@kitajs/html';
import { Field, describe, titleOf } from '../../web/fields.tsx';
import type { FieldError } from '../../web/forms.ts';
import { ErrorSummary, Layout, type PageContext } from '../../web/layout.tsx';
import type { PersonKind } from '../people.schema.ts';

/** What was typed, shown again with the errors; never the password. */
export interface RegisterValues {
  name?: string;
  idNumber?: string;
  contactName?: string;
  phone?: string;
  email?: string;
}

/**
 * Registration: one short form per kind of account (GOV.UK "create an account": say what it is
 * for, ask only what is needed, mark the optional field, no CAPTCHA). Citizens give their name
 * and ID number, enterprises their credit code and a contact; both a mobile number and a password.
 */
export function RegisterPage(props: { page: PageContext; kind: PersonKind; formToken: string; values: RegisterValues; errors: FieldError[] }): JSX.Element {
  const { t } = props.page;
  const { kind, values: v, errors } = props;
  const enterprise = kind === 'enterprise';
  const title = t(enterprise ? 'people.register.enterprise.title' : 'people.register.citizen.title');
  return (
    <Layout page={props.page} title={titleOf(props.page, title, errors)}>
      <ErrorSummary page={props.page} errors={errors} />
      <nav aria-label={t('people.register.kinds')}>
        <ul class="subnav">
          <li><a href="/account/register?kind=citizen" aria-current={enterprise ? undefined : 'page'} safe>{t('people.register.asCitizen')}</a></li>
          <li><a href="/account/register?kind=enterprise" aria-current={enterprise ? 'page' : undefined} safe>{t('people.register.asEnterprise')}</a></li>
        </ul>
      </nav>
      <h1 safe>{title}</h1>
      <p class="lead" safe>{t(enterprise ? 'people.register.enterprise.lead' : 'people.register.citizen.lead')}</p>
      <form method="post" action="/account/register" novalidate>
        <input type="hidden" name="_csrf" value={props.formToken} />
        <input type="hidden" name="kind" value={kind} />
        <Field id="name" label={t(enterprise ? 'people.field.enterpriseName' : 'people.field.name')} hint={enterprise ? t('people.hint.enterpriseName') : undefined} errors={errors}>
          <input type="text" id="name" name="name" value={v.name ?? ''} maxlength="100" autocomplete={enterprise ? 'organization' : 'name'} spellcheck="false" {...describe(errors, 'name', enterprise)} />
        </Field>
        <Field id="idNumber" label={t(enterprise ? 'people.field.uscc' : 'people.field.idNumber')} hint={t(enterprise ? 'people.hint.uscc' : 'people.hint.idNumber')} errors={errors}>
          <input type="text" id="idNumber" name="idNumber" value={v.idNumber ?? ''} maxlength="40" autocomplete="off" autocapitalize="characters" spellcheck="false" class="mono" {...describe(errors, 'idNumber', true)} />
        </Field>
        {enterprise ? (
          <Field id="contactName" label={t('people.field.contactName')} errors={errors}>
            <input type="text" id="contactName" name="contactName" value={v.contactName ?? ''} maxlength="50" autocomplete="name" spellcheck="false" {...describe(errors, 'contactName')} />
          </Field>
        ) : ''}
        <Field id="phone" label={t(enterprise ? 'people.field.contactPhone' : 'people.field.phone')} hint={t('people.hint.phone')} errors={errors}>
          <input type="tel" id="phone" name="phone" value={v.phone ?? ''} maxlength="20" autocomplete="tel" {...describe(errors, 'phone', true)} />
        </Field>
        <Field id="email" label={t('people.field.email')} errors={errors}>
          <input type="email" id="email" name="email" value={v.email ?? ''} maxlength="254" autocomplete="email" spellcheck="false" {...describe(errors, 'email')} />
        </Field>
        <Field id="password" label={t('people.field.password')} hint={t('people.hint.password')} errors={errors}>
          <input type="password" id="password" name="password" maxlength="200" autocomplete="new-password" {...describe(errors, 'password', true)} />
        </Field>
        <p class="hint" safe>{t('people.register.verifyNote')}</p>
        <button type="submit" safe>{t('people.register.submit')}</button>
      </form>
      <p><a href="/account/signin" safe>{t('people.register.haveAccount')}</a></p>
    </Layout>
  );
}
