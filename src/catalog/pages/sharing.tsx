import Html from '@kitajs/html';
import { chinaDate } from '../../platform/calendar.ts';
import { type Lang, localName } from '../../web/i18n.ts';
import { Layout, type PageContext } from '../../web/layout.tsx';
import type { Agreement, Resource, SharingRequest } from '../schema.ts';
import { DueText, itemLabel, named, queueOrder } from './fields.tsx';

/** The provider's queue of requests, and the consumer's requests and agreements. */

function requestName(lang: Lang, r: SharingRequest): string {
  return lang === 'en' ? r.resourceNameEn : r.resourceNameZh;
}

/** The day (in China) of an instant. */
export function chinaDay(iso: string): string {
  return chinaDate(new Date(iso));
}

/** "Label: status" for each item of a request. */
function ItemStatuses(props: { page: PageContext; request: SharingRequest }): JSX.Element {
  const { t, lang } = props.page;
  return (
    <ul class="plain">
      {props.request.items.map((i) => <li safe>{`${itemLabel(lang, i)}: ${named(t, 'item.status', i.status)}`}</li>)}
    </ul>
  );
}

export function IncomingPage(props: { page: PageContext; requests: SharingRequest[]; departmentNames: Map<string, string> }): JSX.Element {
  const { t, lang } = props.page;
  const rows = queueOrder(props.requests);
  return (
    <Layout page={props.page} title={t('sharing.incoming.title')}>
      <SharingNav page={props.page} />
      <h1 safe>{t('sharing.incoming.title')}</h1>
      <p class="lead" safe>{t('sharing.incoming.lead')}</p>
      <RequestTable page={props.page} requests={rows} counterpart="consumer" departmentNames={props.departmentNames} />
    </Layout>
  );
}

/** Requests as a queue: the consumer's view names the provider, the provider's view the consumer and its system. */
function RequestTable(props: { page: PageContext; requests: SharingRequest[]; counterpart: 'consumer' | 'provider'; departmentNames: Map<string, string> }): JSX.Element {
  const { t, lang } = props.page;
  if (props.requests.length === 0) return <p safe>{t('sharing.none')}</p>;
  const byProvider = props.counterpart === 'provider';
  return (
    <table class="queue">
      <thead>
        <tr>
          <th scope="col" safe>{t('sharing.number')}</th>
          <th scope="col" safe>{t('sharing.resource')}</th>
          <th scope="col" safe>{t(byProvider ? 'sharing.provider' : 'sharing.consumer')}</th>
          <th scope="col" safe>{t('sharing.submitted')}</th>
          <th scope="col" safe>{t('sharing.status')}</th>
          <th scope="col" safe>{t('sharing.due')}</th>
        </tr>
      </thead>
      <tbody>
        {props.requests.map((r) => (
          <tr class={r.overdue ? 'overdue-row' : undefined}>
            <th scope="row"><a href={`/staff/sharing/requests/${r.id}`} safe>{r.number}</a></th>
            <td safe>{byProvider ? `${requestName(lang, r)} · ${r.consumerSystem}` : requestName(lang, r)}</td>
            <td safe>{byProvider ? props.departmentNames.get(r.provider) ?? r.provider : `${props.departmentNames.get(r.consumer) ?? r.consumer} · ${r.consumerSystem}`}</td>
            <td safe>{chinaDay(r.submittedAt)}</td>
            <td>
              <span safe>{named(t, 'request.status', r.status)}</span>
              <ItemStatuses page={props.page} request={r} />
            </td>
            <td><DueText page={props.page} request={r} /></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function AgreementItems(props: { page: PageContext; agreement: Agreement; resource: Resource | undefined }): JSX.Element {
  const { lang } = props.page;
  const labels = new Map((props.resource?.items ?? []).map((i) => [i.name, itemLabel(lang, i)]));
  return (
    <ul class="plain">
      {props.agreement.items.map((name) => <li safe>{`${labels.get(name) ?? name} (${name})`}</li>)}
    </ul>
  );
}

export function OutgoingPage(props: {
  page: PageContext; requests: SharingRequest[]; agreements: Agreement[]; resources: Map<string, Resource>; departmentNames: Map<string, string>;
}): JSX.Element {
  const { t, lang } = props.page;
  const rows = queueOrder(props.requests);
  const numbers = new Map(props.requests.map((r) => [r.id, r.number]));
  return (
    <Layout page={props.page} title={t('sharing.outgoing.title')}>
      <SharingNav page={props.page} />
      <h1 safe>{t('sharing.outgoing.title')}</h1>
      <h2 id="agreements" safe>{t('sharing.agreements')}</h2>
      {props.agreements.length === 0 ? <p safe>{t('sharing.none')}</p> : (
        <table class="agreements">
          <thead>
            <tr>
              <th scope="col" safe>{t('sharing.resource')}</th>
              <th scope="col" safe>{t('sharing.provider')}</th>
              <th scope="col" safe>{t('sharing.system')}</th>
              <th scope="col" safe>{t('sharing.items')}</th>
              <th scope="col" safe>{t('sharing.validity')}</th>
              <th scope="col" safe>{t('sharing.status')}</th>
            </tr>
          </thead>
          <tbody>
            {props.agreements.map((a) => {
              const resource = props.resources.get(a.resource);
              return (
                <tr>
                  <th scope="row">
                    <span safe>{resource ? localName(lang, resource) : a.resource}</span>
                    <br /><a href={`/staff/sharing/requests/${a.request}`} safe>{numbers.get(a.request) ?? t('request.done.view')}</a>
                  </th>
                  <td safe>{props.departmentNames.get(a.provider) ?? a.provider}</td>
                  <td><code safe>{a.consumerSystem}</code></td>
                  <td><AgreementItems page={props.page} agreement={a} resource={resource} /></td>
                  <td safe>{t('sharing.range', { from: a.validFrom, until: a.validUntil })}</td>
                  <td safe>{named(t, 'agreement.status', a.status)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <h2 id="requests" safe>{t('sharing.requests')}</h2>
      <RequestTable page={props.page} requests={rows} counterpart="provider" departmentNames={props.departmentNames} />
      <p><a href="/staff/catalog" safe>{t('sharing.catalogLink')}</a></p>
    </Layout>
  );
}

/** The workbench's data-sharing pages, one link each. */
export function SharingNav(props: { page: PageContext }): JSX.Element {
  const { t, path } = props.page;
  const links = [
    { href: '/staff/catalog', text: t('catalog.title') },
    { href: '/staff/sharing/incoming', text: t('sharing.incoming.title') },
    { href: '/staff/sharing/outgoing', text: t('sharing.outgoing.title') },
  ];
  return (
    <nav aria-label={t('staff.sharing')}>
      <ul class="subnav">
        {links.map((l) => <li><a href={l.href} aria-current={path === l.href ? 'page' : undefined} safe>{l.text}</a></li>)}
      </ul>
    </nav>
  );
}
