import Html from '@kitajs/html';
import type { Draft, Question } from '../applications.schema.ts';
import type { Material, ServiceItem } from '../schema.ts';
import { titleOf } from '../../web/fields.tsx';
import type { FieldError } from '../../web/forms.ts';
import { localName } from '../../web/i18n.ts';
import { CsrfField, ErrorSummary, Layout, type PageContext } from '../../web/layout.tsx';
import { BackLink, Caption, answerText, filePath, labelOf, questionPath, sizeText, sourceText } from './apply-view.tsx';

/**
 * Check your answers (GOV.UK check answers): the answers in sections, each with a Change link
 * that names the question for screen readers and comes back here; "Not provided" for an optional
 * question left empty; the materials uploaded, and those the applicant need not bring because
 * an electronic licence or a data lookup replaces them. Then the declaration and "Accept and send".
 */

export interface CheckPageProps {
  page: PageContext;
  name: string;
  base: string;
  back: string;
  draft: Draft;
  items: ServiceItem[];
  departmentNames: Map<string, string>;
  declared: boolean;
  errors: FieldError[];
}

/** The answers in sections: one for a single item; for a life event one per item, each with the questions it asks first. */
function sections(page: PageContext, draft: Draft, items: readonly ServiceItem[]): { id: string; title: string; questions: Question[] }[] {
  const answers = draft.questions.filter((q) => q.field.type !== 'file');
  if (items.length === 1) return [{ id: 'answers', title: page.t('apply.check.answers'), questions: answers }];
  return items
    .map((item, i) => ({ id: `answers-${i + 1}`, title: localName(page.lang, item), questions: answers.filter((q) => q.items[0] === item.code) }))
    .filter((s) => s.questions.length > 0);
}

/** Materials an electronic licence or a data lookup replaces, each once. */
function notNeeded(items: readonly ServiceItem[]): Material[] {
  const seen = new Set<string>();
  return items.flatMap((i) => i.materials).filter((m) => {
    if (!m.replaceableBy || seen.has(m.name)) return false;
    seen.add(m.name);
    return true;
  });
}

export function CheckPage(props: CheckPageProps): JSX.Element {
  const { page, draft, errors } = props;
  const { t } = page;
  const title = t('apply.check.title');
  const uploads = draft.questions.filter((q) => q.field.type === 'file');
  const noNeed = notNeeded(props.items);
  const declarationBad = errors.some((e) => e.field === 'declaration');
  const change = (q: Question) => (
    <a href={questionPath(props.base, draft.id, q.field.key, true)}>
      {t('apply.check.change')}<span class="visually-hidden" safe>{` ${labelOf(page.lang, q.field)}`}</span>
    </a>
  );
  return (
    <Layout page={page} title={titleOf(page, title, errors)}>
      <BackLink page={page} href={props.back} />
      <ErrorSummary page={page} errors={errors} />
      <Caption page={page} name={props.name} />
      <h1 safe>{title}</h1>
      {sections(page, draft, props.items).map((section) => (
        <section aria-labelledby={`${section.id}-heading`}>
          <h2 id={`${section.id}-heading`} safe>{section.title}</h2>
          <dl class="summary-list" id={section.id}>
            {section.questions.map((q) => {
              const value = draft.answers[q.field.key];
              const source = draft.prefilled[q.field.key];
              const fromData = source && JSON.stringify(source.value) === JSON.stringify(value);
              return (
                <div id={`answer-${q.field.key}`}>
                  <dt safe>{labelOf(page.lang, q.field)}</dt>
                  <dd>
                    {value === undefined ? <span class="hint" safe>{t('apply.check.notProvided')}</span> : <span safe>{answerText(page.lang, q.field, value)}</span>}
                    {fromData ? <span class="from-data" safe>{sourceText(page, source, props.departmentNames)}</span> : ''}
                  </dd>
                  <dd>{change(q)}</dd>
                </div>
              );
            })}
          </dl>
        </section>
      ))}
      {uploads.length ? (
        <section aria-labelledby="materials-heading">
          <h2 id="materials-heading" safe>{t('apply.check.materials')}</h2>
          <dl class="summary-list" id="materials">
            {uploads.map((q) => {
              const file = draft.files.find((f) => f.fieldKey === q.field.key);
              return (
                <div id={`answer-${q.field.key}`}>
                  <dt safe>{labelOf(page.lang, q.field)}</dt>
                  <dd>
                    {file ? <><a href={filePath(file.id)} safe>{file.displayName}</a><span safe>{` (${sizeText(page, file.size)})`}</span></>
                      : <span class="hint" safe>{t('apply.check.notProvided')}</span>}
                  </dd>
                  <dd>{change(q)}</dd>
                </div>
              );
            })}
          </dl>
        </section>
      ) : ''}
      {noNeed.length ? (
        <section aria-labelledby="no-need-heading">
          <h2 id="no-need-heading" safe>{t('apply.check.noNeed')}</h2>
          <ul id="no-need">
            {noNeed.map((m) => (
              <li>
                <span lang={page.lang === 'en' && !m.nameEn ? 'zh-CN' : undefined} safe>{page.lang === 'en' ? m.nameEn ?? m.name : m.name}</span>
                {page.lang === 'en' ? ': ' : '：'}
                <span safe>{t(m.replaceableBy!.kind === 'elicence' ? 'apply.check.noNeed.elicence' : 'apply.check.noNeed.data', { source: m.replaceableBy!.source })}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : ''}
      <h2 id="send-heading" safe>{t('apply.check.send.title')}</h2>
      <form method="post" action={`${props.base}/${encodeURIComponent(draft.id)}/check`} novalidate>
        <CsrfField page={page} />
        <p safe>{t('apply.check.declaration')}</p>
        <div class={declarationBad ? 'field-error' : undefined}>
          {declarationBad ? <p class="message" id="declaration-error" safe>{errors.find((e) => e.field === 'declaration')!.message}</p> : ''}
          <div class="choice">
            <input type="checkbox" id="declaration" name="declaration" value="yes" checked={props.declared} {...(declarationBad && { 'aria-describedby': 'declaration-error', 'aria-invalid': 'true' })} />
            <label for="declaration" safe>{t('apply.check.declaration.label')}</label>
          </div>
        </div>
        <button type="submit" safe>{t('apply.check.send')}</button>
      </form>
    </Layout>
  );
}
