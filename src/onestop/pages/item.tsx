import Html from '@kitajs/html';
import { chinaDate } from '../../platform/calendar.ts';
import { localName, type MessageKey } from '../../web/i18n.ts';
import { Layout, type PageContext } from '../../web/layout.tsx';
import type { Material, ServiceItem } from '../schema.ts';
import { colon, daysText, itemPath, joined, lifeEventPath, topicName, typeName, zhOnly } from './services.tsx';

/**
 * An item's start page: the GOV.UK start-page pattern (what it is, what you need, how long, what
 * it costs, then "Start now") filled with the 办事指南's elements: implementing department and
 * type, materials (marking those an electronic licence or a data lookup replaces), conditions,
 * legal and promised time limits, fees, where and when, steps, legal basis, whom to ask or
 * complain to. A withdrawn item says so and offers no start button; so does an item that
 * cannot be applied for online, which sends people to the office instead.
 */

const dateOf = (iso: string) => chinaDate(new Date(iso));

export function ServiceItemPage(props: { page: PageContext; item: ServiceItem }): JSX.Element {
  return <Layout page={props.page} title={localName(props.page.lang, props.item)}>{guideOf(props.page, props.item)}</Layout>;
}

// The guide depends on the item and the language only, and getServiceItem hands out the same
// frozen item until the item changes: written once per language, not on every visit.
const guides = new WeakMap<ServiceItem, Map<string, JSX.Element>>();

function guideOf(page: PageContext, item: ServiceItem): JSX.Element {
  let byLang = guides.get(item);
  if (!byLang) guides.set(item, byLang = new Map());
  let html = byLang.get(page.lang);
  if (html === undefined) byLang.set(page.lang, html = <Guide page={page} item={item} />);
  return html;
}

function Guide(props: { page: PageContext; item: ServiceItem }): JSX.Element {
  const { t, lang } = props.page;
  const item = props.item;
  const zh = zhOnly(lang);
  const name = localName(lang, item);
  const noNeed = item.materials.filter((m) => m.replaceableBy).length;
  const cost = item.fees.length === 0 ? t('services.free')
    : joined(lang, item.fees.map((f) => `${f.name} ${t('services.fee.yuan', { amount: yuan(f.amountYuan) })}`));
  const row = (label: MessageKey, value: string, valueLang?: string) => (
    <tr><th scope="row" safe>{t(label)}</th><td lang={valueLang} safe>{value}</td></tr>
  );
  return (
    <>
      <p><a href="/services" safe>{t('services.back')}</a></p>
      <h1 safe>{name}</h1>
      <p class="lead" lang={zh} safe>{item.summary}</p>
      {lang === 'en' ? <p class="hint" safe>{t('services.zhOnly')}</p> : ''}
      {item.withdrawn ? <Withdrawn page={props.page} item={item} /> : ''}

      <table class="facts">
        <caption safe>{t('services.glance')}</caption>
        <tbody>
          {row('services.department', localName(lang, item.department))}
          {row('services.type', typeName(lang, item.type))}
          <tr><th scope="row" safe>{t('services.code')}</th><td><code safe>{item.code}</code></td></tr>
          {row('services.audiences', joined(lang, item.audiences.map((a) => t(`services.audience.${a}` as MessageKey))))}
          {row('services.topics', joined(lang, item.topics.map((k) => topicName(lang, k))))}
          {row('services.time.promised', daysText(t, item.timeLimit.promisedDays))}
          {row('services.cost', cost, item.fees.length ? zh : undefined)}
          {row('services.online.label', item.where.online ? t('services.online') : t('services.offline'))}
          {row('services.visits.label', item.where.visits === 0 ? t('services.visits.none') : t('services.visits.value', { count: item.where.visits }))}
          {row('services.version', t('services.version.value', { version: item.version, date: dateOf(item.publishedAt) }))}
        </tbody>
      </table>

      {item.withdrawn ? '' : item.where.online ? (
        <>
          <p safe>{t('services.start.hint')}</p>
          <p><a class="button start" href={`${itemPath(item.code)}/apply`} safe>{t('services.start')}</a></p>
        </>
      ) : <p class="notice"><a href="#where" safe>{t('services.offline.notice')}</a></p>}

      <h2 id="materials" safe>{t('services.materials')}</h2>
      {item.materials.length === 0 ? <p safe>{t('services.materials.none')}</p> : (
        <>
          {noNeed ? <p safe>{t('services.materials.noNeed', { count: noNeed })}</p> : ''}
          <Materials page={props.page} materials={item.materials} />
        </>
      )}

      <h2 id="conditions" safe>{t('services.conditions')}</h2>
      <ul lang={zh}>{item.conditions.map((c) => <li safe>{c}</li>)}</ul>

      <h2 id="time" safe>{t('services.time')}</h2>
      <table class="facts">
        <caption safe>{t('services.time.caption')}</caption>
        <tbody>
          {row('services.time.promised', daysText(t, item.timeLimit.promisedDays))}
          {row('services.time.legal', item.timeLimit.legalDays === null ? t('services.time.legalNone') : daysText(t, item.timeLimit.legalDays))}
        </tbody>
      </table>
      <p class="hint" safe>{t('services.time.note')}</p>

      <h2 id="fees" safe>{t('services.fees')}</h2>
      {item.fees.length === 0 ? <p safe>{t('services.fees.none')}</p> : (
        <table>
          <caption safe>{t('services.fees.caption')}</caption>
          <thead>
            <tr>
              <th scope="col" safe>{t('services.fee.name')}</th>
              <th scope="col" safe>{t('services.fee.amount')}</th>
              <th scope="col" safe>{t('services.fee.basis')}</th>
            </tr>
          </thead>
          <tbody>
            {item.fees.map((f) => (
              <tr>
                <th scope="row" lang={zh} safe>{f.name}</th>
                <td safe>{t('services.fee.yuan', { amount: yuan(f.amountYuan) })}</td>
                <td lang={zh} safe>{f.basis}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2 id="where" safe>{t('services.where')}</h2>
      <table class="facts">
        <caption safe>{t('services.where.caption')}</caption>
        <tbody>
          {row('services.where.office', item.where.office, zh)}
          {row('services.where.address', item.where.address, zh)}
          {row('services.where.hours', item.where.hours, zh)}
          {row('services.online.label', item.where.online ? t('services.online') : t('services.offline'))}
          {row('services.visits.label', item.where.visits === 0 ? t('services.visits.none') : t('services.visits.value', { count: item.where.visits }))}
        </tbody>
      </table>

      <h2 id="steps" safe>{t('services.steps')}</h2>
      <ol>
        {item.steps.map((s) => (
          <li>
            <strong lang={zh} safe>{s.name}</strong>
            {s.description ? <p lang={zh} safe>{s.description}</p> : ''}
            {s.days !== undefined ? <p safe>{t('services.step.days', { days: daysText(t, s.days) })}</p> : ''}
            {s.special ? <p safe>{t('services.step.special')}</p> : ''}
          </li>
        ))}
      </ol>

      <h2 id="legal-basis" safe>{t('services.legalBasis')}</h2>
      <ul lang={zh}>{item.legalBasis.map((b) => <li safe>{b}</li>)}</ul>

      <h2 id="contact" safe>{t('services.contact')}</h2>
      <Contact sep={colon(lang)} label={t('services.consult')} phone={item.consult.phone} note={item.consult.note} noteLang={zh} />
      <Contact sep={colon(lang)} label={t('services.complain')} phone={item.complain.phone} note={item.complain.note} noteLang={zh} />

      {item.lifeEvents.length === 0 ? '' : (
        <>
          <h2 id="life-events" safe>{t('services.lifeEvents')}</h2>
          <p safe>{t('services.lifeEvents.text')}</p>
          <ul>{item.lifeEvents.map((e) => <li><a href={lifeEventPath(e.code)} safe>{localName(lang, e)}</a></li>)}</ul>
        </>
      )}
    </>
  );
}

function Withdrawn(props: { page: PageContext; item: ServiceItem }): JSX.Element {
  const { t, lang } = props.page;
  const item = props.item;
  return (
    <div class="notice bad" role="note" aria-labelledby="withdrawn-title">
      <h2 id="withdrawn-title" safe>{t('services.withdrawn.title')}</h2>
      {item.withdrawnAt ? <p safe>{t('services.withdrawn.on', { date: dateOf(item.withdrawnAt) })}</p> : ''}
      {item.withdrawReason ? <p><span safe>{t('services.withdrawn.reason')}</span><span lang={zhOnly(lang)} safe>{item.withdrawReason}</span></p> : ''}
      <p safe>{t('services.withdrawn.more')}</p>
    </div>
  );
}

function Materials(props: { page: PageContext; materials: Material[] }): JSX.Element {
  const { t, lang } = props.page;
  const zh = zhOnly(lang);
  const formOf = (m: Material) => {
    const form = t(`services.material.form.${m.form}` as MessageKey);
    if (m.copies === 0) return form;
    return `${form}${lang === 'en' ? ', ' : '，'}${m.copies === 1 ? t('services.material.copies.one') : t('services.material.copies', { count: m.copies })}`;
  };
  return (
    <table class="materials">
      <caption safe>{t('services.materials.caption')}</caption>
      <thead>
        <tr>
          <th scope="col" safe>{t('services.material.name')}</th>
          <th scope="col" safe>{t('services.material.form')}</th>
          <th scope="col" safe>{t('services.material.required')}</th>
          <th scope="col" safe>{t('services.material.note')}</th>
        </tr>
      </thead>
      <tbody>
        {props.materials.map((m) => (
          <tr>
            <th scope="row" lang={lang === 'en' && !m.nameEn ? 'zh-CN' : undefined} safe>{lang === 'en' && m.nameEn ? m.nameEn : m.name}</th>
            <td safe>{formOf(m)}</td>
            <td safe>{m.required ? t('services.material.requiredYes') : t('services.material.optional')}</td>
            <td>
              {m.replaceableBy ? (
                <p>
                  <strong class="tag" safe>{t('services.material.noNeed')}</strong>{' '}
                  <span safe>{m.replaceableBy.kind === 'elicence'
                    ? t('services.material.elicence', { source: m.replaceableBy.source })
                    : t('services.material.data', { source: m.replaceableBy.source })}</span>
                </p>
              ) : ''}
              {m.note ? <p lang={zh} safe>{m.note}</p> : ''}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Contact(props: { sep: string; label: string; phone: string; note: string | undefined; noteLang: string | undefined }): JSX.Element {
  return (
    <p>
      <strong safe>{`${props.label}${props.sep}`}</strong>
      <a href={`tel:${props.phone.replace(/[^0-9+]/g, '')}`} safe>{props.phone}</a>
      {props.note ? <><br /><span lang={props.noteLang} safe>{props.note}</span></> : ''}
    </p>
  );
}

/** 20 → 20.00, as fees are written. */
function yuan(amount: number): string {
  return amount.toFixed(2);
}
