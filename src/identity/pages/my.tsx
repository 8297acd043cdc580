import Html from '@kitajs/html';
import { stateName } from '../../cases/pages/view.tsx';
import type { Case, CaseSummary } from '../../cases/schema.ts';
import { chinaTime } from '../../platform/calendar.ts';
import { maskCitizenId, maskPhone, maskUscc } from '../../platform/masking.ts';
import { Field, describe, titleOf } from '../../web/fields.tsx';
import type { FieldError } from '../../web/forms.ts';
import { CsrfField, ErrorSummary, Layout, type PageContext } from '../../web/layout.tsx';
import type { Person } from '../people.service.ts';
import { CaseProgress } from './case-progress.tsx';

/** One lookup of the person's data through the exchange, as the provider's gateway recorded it. */
export interface LookupRecord {
  at: string;
  /** `{department code}/{system}` of the system that asked. */
  client: string;
  provider: string;
  service: string;
  issue: string | null;
  purpose: string | null;
  outcome: string;
}

export interface MyPageProps {
  page: PageContext;
  person: Person;
  cases: CaseSummary[];
  departmentNames: Map<string, string>;
  /** Null for enterprises: the exchange records lookups under a citizen's ID number only. */
  lookups: LookupRecord[] | null;
  verificationAvailable: boolean;
  /** Applications started and saved, not sent yet: where to continue each. */
  drafts: { nameZh: string; nameEn: string; updatedAt: string; continueAt: string }[];
  /** The message centre's newest messages (the notifications module's section). */
  messages: JSX.Element;
  notice: { text: string; ok: boolean } | null;
  /** The name correction form: what was typed, and what was wrong with it. */
  name: { value: string; errors: FieldError[] };
}

/**
 * The personal centre (个人中心): the account and its real-name state, the person's
 * applications, their messages, and who looked their data up through the exchange. Personal
 * data is masked here too: the page may be open on a shared screen, and the person knows it.
 */
export function MyPage(props: MyPageProps): JSX.Element {
  const { t } = props.page;
  const p = props.person;
  const enterprise = p.kind === 'enterprise';
  const dept = (code: string) => props.departmentNames.get(code) ?? code;
  const own = props.cases.filter((c) => c.parent === null);
  return (
    <Layout page={props.page} title={titleOf(props.page, t('my.title'), props.name.errors)}>
      <ErrorSummary page={props.page} errors={props.name.errors} />
      <h1 safe>{t('my.title')}</h1>
      {props.notice ? <p class={props.notice.ok ? 'notice ok' : 'notice'} role="status" safe>{props.notice.text}</p> : ''}

      <table class="facts" id="account">
        <caption safe>{t('my.account')}</caption>
        <tbody>
          <tr><th scope="row" safe>{t('my.account.kind')}</th><td safe>{t(enterprise ? 'people.kind.enterprise' : 'people.kind.citizen')}</td></tr>
          <tr><th scope="row" safe>{t(enterprise ? 'people.field.enterpriseName' : 'people.field.name')}</th><td safe>{p.name}</td></tr>
          <tr>
            <th scope="row" safe>{t(enterprise ? 'people.field.uscc' : 'people.field.idNumber')}</th>
            <td><span class="mono" id="account-number" safe>{enterprise ? maskUscc(p.idNumber) : maskCitizenId(p.idNumber)}</span></td>
          </tr>
          {enterprise ? <tr><th scope="row" safe>{t('people.field.contactName')}</th><td safe>{p.contactName ?? ''}</td></tr> : ''}
          <tr><th scope="row" safe>{t('my.account.phone')}</th><td safe>{maskPhone(p.phone)}</td></tr>
          <tr><th scope="row" safe>{t('my.account.email')}</th><td safe>{p.email ?? t('my.account.none')}</td></tr>
          <tr><th scope="row" safe>{t('my.verification')}</th><td id="verification" data-state={p.verification} safe>{verificationText(props.page, p)}</td></tr>
        </tbody>
      </table>
      {p.verification === 'verified' ? '' : props.verificationAvailable ? (
        <form method="post" action="/my/verify" novalidate>
          <CsrfField page={props.page} />
          <p class="hint" safe>{t(p.verification === 'failed' ? 'my.verify.failedHint' : 'my.verify.hint')}</p>
          <button type="submit" safe>{t(p.verification === 'failed' ? 'my.verify.again' : 'my.verify.submit')}</button>
        </form>
      ) : <p id="verification-unavailable" class="notice" safe>{t('my.verify.unavailable')}</p>}
      {p.verification === 'failed' || props.name.errors.length ? (
        <section id="name-correction-section" aria-labelledby="name-correction-heading">
          <h2 id="name-correction-heading" safe>{t('my.name.heading')}</h2>
          {p.nameChangesLeft > 0 ? (
            <form method="post" action="/my/name" novalidate>
              <CsrfField page={props.page} />
              <Field id="name-correction" label={t('my.name.label')} hint={t('my.name.hint', { left: p.nameChangesLeft })} errors={props.name.errors}>
                <input type="text" id="name-correction" name="name" value={props.name.value} maxlength="100" autocomplete={enterprise ? 'organization' : 'name'} spellcheck="false" {...describe(props.name.errors, 'name-correction', true)} />
              </Field>
              <button type="submit" safe>{t('my.name.submit')}</button>
            </form>
          ) : <p class="notice" id="name-correction-counter" safe>{t('my.name.counter')}</p>}
        </section>
      ) : ''}

      {props.drafts.length ? (
        <section id="drafts" aria-labelledby="drafts-heading">
          <h2 id="drafts-heading" safe>{t('my.drafts')}</h2>
          <ul>
            {props.drafts.map((d) => (
              <li>
                <a href={d.continueAt} safe>{props.page.lang === 'en' ? d.nameEn : d.nameZh}</a>
                {' '}<span class="hint" safe>{t('my.drafts.saved', { time: chinaTime(d.updatedAt) })}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : ''}

      <section id="applications" aria-labelledby="applications-heading">
        <h2 id="applications-heading" safe>{t('my.cases')}</h2>
        {own.length ? (
          <table id="my-cases">
            <caption safe>{t('my.cases.caption')}</caption>
            <thead>
              <tr>
                <th scope="col" safe>{t('cases.col.reference')}</th>
                <th scope="col" safe>{t('cases.col.subject')}</th>
                <th scope="col" safe>{t('cases.case.department')}</th>
                <th scope="col" safe>{t('cases.col.state')}</th>
                <th scope="col" safe>{t('cases.case.submitted')}</th>
              </tr>
            </thead>
            <tbody>
              {own.map((c) => (
                <tr data-reference={c.reference}>
                  <th scope="row"><a href={`/my/cases/${encodeURIComponent(c.reference)}`} safe>{c.reference}</a></th>
                  <td safe>{c.subject}</td>
                  <td safe>{dept(c.department)}</td>
                  <td safe>{stateName(props.page, c.type, c.state)}</td>
                  <td safe>{chinaTime(c.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : <p id="my-cases-empty" safe>{t('my.cases.none')}</p>}
        <p><a href="/services" safe>{t('my.cases.find')}</a></p>
      </section>

      {props.messages}

      <section id="my-data" aria-labelledby="my-data-heading">
        <h2 id="my-data-heading" safe>{t('my.data')}</h2>
        {props.lookups === null ? <p safe>{t('my.data.enterprise')}</p> : <Lookups {...props} lookups={props.lookups} />}
      </section>
    </Layout>
  );
}

function Lookups(props: MyPageProps & { lookups: LookupRecord[] }): JSX.Element {
  const { t } = props.page;
  const dept = (code: string) => props.departmentNames.get(code) ?? code;
  if (props.lookups.length === 0) return <p id="my-data-empty" safe>{t('my.data.none')}</p>;
  return (
    <>
      <p safe>{t('my.data.lead')}</p>
      <table id="my-data-lookups">
        <caption safe>{t('my.data.caption')}</caption>
        <thead>
          <tr>
            <th scope="col" safe>{t('my.data.at')}</th>
            <th scope="col" safe>{t('my.data.who')}</th>
            <th scope="col" safe>{t('my.data.what')}</th>
            <th scope="col" safe>{t('my.data.issue')}</th>
            <th scope="col" safe>{t('my.data.purpose')}</th>
            <th scope="col" safe>{t('my.data.outcome')}</th>
          </tr>
        </thead>
        <tbody>
          {props.lookups.map((l) => (
            <tr>
              <td safe>{chinaTime(l.at)}</td>
              <td safe>{l.client ? dept(l.client.split('/')[0]!) : t('my.data.unknown')}</td>
              <td>
                <span safe>{dept(l.provider)}</span>
                {' '}<code safe>{l.service}</code>
              </td>
              <td safe>{l.issue ?? ''}</td>
              <td safe>{l.purpose ?? ''}</td>
              <td safe>{l.outcome === 'ok' ? t('my.data.provided') : t('my.data.refused', { outcome: l.outcome })}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function verificationText(page: PageContext, p: Person): string {
  const when = p.verifiedAt ? chinaTime(p.verifiedAt) : '';
  if (p.verification === 'verified') return page.t('my.verification.verified', { when });
  if (p.verification === 'failed') return page.t('my.verification.failed', { when });
  return page.t('my.verification.unverified');
}

/** The form answering a request for materials, as last sent (with its problems) or fresh. */
export interface SupplementForm {
  action: string;
  formKey: string;
  note: string;
  errors: FieldError[];
  maxMegabytes: number;
}

/**
 * One of the person's applications, with its public timeline and what they can do next: send
 * the materials a department asked for, or rate the handling once it is decided.
 */
export function MyCasePage(props: {
  page: PageContext; case: Case; departmentNames: Map<string, string>; warningDays: number;
  supplement: SupplementForm | null; rateHref: string | null;
}): JSX.Element {
  const { t } = props.page;
  const c = props.case;
  const form = props.supplement;
  const title = t('my.case.title', { reference: c.reference });
  const request = [...c.timeline].reverse().find((e) => e.action === 'request_supplement');
  return (
    <Layout page={props.page} title={form?.errors.length ? `${t('form.errorPrefix')}${title}` : title}>
      <p><a href="/my" safe>{t('my.back')}</a></p>
      {form ? <ErrorSummary page={props.page} errors={form.errors} /> : ''}
      <h1 safe>{title}</h1>
      {form ? (
        <section id="supplement" aria-labelledby="supplement-heading">
          <h2 id="supplement-heading" safe>{t('my.supplement.heading')}</h2>
          {request?.note ? <><p safe>{t('my.supplement.asked')}</p><blockquote class="note" safe>{request.note}</blockquote></> : ''}
          <form method="post" action={form.action} enctype="multipart/form-data" novalidate>
            <CsrfField page={props.page} />
            <input type="hidden" name="key" value={form.formKey} />
            <div class={form.errors.some((e) => e.field === 'files') ? 'field error' : 'field'}>
              <label for="files" safe>{t('my.supplement.files')}</label>
              <p class="hint" id="files-hint" safe>{t('my.supplement.filesHint', { max: form.maxMegabytes })}</p>
              <input type="file" id="files" name="files" multiple accept="application/pdf,image/jpeg,image/png" aria-describedby="files-hint" />
            </div>
            <div class="field">
              <label for="note" safe>{t('my.supplement.note')}</label>
              <textarea id="note" name="note" rows="4" maxlength="2000" safe>{form.note}</textarea>
            </div>
            <button type="submit" safe>{t('my.supplement.send')}</button>
          </form>
        </section>
      ) : ''}
      {props.rateHref ? <p id="rate"><a class="button" href={props.rateHref} safe>{t('my.case.rate')}</a></p> : ''}
      <CaseProgress page={props.page} case={c} departmentNames={props.departmentNames} warningDays={props.warningDays} taskHref={(r) => `/my/cases/${encodeURIComponent(r)}`} />
    </Layout>
  );
}
