import Html from '@kitajs/html';
import { localName, type MessageKey } from '../../web/i18n.ts';
import { Layout, type PageContext } from '../../web/layout.tsx';
import type { LifeEvent, ServiceItemSummary } from '../schema.ts';
import { daysText, ItemMeta, itemPath, typeName, zhOnly } from './services.tsx';

/** A life event (一件事): what it bundles, and its items grouped by department, each linking to its start page. */
export function LifeEventPage(props: { page: PageContext; event: LifeEvent }): JSX.Element {
  const { t, lang } = props.page;
  const event = props.event;
  const name = localName(lang, event);
  const byDepartment = new Map<string, { name: string; items: ServiceItemSummary[] }>();
  for (const item of event.items) {
    const group = byDepartment.get(item.department.code) ?? { name: localName(lang, item.department), items: [] };
    group.items.push(item);
    byDepartment.set(item.department.code, group);
  }
  return (
    <Layout page={props.page} title={name}>
      <p><a href="/services" safe>{t('services.back')}</a></p>
      <h1 safe>{name}</h1>
      <p class="lead" lang={zhOnly(lang)} safe>{event.summary}</p>
      <table class="facts">
        <caption safe>{t('services.glance')}</caption>
        <tbody>
          <tr><th scope="row" safe>{t('services.audiences')}</th><td safe>{t(`services.audience.${event.audience}` as MessageKey)}</td></tr>
          <tr><th scope="row" safe>{t('lifeEvent.departments')}</th><td safe>{t('lifeEvent.count', { count: event.departments.length })}</td></tr>
          <tr><th scope="row" safe>{t('lifeEvent.items.label')}</th><td safe>{t('lifeEvent.count', { count: event.items.length })}</td></tr>
          <tr><th scope="row" safe>{t('lifeEvent.time')}</th><td safe>{t('lifeEvent.time.value', { days: daysText(t, event.promisedDays) })}</td></tr>
        </tbody>
      </table>
      <p safe>{t('apply.lifeEvent.startHint')}</p>
      <p><a class="button start" href={`/life-events/${encodeURIComponent(event.code)}/apply`} safe>{t('apply.lifeEvent.start')}</a></p>
      <h2 safe>{t('lifeEvent.items')}</h2>
      <p safe>{t('lifeEvent.items.text')}</p>
      {[...byDepartment.values()].map((group) => (
        <>
          <h3 safe>{group.name}</h3>
          <ul class="results">
            {group.items.map((item) => (
              <li>
                <p>
                  <a href={itemPath(item.code)} safe>{localName(lang, item)}</a>{' '}
                  <span class="tag" safe>{typeName(lang, item.type)}</span>
                  {item.withdrawn ? <>{' '}<strong class="tag" safe>{t('services.withdrawn.title')}</strong></> : ''}
                </p>
                <ItemMeta page={props.page} item={item} />
              </li>
            ))}
          </ul>
        </>
      ))}
    </Layout>
  );
}
