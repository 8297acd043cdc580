import { randomUUID } from 'node:crypto';
import type { HubDatabase as Db, HubTx } from '../hub/database.ts';
import { beginJournaledWrite } from '../journal/service.ts';
import { type Actor, hasRole, requireRole } from '../platform/access.ts';
import { type WorkingCalendar, chinaDate } from '../platform/calendar.ts';
import { conflict, forbidden, invalid, notFound } from '../platform/errors.ts';
import { findDepartment } from '../registry/service.ts';
import { type ClockColumns, pauseClock, pausesOf, resumeClock, startClock, workingDaysLeft } from './clock.ts';
import type { Case, CaseEventRow, CaseRow, CaseSummary, EventKind, Visibility } from './schema.ts';
import * as store from './store.ts';
import { type ActionBy, type CaseTypeDef, actionsFrom, caseTypes, clockStartsAtCreation } from './types.ts';

/**
 * What the case services share: one write (transaction, actor, instant), the transition that
 * every state change goes through, the timeline, and the views. Not for other modules: they
 * call service.ts.
 */

export interface CasePolicy {
  calendar: WorkingCalendar;
  /** Reference numbers read `${prefix}-${year}-${n}`: the city's short code, e.g. DL. */
  referencePrefix: string;
  /** sweepDeadlines warns once a case has this many working days left, or fewer. */
  warningDays: number;
  /** The time every write is stamped with; tests fix it. */
  now(): Date;
}

export function casePolicy(options: Pick<CasePolicy, 'calendar' | 'referencePrefix'> & Partial<CasePolicy>): CasePolicy {
  const policy = { warningDays: 2, now: () => new Date(), ...options };
  if (!/^[A-Z]{1,8}$/.test(policy.referencePrefix)) throw new Error(`a reference prefix is 1 to 8 capital letters, not ${policy.referencePrefix}`);
  if (!Number.isInteger(policy.warningDays) || policy.warningDays < 0) throw new Error(`warningDays is a whole number ≥ 0, not ${policy.warningDays}`);
  return policy;
}

/** One write: its transaction, who acts, and the instant all its rows carry. */
export interface Write {
  tx: HubTx;
  policy: CasePolicy;
  actor: Actor;
  at: string;
  /** The date in China at that instant: what the clocks count in. */
  today: string;
}

/** Runs `work` in one transaction holding the journal's lock, so reads made in it (a counter, an idempotency key) stay true until it commits. */
export async function inWrite<T>(db: Db, policy: CasePolicy, actor: Actor, work: (w: Write) => Promise<T>): Promise<T> {
  const now = policy.now();
  return db.transaction(async (tx) => {
    await beginJournaledWrite(tx);
    return work({ tx, policy, actor, at: now.toISOString(), today: chinaDate(now) });
  });
}

export async function caseForWrite(w: Write, id: string): Promise<CaseRow> {
  const row = await store.getCase(w.tx, id);
  if (!row) throw notFound(`no case ${id}`);
  return row;
}

export function typeOf(row: Pick<CaseRow, 'type'>): CaseTypeDef {
  const type = caseTypes[row.type];
  if (!type) throw new Error(`a case has the type ${row.type}, which is no longer defined`);
  return type;
}

// ——— Checks ———

export function requiredText(value: string | undefined | null, field: string, max: number, what: string): string {
  const trimmed = value?.trim() ?? '';
  if (!trimmed) throw invalid(`${what} is missing`, { field });
  if (trimmed.length > max) throw invalid(`${what} is longer than ${max} characters`, { field });
  return trimmed;
}

export function checkKey(key: string | undefined): void {
  if (key !== undefined && (typeof key !== 'string' || key.length < 1 || key.length > 100)) {
    throw invalid('the idempotency key is 1 to 100 characters', { field: 'idempotencyKey' });
  }
}

export function checkTimeLimit(value: number | undefined, field: string): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 1 || value > 365)) {
    throw invalid('a time limit is a whole number of working days from 1 to 365', { field });
  }
}

export async function checkDepartment(db: Db, code: string | undefined, field: string): Promise<string> {
  if (typeof code !== 'string' || !code || !(await findDepartment(db, code))) throw invalid(`there is no department ${code ?? ''}`, { field });
  return code;
}

/** Clerks and department administrators act on their own department's cases; platform administrators on every department's. */
export function requireStaffOf(actor: Actor, row: CaseRow): void {
  if (hasRole(actor, 'platform_admin')) return;
  if (actor.department === row.department_id && hasRole(actor, 'clerk', 'dept_admin')) return;
  throw forbidden(`case ${row.reference} is handled by department ${row.department_id}; you can act only on your own department's cases`, { department: row.department_id });
}

export function requireRight(actor: Actor, row: CaseRow, by: ActionBy): void {
  if (by === 'staff') return requireStaffOf(actor, row);
  if (by === 'admin') return requireRole(actor, 'platform_admin');
  // The portal acts for applicants as a system actor, after it has checked who they are.
  if (by === 'applicant' && (actor.actor === row.applicant || hasRole(actor, 'platform_admin'))) return;
  throw forbidden(`only the applicant can do this on case ${row.reference}`);
}

/** Throws the conflict a person sees when an action does not fit the case's state. */
export function checkTransition(row: CaseRow, action: string): void {
  const type = typeOf(row);
  if (type.actions[action]!.from.includes(row.state)) return;
  const allowed = actionsFrom(type, row.state);
  const now = allowed.length ? `possible now: ${allowed.join(', ')}` : 'nothing more can be done on it';
  throw conflict(`case ${row.reference} is ${row.state} (${type.states[row.state]!.kind}); ${action} is not possible from there, ${now}`, { field: 'action', state: row.state, allowed });
}

/**
 * A repeated operation: the key's first use is found, and when it was this same operation the
 * caller gets the case as it now is instead of a second effect.
 */
export async function repeated(w: Write, key: string | undefined, same: (event: CaseEventRow) => boolean): Promise<CaseEventRow | null> {
  if (key === undefined) return null;
  const earlier = await store.findEventByKey(w.tx, key);
  if (!earlier) return null;
  if (!same(earlier)) throw conflict('this idempotency key was already used for another operation', { field: 'idempotencyKey' });
  return earlier;
}

// ——— Writes ———

export interface EventInput {
  kind: EventKind;
  visibility: Visibility;
  action?: string;
  from?: string;
  to?: string;
  note?: string | null;
  detail?: Record<string, unknown>;
  key?: string | undefined;
}

export async function record(w: Write, row: CaseRow, e: EventInput): Promise<void> {
  await store.insertEvent(w.tx, w.actor, {
    id: randomUUID(), case_id: row.id, seq: await store.lastEventSeq(w.tx, row.id) + 1, at: w.at, actor: w.actor.actor,
    department_id: w.actor.department ?? row.department_id, kind: e.kind, action: e.action ?? null, from_state: e.from ?? null,
    to_state: e.to ?? null, visibility: e.visibility, note: e.note ?? null, detail: e.detail ? JSON.stringify(e.detail) : null,
    idempotency_key: e.key ?? null,
  });
}

export interface NewCase {
  type: CaseTypeDef;
  reference: string;
  subject: string;
  applicant: string;
  applicantName: string;
  department: string;
  parent: string | null;
  timeLimit: number;
  key?: string | undefined;
}

export async function insertCase(w: Write, c: NewCase): Promise<CaseRow> {
  let clock: ClockColumns = { time_limit: c.timeLimit, clock_started_on: null, paused_on: null, pauses: '[]', deadline: null };
  if (clockStartsAtCreation(c.type)) clock = startClock(w.policy.calendar, clock, w.today);
  const row = await store.insertCase(w.tx, w.actor, {
    id: randomUUID(), reference: c.reference, type: c.type.code, subject: c.subject, applicant: c.applicant, applicant_name: c.applicantName,
    department_id: c.department, assignee: null, state: c.type.initial, is_open: 1, parent_id: c.parent, ...clock,
    warned_at: null, escalated_at: null, created_at: w.at, updated_at: w.at, closed_at: null,
  });
  await record(w, row, { kind: 'created', visibility: 'public', to: row.state, key: c.key, detail: { type: c.type.code, timeLimit: c.timeLimit, ...(c.parent && { parent: c.parent }) } });
  if (row.deadline) await record(w, row, { kind: 'clock_started', visibility: 'public', detail: { deadline: row.deadline } });
  return row;
}

/**
 * The one way a case changes state: checks the transition, runs its clock effect, records the
 * action and what it did to the clock, and when the case closes, cancels its open tasks and
 * lets its parent settle.
 */
export async function applyAction(w: Write, row: CaseRow, action: string, options: { note?: string | null; key?: string | undefined; detail?: Record<string, unknown> } = {}): Promise<CaseRow> {
  checkTransition(row, action);
  const type = typeOf(row);
  const def = type.actions[action]!;
  const closing = type.states[def.to]!.kind === 'closed';
  const before: ClockColumns = { time_limit: row.time_limit, clock_started_on: row.clock_started_on, paused_on: row.paused_on, pauses: row.pauses, deadline: row.deadline };
  let clock = before;
  if (def.clock === 'start' && !clock.clock_started_on) clock = startClock(w.policy.calendar, clock, w.today);
  if (def.clock === 'pause') clock = pauseClock(clock, w.today);
  // A case that closes while paused ends its pause, so every closed case has a deadline to be judged on time against.
  if (def.clock === 'resume' || closing) clock = resumeClock(w.policy.calendar, clock, w.today);
  const updated = await store.updateCase(w.tx, w.actor, row.id, {
    state: def.to, is_open: closing ? 0 : 1, ...clock, closed_at: closing ? w.at : null, updated_at: w.at,
  });
  await record(w, updated, { kind: 'action', visibility: 'public', action, from: row.state, to: def.to, note: options.note ?? null, key: options.key, ...(options.detail && { detail: options.detail }) });
  if (!before.clock_started_on && clock.clock_started_on) await record(w, updated, { kind: 'clock_started', visibility: 'public', detail: { deadline: clock.deadline } });
  if (!before.paused_on && clock.paused_on) await record(w, updated, { kind: 'clock_paused', visibility: 'public', detail: { since: clock.paused_on } });
  if (before.paused_on && !clock.paused_on && !closing) await record(w, updated, { kind: 'clock_resumed', visibility: 'public', detail: { paused: pausesOf(clock).at(-1), deadline: clock.deadline } });
  if (closing) {
    for (const child of await store.listChildren(w.tx, row.id)) {
      if (child.is_open) await applyAction(w, child, typeOf(child).joint!.cancel, { note: `case ${row.reference} was closed (${def.to})` });
    }
    if (updated.parent_id) await settleParent(w, updated.parent_id);
  }
  return updated;
}

/**
 * Joint handling closes the parent when its tasks decide it: approved when every task closed
 * approved; rejected as soon as one task closes any other way, and that closing cancels the
 * tasks still open. A joint application is one application with one answer (一件事): once one
 * department refuses its part the whole cannot be granted, so the other departments should not
 * spend more time on it and the applicant should not wait for them to learn the answer.
 */
async function settleParent(w: Write, parentId: string): Promise<void> {
  const parent = (await store.getCase(w.tx, parentId))!;
  const joint = typeOf(parent).joint;
  if (!parent.is_open || !joint) return;
  const tasks = await store.listChildren(w.tx, parent.id);
  const failed = tasks.find((t) => !t.is_open && typeOf(t).states[t.state]!.outcome !== 'approved');
  if (failed) {
    await applyAction(w, parent, joint.reject, { note: `task ${failed.reference} of department ${failed.department_id} was ${failed.state}`, detail: { task: failed.reference } });
  } else if (tasks.every((t) => !t.is_open)) {
    await applyAction(w, parent, joint.approve, { note: `all ${tasks.length} tasks approved`, detail: { tasks: tasks.map((t) => t.reference) } });
  }
}

// ——— Views ———

export function summaryOf(policy: CasePolicy, row: CaseRow): CaseSummary {
  const type = typeOf(row);
  const state = type.states[row.state]!;
  const left = row.is_open ? workingDaysLeft(policy.calendar, row, policy.now()) : null;
  return {
    id: row.id, reference: row.reference, type: row.type, subject: row.subject, applicantName: row.applicant_name, department: row.department_id,
    assignee: row.assignee, state: row.state, stateKind: state.kind, outcome: state.outcome ?? null, parent: row.parent_id, deadline: row.deadline,
    workingDaysLeft: left, paused: row.paused_on !== null, overdue: left !== null && left < 0, escalated: row.escalated_at !== null,
    createdAt: row.created_at, updatedAt: row.updated_at,
  };
}

export type Audience = 'staff' | 'applicant';

/** Staff see the whole timeline; the applicant the public events, and nobody's account ids. */
export async function caseView(db: HubTx, policy: CasePolicy, row: CaseRow, audience: Audience): Promise<Case> {
  const [children, events] = await Promise.all([store.listChildren(db, row.id), store.listEvents(db, row.id)]);
  return {
    ...summaryOf(policy, row),
    ...(audience === 'applicant' && { assignee: null }),
    applicant: row.applicant, timeLimit: row.time_limit, clockStartedOn: row.clock_started_on, pausedSince: row.paused_on,
    pauses: pausesOf(row), warnedAt: row.warned_at, escalatedAt: row.escalated_at, closedAt: row.closed_at,
    allowedActions: actionsFrom(typeOf(row), row.state),
    children: children.map((c) => ({ ...summaryOf(policy, c), ...(audience === 'applicant' && { assignee: null }) })),
    timeline: events.filter((e) => audience === 'staff' || e.visibility === 'public').map((e) => ({
      seq: e.seq, at: e.at, actor: audience === 'staff' ? e.actor : '', department: e.department_id, kind: e.kind, action: e.action,
      fromState: e.from_state, toState: e.to_state, visibility: e.visibility, note: e.note,
      detail: e.detail === null ? null : JSON.parse(e.detail) as Record<string, unknown>,
    })),
  };
}

/** Who reads a case as staff: its department, the departments of its joint parent and tasks, platform administrators and auditors. */
export async function staffMaySee(db: HubTx, actor: Actor, row: CaseRow): Promise<boolean> {
  if (hasRole(actor, 'platform_admin', 'auditor')) return true;
  if (actor.kind !== 'staff' || !actor.department) return false;
  if (actor.department === row.department_id) return true;
  const related = [...(row.parent_id ? [await store.getCase(db, row.parent_id)] : []), ...await store.listChildren(db, row.id)];
  return related.some((r) => r?.department_id === actor.department);
}
