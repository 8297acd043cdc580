import Html from '@kitajs/html';
import type { Account } from '../../identity/schema.ts';
import type { JournalHead } from '../../journal/schema.ts';
import type { Contact, Department, DepartmentSystem } from '../../registry/schema.ts';
import { ConsoleNav } from '../console.tsx';
import { localName, type MessageKey } from '../i18n.ts';
import { Layout, type PageContext } from '../layout.tsx';

export function WorkbenchPage(props: {
  page: PageContext; account: Account; department: Department | null; systems: DepartmentSystem[]; contacts: Contact[]; colleagues: Account[];
}): JSX.Element {
  const { t, lang } = props.page;
  return (
    <Layout page={props.page} title={t('staff.title')}>
      <h1 safe>{t('staff.welcome', { name: props.account.displayName })}</h1>
      <p>{t('staff.roles')}: {props.account.roles.map((r) => t(`role.${r}` as MessageKey)).join('、')}</p>
      <h2>{t('staff.queue')}</h2>
      <p><a href="/staff/cases" safe>{t('cases.queue.link')}</a></p>
      <h2 safe>{t('staff.sharing')}</h2>
      <p safe>{t('staff.sharing.text')}</p>
      <ul>
        <li><a href="/staff/catalog" safe>{t('catalog.title')}</a></li>
        <li><a href="/staff/sharing/incoming" safe>{t('sharing.incoming.title')}</a></li>
        <li><a href="/staff/sharing/outgoing" safe>{t('sharing.outgoing.title')}</a></li>
      </ul>
      {props.account.roles.includes('dept_admin') ? (
        <>
          <h2 safe>{t('staff.admin')}</h2>
          <p safe>{t('staff.admin.text')}</p>
          <ul>
            <li><a href="/staff/gateways" safe>{t('gateways.title')}</a></li>
          </ul>
        </>
      ) : ''}
      {props.department ? (
        <>
          <h2>{t('staff.department')}: <span safe>{localName(lang, props.department)}</span></h2>
          <p><code safe>{props.department.code}</code></p>
          <h3>{t('departments.systems')}</h3>
          {props.systems.length ? <ul>{props.systems.map((s) => <li safe>{`${localName(lang, s)} (${s.code})`}</li>)}</ul> : <p>{t('departments.none')}</p>}
          <h3>{t('departments.contacts')}</h3>
          {props.contacts.length ? <ul>{props.contacts.map((c) => <li safe>{`${c.name} · ${c.phone} · ${c.email}`}</li>)}</ul> : <p>{t('departments.none')}</p>}
        </>
      ) : ''}
      <h2>{t('staff.colleagues')}</h2>
      <ul>
        {props.colleagues.map((a) => <li safe>{`${a.displayName} (${a.roles.map((r) => t(`role.${r}` as MessageKey)).join('、')})`}</li>)}
      </ul>
    </Layout>
  );
}

export function ConsoleOverviewPage(props: {
  page: PageContext; departments: number; accounts: number; journal: JournalHead; database: string;
  /** Years the next deadlines reach whose holiday schedule has not been loaded. */
  yearsWithoutSchedule: number[];
}): JSX.Element {
  const { t } = props.page;
  return (
    <Layout page={props.page} title={t('console.title')}>
      <ConsoleNav page={props.page} />
      <h1>{t('console.title')}</h1>
      {props.yearsWithoutSchedule.length ? (
        <p class="notice bad" role="status" safe>{t('console.calendarMissing', { years: props.yearsWithoutSchedule.join(', ') })}</p>
      ) : ''}
      <ul class="stats">
        <li><strong>{String(props.departments)}</strong><a href="/console/departments">{t('console.count.departments')}</a></li>
        <li><strong>{String(props.accounts)}</strong><a href="/console/accounts">{t('console.count.accounts')}</a></li>
        <li><strong>{String(props.journal.seq)}</strong><a href="/console/journal">{t('console.count.journal')}</a></li>
      </ul>
      <p>{t('console.database')}: <code safe>{props.database}</code></p>
    </Layout>
  );
}
