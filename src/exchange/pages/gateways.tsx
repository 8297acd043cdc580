import Html from '@kitajs/html';
import { ConsoleNav } from '../../web/console.tsx';
import type { FieldError } from '../../web/forms.ts';
import type { MessageKey } from '../../web/i18n.ts';
import { CsrfField, ErrorSummary, Layout, type PageContext } from '../../web/layout.tsx';
import type { Certificate, Gateway } from '../schema.ts';
import type { EnrolmentToken } from '../service.ts';
import { chinaTime } from '../../platform/calendar.ts';
import { idOf } from './fields.tsx';
import { Field, describe, titleOf } from '../../web/fields.tsx';

/**
 * The gateways of the extranet as people see them: a department administrator's own (with the
 * enrolment form, the one-time token and revocation) and the console's list of every department's.
 */

/** A certificate is renewed by its gateway when two thirds of its life have passed; after that it "expires soon". */
export type CertificateStatus = 'valid' | 'expiring' | 'expired' | 'revoked' | 'notYetValid';

export function certificateStatus(c: Certificate, now: Date): CertificateStatus {
  if (c.revokedAt) return 'revoked';
  const from = Date.parse(c.notBefore);
  const until = Date.parse(c.notAfter);
  const at = now.getTime();
  if (at >= until) return 'expired';
  if (at < from) return 'notYetValid';
  return until - at < (until - from) / 3 ? 'expiring' : 'valid';
}

/** Whether a certificate can still be revoked: it is neither revoked nor expired. */
export function revocable(c: Certificate, now: Date): boolean {
  const status = certificateStatus(c, now);
  return status !== 'revoked' && status !== 'expired';
}

/** A gateway countersigns its log head at least every minute; five minutes without one means something is wrong. */
export const ANCHOR_STALE_MS = 5 * 60_000;

export function anchorStale(gateway: Gateway, now: Date): boolean {
  return !gateway.lastAnchor || now.getTime() - Date.parse(gateway.lastAnchor.receivedAt) > ANCHOR_STALE_MS;
}

/** What a revocation form was sent with, to show it again with its error. */
export interface RevokeValues {
  serial?: string;
  reason?: string;
}

export const reasonId = (serial: string): string => `reason-${serial}`;

interface GatewayListProps {
  page: PageContext;
  gateways: Gateway[];
  now: Date;
  /** Where the revocation forms post (`{base}/certificates/{serial}/revoke`), or null when the person may not revoke. */
  revokeBase: string | null;
  revoke: RevokeValues;
  errors: FieldError[];
  /** The level of each gateway's heading. */
  level: 2 | 3;
}

function GatewaySection(props: Omit<GatewayListProps, 'gateways'> & { gateway: Gateway }): JSX.Element {
  const { t } = props.page;
  const g = props.gateway;
  const headingId = idOf('gateway', g.id);
  const certificates = [...g.certificates].sort((a, b) => b.issuedAt.localeCompare(a.issuedAt));
  const stale = anchorStale(g, props.now);
  const heading = t('gateways.gateway', { code: g.code });
  return (
    <section aria-labelledby={headingId} class="gateway">
      {props.level === 2 ? <h2 id={headingId} safe>{heading}</h2> : <h3 id={headingId} safe>{heading}</h3>}
      <table class="facts">
        <tbody>
          <tr><th scope="row" safe>{t('gateways.id')}</th><td><code safe>{g.id}</code></td></tr>
          <tr><th scope="row" safe>{t('gateways.address')}</th><td><code safe>{g.address}</code></td></tr>
          <tr><th scope="row" safe>{t('gateways.enrolledAt')}</th><td safe>{chinaTime(g.createdAt)}</td></tr>
          <tr>
            <th scope="row" safe>{t('gateways.anchor')}</th>
            <td class="anchor">
              {g.lastAnchor ? <span safe>{t('gateways.anchor.at', { at: chinaTime(g.lastAnchor.receivedAt), seq: g.lastAnchor.seq })}</span> : <span safe>{t('gateways.anchor.none')}</span>}
              {stale ? <>{' '}<strong class="tag overdue-tag stale" safe>{t('gateways.anchor.stale')}</strong></> : ''}
            </td>
          </tr>
        </tbody>
      </table>
      <table class="certificates">
        <caption safe>{t('gateways.certificates', { code: g.code })}</caption>
        <thead>
          <tr>
            <th scope="col" safe>{t('gateways.cert.serial')}</th>
            <th scope="col" safe>{t('gateways.cert.validity')}</th>
            <th scope="col" safe>{t('gateways.cert.status')}</th>
          </tr>
        </thead>
        <tbody>
          {certificates.map((c) => (
            <tr data-serial={c.serial}>
              <td>
                <code safe>{c.serial}</code>
                <br />
                <span class="hint" safe>{t('gateways.cert.fingerprint', { sha256: c.sha256 })}</span>
              </td>
              <td safe>{t('gateways.cert.range', { from: chinaTime(c.notBefore), until: chinaTime(c.notAfter) })}</td>
              <td><StatusText page={props.page} certificate={c} now={props.now} /></td>
            </tr>
          ))}
        </tbody>
      </table>
      {props.revokeBase ? certificates.filter((c) => revocable(c, props.now)).map((c) => (
        <RevokeForm page={props.page} action={`${props.revokeBase}/certificates/${encodeURIComponent(c.serial)}/revoke`} serial={c.serial}
          values={props.revoke.serial === c.serial ? props.revoke : {}} errors={props.errors} />
      )) : ''}
    </section>
  );
}

/** The status in words (never by colour alone), with the reason of a revocation. */
function StatusText(props: { page: PageContext; certificate: Certificate; now: Date }): JSX.Element {
  const { t } = props.page;
  const c = props.certificate;
  const status = certificateStatus(c, props.now);
  const label = t(`gateways.status.${status}` as MessageKey);
  const daysLeft = Math.max(0, Math.floor((Date.parse(c.notAfter) - props.now.getTime()) / 86_400_000));
  switch (status) {
    case 'revoked':
      return (
        <span class="status-revoked">
          <strong class="tag overdue-tag" safe>{label}</strong>{' '}
          <span safe>{t('gateways.status.revokedBecause', { at: chinaTime(c.revokedAt!), reason: c.revokeReason ?? '' })}</span>
        </span>
      );
    case 'expired':
      return <strong class="tag overdue-tag status-expired" safe>{label}</strong>;
    case 'expiring':
      return (
        <span class="status-expiring">
          <strong class="tag" safe>{label}</strong>{' '}
          <span safe>{t('gateways.status.daysLeft', { days: daysLeft })}</span>
        </span>
      );
    default:
      return <span class={`status-${status}`} safe>{status === 'valid' ? `${label} · ${t('gateways.status.daysLeft', { days: daysLeft })}` : label}</span>;
  }
}

function RevokeForm(props: { page: PageContext; action: string; serial: string; values: RevokeValues; errors: FieldError[] }): JSX.Element {
  const { t } = props.page;
  const id = reasonId(props.serial);
  const open = props.errors.some((e) => e.field === id);
  return (
    <details class="revoke" open={open}>
      <summary safe>{t('gateways.revoke.legend', { serial: props.serial })}</summary>
      <form method="post" action={props.action} novalidate>
        <CsrfField page={props.page} />
        <p class="hint" safe>{t('gateways.revoke.lead')}</p>
        <Field id={id} label={t('gateways.revoke.reason')} errors={props.errors}>
          <textarea id={id} name="reason" rows="2" maxlength="500" {...describe(props.errors, id)} safe>{props.values.reason ?? ''}</textarea>
        </Field>
        <div><button type="submit" class="warning" safe>{t('gateways.revoke')}</button></div>
      </form>
    </details>
  );
}

function GatewayList(props: GatewayListProps): JSX.Element {
  return <>{props.gateways.map((gateway) => <GatewaySection {...props} gateway={gateway} />)}</>;
}

export interface StaffGatewaysProps {
  page: PageContext;
  departmentName: string;
  gateways: Gateway[];
  now: Date;
  /** May enrol gateways and revoke their certificates (the department's administrator). */
  canManage: boolean;
  enrolmentHours: number;
  code: string;
  revoke: RevokeValues;
  errors: FieldError[];
  notice: MessageKey | null;
}

/** The workbench page of a department's gateways. */
export function StaffGatewaysPage(props: StaffGatewaysProps): JSX.Element {
  const { t } = props.page;
  const errors = props.errors;
  const title = t('gateways.title');
  return (
    <Layout page={props.page} title={titleOf(props.page, title, errors)}>
      <ErrorSummary page={props.page} errors={errors} />
      <h1 safe>{title}</h1>
      {props.notice ? <p class="notice ok" role="status" safe>{t(props.notice)}</p> : ''}
      <p class="lead" safe>{t('gateways.lead', { department: props.departmentName })}</p>
      <p class="hint" safe>{t('gateways.times')}</p>
      {props.gateways.length === 0 ? <p id="no-gateways" safe>{t('gateways.none')}</p> : (
        <GatewayList page={props.page} gateways={props.gateways} now={props.now} revokeBase={props.canManage ? '/staff/gateways' : null}
          revoke={props.revoke} errors={errors} level={2} />
      )}
      {props.canManage ? (
        <section aria-labelledby="enrol-heading">
          <h2 id="enrol-heading" safe>{t('gateways.enrol')}</h2>
          <p safe>{t('gateways.enrol.lead', { hours: props.enrolmentHours })}</p>
          <form method="post" action="/staff/gateways/tokens" novalidate>
            <CsrfField page={props.page} />
            <Field id="code" label={t('gateways.enrol.code')} hint={t('gateways.enrol.codeHint')} errors={errors}>
              <input type="text" id="code" name="code" value={props.code} maxlength="32" autocomplete="off" spellcheck="false" {...describe(errors, 'code', true)} />
            </Field>
            <div><button type="submit" safe>{t('gateways.enrol.submit')}</button></div>
          </form>
        </section>
      ) : ''}
      <p><a href="/staff" safe>{t('gateways.back.staff')}</a></p>
    </Layout>
  );
}

/** The command that enrols and starts the gateway; `<this machine>` is for the person to fill in. */
export function enrolCommand(page: PageContext, publicUrl: string, token: string): string {
  return `npx egov gateway --hub ${publicUrl} --token ${token} --data /var/lib/egov-gateway --exchange-url https://<${page.t('gateways.token.machine')}>:5500`;
}

/**
 * The one-time token, shown on the answer to the form's post and nowhere else: it cannot be
 * fetched again (only its hash is stored), so the page says so and the reply is not cached.
 */
export function EnrolmentTokenPage(props: { page: PageContext; token: EnrolmentToken; publicUrl: string; caFingerprint: string }): JSX.Element {
  const { t } = props.page;
  const k = props.token;
  const title = t('gateways.token.title', { code: k.code });
  return (
    <Layout page={props.page} title={title}>
      <div class="panel" id="token">
        <h1 safe>{title}</h1>
        <p>
          <span safe>{t('gateways.token.label')}</span><br />
          <code class="reference" id="token-value" safe>{k.token}</code>
        </p>
      </div>
      <p class="notice bad" id="token-once" safe>{t('gateways.token.once')}</p>
      <p id="token-expires" safe>{t('gateways.token.expires', { at: chinaTime(k.expiresAt) })}</p>
      <h2 safe>{t('gateways.token.run')}</h2>
      <p><code id="command" safe>{enrolCommand(props.page, props.publicUrl, k.token)}</code></p>
      <p class="hint" safe>{t('gateways.token.machineHint', { machine: t('gateways.token.machine') })}</p>
      <p safe>{t('gateways.token.pin')}</p>
      <p><code id="ca-fingerprint" safe>{props.caFingerprint}</code></p>
      <p><a href="/staff/gateways" safe>{t('gateways.token.back')}</a></p>
    </Layout>
  );
}

export interface DepartmentGateways {
  department: string;
  name: string;
  gateways: Gateway[];
}

/** The console's list of every department's gateways. */
export function ConsoleGatewaysPage(props: {
  page: PageContext; groups: DepartmentGateways[]; now: Date; canRevoke: boolean; scoped: boolean;
  revoke: RevokeValues; errors: FieldError[]; notice: MessageKey | null;
}): JSX.Element {
  const { t } = props.page;
  const title = t('console.gateways');
  const all = props.groups.flatMap((g) => g.gateways);
  const stale = all.filter((g) => anchorStale(g, props.now)).length;
  return (
    <Layout page={props.page} title={titleOf(props.page, title, props.errors)}>
      <ConsoleNav page={props.page} />
      <ErrorSummary page={props.page} errors={props.errors} />
      <h1 safe>{title}</h1>
      {props.notice ? <p class="notice ok" role="status" safe>{t(props.notice)}</p> : ''}
      {props.scoped ? <p class="notice" safe>{t('console.gateways.scope')}</p> : ''}
      <p class="lead" safe>{t('console.gateways.lead')}</p>
      <ul class="stats">
        <li><strong safe>{String(props.groups.length)}</strong><span safe>{t('console.gateways.departments')}</span></li>
        <li><strong safe>{String(all.length)}</strong><span safe>{t('console.gateways.count')}</span></li>
        <li><strong safe>{String(stale)}</strong><span safe>{t('console.gateways.stale')}</span></li>
      </ul>
      <p class="hint" safe>{t('gateways.times')}</p>
      {props.groups.length === 0 ? <p id="no-gateways" safe>{t('console.gateways.none')}</p> : props.groups.map((group) => {
        const headingId = idOf('department', group.department);
        return (
          <section aria-labelledby={headingId} class="department">
            <h2 id={headingId}><span safe>{group.name}</span> <code safe>{group.department}</code></h2>
            <GatewayList page={props.page} gateways={group.gateways} now={props.now} revokeBase={props.canRevoke ? '/console/gateways' : null}
              revoke={props.revoke} errors={props.errors} level={3} />
          </section>
        );
      })}
    </Layout>
  );
}
