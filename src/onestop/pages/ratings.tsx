import Html from '@kitajs/html';
import { rectificationType } from '../../cases/service.ts';
import { chinaTime } from '../../platform/calendar.ts';
import { Field, GroupError, describe, titleOf } from '../../web/fields.tsx';
import type { FieldError } from '../../web/forms.ts';
import { type MessageKey, localName } from '../../web/i18n.ts';
import { CsrfField, ErrorSummary, Layout, type PageContext } from '../../web/layout.tsx';
import { type RateableCase, type Rating, SATISFIED_FROM, ratingIndicators, ratingLevels } from '../ratings.schema.ts';
import type { RatingRefusal } from '../ratings.service.ts';

/**
 * The applicant's 好差评 pages: the rating form (one form: the five levels in words, the
 * optional indicators and comment; it works without JavaScript), the confirmation that says what
 * happens next, and the rating as it stands later, with the department's reply to a bad review.
 */

export const casePath = (reference: string) => `/my/cases/${encodeURIComponent(reference)}`;
export const ratePath = (reference: string) => `${casePath(reference)}/rate`;
export const ratingPath = (reference: string) => `${casePath(reference)}/rating`;

/** What the person typed, as strings, so a refused form comes back as they left it. */
export interface RateValues {
  level?: string;
  efficiency?: string;
  guideAccuracy?: string;
  convenience?: string;
  usability?: string;
  comment?: string;
}

const levelName = (page: PageContext, level: number) => localName(page.lang, ratingLevels.find((l) => l.level === level)!);

function CaseFacts(props: { page: PageContext; case: { reference: string; subject?: string; department: string }; departmentName: string; closedAt?: string }): JSX.Element {
  const { t } = props.page;
  return (
    <table class="facts" id="case">
      <tbody>
        <tr><th scope="row" safe>{t('ratings.case.reference')}</th><td class="mono" safe>{props.case.reference}</td></tr>
        {props.case.subject ? <tr><th scope="row" safe>{t('ratings.case.subject')}</th><td safe>{props.case.subject}</td></tr> : ''}
        <tr><th scope="row" safe>{t('ratings.case.department')}</th><td safe>{props.departmentName}</td></tr>
        {props.closedAt ? <tr><th scope="row" safe>{t('ratings.case.closed')}</th><td safe>{chinaTime(props.closedAt)}</td></tr> : ''}
      </tbody>
    </table>
  );
}

export function RatePage(props: {
  page: PageContext; case: RateableCase; departmentName: string; rectificationDays: number; values: RateValues; errors: FieldError[];
}): JSX.Element {
  const { page, values: v, errors } = props;
  const { t, lang } = page;
  const c = props.case;
  const title = t('ratings.rate.title');
  const levelBad = errors.some((e) => e.field === 'level');
  return (
    <Layout page={page} title={titleOf(page, title, errors)}>
      <p><a href={casePath(c.reference)} safe>{t('ratings.back')}</a></p>
      <ErrorSummary page={page} errors={errors} />
      <h1 safe>{title}</h1>
      <p class="lead" safe>{t('ratings.rate.lead', { date: c.rateUntil })}</p>
      <CaseFacts page={page} case={c} departmentName={props.departmentName} closedAt={c.closedAt} />
      <form method="post" action={ratePath(c.reference)} novalidate>
        <CsrfField page={page} />
        <div class={levelBad ? 'field-error' : undefined}>
          <fieldset aria-describedby={levelBad ? 'level-hint level-error' : 'level-hint'}>
            <legend safe>{t('ratings.level.legend')}</legend>
            <p class="hint" id="level-hint" safe>{t('ratings.level.hint')}</p>
            <GroupError id="level" errors={errors} />
            {ratingLevels.map((l, i) => {
              // The error summary links to the first choice.
              const id = i === 0 ? 'level' : `level-${l.level}`;
              return (
                <div class="choice">
                  <input type="radio" id={id} name="level" value={String(l.level)} checked={v.level === String(l.level)} />
                  <label for={id} safe>{localName(lang, l)}</label>
                </div>
              );
            })}
          </fieldset>
        </div>
        <fieldset>
          <legend safe>{t('ratings.indicators.legend')}</legend>
          <p class="hint" safe>{t('ratings.indicators.hint')}</p>
          {ratingIndicators.map((indicator) => (
            <Field id={indicator.key} label={localName(lang, indicator)} errors={errors}>
              <select id={indicator.key} name={indicator.key} {...describe(errors, indicator.key)}>
                <option value="" safe>{t('ratings.indicator.none')}</option>
                {ratingLevels.map((l) => (
                  <option value={String(l.level)} selected={v[indicator.key] === String(l.level)} safe>{`${l.level} · ${localName(lang, l)}`}</option>
                ))}
              </select>
            </Field>
          ))}
        </fieldset>
        <Field id="comment" label={`${t('ratings.comment.label')}${t('form.optional')}`} hint={t('ratings.comment.hint', { department: props.departmentName, days: props.rectificationDays })} errors={errors}>
          <textarea id="comment" name="comment" rows="5" {...describe(errors, 'comment', true)} safe>{v.comment ?? ''}</textarea>
        </Field>
        <button type="submit" safe>{t('ratings.submit')}</button>
      </form>
    </Layout>
  );
}

/** The rating after it is given: a confirmation the first time (`thanks`), and what happened since whenever the rater comes back. */
export function RatingPage(props: { page: PageContext; rating: Rating; subject: string; departmentName: string; thanks: boolean }): JSX.Element {
  const { page, rating: r } = props;
  const { t } = page;
  const title = props.thanks ? t('ratings.done.title') : t('ratings.mine.title');
  return (
    <Layout page={page} title={title}>
      {props.thanks ? (
        <div class="panel" id="confirmation">
          <h1 safe>{title}</h1>
          <p safe>{t('ratings.done.recorded', { reference: r.caseReference })}</p>
        </div>
      ) : (
        <>
          <p><a href={casePath(r.caseReference)} safe>{t('ratings.back')}</a></p>
          <h1 safe>{title}</h1>
          <p id="rated-on" safe>{t('ratings.mine.ratedOn', { date: chinaTime(r.ratedAt) })}</p>
        </>
      )}
      <h2 safe>{t('ratings.next.title')}</h2>
      <WhatNext page={page} rating={r} departmentName={props.departmentName} />
      {r.rectification ? <Reply page={page} rating={r} /> : ''}
      <h2 safe>{t('ratings.mine.title')}</h2>
      <CaseFacts page={page} case={{ reference: r.caseReference, subject: props.subject, department: r.department }} departmentName={props.departmentName} />
      <table class="facts" id="rating">
        <tbody>
          <tr><th scope="row" safe>{t('ratings.level.legend')}</th><td id="rating-level" data-level={String(r.level)} safe>{levelName(page, r.level)}</td></tr>
          {ratingIndicators.map((i) => (
            <tr><th scope="row" safe>{localName(page.lang, i)}</th><td safe>{r.indicators[i.key] === null ? t('ratings.indicator.none') : levelName(page, r.indicators[i.key]!)}</td></tr>
          ))}
          <tr><th scope="row" safe>{t('ratings.comment.label')}</th><td id="rating-comment" safe>{r.comment ?? t('ratings.mine.noComment')}</td></tr>
          <tr><th scope="row" safe>{t('ratings.mine.date')}</th><td safe>{chinaTime(r.ratedAt)}</td></tr>
        </tbody>
      </table>
      <p><a href="/ratings" safe>{t('ratings.stats.link')}</a></p>
      <p><a href="/my" safe>{t('ratings.toMy')}</a></p>
    </Layout>
  );
}

function WhatNext(props: { page: PageContext; rating: Rating; departmentName: string }): JSX.Element {
  const { t } = props.page;
  const r = props.rating;
  const x = r.rectification;
  if (r.level >= SATISFIED_FROM) return <p id="next" safe>{t('ratings.next.satisfied', { department: props.departmentName })}</p>;
  if (!x) return <p id="next" safe>{t('ratings.next.pending')}</p>;
  return (
    <>
      <p id="next" safe>{t('ratings.next.rectification', { department: props.departmentName, reference: x.reference })}</p>
      {x.closed ? '' : <p id="due" safe>{x.deadline ? t('ratings.next.due', { days: x.timeLimit, date: x.deadline }) : t('ratings.rectification.paused')}</p>}
      <table class="facts" id="rectification">
        <tbody>
          <tr><th scope="row" safe>{t('ratings.rectification.reference')}</th><td class="mono" safe>{x.reference}</td></tr>
          <tr><th scope="row" safe>{t('ratings.rectification.state')}</th><td safe>{localName(props.page.lang, rectificationType.states[x.state] ?? { nameZh: x.state, nameEn: x.state })}</td></tr>
          <tr>
            <th scope="row" safe>{t('ratings.rectification.deadline')}</th>
            <td safe>{x.closed ? t('ratings.rectification.closed') : x.deadline ? t('ratings.rectification.due', { date: x.deadline, days: x.timeLimit }) : t('ratings.rectification.paused')}</td>
          </tr>
        </tbody>
      </table>
    </>
  );
}

function Reply(props: { page: PageContext; rating: Rating }): JSX.Element {
  const { t } = props.page;
  const x = props.rating.rectification!;
  return (
    <section id="reply" aria-labelledby="reply-heading">
      <h2 id="reply-heading" safe>{t('ratings.reply.title')}</h2>
      {x.reply ? (
        <>
          <p class="notice ok" id="reply-text" safe>{x.reply}</p>
          <p safe>{t('ratings.reply.at', { date: chinaTime(x.repliedAt!) })}</p>
        </>
      ) : <p safe>{t('ratings.reply.none')}</p>}
    </section>
  );
}

/** Why this case cannot be rated, and where to go instead. */
export function NotRateablePage(props: { page: PageContext; reference: string; reason: RatingRefusal; detail: Record<string, unknown>; ratingDays: number }): JSX.Element {
  const { t } = props.page;
  const d = props.detail;
  const parent = typeof d.parent === 'string' ? d.parent : '';
  const date = typeof d.ratedAt === 'string' ? chinaTime(d.ratedAt) : typeof d.rateUntil === 'string' ? d.rateUntil : '';
  return (
    <Layout page={props.page} title={t('ratings.refused.title')}>
      <h1 safe>{t('ratings.refused.title')}</h1>
      <p class="notice" id="refusal" data-reason={props.reason} safe>
        {t(`ratings.refused.${props.reason}` as MessageKey, { reference: props.reference, parent, date, days: props.ratingDays })}
      </p>
      <ul>
        {props.reason === 'rated' ? <li><a href={ratingPath(props.reference)} safe>{t('ratings.refused.view')}</a></li> : ''}
        {props.reason === 'task' && parent ? <li><a href={ratePath(parent)} safe>{t('ratings.refused.rateParent', { parent })}</a></li> : ''}
        <li><a href={casePath(props.reference)} safe>{t('ratings.back')}</a></li>
      </ul>
    </Layout>
  );
}
