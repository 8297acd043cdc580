import Html from '@kitajs/html';
import type { DepartmentSystem } from '../../registry/schema.ts';
import type { FieldError } from '../../web/forms.ts';
import { localName } from '../../web/i18n.ts';
import { CsrfField, Layout, type PageContext } from '../../web/layout.tsx';
import type { Resource, SharingRequest } from '../schema.ts';
import { itemLabel, named } from './fields.tsx';
import { Field, GroupError, describe } from '../../web/fields.tsx';

/**
 * Asking for a resource, in the government form pattern: the form (with an error summary when
 * something is missing), a page to check the answers, and a confirmation with the request number
 * and what happens next.
 */

export interface RequestFormValues {
  consumerSystem?: string;
  items?: string[];
  purpose?: string;
  legalBasis?: string;
  business?: string;
  periodFrom?: string;
  periodUntil?: string;
}

export function requestAction(resource: Resource): string {
  return `/staff/catalog/${encodeURIComponent(resource.code)}/request`;
}

export function RequestForm(props: {
  page: PageContext; resource: Resource; systems: DepartmentSystem[]; values: RequestFormValues; errors: FieldError[]; replyDays: number;
}): JSX.Element {
  const { t, lang } = props.page;
  const v = props.values;
  const errors = props.errors;
  if (props.systems.length === 0) return <p safe>{t('request.system.none')}</p>;
  const firstOpen = props.resource.items.find((i) => i.sharingClass !== 'not_shared')?.name;
  const itemsBad = errors.some((e) => e.field === 'items');
  return (
    <form method="post" action={requestAction(props.resource)} novalidate>
      <CsrfField page={props.page} />
      <p safe>{t('request.lead', { days: props.replyDays })}</p>
      <Field id="consumerSystem" label={t('request.system')} errors={errors}>
        <select id="consumerSystem" name="consumerSystem" {...describe(errors, 'consumerSystem')}>
          <option value="" safe>{t('request.system.choose')}</option>
          {props.systems.map((s) => <option value={s.code} selected={v.consumerSystem === s.code} safe>{`${localName(lang, s)} (${s.code})`}</option>)}
        </select>
      </Field>
      <div class={itemsBad ? 'field-error' : undefined}>
        <fieldset class="checkboxes" aria-describedby={itemsBad ? 'items-hint items-error' : 'items-hint'}>
          <legend safe>{t('request.items')}</legend>
          <p class="hint" id="items-hint" safe>{t('request.items.hint')}</p>
          <GroupError id="items" errors={errors} />
          {props.resource.items.map((i) => {
            const id = i.name === firstOpen ? 'items' : `items-${i.name}`;
            const hint = i.sharingClass === 'unconditional' ? t('request.item.unconditional')
              : i.sharingClass === 'conditional' ? t('request.item.conditional', { condition: i.sharingCondition ?? '' })
              : t('request.item.notShared', { basis: i.legalBasis ?? '' });
            return (
              <div class="choice">
                <input type="checkbox" id={id} name="items" value={i.name} checked={v.items?.includes(i.name) ?? false}
                  disabled={i.sharingClass === 'not_shared'} aria-describedby={`item-${i.name}-hint`} />
                <label for={id} safe>{`${itemLabel(lang, i)} (${i.name})`}</label>
                <p class="hint" id={`item-${i.name}-hint`} safe>{hint}</p>
              </div>
            );
          })}
        </fieldset>
      </div>
      <Field id="purpose" label={t('request.purpose')} hint={t('request.purpose.hint')} errors={errors}>
        <textarea id="purpose" name="purpose" rows="3" maxlength="1000" {...describe(errors, 'purpose', true)} safe>{v.purpose ?? ''}</textarea>
      </Field>
      <Field id="legalBasis" label={t('request.legalBasis')} hint={t('request.legalBasis.hint')} errors={errors}>
        <input type="text" id="legalBasis" name="legalBasis" value={v.legalBasis ?? ''} maxlength="1000" {...describe(errors, 'legalBasis', true)} />
      </Field>
      <Field id="business" label={`${t('request.business')}${t('form.optional')}`} errors={errors}>
        <input type="text" id="business" name="business" value={v.business ?? ''} maxlength="200" {...describe(errors, 'business')} />
      </Field>
      <Field id="periodFrom" label={t('request.periodFrom')} hint={t('request.date.hint')} errors={errors}>
        <input type="date" id="periodFrom" name="periodFrom" value={v.periodFrom ?? ''} {...describe(errors, 'periodFrom', true)} />
      </Field>
      <Field id="periodUntil" label={t('request.periodUntil')} hint={t('request.date.hint')} errors={errors}>
        <input type="date" id="periodUntil" name="periodUntil" value={v.periodUntil ?? ''} {...describe(errors, 'periodUntil', true)} />
      </Field>
      <div><button type="submit" safe>{t('request.continue')}</button></div>
    </form>
  );
}

/** The answers once more before they go to the provider, carried in hidden fields (no draft is stored). */
export function CheckRequestPage(props: { page: PageContext; resource: Resource; system: DepartmentSystem; values: RequestFormValues }): JSX.Element {
  const { t, lang } = props.page;
  const v = props.values;
  const r = props.resource;
  const chosen = r.items.filter((i) => v.items?.includes(i.name));
  return (
    <Layout page={props.page} title={t('request.check.title')}>
      <p><a href={`/staff/catalog/${encodeURIComponent(r.code)}`} safe>{localName(lang, r)}</a></p>
      <h1 safe>{t('request.check.title')}</h1>
      <p class="lead" safe>{t('request.check.lead')}</p>
      <table class="facts">
        <tbody>
          <tr><th scope="row" safe>{t('request.check.resource')}</th><td safe>{`${localName(lang, r)} (${r.code})`}</td></tr>
          <tr><th scope="row" safe>{t('request.system')}</th><td safe>{`${localName(lang, props.system)} (${props.system.code})`}</td></tr>
          <tr>
            <th scope="row" safe>{t('request.items')}</th>
            <td><ul>{chosen.map((i) => <li safe>{`${itemLabel(lang, i)} (${i.name}) · ${named(t, 'class', i.sharingClass)}`}</li>)}</ul></td>
          </tr>
          <tr><th scope="row" safe>{t('request.purpose')}</th><td safe>{v.purpose ?? ''}</td></tr>
          <tr><th scope="row" safe>{t('request.legalBasis')}</th><td safe>{v.legalBasis ?? ''}</td></tr>
          <tr><th scope="row" safe>{t('request.business')}</th><td safe>{v.business || t('request.check.notProvided')}</td></tr>
          <tr><th scope="row" safe>{t('sharing.request.period')}</th><td safe>{t('sharing.range', { from: v.periodFrom ?? '', until: v.periodUntil ?? '' })}</td></tr>
        </tbody>
      </table>
      <form method="post" action={requestAction(r)} novalidate>
        <CsrfField page={props.page} />
        <input type="hidden" name="consumerSystem" value={v.consumerSystem ?? ''} />
        {(v.items ?? []).map((name) => <input type="hidden" name="items" value={name} />)}
        <input type="hidden" name="purpose" value={v.purpose ?? ''} />
        <input type="hidden" name="legalBasis" value={v.legalBasis ?? ''} />
        <input type="hidden" name="business" value={v.business ?? ''} />
        <input type="hidden" name="periodFrom" value={v.periodFrom ?? ''} />
        <input type="hidden" name="periodUntil" value={v.periodUntil ?? ''} />
        <div class="buttons">
          <button type="submit" name="step" value="send" safe>{t('request.check.send')}</button>
          <button type="submit" name="step" value="change" class="secondary" safe>{t('request.check.change')}</button>
        </div>
      </form>
    </Layout>
  );
}

/** The confirmation: the reference number, and item by item what happens next and by when. */
export function RequestSentPage(props: { page: PageContext; request: SharingRequest; resource: Resource; providerName: string }): JSX.Element {
  const { t, lang } = props.page;
  const r = props.request;
  const label = (i: SharingRequest['items'][number]) => `${itemLabel(lang, i)} (${i.item})`;
  const granted = r.items.filter((i) => i.status === 'granted' || i.status === 'approved');
  const pending = r.items.filter((i) => i.status === 'pending');
  const refused = r.items.filter((i) => i.status === 'refused');
  const c = props.resource.contact;
  return (
    <Layout page={props.page} title={t('request.done.title')}>
      <div class="panel" id="confirmation">
        <h1 safe>{t('request.done.title')}</h1>
        <p>
          <span safe>{t('request.done.number')}</span><br />
          <strong class="reference" safe>{r.number}</strong>
        </p>
      </div>
      <p safe>{t('request.done.receipt')}</p>
      <h2 safe>{t('request.done.next')}</h2>
      {granted.length ? (
        <section id="granted">
          <p safe>{t('request.done.granted')}</p>
          <ul>{granted.map((i) => <li safe>{label(i)}</li>)}</ul>
        </section>
      ) : ''}
      {pending.length ? (
        <section id="pending">
          <p safe>{t('request.done.pending', { provider: props.providerName, due: r.dueOn, days: Math.max(0, r.workingDaysLeft) })}</p>
          <ul>{pending.map((i) => <li safe>{label(i)}</li>)}</ul>
        </section>
      ) : ''}
      {refused.length ? (
        <section id="refused">
          <p safe>{t('request.done.refused')}</p>
          <ul>{refused.map((i) => <li safe>{`${label(i)}: ${i.reason ?? ''}`}</li>)}</ul>
        </section>
      ) : ''}
      <p safe>{t('request.done.track')}</p>
      <p safe>{`${t('request.done.contact')} ${c.name} · ${c.phone} · ${c.email}`}</p>
      <ul>
        <li><a href={`/staff/sharing/requests/${r.id}`} safe>{t('request.done.view')}</a></li>
        <li><a href="/staff/sharing/outgoing" safe>{t('sharing.outgoing.title')}</a></li>
        <li><a href="/staff/catalog" safe>{t('catalog.title')}</a></li>
      </ul>
    </Layout>
  );
}
