import Html from '@kitajs/html';
import { ConsoleNav } from '../../web/console.tsx';
import type { FieldError } from '../../web/forms.ts';
import type { MessageKey } from '../../web/i18n.ts';
import { ErrorSummary, Layout, type PageContext } from '../../web/layout.tsx';
import type { TrafficSummary } from '../schema.ts';
import { chinaTime } from '../../platform/calendar.ts';
import { formatNumber } from './fields.tsx';
import { Field, describe, titleOf } from '../../web/fields.tsx';

/** The console's exchange traffic: what went between departments through their gateways, as the gateways reported it. */

export const MAX_TRAFFIC_HOURS = 24 * 90;

export function ConsoleTrafficPage(props: {
  page: PageContext; hours: string; shownHours: number; rows: TrafficSummary[]; departmentNames: Map<string, string>; errors: FieldError[];
}): JSX.Element {
  const { t, lang } = props.page;
  const n = (value: number) => formatNumber(lang, value);
  const name = (code: string) => props.departmentNames.get(code) ?? code;
  const title = t('console.exchange');
  const count = props.rows.reduce((sum, r) => sum + r.count, 0);
  const failures = props.rows.reduce((sum, r) => sum + r.failures, 0);
  return (
    <Layout page={props.page} title={titleOf(props.page, title, props.errors)}>
      <ConsoleNav page={props.page} />
      <ErrorSummary page={props.page} errors={props.errors} />
      <h1 safe>{title}</h1>
      <p class="lead" safe>{t('traffic.lead', { hours: props.shownHours })}</p>
      <form method="get" action="/console/exchange" class="search" novalidate>
        <Field id="hours" label={t('traffic.hours')} hint={t('traffic.hours.hint', { max: MAX_TRAFFIC_HOURS })} errors={props.errors}>
          <input type="text" inputmode="numeric" id="hours" name="hours" value={props.hours} maxlength="5" {...describe(props.errors, 'hours', true)} />
        </Field>
        <div><button type="submit" class="secondary" safe>{t('traffic.show')}</button></div>
      </form>
      {props.rows.length === 0 ? <p id="no-traffic" safe>{t('traffic.none')}</p> : (
        <>
          <p id="traffic-totals" safe>{t('traffic.totals', { count: n(count), failures: n(failures) })}</p>
          <table id="traffic">
            <caption safe>{t('traffic.caption', { hours: props.shownHours })}</caption>
            <thead>
              <tr>
                <th scope="col" safe>{t('traffic.client')}</th>
                <th scope="col" safe>{t('traffic.provider')}</th>
                <th scope="col" safe>{t('traffic.service')}</th>
                <th scope="col" safe>{t('traffic.side')}</th>
                <th scope="col" safe>{t('traffic.count')}</th>
                <th scope="col" safe>{t('traffic.failures')}</th>
                <th scope="col" safe>{t('traffic.mean')}</th>
                <th scope="col" safe>{t('traffic.max')}</th>
                <th scope="col" safe>{t('traffic.bytes')}</th>
                <th scope="col" safe>{t('traffic.last')}</th>
              </tr>
            </thead>
            <tbody>
              {props.rows.map((r) => {
                const [department = '', system = ''] = r.client.split('/');
                return (
                  <tr>
                    <th scope="row">
                      {department ? <span safe>{name(department)}</span> : <span safe>{t('traffic.unknownClient')}</span>}
                      {system ? <><br /><code safe>{system}</code></> : ''}
                    </th>
                    <td safe>{name(r.provider)}</td>
                    <td><code safe>{r.service}</code></td>
                    <td safe>{t(`traffic.side.${r.side === 'provider' ? 'provider' : 'client'}` as MessageKey)}</td>
                    <td safe>{n(r.count)}</td>
                    <td class={r.failures ? 'overdue' : undefined} safe>{n(r.failures)}</td>
                    <td safe>{n(r.meanMs)}</td>
                    <td safe>{n(r.maxMs)}</td>
                    <td safe>{`${n(r.requestBytes)} / ${n(r.responseBytes)}`}</td>
                    <td safe>{chinaTime(`${r.lastMinute}:00Z`)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
    </Layout>
  );
}
