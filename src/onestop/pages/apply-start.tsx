import Html from '@kitajs/html';
import { chinaTime } from '../../platform/calendar.ts';
import { GroupError, titleOf } from '../../web/fields.tsx';
import type { FieldError } from '../../web/forms.ts';
import { CsrfField, ErrorSummary, Layout, type PageContext } from '../../web/layout.tsx';
import type { PrefillNote } from '../applications.schema.ts';
import { BackLink, Caption } from './apply-view.tsx';

/**
 * The pages around the questions: the start (with the consent to fill in what the government
 * already holds, when it can), resuming a draft, "saved", and the confirmation with the reference
 * number that stays reachable in the personal centre.
 */

export interface PrefillListed {
  label: string;
  resource: string;
  department: string;
}

export interface StartPageProps {
  page: PageContext;
  name: string;
  back: string;
  action: string;
  /** For a life event: how many items and departments one form covers. */
  lead: string | null;
  /** The fields the government holds; empty when the form asks none. */
  fields: PrefillListed[];
  /** Why they cannot be filled in now (no exchange, identity not verified); null when the person may consent. */
  cannot: PrefillNote | null;
  consent: string;
  errors: FieldError[];
}

export function StartPage(props: StartPageProps): JSX.Element {
  const { page, errors } = props;
  const { t } = page;
  const asking = props.fields.length > 0 && props.cannot === null;
  const title = asking ? t('apply.consent.title') : t('apply.start.title');
  const bad = errors.some((e) => e.field === 'consent');
  const list = props.fields.length ? (
    <ul id="prefill-fields">
      {props.fields.map((f) => <li safe>{t('apply.consent.field', { label: f.label, resource: f.resource, department: f.department })}</li>)}
    </ul>
  ) : '';
  return (
    <Layout page={page} title={titleOf(page, title, errors)}>
      <BackLink page={page} href={props.back} />
      <ErrorSummary page={page} errors={errors} />
      <Caption page={page} name={props.name} />
      <form method="post" action={props.action} novalidate>
        <CsrfField page={page} />
        {asking ? (
          <div class={bad ? 'field-error' : undefined}>
            <fieldset aria-describedby={bad ? 'consent-lead consent-error' : 'consent-lead'}>
              <legend><h1 safe>{title}</h1></legend>
              {props.lead ? <p safe>{props.lead}</p> : ''}
              <p id="consent-lead" safe>{t('apply.consent.lead')}</p>
              {list}
              <GroupError id="consent" errors={errors} />
              <div class="choice">
                <input type="radio" id="consent" name="consent" value="yes" checked={props.consent === 'yes'} />
                <label for="consent" safe>{t('apply.consent.yes')}</label>
              </div>
              <div class="choice">
                <input type="radio" id="consent-no" name="consent" value="no" checked={props.consent === 'no'} />
                <label for="consent-no" safe>{t('apply.consent.no')}</label>
              </div>
            </fieldset>
          </div>
        ) : (
          <>
            <h1 safe>{title}</h1>
            {props.lead ? <p safe>{props.lead}</p> : ''}
            <p safe>{t('apply.start.lead')}</p>
            {props.cannot && props.fields.length ? <p class="notice" id="cannot-prefill" safe>{t(props.cannot === 'unverified' ? 'apply.cannot.unverified' : 'apply.cannot.no_exchange')}</p> : ''}
            <input type="hidden" name="consent" value="none" />
          </>
        )}
        <button type="submit" safe>{asking ? t('apply.continue') : t('apply.start.button')}</button>
      </form>
    </Layout>
  );
}

export function ResumePage(props: { page: PageContext; name: string; back: string; continueHref: string; action: string; draftId: string; savedAt: string }): JSX.Element {
  const { page } = props;
  const { t } = page;
  return (
    <Layout page={page} title={t('apply.resume.title')}>
      <BackLink page={page} href={props.back} />
      <Caption page={page} name={props.name} />
      <h1 safe>{t('apply.resume.title')}</h1>
      <p id="saved-at" safe>{t('apply.resume.saved', { time: chinaTime(props.savedAt) })}</p>
      <p><a class="button" id="continue" href={props.continueHref} safe>{t('apply.resume.continue')}</a></p>
      <form method="post" action={props.action} novalidate>
        <CsrfField page={page} />
        <input type="hidden" name="discard" value={props.draftId} />
        <p class="hint" id="restart-hint" safe>{t('apply.resume.restartHint')}</p>
        <button type="submit" class="secondary" aria-describedby="restart-hint" safe>{t('apply.resume.restart')}</button>
      </form>
    </Layout>
  );
}

export function SavedPage(props: { page: PageContext; name: string; continueHref: string }): JSX.Element {
  const { t } = props.page;
  return (
    <Layout page={props.page} title={t('apply.saved.title')}>
      <Caption page={props.page} name={props.name} />
      <h1 safe>{t('apply.saved.title')}</h1>
      <p safe>{t('apply.saved.where')}</p>
      <ul>
        <li><a href="/my" safe>{t('apply.saved.my')}</a></li>
        <li><a href={props.continueHref} safe>{t('apply.saved.continue')}</a></li>
      </ul>
    </Layout>
  );
}

export interface ConfirmationProps {
  page: PageContext;
  name: string;
  reference: string;
  /** The department that handles it, or for a life event those that handle its parts. */
  departments: string[];
  days: number;
  /** The deadline when the clock already runs (a life event, accepted by the portal), else the last day if it is accepted today. */
  due: string;
  started: boolean;
  contacts: { department: string; consult: string; complain: string }[];
}

/** The confirmation (GOV.UK confirmation pages): the reference in a panel, what happens next and by when, whom to ask, where to go on. */
export function ConfirmationPage(props: ConfirmationProps): JSX.Element {
  const { page } = props;
  const { t } = page;
  const joint = props.departments.length > 1;
  return (
    <Layout page={page} title={t('apply.done.title')}>
      <div class="panel" id="confirmation">
        <h1 safe>{t('apply.done.title')}</h1>
        <p safe>{t('apply.done.reference')}</p>
        <p class="reference" id="reference"><strong safe>{props.reference}</strong></p>
      </div>
      <p safe>{t('apply.done.keep')}</p>
      <h2 safe>{t('apply.done.next')}</h2>
      <p id="next" safe>{joint
        ? t('apply.done.joint', { count: props.departments.length, departments: props.departments.join(page.lang === 'en' ? ', ' : '、'), days: props.days })
        : t('apply.done.handling', { department: props.departments[0] ?? '', days: props.days })}</p>
      <p id="due" safe>{t(props.started ? 'apply.done.deadline' : 'apply.done.due', { date: props.due })}</p>
      <h2 safe>{t('apply.done.contact')}</h2>
      <ul id="contacts">
        {props.contacts.map((c) => (
          <li safe>{t('apply.done.contactLine', { department: c.department, consult: c.consult, complain: c.complain })}</li>
        ))}
      </ul>
      <h2 safe>{t('apply.done.more')}</h2>
      <ul>
        <li><a href={`/my/cases/${encodeURIComponent(props.reference)}`} safe>{t('apply.done.my')}</a></li>
        <li><a href="/my" safe>{t('apply.done.all')}</a></li>
        <li><a href="/track" safe>{t('apply.done.track')}</a></li>
      </ul>
    </Layout>
  );
}
