import Html from '@kitajs/html';
import { chinaTime } from '../../platform/calendar.ts';
import { type MaskKind, maskKindFor, maskValue } from '../../platform/masking.ts';
import type { PageContext } from '../../web/layout.tsx';
import type { Application } from '../applications.schema.ts';
import type { FormField } from '../schema.ts';
import { answerText, filePath, labelOf, sizeText, sourceText } from './apply-view.tsx';

/**
 * The workbench's view of what was sent with a case: the answers (personal data masked for those
 * whose role does not need it, as the case page masks the applicant), which answers came from
 * the base data and which the applicant changed after, and the uploaded files to download.
 */

/** Answers of these kinds are personal data; a business scope or a date is not. */
const PERSONAL: readonly MaskKind[] = ['citizenId', 'name', 'phone', 'address'];

function shown(field: FormField, text: string, masked: boolean): string {
  if (!masked || field.type !== 'text') return text;
  const kind = maskKindFor(field.key);
  return PERSONAL.includes(kind) ? maskValue(kind, text) : text;
}

export function CaseApplication(props: { page: PageContext; application: Application; masked: boolean; departmentNames: Map<string, string> }): JSX.Element {
  const { page, application: a } = props;
  const { t } = page;
  const questions = a.questions.filter((q) => q.field.type !== 'file');
  const uploads = a.questions.filter((q) => q.field.type === 'file');
  return (
    <section id="application" aria-labelledby="application-heading">
      <h2 id="application-heading" safe>{t('apply.staff.title')}</h2>
      <p safe>{t('apply.staff.submitted', { time: chinaTime(a.submittedAt) })}</p>
      {a.consentAt ? <p id="application-consent" safe>{t('apply.staff.consent', { time: chinaTime(a.consentAt) })}</p> : ''}
      <table id="application-answers">
        <caption safe>{t('apply.staff.answers')}</caption>
        <thead>
          <tr>
            <th scope="col" safe>{t('apply.staff.question')}</th>
            <th scope="col" safe>{t('apply.staff.answer')}</th>
            <th scope="col" safe>{t('apply.staff.origin')}</th>
          </tr>
        </thead>
        <tbody>
          {questions.map((q) => {
            const value = a.answers[q.field.key];
            const source = a.prefilled[q.field.key];
            const changed = a.changedAfterPrefill.includes(q.field.key);
            return (
              <tr data-key={q.field.key}>
                <th scope="row" safe>{labelOf(page.lang, q.field)}</th>
                <td safe>{value === undefined ? t('apply.check.notProvided') : shown(q.field, answerText(page.lang, q.field, value), props.masked)}</td>
                <td safe>{source && !changed ? sourceText(page, source, props.departmentNames) : changed ? t('apply.staff.changed') : t('apply.staff.typed')}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {uploads.length === 0 ? <p id="application-files" safe>{t('apply.staff.noFiles')}</p> : (
      <table id="application-files">
        <caption safe>{t('apply.staff.files')}</caption>
        <thead>
          <tr>
            <th scope="col" safe>{t('apply.staff.material')}</th>
            <th scope="col" safe>{t('apply.staff.file')}</th>
          </tr>
        </thead>
        <tbody>
          {uploads.map((q) => {
            const file = a.files.find((f) => f.fieldKey === q.field.key);
            return (
              <tr data-key={q.field.key}>
                <th scope="row" safe>{labelOf(page.lang, q.field)}</th>
                <td>{file ? <><a href={filePath(file.id)} safe>{file.displayName}</a><span safe>{` (${sizeText(page, file.size)}, ${file.mediaType.split('/')[1]!.toUpperCase()})`}</span></> : <span safe>{t('apply.staff.noFile')}</span>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      )}
      {a.supplements.map((batch) => (
        <table class="supplement" data-reference={batch.reference}>
          <caption safe>{t('apply.staff.supplements', { reference: batch.reference })}</caption>
          <thead>
            <tr>
              <th scope="col" safe>{t('apply.staff.file')}</th>
              <th scope="col" safe>{t('apply.staff.uploaded')}</th>
            </tr>
          </thead>
          <tbody>
            {batch.files.map((file) => (
              <tr>
                <td><a href={filePath(file.id)} safe>{file.displayName}</a><span safe>{` (${sizeText(page, file.size)}, ${file.mediaType.split('/')[1]!.toUpperCase()})`}</span></td>
                <td safe>{chinaTime(file.uploadedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </section>
  );
}
