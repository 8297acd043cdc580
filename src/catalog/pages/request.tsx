import Html from '@kitajs/html';
import type { FieldError } from '../../web/forms.ts';
import type { MessageKey } from '../../web/i18n.ts';
import { CsrfField, ErrorSummary, Layout, type PageContext } from '../../web/layout.tsx';
import type { Agreement, Resource, SharingRequest } from '../schema.ts';
import { chinaTime } from '../../platform/calendar.ts';
import { DueText, itemLabel, named } from './fields.tsx';
import { AgreementItems, SharingNav, chinaDay } from './sharing.tsx';
import { Field, GroupError, describe, titleOf } from '../../web/fields.tsx';

/**
 * One sharing request: what was asked, item by item where it stands, its history, and the
 * forms of whoever may act on it — the provider's reviewer decides, the platform administrator
 * coordinates when it is overdue, the provider revokes or renews the agreement.
 */

/** What was typed into the page's forms, to show again when one is refused. */
export interface RequestPageValues {
  decisions?: Record<string, string>;
  reasons?: Record<string, string>;
  note?: string;
  revokeReason?: string;
  validUntil?: string;
}

export interface RequestPageProps {
  page: PageContext;
  request: SharingRequest;
  resource: Resource;
  agreement: Agreement | null;
  departmentNames: Map<string, string>;
  actorNames: Map<string, string>;
  canDecide: boolean;
  canCoordinate: boolean;
  canManageAgreement: boolean;
  values: RequestPageValues;
  errors: FieldError[];
  /** A message key confirming what was just done. */
  notice: MessageKey | null;
}

export function RequestPage(props: RequestPageProps): JSX.Element {
  const { t, lang } = props.page;
  const r = props.request;
  const names = props.departmentNames;
  const title = t('sharing.request.title', { number: r.number });
  const pending = r.items.filter((i) => i.status === 'pending');
  return (
    <Layout page={props.page} title={titleOf(props.page, title, props.errors)}>
      <SharingNav page={props.page} />
      <ErrorSummary page={props.page} errors={props.errors} />
      <h1 safe>{title}</h1>
      {props.notice ? <p class="notice ok" role="status" safe>{t(props.notice)}</p> : ''}
      {r.overdue ? <p class="notice bad"><DueText page={props.page} request={r} /></p> : ''}
      <h2 safe>{t('sharing.request.details')}</h2>
      <table class="facts">
        <tbody>
          <tr>
            <th scope="row" safe>{t('sharing.resource')}</th>
            <td><a href={`/staff/catalog/${encodeURIComponent(r.resource)}`} safe>{lang === 'en' ? r.resourceNameEn : r.resourceNameZh}</a> <code safe>{r.resource}</code></td>
          </tr>
          <tr><th scope="row" safe>{t('sharing.provider')}</th><td safe>{names.get(r.provider) ?? r.provider}</td></tr>
          <tr><th scope="row" safe>{t('sharing.consumer')}</th><td safe>{names.get(r.consumer) ?? r.consumer}</td></tr>
          <tr><th scope="row" safe>{t('sharing.system')}</th><td><code safe>{r.consumerSystem}</code></td></tr>
          <tr><th scope="row" safe>{t('request.purpose')}</th><td safe>{r.purpose}</td></tr>
          <tr><th scope="row" safe>{t('request.legalBasis')}</th><td safe>{r.legalBasis}</td></tr>
          <tr><th scope="row" safe>{t('sharing.request.business')}</th><td safe>{r.business ?? t('request.check.notProvided')}</td></tr>
          <tr><th scope="row" safe>{t('sharing.request.period')}</th><td safe>{t('sharing.range', { from: r.periodFrom, until: r.periodUntil })}</td></tr>
          <tr><th scope="row" safe>{t('sharing.submitted')}</th><td safe>{chinaTime(r.submittedAt)}</td></tr>
          <tr><th scope="row" safe>{t('sharing.status')}</th><td safe>{named(t, 'request.status', r.status)}</td></tr>
          <tr><th scope="row" safe>{t('sharing.due')}</th><td><DueText page={props.page} request={r} /></td></tr>
        </tbody>
      </table>

      <h2 safe>{t('sharing.request.items')}</h2>
      <table class="request-items">
        <thead>
          <tr>
            <th scope="col" safe>{t('catalog.item.label')}</th>
            <th scope="col" safe>{t('catalog.item.sharing')}</th>
            <th scope="col" safe>{t('sharing.status')}</th>
            <th scope="col" safe>{t('sharing.request.reason')}</th>
            <th scope="col" safe>{t('sharing.request.decidedAt')}</th>
          </tr>
        </thead>
        <tbody>
          {r.items.map((i) => (
            <tr>
              <th scope="row" safe>{`${itemLabel(lang, i)} (${i.item})`}</th>
              <td safe>{named(t, 'class', i.sharingClass)}</td>
              <td safe>{named(t, 'item.status', i.status)}</td>
              <td safe>{i.reason ?? ''}</td>
              <td>{i.decidedAt ? chinaTime(i.decidedAt) : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>

      {props.canDecide && pending.length ? <DecisionForm {...props} pending={pending} /> : ''}
      {props.canCoordinate && r.overdue ? <CoordinationForm {...props} /> : ''}

      <h2 safe>{t('agreement.title')}</h2>
      {props.agreement ? <AgreementSection {...props} agreement={props.agreement} /> : <p safe>{t('agreement.none')}</p>}

      <h2 safe>{t('sharing.timeline')}</h2>
      <ol class="timeline">
        {r.events.map((e) => (
          <li>
            <span safe>{chinaTime(e.at)}</span>{' · '}
            <strong safe>{named(t, 'event', e.kind)}</strong>{' · '}
            <span safe>{e.actor.startsWith('system:') ? t('sharing.system.actor') : props.actorNames.get(e.actor) ?? e.actor}</span>
            {e.note ? <p safe>{noteOf(props, e)}</p> : ''}
          </li>
        ))}
      </ol>
    </Layout>
  );
}

/**
 * An event's note for people: a decision's note names the item by its field name (with the reason
 * after a colon), a renewal's the new end; other notes are shown as written.
 */
function noteOf(props: RequestPageProps, e: SharingRequest['events'][number]): string {
  const note = e.note ?? '';
  if (e.kind === 'approved' || e.kind === 'refused') {
    const [name = '', ...rest] = note.split(': ');
    const item = props.request.items.find((i) => i.item === name);
    if (item) return [`${itemLabel(props.page.lang, item)} (${name})`, ...rest].join(': ');
  }
  const renewed = e.kind === 'renewed' ? /^until (\d{4}-\d{2}-\d{2})$/.exec(note) : null;
  if (renewed) return props.page.t('event.renewed.note', { until: renewed[1]! });
  return note;
}

function DecisionForm(props: RequestPageProps & { pending: SharingRequest['items'] }): JSX.Element {
  const { t, lang } = props.page;
  const v = props.values;
  const errors = props.errors;
  return (
    <section aria-labelledby="decision-heading">
      <h2 id="decision-heading" safe>{t('decision.title')}</h2>
      <p safe>{t('decision.lead')}</p>
      <form method="post" action={`/staff/sharing/requests/${props.request.id}/decision`} novalidate>
        <CsrfField page={props.page} />
        {props.pending.map((i) => {
          const label = itemLabel(lang, i);
          const choice = v.decisions?.[i.item];
          const bad = errors.some((e) => e.field === `decision-${i.item}`);
          return (
            <div class={bad ? 'field-error decision' : 'decision'}>
              <fieldset class="checkboxes" aria-describedby={bad ? `decision-${i.item}-error` : undefined}>
                <legend safe>{t('decision.item', { item: `${label} (${i.item})` })}</legend>
                <GroupError id={`decision-${i.item}`} errors={errors} />
                <div class="choice">
                  <input type="radio" id={`decision-${i.item}`} name={`decision.${i.item}`} value="approve" checked={choice === 'approve'} />
                  <label for={`decision-${i.item}`} safe>{t('decision.approve')}</label>
                </div>
                <div class="choice">
                  <input type="radio" id={`decision-${i.item}-refuse`} name={`decision.${i.item}`} value="refuse" checked={choice === 'refuse'} />
                  <label for={`decision-${i.item}-refuse`} safe>{t('decision.refuse')}</label>
                </div>
              </fieldset>
              <Field id={`reason-${i.item}`} label={t('decision.reason', { item: label })} errors={errors}>
                <textarea id={`reason-${i.item}`} name={`reason.${i.item}`} rows="2" maxlength="1000" {...describe(errors, `reason-${i.item}`)} safe>{v.reasons?.[i.item] ?? ''}</textarea>
              </Field>
            </div>
          );
        })}
        <div><button type="submit" safe>{t('decision.submit')}</button></div>
      </form>
    </section>
  );
}

function CoordinationForm(props: RequestPageProps): JSX.Element {
  const { t } = props.page;
  return (
    <section aria-labelledby="coordinate-heading">
      <h2 id="coordinate-heading" safe>{t('coordinate.title')}</h2>
      <p safe>{t('coordinate.lead')}</p>
      <form method="post" action={`/staff/sharing/requests/${props.request.id}/coordinate`} novalidate>
        <CsrfField page={props.page} />
        <Field id="note" label={t('coordinate.note')} errors={props.errors}>
          <textarea id="note" name="note" rows="3" maxlength="2000" {...describe(props.errors, 'note')} safe>{props.values.note ?? ''}</textarea>
        </Field>
        <div><button type="submit" class="secondary" safe>{t('coordinate.submit')}</button></div>
      </form>
    </section>
  );
}

function AgreementSection(props: RequestPageProps & { agreement: Agreement }): JSX.Element {
  const { t } = props.page;
  const a = props.agreement;
  const errors = props.errors;
  const base = `/staff/sharing/agreements/${a.id}`;
  return (
    <>
      <table class="facts" id="agreement">
        <tbody>
          <tr><th scope="row" safe>{t('sharing.status')}</th><td safe>{named(t, 'agreement.status', a.status)}</td></tr>
          <tr><th scope="row" safe>{t('agreement.items')}</th><td><AgreementItems page={props.page} agreement={a} resource={props.resource} /></td></tr>
          <tr><th scope="row" safe>{t('sharing.system')}</th><td><code safe>{a.consumerSystem}</code></td></tr>
          {a.serviceCode ? <tr><th scope="row" safe>{t('catalog.service')}</th><td><code safe>{a.serviceCode}</code></td></tr> : ''}
          <tr><th scope="row" safe>{t('agreement.purpose')}</th><td safe>{a.purpose}</td></tr>
          <tr><th scope="row" safe>{t('sharing.validity')}</th><td safe>{t('sharing.range', { from: a.validFrom, until: a.validUntil })}</td></tr>
          {a.revokedAt ? <tr><th scope="row" safe>{t('agreement.status.revoked')}</th><td safe>{t('agreement.revokedBecause', { at: chinaDay(a.revokedAt), reason: a.revokeReason ?? '' })}</td></tr> : ''}
        </tbody>
      </table>
      {props.canManageAgreement && !a.revokedAt ? (
        <>
          <form method="post" action={`${base}/renew`} novalidate>
            <CsrfField page={props.page} />
            <fieldset>
              <legend safe>{t('agreement.renew')}</legend>
              <Field id="validUntil" label={t('agreement.renew.until')} hint={t('request.date.hint')} errors={errors}>
                <input type="date" id="validUntil" name="validUntil" value={props.values.validUntil ?? ''} {...describe(errors, 'validUntil', true)} />
              </Field>
              <div><button type="submit" class="secondary" safe>{t('agreement.renew')}</button></div>
            </fieldset>
          </form>
          <form method="post" action={`${base}/revoke`} novalidate>
            <CsrfField page={props.page} />
            <fieldset>
              <legend safe>{t('agreement.revoke')}</legend>
              <p class="hint" safe>{t('agreement.revoke.lead')}</p>
              <Field id="revokeReason" label={t('agreement.revoke.reason')} errors={errors}>
                <textarea id="revokeReason" name="reason" rows="2" maxlength="1000" {...describe(errors, 'revokeReason')} safe>{props.values.revokeReason ?? ''}</textarea>
              </Field>
              <div><button type="submit" class="warning" safe>{t('agreement.revoke')}</button></div>
            </fieldset>
          </form>
        </>
      ) : ''}
    </>
  );
}
