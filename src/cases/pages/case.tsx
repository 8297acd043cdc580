import Html from '@kitajs/html';
import type { Actor } from '../../platform/access.ts';
import { CsrfField, ErrorSummary, Layout, type PageContext } from '../../web/layout.tsx';
import type { FieldError } from '../../web/forms.ts';
import { Field, GroupError, describe, titleOf } from '../../web/fields.tsx';
import type { MessageKey } from '../../web/i18n.ts';
import type { Case, CaseEvent } from '../schema.ts';
import { caseTypes } from '../service.ts';
import { chinaTime } from '../../platform/calendar.ts';
import { DaysLeft, UrgencyTag, applicantId, applicantName, seesPersonalData, stateName } from './view.tsx';
import type { Application } from '../../onestop/applications.schema.ts';
import { CaseApplication } from '../../onestop/pages/case-application.tsx';
import type { Delivery } from '../../notifications/schema.ts';
import { CaseDeliveries } from '../../notifications/pages/deliveries.tsx';

/** What a refused form was sent with, to show it again with its errors. */
export interface CaseFormValues {
  /** Which form: an action's name, or transfer, note. */
  form?: string;
  note?: string;
  department?: string;
  reason?: string;
  text?: string;
  visibility?: string;
}

export interface CasePageProps {
  page: PageContext;
  actor: Actor;
  case: Case;
  /** The actions of the current state this person may take (empty when they may only read). */
  actions: string[];
  /** May assign, transfer and write notes: staff of the case's department. */
  canHandle: boolean;
  /** The person's account id, for "assign to me". */
  me: string;
  departments: readonly { code: string; name: string }[];
  departmentNames: Map<string, string>;
  people: Map<string, string>;
  warningDays: number;
  values: CaseFormValues;
  errors: FieldError[];
  notice: string | null;
  /** A fresh key per form shown: a form sent twice acts once. */
  formKey: string;
  /** What was sent to the applicant by text and e-mail (notifications). */
  deliveries?: Delivery[];
  /** What the applicant sent online with the case (onestop applications); absent for a case opened otherwise. */
  application?: Application | null;
}

/** The field ids of the page's forms; the routes map the engine's field names onto them. */
export const noteId = (action: string): string => `note-${action}`;

export function CasePage(props: CasePageProps): JSX.Element {
  const { t } = props.page;
  const c = props.case;
  const title = t('cases.case.title', { reference: c.reference });
  const dept = (code: string | null) => (code ? props.departmentNames.get(code) ?? code : '');
  return (
    <Layout page={props.page} title={titleOf(props.page, title, props.errors)}>
      <ErrorSummary page={props.page} errors={props.errors} />
      <h1 safe>{title}</h1>
      {props.notice ? <p class="notice ok" role="status" safe>{props.notice}</p> : ''}
      <table class="facts" id="summary">
        <caption safe>{t('cases.case.summary')}</caption>
        <tbody>
          <tr><th scope="row" safe>{t('cases.col.subject')}</th><td safe>{c.subject}</td></tr>
          <tr><th scope="row" safe>{t('cases.case.type')}</th><td safe>{caseTypes[c.type] ? (props.page.lang === 'en' ? caseTypes[c.type]!.nameEn : caseTypes[c.type]!.nameZh) : c.type}</td></tr>
          <tr><th scope="row" safe>{t('cases.col.applicant')}</th><td safe>{`${applicantName(props.actor, c.applicantName)} (${applicantId(props.actor, c.applicant)})`}</td></tr>
          <tr><th scope="row" safe>{t('cases.col.state')}</th><td id="case-state" safe>{stateName(props.page, c.type, c.state)}</td></tr>
          <tr><th scope="row" safe>{t('cases.case.department')}</th><td safe>{dept(c.department)}</td></tr>
          <tr><th scope="row" safe>{t('cases.case.assignee')}</th><td safe>{c.assignee ? props.people.get(c.assignee) ?? c.assignee : t('cases.case.unassigned')}</td></tr>
          <tr><th scope="row" safe>{t('cases.case.timeLimit')}</th><td safe>{t('cases.case.days', { days: c.timeLimit })}</td></tr>
          <tr><th scope="row" safe>{t('cases.case.deadline')}</th><td id="case-deadline" safe>{c.deadline ?? (c.paused ? t('cases.case.deadlinePaused') : t('cases.case.deadlineNone'))}</td></tr>
          <tr>
            <th scope="row" safe>{t('cases.col.daysLeft')}</th>
            <td id="case-clock"><DaysLeft page={props.page} summary={c} warningDays={props.warningDays} />{' '}<UrgencyTag page={props.page} summary={c} warningDays={props.warningDays} /></td>
          </tr>
          <tr><th scope="row" safe>{t('cases.case.submitted')}</th><td safe>{chinaTime(c.createdAt)}</td></tr>
        </tbody>
      </table>
      {props.application ? <CaseApplication page={props.page} application={props.application} masked={!seesPersonalData(props.actor)} departmentNames={props.departmentNames} /> : ''}
      {props.actions.length || props.canHandle ? <Forms {...props} /> : <p id="read-only" safe>{t('cases.case.readOnly')}</p>}
      <Timeline page={props.page} events={c.timeline} type={c.type} dept={dept} people={props.people} />
      {props.deliveries ? <CaseDeliveries page={props.page} deliveries={props.deliveries} /> : ''}
      <p><a href="/staff/cases" safe>{t('cases.back.queue')}</a></p>
    </Layout>
  );
}

function Forms(props: CasePageProps): JSX.Element {
  const { t } = props.page;
  const c = props.case;
  const base = `/staff/cases/${encodeURIComponent(c.reference)}`;
  const errors = props.errors;
  const v = props.values;
  const type = caseTypes[c.type];
  return (
    <section aria-labelledby="actions-heading">
      <h2 id="actions-heading" safe>{t('cases.actions')}</h2>
      {props.actions.map((action) => {
        const needsNote = type?.actions[action]?.needsNote === true;
        const id = noteId(action);
        return (
          <form method="post" action={`${base}/actions/${encodeURIComponent(action)}`} class="case-action" novalidate>
            <CsrfField page={props.page} />
            <input type="hidden" name="key" value={props.formKey} />
            {needsNote ? (
              <Field id={id} label={t(`cases.action.${action}.note` as MessageKey)} hint={t(`cases.action.${action}.hint` as MessageKey)} errors={errors}>
                <textarea id={id} name="note" rows="4" maxlength="4000" {...describe(errors, id, true)} safe>{v.form === action ? v.note ?? '' : ''}</textarea>
              </Field>
            ) : ''}
            <div><button type="submit" class={action === 'reject' ? 'warning' : undefined} safe>{t(`cases.action.${action}` as MessageKey)}</button></div>
          </form>
        );
      })}
      {props.canHandle && c.stateKind === 'open' && c.assignee !== props.me ? (
        <form method="post" action={`${base}/assign`} class="case-action" novalidate>
          <CsrfField page={props.page} />
          <div><button type="submit" safe>{t('cases.assign.me')}</button></div>
        </form>
      ) : ''}
      {props.canHandle && c.stateKind === 'open' ? (
        <details class="transfer" open={v.form === 'transfer'}>
          <summary safe>{t('cases.transfer')}</summary>
          <form method="post" action={`${base}/transfer`} novalidate>
            <CsrfField page={props.page} />
            <Field id="transfer-department" label={t('cases.transfer.department')} errors={errors}>
              <select id="transfer-department" name="department" {...describe(errors, 'transfer-department')}>
                <option value="" safe>{t('cases.transfer.choose')}</option>
                {props.departments.filter((d) => d.code !== c.department).map((d) => <option value={d.code} selected={v.department === d.code} safe>{d.name}</option>)}
              </select>
            </Field>
            <Field id="transfer-reason" label={t('cases.transfer.reason')} hint={t('cases.transfer.reasonHint')} errors={errors}>
              <textarea id="transfer-reason" name="reason" rows="2" maxlength="1000" {...describe(errors, 'transfer-reason', true)} safe>{v.reason ?? ''}</textarea>
            </Field>
            <div><button type="submit" safe>{t('cases.transfer.submit')}</button></div>
          </form>
        </details>
      ) : ''}
      {props.canHandle ? (
        <form method="post" action={`${base}/notes`} class="case-note" novalidate>
          <CsrfField page={props.page} />
          <input type="hidden" name="key" value={props.formKey} />
          <Field id="note-text" label={t('cases.note.text')} errors={errors}>
            <textarea id="note-text" name="text" rows="3" maxlength="4000" {...describe(errors, 'note-text')} safe>{v.text ?? ''}</textarea>
          </Field>
          <fieldset class="checkboxes" {...(errors.some((e) => e.field === 'note-visibility') && { 'aria-describedby': 'note-visibility-error' })}>
            <legend safe>{t('cases.note.visibility')}</legend>
            <GroupError id="note-visibility" errors={errors} />
            <div class="choice">
              <input type="radio" id="note-visibility" name="visibility" value="internal" checked={(v.visibility ?? 'internal') === 'internal'} />
              <label for="note-visibility" safe>{t('cases.note.internal')}</label>
            </div>
            <div class="choice">
              <input type="radio" id="note-visibility-public" name="visibility" value="public" checked={v.visibility === 'public'} />
              <label for="note-visibility-public" safe>{t('cases.note.public')}</label>
            </div>
          </fieldset>
          <div><button type="submit" safe>{t('cases.note.submit')}</button></div>
        </form>
      ) : ''}
    </section>
  );
}

/**
 * A case's timeline. Staff (given `people`, the names of their colleagues) also see who acted
 * and whether the entry is internal; the applicant sees the public entries only, as they are
 * handed in, and no one's account.
 */
export function Timeline(props: { page: PageContext; events: CaseEvent[]; type: string; dept: (code: string | null) => string; people?: Map<string, string> }): JSX.Element {
  const { t } = props.page;
  const people = props.people;
  return (
    <table id="timeline" class="timeline">
      <caption safe>{t('cases.timeline')}</caption>
      <thead>
        <tr>
          <th scope="col" safe>{t('cases.timeline.at')}</th>
          <th scope="col" safe>{t('cases.timeline.what')}</th>
          {people ? <th scope="col" safe>{t('cases.timeline.who')}</th> : ''}
          <th scope="col" safe>{t('cases.timeline.department')}</th>
          {people ? <th scope="col" safe>{t('cases.timeline.visibility')}</th> : ''}
        </tr>
      </thead>
      <tbody>
        {props.events.map((e) => (
          <tr data-kind={e.kind} data-action={e.action ?? undefined}>
            <td safe>{chinaTime(e.at)}</td>
            <td>
              <span safe>{eventText(props.page, props.type, e, props.dept)}</span>
              {e.note ? <p class="note" safe>{e.note}</p> : ''}
            </td>
            {people ? <td safe>{whoText(props.page, e.actor, people)}</td> : ''}
            <td safe>{props.dept(e.department)}</td>
            {people ? <td safe>{t(e.visibility === 'public' ? 'cases.note.publicShort' : 'cases.note.internalShort')}</td> : ''}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function whoText(page: PageContext, actor: string, people: Map<string, string>): string {
  if (actor.startsWith('system:')) return page.t('cases.who.system', { name: actor.slice('system:'.length) });
  return people.get(actor) ?? actor;
}

/** An event in words; the applicant's progress pages on the portal (identity/pages) say it the same way. */
export function eventText(page: PageContext, type: string, e: CaseEvent, dept: (code: string | null) => string): string {
  const { t } = page;
  const d = e.detail ?? {};
  const str = (k: string) => (typeof d[k] === 'string' || typeof d[k] === 'number' ? String(d[k]) : '');
  switch (e.kind) {
    case 'created': return t('cases.event.created');
    case 'action': {
      const label = caseTypes[type]?.actions[e.action ?? ''] ? t(`cases.action.${e.action}` as MessageKey) : e.action ?? '';
      return t('cases.event.action', { action: label, to: stateName(page, type, e.toState ?? '') });
    }
    case 'assigned': return str('name') ? t('cases.event.assigned', { name: str('name') }) : t('cases.event.unassigned');
    case 'transferred': return t('cases.event.transferred', { from: dept(str('from')), to: dept(str('to')) });
    case 'note': return t('cases.event.note');
    case 'clock_started': return t('cases.event.clockStarted', { deadline: str('deadline') });
    case 'clock_paused': return t('cases.event.clockPaused');
    case 'clock_resumed': return t('cases.event.clockResumed', { deadline: str('deadline') });
    case 'warning': return t('cases.event.warning', { deadline: str('deadline') });
    case 'escalation': return t('cases.event.escalation', { deadline: str('deadline') });
    default: return e.kind;
  }
}
