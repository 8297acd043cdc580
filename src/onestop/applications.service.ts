import { randomUUID } from 'node:crypto';
import type { HubDatabase as Db } from '../hub/database.ts';
import { beginJournaledWrite } from '../journal/service.ts';
import type { Actor } from '../platform/access.ts';
import { DomainError, conflict, invalid, notFound } from '../platform/errors.ts';
import { type AnswerProblem, type AnswerValue, type Answers, answerProblems, checkAnswer } from './answers.ts';
import type { ApplicationDraftRow, Consent, Draft, FileInfo, Question, SubjectKind } from './applications.schema.ts';
import * as store from './applications.store.ts';
import type { PrefillOutcome } from './prefill.ts';
import type { LifeEvent, ServiceItem } from './schema.ts';
import { getLifeEvent, getServiceItem } from './service.ts';
import { type MediaType, type Upload, checkUpload } from './uploads.ts';

/**
 * Applying online (在线申请): a signed-in person's draft, one answer at a time, kept until they
 * send it; sending checks everything again and opens the case (for a life event, a parent case
 * with one task per department) as the portal, exactly once however often it is sent. The
 * person acts on their own drafts only; anyone else learns nothing of them (not found).
 */

export interface Subject {
  kind: SubjectKind;
  code: string;
}

/** What a draft applies for: the item, or the life event and its items, at the versions the draft follows. */
export interface Target {
  kind: SubjectKind;
  code: string;
  nameZh: string;
  nameEn: string;
  items: ServiceItem[];
  lifeEvent: LifeEvent | null;
}

// ——— What is asked ———

/**
 * The questions of one or several items: each field once, in the order the items ask them (一表申请).
 * A field several items ask is required when any of them requires it; the first item's wording is used.
 */
export function questionsOf(items: readonly ServiceItem[]): Question[] {
  const byKey = new Map<string, Question>();
  for (const item of items) {
    for (const field of item.form.fields) {
      const asked = byKey.get(field.key);
      if (!asked) byKey.set(field.key, { field, items: [item.code] });
      else {
        asked.items.push(item.code);
        if (field.required && !asked.field.required) asked.field = { ...asked.field, required: true };
      }
    }
  }
  return [...byKey.values()];
}

/** Whether a question has its answer: a file uploaded, for a file question. */
export function isAnswered(draft: Pick<Draft, 'answers' | 'files'>, question: Question): boolean {
  return question.field.type === 'file' ? draft.files.some((f) => f.fieldKey === question.field.key) : draft.answers[question.field.key] !== undefined;
}

export type SectionStatus = 'done' | 'started' | 'not_started';

export interface Section {
  item: ServiceItem;
  questions: Question[];
  status: SectionStatus;
  /** Where to go on: its first required question unanswered, else its first unanswered, else its first. */
  next: Question;
}

/**
 * The form in one section per item, each question in the section of the first item that asks
 * it, with where each stands: what a life event's task list shows a person with thirty
 * questions before them. A section is done when its required questions are answered (one with
 * none required, once any is), started when some answer is there.
 */
export function sectionsOf(draft: Pick<Draft, 'answers' | 'files' | 'questions'>, items: readonly ServiceItem[]): Section[] {
  return items.flatMap((item) => {
    const questions = draft.questions.filter((q) => q.items[0] === item.code);
    if (!questions.length) return [];
    const answered = questions.filter((q) => isAnswered(draft, q));
    const required = questions.filter((q) => q.field.required);
    const done = required.length ? required.every((q) => isAnswered(draft, q)) : answered.length > 0;
    const next = required.find((q) => !isAnswered(draft, q)) ?? questions.find((q) => !isAnswered(draft, q)) ?? questions[0]!;
    return [{ item, questions, status: done ? 'done' : answered.length ? 'started' : 'not_started', next }];
  });
}

/**
 * The item or life event as a person can apply for it now (versions omitted), or as a draft
 * started it (versions given). An item that is withdrawn, or that is not offered online, cannot
 * be started; a life event drops its withdrawn items.
 */
export async function targetOf(db: Db, subject: Subject, versions?: Record<string, number>): Promise<Target> {
  if (subject.kind === 'item') {
    const item = await getServiceItem(db, subject.code, versions?.[subject.code]);
    if (!versions) checkApplicable(item);
    return { kind: 'item', code: item.code, nameZh: item.nameZh, nameEn: item.nameEn, items: [item], lifeEvent: null };
  }
  const event = await getLifeEvent(db, subject.code);
  const codes = versions ? event.items.map((i) => i.code).filter((c) => c in versions) : event.items.filter((i) => !i.withdrawn).map((i) => i.code);
  if (codes.length === 0) throw conflict(`life event ${event.code} has no item in force to apply for`);
  const items = await Promise.all(codes.map((c) => getServiceItem(db, c, versions?.[c])));
  return { kind: 'life_event', code: event.code, nameZh: event.nameZh, nameEn: event.nameEn, items, lifeEvent: event };
}

function checkApplicable(item: ServiceItem): void {
  if (item.withdrawn) throw conflict(`item ${item.code} was withdrawn on ${item.withdrawnAt?.slice(0, 10) ?? ''}; it can no longer be applied for`, { reason: 'withdrawn' });
  if (!item.where.online) throw conflict(`item ${item.code} cannot be applied for online; go to ${item.where.office}`, { reason: 'offline' });
}

// ——— Drafts ———

/** The person's open draft for an item or life event, to resume; null when there is none. */
export async function openDraftOf(db: Db, actor: Actor, subject: Subject): Promise<Draft | null> {
  const row = await store.openDraftFor(db.db, actor.actor, subject.kind, subject.code);
  return row ? draftView(db, row) : null;
}

/** The person's drafts not sent yet, newest first: the personal centre lists them to come back to. */
export async function listOpenDrafts(db: Db, actor: Actor): Promise<{ id: string; subjectKind: SubjectKind; subjectCode: string; nameZh: string; nameEn: string; updatedAt: string }[]> {
  if (actor.kind !== 'person') return [];
  const rows = await store.listDrafts(db.db, actor.actor, 'open');
  return Promise.all(rows.map(async (row) => {
    const target = await targetOf(db, { kind: row.subject_kind, code: row.subject_code }, versionsOf(row));
    return { id: row.id, subjectKind: row.subject_kind, subjectCode: row.subject_code, nameZh: target.nameZh, nameEn: target.nameEn, updatedAt: row.updated_at };
  }));
}

/** A draft of the person's own; not found for anyone else. */
export async function getDraft(db: Db, actor: Actor, id: string): Promise<Draft> {
  return draftView(db, await ownDraft(db, actor, id));
}

/**
 * Starts a draft with what the prefill found (answers, sources, notes) and the person's choice
 * about it, recorded with its time.
 */
export async function startDraft(db: Db, actor: Actor, subject: Subject, consent: Consent, filled: PrefillOutcome): Promise<Draft> {
  requirePerson(actor);
  const target = await targetOf(db, subject);
  const now = new Date().toISOString();
  const row: ApplicationDraftRow = {
    id: randomUUID(), applicant: actor.actor, subject_kind: target.kind, subject_code: target.code,
    versions: JSON.stringify(Object.fromEntries(target.items.map((i) => [i.code, i.version]))),
    answers: JSON.stringify(consent === 'given' ? filled.answers : {}),
    prefilled: JSON.stringify(consent === 'given' ? filled.prefilled : {}),
    prefill_notes: JSON.stringify(consent === 'given' || consent === 'not_asked' ? filled.notes : {}),
    consent, consent_at: consent === 'not_asked' ? null : now, state: 'open', case_id: null, created_at: now, updated_at: now, submitted_at: null,
  };
  await db.transaction(async (tx) => store.insertDraft(tx, actor, row));
  return draftView(db, row);
}

/** "Start again": the draft and its files go. */
export async function discardDraft(db: Db, actor: Actor, id: string): Promise<void> {
  await db.transaction(async (tx) => {
    await beginJournaledWrite(tx);
    const row = await store.getDraft(tx, id);
    if (!row || row.applicant !== actor.actor) throw notFound(`no draft ${id}`);
    if (row.state !== 'open') throw conflict('this application was already sent; it cannot be started again');
    for (const file of await store.filesOfDraft(tx, id)) await store.deleteFile(tx, actor, file.id);
    await store.deleteDraft(tx, actor, id);
  });
}

/**
 * Keeps one answer. A wrong answer is refused with invalid_input naming the field, and the
 * problem's code in `detail.problem` for the page to say in the person's language. With
 * `allowEmpty` (saving to come back later), an empty answer to a required question is kept
 * as unanswered.
 */
export async function saveAnswer(db: Db, actor: Actor, id: string, key: string, raw: AnswerValue, options: { allowEmpty?: boolean } = {}): Promise<Draft> {
  const draft = await getDraft(db, actor, id);
  requireOpen(draft);
  const field = questionOf(draft, key).field;
  if (field.type === 'file') throw invalid(`${key} is an upload: send the file`, { field: key });
  const checked = checkAnswer(options.allowEmpty ? { ...field, required: false } : field, raw);
  if (!checked.ok) throw answerError(checked.problem);
  return updateAnswers(db, actor, id, (answers) => {
    if (checked.value === null) delete answers[key];
    else answers[key] = checked.value;
  });
}

/** Keeps an uploaded file for a file question, replacing the one uploaded before. */
export async function saveFile(db: Db, actor: Actor, id: string, key: string, upload: Upload | null, maxBytes: number): Promise<Draft> {
  const draft = await getDraft(db, actor, id);
  requireOpen(draft);
  if (questionOf(draft, key).field.type !== 'file') throw invalid(`${key} is not an upload`, { field: key });
  const file = checkUpload(key, upload, maxBytes);
  await db.transaction(async (tx) => {
    await beginJournaledWrite(tx);
    const row = await store.getDraft(tx, id);
    if (row?.state !== 'open') throw conflict('this application was already sent; its files cannot change');
    for (const old of (await store.filesOfDraft(tx, id)).filter((f) => f.field_key === key)) await store.deleteFile(tx, actor, old.id);
    const now = new Date().toISOString();
    await store.insertFile(tx, actor, {
      id: randomUUID(), draft_id: id, field_key: key, display_name: file.displayName, media_type: file.mediaType, size: file.size,
      sha256: file.sha256, content: file.content.toString('base64'), uploaded_at: now,
    });
    await store.updateDraft(tx, actor, id, { updated_at: now });
  });
  return getDraft(db, actor, id);
}

/** What stops the draft from being sent now: every answer and upload checked again, against every item it applies for. */
export function draftProblems(draft: Draft, items: readonly ServiceItem[]): AnswerProblem[] {
  const uploaded = new Set(draft.files.map((f) => f.fieldKey));
  const seen = new Set<string>();
  const problems: AnswerProblem[] = [];
  for (const item of items) {
    for (const problem of answerProblems(item.form.fields, draft.answers, uploaded)) {
      if (!seen.has(problem.field)) problems.push(problem);
      seen.add(problem.field);
    }
  }
  // In the order the questions are asked.
  const order = draft.questions.map((q) => q.field.key);
  return problems.sort((a, b) => order.indexOf(a.field) - order.indexOf(b.field));
}

// ——— Shared ———

export function versionsOf(row: Pick<ApplicationDraftRow, 'versions'>): Record<string, number> {
  return JSON.parse(row.versions) as Record<string, number>;
}

export function fileInfo(meta: store.FileMeta): FileInfo {
  return { id: meta.id, fieldKey: meta.field_key, displayName: meta.display_name, mediaType: meta.media_type as MediaType, size: meta.size, sha256: meta.sha256, uploadedAt: meta.uploaded_at };
}

export async function draftView(db: Db, row: ApplicationDraftRow): Promise<Draft> {
  const versions = versionsOf(row);
  const [target, files] = await Promise.all([targetOf(db, { kind: row.subject_kind, code: row.subject_code }, versions), store.filesOfDraft(db.db, row.id)]);
  return {
    id: row.id, applicant: row.applicant, subjectKind: row.subject_kind, subjectCode: row.subject_code, versions, questions: questionsOf(target.items),
    answers: JSON.parse(row.answers) as Answers, prefilled: JSON.parse(row.prefilled) as Draft['prefilled'], prefillNotes: JSON.parse(row.prefill_notes) as Draft['prefillNotes'],
    consent: row.consent, consentAt: row.consent_at, state: row.state, caseId: row.case_id, files: files.map(fileInfo),
    createdAt: row.created_at, updatedAt: row.updated_at, submittedAt: row.submitted_at,
  };
}

export function questionOf(draft: Pick<Draft, 'questions' | 'id'>, key: string): Question {
  const question = draft.questions.find((q) => q.field.key === key);
  if (!question) throw notFound(`the application ${draft.id} asks no question ${key}`);
  return question;
}

export function answerError(problem: AnswerProblem): DomainError {
  const what: Record<AnswerProblem['code'], string> = {
    required: 'answer this question', number: 'enter a number, like 12 or 12.5', date: 'enter a real date, like 2026-01-05 or 2026年1月5日',
    choice: 'choose one of the choices given', tooLong: `the answer is longer than ${String(problem.params?.max ?? '')} characters`, fileRequired: 'upload the file',
  };
  return invalid(`${problem.field}: ${what[problem.code]}`, { field: problem.field, problem: problem.code, ...(problem.params && { params: problem.params }) });
}

async function ownDraft(db: Db, actor: Actor, id: string): Promise<ApplicationDraftRow> {
  const row = await store.getDraft(db.db, id);
  if (!row || row.applicant !== actor.actor) throw notFound(`no draft ${id}`);
  return row;
}

function requirePerson(actor: Actor): void {
  if (actor.kind !== 'person') throw new DomainError('forbidden', 'applications are made by a signed-in citizen or enterprise');
}

function requireOpen(draft: Draft): void {
  if (draft.state !== 'open') throw conflict('this application was already sent; it cannot change now', { reason: 'submitted' });
}

async function updateAnswers(db: Db, actor: Actor, id: string, change: (answers: Answers) => void): Promise<Draft> {
  await db.transaction(async (tx) => {
    await beginJournaledWrite(tx);
    const row = await store.getDraft(tx, id);
    if (row?.state !== 'open') throw conflict('this application was already sent; it cannot change now', { reason: 'submitted' });
    const answers = JSON.parse(row.answers) as Answers;
    change(answers);
    await store.updateDraft(tx, actor, id, { answers: JSON.stringify(answers), updated_at: new Date().toISOString() });
  });
  return getDraft(db, actor, id);
}
