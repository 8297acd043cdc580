import Html from '@kitajs/html';
import { chinaTime } from '../../platform/calendar.ts';
import type { MessageKey } from '../../web/i18n.ts';
import type { PageContext } from '../../web/layout.tsx';
import type { Delivery } from '../schema.ts';
import { type TemplateCode, templates } from '../templates.ts';

/** For the staff case page: what was sent to the applicant by text and e-mail, and whether it arrived. */
export function CaseDeliveries(props: { page: PageContext; deliveries: Delivery[] }): JSX.Element {
  const { t, lang } = props.page;
  const messageName = (code: string) => {
    const template = templates[code as TemplateCode];
    return template ? template[lang === 'en' ? 'en' : 'zh'].title : code;
  };
  return (
    <section id="notifications" aria-labelledby="notifications-heading">
      <h2 id="notifications-heading" safe>{t('notifications.deliveries')}</h2>
      {props.deliveries.length === 0 ? <p safe>{t('notifications.deliveries.none')}</p> : (
        <table>
          <thead>
            <tr>
              <th scope="col" safe>{t('notifications.col.at')}</th>
              <th scope="col" safe>{t('notifications.col.message')}</th>
              <th scope="col" safe>{t('notifications.col.channel')}</th>
              <th scope="col" safe>{t('notifications.col.address')}</th>
              <th scope="col" safe>{t('notifications.col.status')}</th>
            </tr>
          </thead>
          <tbody>
            {props.deliveries.map((d) => (
              <tr data-channel={d.channel} data-status={d.status}>
                <td safe>{chinaTime(d.sentAt ?? d.createdAt)}</td>
                <td safe>{messageName(d.template)}</td>
                <td safe>{t(`notifications.channel.${d.channel}` as MessageKey)}</td>
                <td class="mono" safe>{d.address}</td>
                <td>
                  <span safe>{t(`notifications.status.${d.status}` as MessageKey)}</span>
                  {d.attempts > 0 && d.status !== 'sent' ? <span safe>{` ${t('notifications.attempts', { count: d.attempts })}`}</span> : ''}
                  {d.lastError && d.status !== 'sent' ? <p class="hint" lang="en" safe>{d.lastError}</p> : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
