import { createHash } from 'node:crypto';
import { type CasePolicy, actOnCase, getCase, openApplication } from '../cases/service.ts';
import type { Case } from '../cases/schema.ts';
import type { HubDatabase as Db } from '../hub/database.ts';
import type { Person } from '../identity/people.service.ts';
import { beginJournaledWrite } from '../journal/service.ts';
import { type Actor, hasRole, systemActor } from '../platform/access.ts';
import { conflict, forbidden, invalid, notFound } from '../platform/errors.ts';
import type { AnswerProblem, Answers } from './answers.ts';
import type { Application, ApplicationRow, Draft, FileInfo, PrefillSource } from './applications.schema.ts';
import { draftProblems, fileInfo, getDraft, questionsOf, targetOf } from './applications.service.ts';
import * as store from './applications.store.ts';
import type { ServiceItem } from './schema.ts';
import { type Upload, checkUpload } from './uploads.ts';
import { getServiceItem } from './service.ts';

/**
 * Sending an application, and what was sent: the case opens as the portal (the system actor
 * that acts for applicants once it knows who they are), keyed by the draft's id, so a second
 * click, a second tab or a resent form finds the case the first one opened. The answers and
 * files stay with the case for its clerks, who see them; nobody else does.
 */

export interface Submitted {
  draft: Draft;
  /** The case as its applicant sees it: the reference, the department, the time limit. */
  case: Case;
}

/** A problem that stops sending: an answer, a missing upload, or the declaration not accepted. */
export type SendProblem = AnswerProblem | { field: 'declaration'; code: 'declaration' };

/** The promised time limit as a case's limit: a 0-day item (即办) is still given one working day to be handled in. */
export const caseDays = (items: readonly Pick<ServiceItem, 'timeLimit'>[]): number => Math.max(1, ...items.map((i) => i.timeLimit.promisedDays));

/**
 * Sends the draft. Everything is checked again (answers against the item's form, uploads of
 * required materials, the declaration, the item still in force); then the case opens, and for a
 * life event its parent is accepted by the portal (一窗受理) and handed to one task per
 * department, all in one transaction with the application and the draft's new state: a failure
 * anywhere leaves the draft as it was, to be sent again.
 */
export async function submitApplication(db: Db, policy: CasePolicy, actor: Actor, person: Person, id: string, input: { declared: boolean }): Promise<Submitted> {
  if (actor.kind !== 'person' || actor.actor !== `person:${person.id}`) throw forbidden('applications are sent by the signed-in applicant');
  const draft = await getDraft(db, actor, id);
  if (draft.state === 'submitted') return { draft, case: await getCase(db, policy, actor, draft.caseId!) };
  const target = await targetOf(db, { kind: draft.subjectKind, code: draft.subjectCode }, draft.versions);
  for (const item of target.items) {
    const now = await getServiceItem(db, item.code);
    if (now.withdrawn) throw conflict(`item ${item.code} was withdrawn after this application was started; it can no longer be sent`, { reason: 'withdrawn' });
  }
  const problems: SendProblem[] = [...draftProblems(draft, target.items), ...(input.declared ? [] : [{ field: 'declaration' as const, code: 'declaration' as const }])];
  if (problems.length) {
    throw invalid(`the application cannot be sent yet: ${problems.map((p) => `${p.field} (${p.code})`).join(', ')}`, { field: problems[0]!.field, problem: problems[0]!.code, problems });
  }

  const portal = systemActor('portal', actor.requestId);
  const groups = byDepartment(target.items);
  const joint = target.kind === 'life_event' ? {
    note: '一件事联办：由政务服务网统一受理，分送各部门办理',
    tasks: [...groups].map(([department, items]) => ({ department, subject: items.map((i) => i.nameZh).join('、').slice(0, 200), timeLimit: caseDays(items) })),
  } : null;
  const caseId = await openApplication(db, policy, portal, {
    type: 'application', subject: target.nameZh.slice(0, 200), applicant: actor.actor, applicantName: person.name.slice(0, 100),
    department: target.items[0]!.department.code, timeLimit: caseDays(target.items), idempotencyKey: draft.id,
  }, joint, async (tx, open) => {
    // Sent a moment ago, by a second click or another tab: the case that one opened.
    const row = (await store.getDraft(tx, id))!;
    if (row.state === 'submitted') return row.case_id!;
    const opened = await open();
    const now = new Date().toISOString();
    const record = (caseId: string, items: readonly ServiceItem[]) => {
      const keys = new Set(questionsOf(items).map((q) => q.field.key));
      const pick = <T>(all: Record<string, T>) => Object.fromEntries(Object.entries(all).filter(([k]) => keys.has(k)));
      return store.insertApplication(tx, portal, {
        id: caseId, case_id: caseId, draft_id: id, applicant: actor.actor, life_event: target.kind === 'life_event' ? target.code : null,
        items: JSON.stringify(items.map((i) => `${i.code}@${i.version}`)), answers: JSON.stringify(pick(draft.answers)),
        prefilled: JSON.stringify(pick(draft.prefilled)), consent_at: draft.consentAt, submitted_at: now,
      });
    };
    await record(opened.case.id, target.items);
    for (const task of opened.tasks) await record(task.id, groups.get(task.department_id) ?? []);
    await store.updateDraft(tx, actor, id, { state: 'submitted', case_id: opened.case.id, submitted_at: now, updated_at: now });
    return opened.case.id;
  });
  return { draft: await getDraft(db, actor, id), case: await getCase(db, policy, actor, caseId) };
}

/** Items by the department that handles them, in the order the life event lists them. */
function byDepartment(items: readonly ServiceItem[]): Map<string, ServiceItem[]> {
  const groups = new Map<string, ServiceItem[]>();
  for (const item of items) groups.set(item.department.code, [...(groups.get(item.department.code) ?? []), item]);
  return groups;
}

// ——— What was sent ———

/** The application sent with a case, for those who may see the case (its clerks, its applicant); null for a case opened otherwise. */
export async function applicationOfCase(db: Db, policy: CasePolicy, actor: Actor, caseIdOrReference: string): Promise<Application | null> {
  const c = await getCase(db, policy, actor, caseIdOrReference);
  // A joint task's clerks see what was sent with the life event it belongs to.
  const row = await store.applicationOfCase(db.db, c.id) ?? (c.parent ? await store.applicationOfCase(db.db, c.parent) : undefined);
  return row ? applicationView(db, row) : null;
}

async function applicationView(db: Db, row: ApplicationRow): Promise<Application> {
  const items = (JSON.parse(row.items) as string[]).map((s) => {
    const [code, version] = s.split('@');
    return { code: code!, version: Number(version) };
  });
  const loaded = await Promise.all(items.map((i) => getServiceItem(db, i.code, i.version)));
  const questions = questionsOf(loaded);
  const keys = new Set(questions.map((q) => q.field.key));
  const answers = JSON.parse(row.answers) as Answers;
  const prefilled = JSON.parse(row.prefilled) as Record<string, PrefillSource>;
  const all = await store.filesOfDraft(db.db, row.draft_id);
  const files = all.filter((f) => keys.has(f.field_key)).map(fileInfo);
  const supplements = new Map<string, FileInfo[]>();
  for (const f of all.filter((x) => x.field_key.startsWith(SUPPLEMENT_PREFIX))) {
    const reference = f.field_key.slice(SUPPLEMENT_PREFIX.length);
    supplements.set(reference, [...(supplements.get(reference) ?? []), fileInfo(f)]);
  }
  return {
    caseId: row.case_id, draftId: row.draft_id, applicant: row.applicant, lifeEvent: row.life_event, items, questions, answers, prefilled,
    changedAfterPrefill: Object.keys(prefilled).filter((k) => JSON.stringify(answers[k]) !== JSON.stringify(prefilled[k]!.value)),
    consentAt: row.consent_at, submittedAt: row.submitted_at, files,
    supplements: [...supplements].map(([reference, batch]) => ({ reference, files: batch })),
  };
}

/** Staff roles that handle a department's cases and so read their materials. */
const HANDLERS = ['clerk', 'dept_admin', 'reviewer'] as const;

/**
 * A file with its content, for its applicant, for staff of a department handling the case it was
 * sent with (the case's, or a joint task's), and for platform administrators; not found for
 * everybody else, who learn nothing of it.
 */
export async function fileForDownload(db: Db, policy: CasePolicy, actor: Actor, id: string): Promise<{ file: FileInfo; content: Buffer }> {
  const missing = () => notFound(`no file ${id}`);
  const meta = await store.fileMeta(db.db, id);
  if (!meta) throw missing();
  const draft = await store.getDraft(db.db, meta.draft_id);
  if (!draft) throw missing();
  if (draft.applicant !== actor.actor && !(draft.case_id && await handlesCase(db, policy, actor, draft.case_id))) throw missing();
  const content = await store.fileContent(db.db, id);
  if (content === undefined) throw missing();
  return { file: fileInfo(meta), content: Buffer.from(content, 'base64') };
}

async function handlesCase(db: Db, policy: CasePolicy, actor: Actor, caseId: string): Promise<boolean> {
  if (actor.kind !== 'staff') return false;
  if (hasRole(actor, 'platform_admin')) return true;
  if (!actor.department || !hasRole(actor, ...HANDLERS)) return false;
  const c = await getCase(db, policy, systemActor('portal'), caseId);
  return c.department === actor.department || c.children.some((t) => t.department === actor.department);
}

/** What an applicant sends when a department asks for materials (补正): files, a note, or both. */
export interface SupplementInput {
  note: string;
  files: readonly Upload[];
  /** The form's one-time key: sending the same form twice stores its files and acts once. */
  idempotencyKey: string;
}

/** Supplement files are kept under this prefix and the case they answer: a joint task's request is answered on that task. */
const SUPPLEMENT_PREFIX = 'supplement:';

/**
 * The applicant answers a request for materials: the files join what was sent with the
 * application (the case's clerks download them beside the first ones), and the case goes back
 * to its department with the clock running again.
 */
export async function supplementCase(db: Db, policy: CasePolicy, actor: Actor, reference: string, input: SupplementInput, maxBytes: number): Promise<Case> {
  const c = await getCase(db, policy, actor, reference);
  if (c.applicant !== actor.actor) throw notFound(`no case ${reference}`);
  if (!c.allowedActions.includes('supplement')) throw conflict(`case ${c.reference} is not waiting for materials from you`);
  const note = input.note.trim();
  if (note.length > 2000) throw invalid('the note is longer than 2000 characters', { field: 'note' });
  const files = input.files.filter((f) => f.filename !== '' || f.content.length > 0).map((f) => checkUpload('files', f, maxBytes));
  if (files.length === 0 && !note) throw invalid('upload the materials asked for, or say in a note why you cannot', { field: 'files' });
  const application = await store.applicationOfCase(db.db, c.id) ?? (c.parent ? await store.applicationOfCase(db.db, c.parent) : undefined);
  if (!application) throw conflict(`case ${c.reference} was not applied for online; bring the materials to the counter`);
  const key = createHash('sha256').update(`${actor.actor}\n${input.idempotencyKey}`).digest('hex');
  const at = new Date().toISOString();
  await db.transaction(async (tx) => {
    await beginJournaledWrite(tx);
    for (const [i, file] of files.entries()) {
      const id = `${key.slice(0, 32)}-${i}`;
      if (await store.fileMeta(tx, id)) continue;
      await store.insertFile(tx, actor, {
        id, draft_id: application.draft_id, field_key: `${SUPPLEMENT_PREFIX}${c.reference}`, display_name: file.displayName, media_type: file.mediaType,
        size: file.size, sha256: file.sha256, content: file.content.toString('base64'), uploaded_at: at,
      });
    }
  });
  const listed = files.map((f) => `· ${f.displayName}`).join('\n');
  return actOnCase(db, policy, actor, c.id, { action: 'supplement', note: [note, listed].filter(Boolean).join('\n') || undefined, idempotencyKey: key });
}
