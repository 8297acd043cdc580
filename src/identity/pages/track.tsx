import Html from '@kitajs/html';
import type { Case } from '../../cases/schema.ts';
import { Field, describe, titleOf } from '../../web/fields.tsx';
import type { FieldError } from '../../web/forms.ts';
import { CsrfField, ErrorSummary, Layout, type PageContext } from '../../web/layout.tsx';
import { CaseProgress } from './case-progress.tsx';

export interface TrackValues {
  reference?: string;
  name?: string;
}

/**
 * Progress lookup without an account (办件进度查询): the reference number from the confirmation
 * and the applicant's name, as GOV.UK's account pattern advises for one-off transactions. The
 * form is sent by POST so that the name stays out of addresses, histories and logs.
 */
export function TrackPage(props: {
  page: PageContext; values: TrackValues; errors: FieldError[]; result: Case | null; departmentNames: Map<string, string>; warningDays: number;
}): JSX.Element {
  const { t } = props.page;
  const { values: v, errors } = props;
  const title = props.result ? t('track.result.title', { reference: props.result.reference }) : t('track.title');
  return (
    <Layout page={props.page} title={titleOf(props.page, title, errors)}>
      <ErrorSummary page={props.page} errors={errors} />
      <h1 safe>{title}</h1>
      {props.result ? (
        <>
          <CaseProgress page={props.page} case={props.result} departmentNames={props.departmentNames} warningDays={props.warningDays} />
          <p><a href="/track" safe>{t('track.again')}</a></p>
        </>
      ) : (
        <>
          <p class="lead" safe>{t('track.lead')}</p>
          <form method="post" action="/track" novalidate>
            <CsrfField page={props.page} />
            <Field id="reference" label={t('track.reference')} hint={t('track.referenceHint')} errors={errors}>
              <input type="text" id="reference" name="reference" value={v.reference ?? ''} maxlength="64" autocomplete="off" autocapitalize="characters" spellcheck="false" class="mono" {...describe(errors, 'reference', true)} />
            </Field>
            <Field id="name" label={t('track.name')} hint={t('track.nameHint')} errors={errors}>
              <input type="text" id="name" name="name" value={v.name ?? ''} maxlength="100" autocomplete="name" spellcheck="false" {...describe(errors, 'name', true)} />
            </Field>
            <button type="submit" safe>{t('track.submit')}</button>
          </form>
          <p><a href="/account/signin?return=%2Fmy" safe>{t('track.signin')}</a></p>
        </>
      )}
    </Layout>
  );
}
