import Html from '@kitajs/html';
import { type Actor, hasRole } from '../../platform/access.ts';
import { maskCitizenId, maskName, maskText } from '../../platform/masking.ts';
import { localName, type MessageKey } from '../../web/i18n.ts';
import type { PageContext } from '../../web/layout.tsx';
import type { CaseSummary } from '../schema.ts';
import { caseTypes } from '../service.ts';

/** What the queue and the case page share: states and clocks in words, masking, times. */

/** Personal data is shown in full to those whose role needs it (the department's head, the platform); a clerk sees it masked. */
export function seesPersonalData(actor: Actor): boolean {
  return hasRole(actor, 'dept_admin', 'platform_admin');
}

export function applicantName(actor: Actor, name: string): string {
  return seesPersonalData(actor) ? name : maskName(name);
}

/** The applicant's account or ID number: an 18-character ID keeps its region code and last two characters. */
export function applicantId(actor: Actor, id: string): string {
  if (seesPersonalData(actor)) return id;
  return /^\d{17}[\dXx]$/.test(id) ? maskCitizenId(id) : maskText(id);
}

export function stateName(page: PageContext, type: string, state: string): string {
  const def = caseTypes[type]?.states[state];
  return def ? localName(page.lang, def) : state;
}

export type Urgency = 'closed' | 'notStarted' | 'paused' | 'overdue' | 'warning' | 'onTime';

export function urgencyOf(c: Pick<CaseSummary, 'stateKind' | 'workingDaysLeft' | 'paused' | 'overdue'>, warningDays: number): Urgency {
  if (c.stateKind === 'closed') return 'closed';
  if (c.paused) return 'paused';
  if (c.workingDaysLeft === null) return 'notStarted';
  if (c.overdue) return 'overdue';
  return c.workingDaysLeft <= warningDays ? 'warning' : 'onTime';
}

/** Working days left in words: paused, not started, overdue by n, or n left. */
export function DaysLeft(props: { page: PageContext; summary: CaseSummary; warningDays: number }): JSX.Element {
  const { t } = props.page;
  const c = props.summary;
  const urgency = urgencyOf(c, props.warningDays);
  const left = c.workingDaysLeft ?? 0;
  switch (urgency) {
    case 'closed': return <span safe>{t('cases.clock.closed')}</span>;
    case 'notStarted': return <span safe>{t('cases.clock.notStarted')}</span>;
    case 'paused': return <span class="clock-paused" safe>{t('cases.clock.paused', { days: left })}</span>;
    case 'overdue': return <span safe>{t('cases.clock.overdueBy', { days: -left })}</span>;
    default: return <span safe>{t('cases.clock.left', { days: left })}</span>;
  }
}

/** The deadline's status as a tag in words, never by colour alone. */
export function UrgencyTag(props: { page: PageContext; summary: CaseSummary; warningDays: number }): JSX.Element {
  const { t } = props.page;
  const urgency = urgencyOf(props.summary, props.warningDays);
  const escalated = props.summary.escalated && props.summary.stateKind === 'open';
  const tag = urgency === 'overdue' ? <strong class="tag overdue-tag" safe>{t('cases.urgency.overdue')}</strong>
    : urgency === 'warning' ? <strong class="tag" safe>{t('cases.urgency.warning')}</strong>
    : <span safe>{t(`cases.urgency.${urgency}` as MessageKey)}</span>;
  return <>{tag}{escalated ? <>{' '}<strong class="tag overdue-tag" safe>{t('cases.urgency.escalated')}</strong></> : ''}</>;
}
