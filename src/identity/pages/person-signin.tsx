import Html from '@kitajs/html';
import { Field, GroupError, describe, titleOf } from '../../web/fields.tsx';
import type { FieldError } from '../../web/forms.ts';
import { ErrorSummary, Layout, type PageContext } from '../../web/layout.tsx';
import type { PersonKind } from '../people.schema.ts';

/**
 * Sign-in of citizens and enterprises: the kind of account (个人 / 法人, as on every Chinese
 * portal, since one mobile number may hold one of each), then the number or the mobile number
 * and the password. Staff are pointed to their own sign-in.
 */
export function PersonSignInPage(props: {
  page: PageContext; kind: PersonKind; identifier: string; returnTo: string; formToken: string; notice: string | null; errors: FieldError[];
}): JSX.Element {
  const { t } = props.page;
  const { errors } = props;
  const title = t('people.signin.title');
  return (
    <Layout page={props.page} title={titleOf(props.page, title, errors)}>
      <ErrorSummary page={props.page} errors={errors} />
      <h1 safe>{title}</h1>
      {props.notice ? <p class="notice" safe>{props.notice}</p> : ''}
      <form method="post" action="/account/signin" novalidate>
        <input type="hidden" name="_csrf" value={props.formToken} />
        <input type="hidden" name="return" value={props.returnTo} />
        <fieldset class="checkboxes">
          <legend safe>{t('people.signin.kind')}</legend>
          <GroupError id="kind" errors={errors} />
          <div class="choice">
            <input type="radio" id="kind" name="kind" value="citizen" checked={props.kind !== 'enterprise'} />
            <label for="kind" safe>{t('people.kind.citizen')}</label>
          </div>
          <div class="choice">
            <input type="radio" id="kind-enterprise" name="kind" value="enterprise" checked={props.kind === 'enterprise'} />
            <label for="kind-enterprise" safe>{t('people.kind.enterprise')}</label>
          </div>
        </fieldset>
        <Field id="identifier" label={t('people.signin.identifier')} hint={t('people.signin.identifierHint')} errors={errors}>
          <input type="text" id="identifier" name="identifier" value={props.identifier} maxlength="40" autocomplete="username" autocapitalize="characters" spellcheck="false" {...describe(errors, 'identifier', true)} />
        </Field>
        <Field id="password" label={t('people.field.password')} errors={errors}>
          <input type="password" id="password" name="password" maxlength="200" autocomplete="current-password" {...describe(errors, 'password')} />
        </Field>
        <button type="submit" safe>{t('people.signin.submit')}</button>
      </form>
      <p><a href="/account/register" safe>{t('people.signin.register')}</a></p>
      <p><a href="/track" safe>{t('people.signin.track')}</a></p>
      <p class="hint"><a href="/signin" safe>{t('people.signin.staff')}</a></p>
    </Layout>
  );
}
