import Html from '@kitajs/html';
import type { Actor } from '../../platform/access.ts';
import { ErrorSummary, Layout, type PageContext } from '../../web/layout.tsx';
import type { FieldError } from '../../web/forms.ts';
import { Field, describe, titleOf } from '../../web/fields.tsx';
import { localName } from '../../web/i18n.ts';
import type { CaseSummary } from '../schema.ts';
import { applicationType } from '../service.ts';
import { DaysLeft, UrgencyTag, applicantName, stateName } from './view.tsx';

export interface QueueProps {
  page: PageContext;
  actor: Actor;
  departmentName: string;
  mine: CaseSummary[];
  department: CaseSummary[];
  /** The state filter as asked; '' for every open state. */
  state: string;
  warningDays: number;
  errors: FieldError[];
  notice: string | null;
}

/** The states a queue can be filtered by: the open ones of an application. */
export const filterStates = Object.entries(applicationType.states).filter(([, s]) => s.kind === 'open').map(([name]) => name);

/** The workbench's case queues: the cases assigned to me, and my department's open cases. */
export function QueuePage(props: QueueProps): JSX.Element {
  const { t, lang } = props.page;
  const title = t('cases.queue.title');
  return (
    <Layout page={props.page} title={titleOf(props.page, title, props.errors)}>
      <ErrorSummary page={props.page} errors={props.errors} />
      <h1 safe>{title}</h1>
      {props.notice ? <p class="notice ok" role="status" safe>{props.notice}</p> : ''}
      <p class="lead" safe>{t('cases.queue.lead', { department: props.departmentName })}</p>
      <form method="get" action="/staff/cases" class="filters">
        <Field id="state" label={t('cases.filter.state')} errors={props.errors}>
          <select id="state" name="state" {...describe(props.errors, 'state')}>
            <option value="" safe>{t('cases.filter.anyOpen')}</option>
            {filterStates.map((s) => <option value={s} selected={props.state === s} safe>{localName(lang, applicationType.states[s]!)}</option>)}
          </select>
        </Field>
        <div><button type="submit" safe>{t('cases.filter.apply')}</button></div>
      </form>
      <CaseTable page={props.page} actor={props.actor} id="mine" caption={t('cases.queue.mine')} empty={t('cases.queue.mineEmpty')} cases={props.mine} warningDays={props.warningDays} />
      <CaseTable page={props.page} actor={props.actor} id="department" caption={t('cases.queue.department', { department: props.departmentName })}
        empty={t('cases.queue.departmentEmpty')} cases={props.department} warningDays={props.warningDays} />
      <p><a href="/staff" safe>{t('cases.back.staff')}</a></p>
    </Layout>
  );
}

function CaseTable(props: { page: PageContext; actor: Actor; id: string; caption: string; empty: string; cases: CaseSummary[]; warningDays: number }): JSX.Element {
  const { t } = props.page;
  if (props.cases.length === 0) return <><h2 safe>{props.caption}</h2><p id={`${props.id}-empty`} safe>{props.empty}</p></>;
  return (
    <table id={`${props.id}-cases`} class="cases">
      <caption safe>{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col" safe>{t('cases.col.reference')}</th>
          <th scope="col" safe>{t('cases.col.subject')}</th>
          <th scope="col" safe>{t('cases.col.applicant')}</th>
          <th scope="col" safe>{t('cases.col.state')}</th>
          <th scope="col" safe>{t('cases.col.daysLeft')}</th>
          <th scope="col" safe>{t('cases.col.urgency')}</th>
        </tr>
      </thead>
      <tbody>
        {props.cases.map((c) => (
          <tr data-reference={c.reference}>
            <th scope="row"><a href={`/staff/cases/${encodeURIComponent(c.reference)}`} safe>{c.reference}</a></th>
            <td safe>{c.subject}</td>
            <td safe>{applicantName(props.actor, c.applicantName)}</td>
            <td safe>{stateName(props.page, c.type, c.state)}</td>
            <td><DaysLeft page={props.page} summary={c} warningDays={props.warningDays} /></td>
            <td><UrgencyTag page={props.page} summary={c} warningDays={props.warningDays} /></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
