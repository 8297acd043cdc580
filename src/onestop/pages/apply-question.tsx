import Html from '@kitajs/html';
import type { AnswerValue } from '../answers.ts';
import type { FileInfo, PrefillNote, PrefillSource, Question } from '../applications.schema.ts';
import type { FormField } from '../schema.ts';
import { GroupError, titleOf } from '../../web/fields.tsx';
import type { FieldError } from '../../web/forms.ts';
import { CsrfField, ErrorSummary, Layout, type PageContext } from '../../web/layout.tsx';
import { BackLink, Caption, hintOf, labelOf, noteText, sizeText, sourceText } from './apply-view.tsx';

/**
 * One question a page (GOV.UK question pages): the question is the page's h1 (the label, or the
 * legend of a group of choices), its hint, the error under it, then "Continue" and "Save and come
 * back later". A file question posts multipart, so it works without JavaScript. An answer the
 * government's records filled says where it came from and stays editable; a field that could
 * have been filled but was not says why, in one line.
 */

export interface QuestionPageProps {
  page: PageContext;
  /** What is applied for, shown above the question. */
  name: string;
  action: string;
  back: string;
  question: Question;
  number: number;
  total: number;
  /** What the person typed (refused) or saved before. */
  value: AnswerValue | undefined;
  file: FileInfo | null;
  source: PrefillSource | null;
  note: PrefillNote | null;
  fromCheck: boolean;
  maxMegabytes: number;
  departmentNames: Map<string, string>;
  errors: FieldError[];
  /** A life event's task list, for the way back to the whole. */
  tasks: string | null;
}

export function QuestionPage(props: QuestionPageProps): JSX.Element {
  const { page, question, errors } = props;
  const field = question.field;
  const label = labelOf(page.lang, field) + (field.required ? '' : `${page.lang === 'en' ? ' ' : ''}${page.t('form.optional')}`);
  const isFile = field.type === 'file';
  return (
    <Layout page={page} title={titleOf(page, label, errors)}>
      <BackLink page={page} href={props.back} />
      <ErrorSummary page={page} errors={errors} />
      <Caption page={page} name={props.name} />
      <form method="post" action={props.action} novalidate {...(isFile && { enctype: 'multipart/form-data' })}>
        <CsrfField page={page} />
        {props.fromCheck ? <input type="hidden" name="return" value="check" /> : ''}
        <Control {...props} label={label} />
        <div class="buttons">
          <button type="submit" name="action" value="continue" safe>{page.t('apply.continue')}</button>
          <button type="submit" name="action" value="save" class="secondary" safe>{page.t('apply.save')}</button>
        </div>
      </form>
      <p class="hint" safe>{page.t('apply.question.of', { n: props.number, total: props.total })}</p>
      {props.tasks ? <p><a href={props.tasks} id="tasks-link" safe>{page.t('apply.tasks.link')}</a></p> : ''}
    </Layout>
  );
}

/** Where the answer came from, or why it did not: under the hint, read with the control. */
function Origin(props: QuestionPageProps & { id: string }): JSX.Element {
  if (props.source) return <p class="hint from-data" id={props.id} safe>{props.page.t('apply.prefilled', { source: sourceText(props.page, props.source, props.departmentNames) })}</p>;
  if (props.note) return <p class="hint" id={props.id} safe>{noteText(props.page, props.note)}</p>;
  return <></>;
}

function Control(props: QuestionPageProps & { label: string }): JSX.Element {
  const { page, question, errors } = props;
  const field: FormField = question.field;
  const id = field.key;
  const hint = hintOf(page.lang, field);
  const bad = errors.some((e) => e.field === id);
  const origin = props.source || props.note ? `${id}-origin` : '';
  const describedBy = [hint ? `${id}-hint` : '', origin, bad ? `${id}-error` : ''].filter(Boolean).join(' ');
  const aria = { ...(describedBy && { 'aria-describedby': describedBy }), ...(bad && { 'aria-invalid': 'true' }) };
  const message = errors.find((e) => e.field === id)?.message;
  const hintLine = hint ? <p class="hint" id={`${id}-hint`} safe>{hint}</p> : '';
  const errorLine = message ? <p class="message" id={`${id}-error`} safe>{message}</p> : '';

  if (field.type === 'single_choice' || field.type === 'multiple_choice') {
    const chosen = new Set(Array.isArray(props.value) ? props.value : props.value ? [props.value] : []);
    const type = field.type === 'single_choice' ? 'radio' : 'checkbox';
    return (
      <div class={bad ? 'field-error' : undefined}>
        <fieldset {...(describedBy && { 'aria-describedby': describedBy })}>
          <legend><h1 safe>{props.label}</h1></legend>
          {hintLine}
          <Origin {...props} id={origin} />
          <GroupError id={id} errors={errors} />
          {(field.choices ?? []).map((c, i) => {
            // The error summary links to the first choice.
            const choiceId = i === 0 ? id : `${id}-${c.key}`;
            return (
              <div class="choice">
                <input type={type} id={choiceId} name={id} value={c.key} checked={chosen.has(c.key)} />
                <label for={choiceId} safe>{page.lang === 'en' ? c.labelEn : c.labelZh}</label>
              </div>
            );
          })}
        </fieldset>
      </div>
    );
  }

  const value = typeof props.value === 'string' ? props.value : '';
  return (
    <div class={bad ? 'field-error' : undefined}>
      <h1><label for={id} safe>{props.label}</label></h1>
      {field.type === 'file' ? <p class="hint" id={`${id}-hint`} safe>{[hint, page.t('apply.file.hint', { max: props.maxMegabytes })].filter(Boolean).join(' ')}</p> : hintLine}
      <Origin {...props} id={origin} />
      {errorLine}
      {field.type === 'file' ? (
        <>
          {props.file ? <p id={`${id}-current`} safe>{page.t('apply.file.current', { name: props.file.displayName, size: sizeText(page, props.file.size) })}</p> : ''}
          <input type="file" id={id} name={id} accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png" aria-describedby={[`${id}-hint`, props.file ? `${id}-current` : '', bad ? `${id}-error` : ''].filter(Boolean).join(' ')} {...(bad && { 'aria-invalid': 'true' })} />
        </>
      ) : (
        <input type="text" id={id} name={id} value={value} {...aria} {...(field.type === 'number' && { inputmode: 'decimal' })} />
      )}
    </div>
  );
}
