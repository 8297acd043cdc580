import type { HubDatabase as Db, HubTx } from '../hub/database.ts';
import { derivedByKey } from '../journal/service.ts';
import { chinaDate } from '../platform/calendar.ts';
import { getAccount } from '../identity/service.ts';
import type { Account } from '../identity/schema.ts';
import { type Actor, hasRole } from '../platform/access.ts';
import { DomainError, conflict, forbidden, invalid, notFound } from '../platform/errors.ts';
import {
  type Audience, type CasePolicy, type Write, applyAction, caseForWrite, caseView, checkDepartment, checkKey, checkTimeLimit,
  checkTransition, inWrite, insertCase, record, repeated, requireRight, requireStaffOf, requiredText, staffMaySee, summaryOf, typeOf,
} from './engine.ts';
import type { ActionInput, AssignInput, Case, CaseFilter, CaseInput, CaseRow, CaseSummary, JointInput, NoteInput, TransferInput } from './schema.ts';
import { visibilities } from './schema.ts';
import * as store from './store.ts';
import { type CaseTypeDef, caseTypes } from './types.ts';

/**
 * The case engine: applications now, letters, disclosure requests and rectifications later, all
 * through one set of functions. States and transitions come from the case type (types.ts);
 * every write is one transaction through the journal; every change leaves an event on the
 * case's timeline.
 */

export { casePolicy, type CasePolicy } from './engine.ts';
export { workingDaysLeft } from './clock.ts';
export { sweepDeadlines, type SweepResult } from './deadlines.service.ts';
export { applicationType, caseTypes, defineCaseType, rectificationType, type CaseTypeDef } from './types.ts';

/**
 * Opens a case. The portal submits for applicants as a system actor; a clerk or department
 * administrator may register one for their own department (an application made at the counter).
 */
export async function createCase(db: Db, policy: CasePolicy, actor: Actor, input: CaseInput): Promise<Case> {
  const checked = await checkNewCase(db, actor, input);
  return inWrite(db, policy, actor, async (w) => viewFor(w, (await openIn(w, checked)).id));
}

interface CheckedCase {
  type: CaseTypeDef;
  subject: string;
  applicant: string;
  applicantName: string;
  department: string;
  timeLimit: number;
  key: string | undefined;
}

async function checkNewCase(db: Db, actor: Actor, input: CaseInput): Promise<CheckedCase> {
  const type = caseTypes[input.type];
  if (!type) throw invalid(`there is no case type ${input.type}; the types are ${Object.keys(caseTypes).join(', ')}`, { field: 'type' });
  const subject = requiredText(input.subject, 'subject', 200, 'the subject');
  const applicant = requiredText(input.applicant, 'applicant', 100, 'the applicant');
  const applicantName = requiredText(input.applicantName, 'applicantName', 100, 'the applicant\'s name');
  checkTimeLimit(input.timeLimit, 'timeLimit');
  checkKey(input.idempotencyKey);
  const department = await checkDepartment(db, input.department, 'department');
  if (!hasRole(actor, 'platform_admin') && !(actor.department === department && hasRole(actor, 'clerk', 'dept_admin'))) {
    throw forbidden('only the portal, or a clerk of the handling department, can open a case for it', { department });
  }
  return { type, subject, applicant, applicantName, department, timeLimit: input.timeLimit ?? type.timeLimit, key: input.idempotencyKey };
}

async function openIn(w: Write, c: CheckedCase): Promise<CaseRow> {
  const earlier = await repeated(w, c.key, (e) => e.kind === 'created');
  if (earlier) return (await store.getCase(w.tx, earlier.case_id))!;
  const year = w.today.slice(0, 4);
  const n = await store.nextInSequence(w.tx, w.actor, `${w.policy.referencePrefix}-${year}`);
  return insertCase(w, { ...c, reference: `${w.policy.referencePrefix}-${year}-${String(n).padStart(6, '0')}`, parent: null });
}

/**
 * An application as the one window opens it, in one transaction with the rows that go with it,
 * so a failure at any step leaves none of it behind. `write` runs in that transaction and calls
 * `open` when it has checked that the application was not opened before: the case, and with
 * `joint` (a life event, 一件事) its acceptance by the portal (一窗受理) and one task per
 * department.
 */
export async function openApplication<T>(
  db: Db, policy: CasePolicy, actor: Actor, input: CaseInput, joint: { note: string; tasks: JointInput['tasks'] } | null,
  write: (tx: HubTx, open: () => Promise<{ case: CaseRow; tasks: CaseRow[] }>) => Promise<T>,
): Promise<T> {
  const checked = await checkNewCase(db, actor, input);
  const tasks = joint ? await checkTasks(db, joint) : null;
  return inWrite(db, policy, actor, (w) => write(w.tx, async () => {
    const opened = await openIn(w, checked);
    if (!tasks) return { case: opened, tasks: [] };
    // An application half sent before sending was one transaction goes on where it stopped: the
    // same keys as then, and tasks already opened are kept.
    const earlier = await store.listChildren(w.tx, opened.id);
    if (earlier.length > 0) return { case: opened, tasks: earlier };
    const key = checked.key && `${checked.key}:accept`;
    if (opened.state === checked.type.initial) await actIn(w, opened.id, { action: 'accept', note: joint!.note, ...(key && { idempotencyKey: key }) });
    return { case: (await store.getCase(w.tx, opened.id))!, tasks: await openJointIn(w, opened.id, tasks) };
  }));
}

/** Takes one of the case type's actions: accept, request_supplement, approve, withdraw… */
export async function actOnCase(db: Db, policy: CasePolicy, actor: Actor, id: string, input: ActionInput): Promise<Case> {
  return inWrite(db, policy, actor, async (w) => viewFor(w, (await actIn(w, id, input)).id));
}

async function actIn(w: Write, id: string, input: ActionInput): Promise<CaseRow> {
  checkKey(input.idempotencyKey);
  const note = input.note?.trim() || null;
  if (note && note.length > 4000) throw invalid('the note is longer than 4000 characters', { field: 'note' });
  const row = await caseForWrite(w, id);
  const type = typeOf(row);
  const def = type.actions[input.action];
  if (!def || def.by === 'engine') {
    const names = Object.entries(type.actions).filter(([, a]) => a.by !== 'engine').map(([name]) => name);
    throw invalid(`a ${type.code} case has no action ${input.action}; its actions are ${names.join(', ')}`, { field: 'action' });
  }
  requireRight(w.actor, row, def.by);
  if (await repeated(w, input.idempotencyKey, (e) => e.case_id === row.id && e.action === input.action)) return row;
  checkTransition(row, input.action);
  if (def.needsNote && !note) throw invalid(`${input.action} needs a note saying why, or what exactly is needed`, { field: 'note' });
  if (row.parent_id && def.by === 'applicant' && type.states[def.to]!.outcome === 'withdrawn') {
    const parent = (await store.getCase(w.tx, row.parent_id))!;
    throw conflict(`case ${row.reference} is one task of the joint application ${parent.reference}; withdraw that one instead`, { field: 'action' });
  }
  return applyAction(w, row, input.action, { note, key: input.idempotencyKey });
}

export async function addNote(db: Db, policy: CasePolicy, actor: Actor, id: string, input: NoteInput): Promise<Case> {
  const note = requiredText(input.text, 'text', 4000, 'the note');
  if (!(visibilities as readonly string[]).includes(input.visibility)) throw invalid(`a note is ${visibilities.join(' or ')}`, { field: 'visibility' });
  checkKey(input.idempotencyKey);
  return inWrite(db, policy, actor, async (w) => {
    const row = await caseForWrite(w, id);
    requireStaffOf(actor, row);
    if (!await repeated(w, input.idempotencyKey, (e) => e.case_id === row.id && e.kind === 'note')) {
      await record(w, row, { kind: 'note', visibility: input.visibility, note, key: input.idempotencyKey });
    }
    return viewFor(w, row.id);
  });
}

/** Gives the case to a clerk of its department, or (null) puts it back in the department's queue. */
export async function assignCase(db: Db, policy: CasePolicy, actor: Actor, id: string, input: AssignInput): Promise<Case> {
  let account: Account | null = null;
  if (input.assignee !== null) {
    account = await getAccount(db, input.assignee).catch((error: unknown) => {
      if (error instanceof DomainError && error.code === 'not_found') throw invalid(`there is no account ${input.assignee}`, { field: 'assignee' });
      throw error;
    });
    if (account.disabled || !account.roles.some((r) => r === 'clerk' || r === 'dept_admin')) {
      throw invalid(`${account.displayName} cannot handle cases (a disabled account, or not a clerk)`, { field: 'assignee' });
    }
  }
  return inWrite(db, policy, actor, async (w) => {
    const row = await caseForWrite(w, id);
    requireStaffOf(actor, row);
    if (!row.is_open) throw conflict(`case ${row.reference} is closed; there is nothing left to assign`);
    if (account && account.department !== row.department_id) {
      throw invalid(`${account.displayName} works in another department; assign a clerk of ${row.department_id}, or transfer the case`, { field: 'assignee' });
    }
    if (row.assignee !== (account?.id ?? null)) {
      const updated = await store.updateCase(w.tx, actor, row.id, { assignee: account?.id ?? null, updated_at: w.at });
      await record(w, updated, { kind: 'assigned', visibility: 'internal', detail: { from: row.assignee, to: updated.assignee, ...(account && { name: account.displayName }) } });
    }
    return viewFor(w, row.id);
  });
}

/** Hands the case to another department's queue; the reason is kept on the timeline, where the applicant sees it too. */
export async function transferCase(db: Db, policy: CasePolicy, actor: Actor, id: string, input: TransferInput): Promise<Case> {
  const reason = requiredText(input.reason, 'reason', 1000, 'the reason for the transfer');
  const to = await checkDepartment(db, input.department, 'department');
  return inWrite(db, policy, actor, async (w) => {
    const row = await caseForWrite(w, id);
    requireStaffOf(actor, row);
    if (!row.is_open) throw conflict(`case ${row.reference} is closed; it cannot be transferred`);
    if (to === row.department_id) throw invalid(`case ${row.reference} is already with department ${to}`, { field: 'department' });
    const updated = await store.updateCase(w.tx, actor, row.id, { department_id: to, assignee: null, updated_at: w.at });
    await record(w, updated, { kind: 'transferred', visibility: 'public', note: reason, detail: { from: row.department_id, to } });
    return viewFor(w, row.id);
  });
}

/**
 * Joint handling (联办): the case becomes the parent of one task per department, each a case of
 * the same type with its own reference (`${parent}-1`, `-2`…), queue and clock. The parent
 * closes by itself when the tasks decide it (engine.ts, settleParent).
 */
export async function openJointHandling(db: Db, policy: CasePolicy, actor: Actor, id: string, input: JointInput): Promise<Case> {
  const tasks = await checkTasks(db, input);
  return inWrite(db, policy, actor, async (w) => {
    await openJointIn(w, id, tasks);
    return viewFor(w, id);
  });
}

async function checkTasks(db: Db, input: JointInput): Promise<JointInput['tasks']> {
  const tasks = Array.isArray(input.tasks) ? input.tasks : [];
  if (tasks.length < 1 || tasks.length > 20) throw invalid('joint handling needs 1 to 20 tasks, one per department', { field: 'tasks' });
  const seen = new Set<string>();
  for (const [i, t] of tasks.entries()) {
    await checkDepartment(db, t.department, `tasks[${i}].department`);
    if (seen.has(t.department)) throw invalid(`department ${t.department} has two tasks; give each department one`, { field: `tasks[${i}].department` });
    seen.add(t.department);
    if (t.subject !== undefined) requiredText(t.subject, `tasks[${i}].subject`, 200, 'the task\'s subject');
    checkTimeLimit(t.timeLimit, `tasks[${i}].timeLimit`);
  }
  return tasks;
}

/** Makes the case the parent of the tasks; returns them. */
async function openJointIn(w: Write, id: string, tasks: JointInput['tasks']): Promise<CaseRow[]> {
  const row = await caseForWrite(w, id);
  const type = typeOf(row);
  requireStaffOf(w.actor, row);
  if (!type.joint) throw conflict(`${type.code} cases are not handled jointly`);
  if (row.parent_id) throw conflict(`case ${row.reference} is itself a task of a joint case`);
  checkTransition(row, type.joint.open);
  const created: CaseRow[] = [];
  for (const [i, t] of tasks.entries()) {
    created.push(await insertCase(w, {
      type, reference: `${row.reference}-${i + 1}`, subject: t.subject?.trim() ?? row.subject, applicant: row.applicant,
      applicantName: row.applicant_name, department: t.department, parent: row.id, timeLimit: t.timeLimit ?? type.timeLimit,
    }));
  }
  await applyAction(w, row, type.joint.open, { detail: { tasks: created.map((c) => ({ reference: c.reference, department: c.department_id })) } });
  return created;
}

// ——— Reading ———

/**
 * A case by id or reference: the full timeline for staff who may see it, the public part for its
 * applicant; nobody else learns that it exists. Shared and frozen: a case page reads the case
 * itself and again in the services it calls (what was sent, the application), so the same reader
 * gets the same view until the journal moves, or the day does (the working days left).
 */
export async function getCase(db: Db, policy: CasePolicy, actor: Actor, id: string): Promise<Case> {
  let aliases = referenceOfId.get(db);
  if (!aliases) referenceOfId.set(db, aliases = new Map());
  const c = await caseViews(db, { policy, actor, id: aliases.get(id) ?? id });
  if (c.id !== c.reference && !aliases.has(c.id)) {
    aliases.set(c.id, c.reference);
    if (aliases.size > 1000) aliases.delete(aliases.keys().next().value!);
  }
  return c;
}

// An id and its reference name the same case for ever, so either finds the view read by the other.
const referenceOfId = new WeakMap<Db, Map<string, string>>();
const policyNumbers = new WeakMap<CasePolicy, number>();
let policies = 0;

const caseViews = derivedByKey(async (db: Db, { policy, actor, id }: { policy: CasePolicy; actor: Actor; id: string }) => {
  const row = await store.getCase(db.db, id);
  const audience = row ? await audienceOf(db, actor, row) : null;
  if (!row || !audience) throw notFound(`no case ${id}`);
  return caseView(db.db, policy, row, audience);
}, 1000, ({ policy, actor, id }) => {
  let n = policyNumbers.get(policy);
  if (n === undefined) policyNumbers.set(policy, n = ++policies);
  return `${n} ${chinaDate(policy.now())} ${actor.kind} ${actor.actor} ${actor.department ?? ''} ${actor.roles.join(',')} ${id}`;
});

/** Progress lookup without an account: the reference number and the applicant's name must both match. */
export async function lookupCase(db: Db, policy: CasePolicy, reference: string, applicantName: string): Promise<Case> {
  const row = await store.getCase(db.db, reference.trim());
  if (!row || row.reference !== reference.trim() || row.applicant_name !== applicantName.trim()) throw notFound(`no case ${reference} for that name`);
  return caseView(db.db, policy, row, 'applicant');
}

/**
 * Queues: department staff see their own department's cases (filter by assignee for "mine",
 * assignee null for the unassigned queue, escalated for the head's); platform administrators and
 * auditors any department's.
 */
export async function listCases(db: Db, policy: CasePolicy, actor: Actor, filter: CaseFilter = {}): Promise<CaseSummary[]> {
  let department = filter.department;
  if (!hasRole(actor, 'platform_admin', 'auditor')) {
    if (actor.kind !== 'staff' || !actor.department) throw forbidden('only department staff have case queues');
    if (department && department !== actor.department) throw forbidden('you can list your own department\'s cases only', { department });
    department = actor.department;
  }
  const rows = await store.listCases(db.db, { ...filter, department });
  return rows.map((row) => summaryOf(policy, row));
}

/** An applicant's own cases, for the signed-in citizen's page (the portal calls it as a system actor). */
export async function listApplicantCases(db: Db, policy: CasePolicy, actor: Actor, applicant: string): Promise<CaseSummary[]> {
  if (actor.actor !== applicant && !hasRole(actor, 'platform_admin')) throw forbidden('you can list your own cases only');
  return (await store.listCases(db.db, { applicant })).map((row) => ({ ...summaryOf(policy, row), assignee: null }));
}

async function audienceOf(db: Db, actor: Actor, row: CaseRow): Promise<Audience | null> {
  if (await staffMaySee(db.db, actor, row)) return 'staff';
  return actor.actor === row.applicant ? 'applicant' : null;
}

/** The case after a write, as the actor may see it. */
async function viewFor(w: Write, id: string): Promise<Case> {
  const row = (await store.getCase(w.tx, id))!;
  const audience = (await staffMaySee(w.tx, w.actor, row)) ? 'staff' : 'applicant';
  return caseView(w.tx, w.policy, row, audience);
}
