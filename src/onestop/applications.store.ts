import type { Updateable } from 'kysely';
import type { HubTx as Db } from '../hub/database.ts';
import type { ChangeContext } from '../journal/schema.ts';
import { deleteRow, insertRow, updateRow } from '../journal/service.ts';
import type { ApplicationDraftRow, ApplicationFileRow, ApplicationRow, SubjectKind } from './applications.schema.ts';

// ——— Drafts ———

export async function getDraft(db: Db, id: string): Promise<ApplicationDraftRow | undefined> {
  return db.selectFrom('application_drafts').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The person's open draft for an item or life event, the newest when there are several. */
export async function openDraftFor(db: Db, applicant: string, kind: SubjectKind, code: string): Promise<ApplicationDraftRow | undefined> {
  return db.selectFrom('application_drafts').selectAll()
    .where('applicant', '=', applicant).where('subject_kind', '=', kind).where('subject_code', '=', code).where('state', '=', 'open')
    .orderBy('updated_at', 'desc').orderBy('id').limit(1).executeTakeFirst();
}

export async function listDrafts(db: Db, applicant: string, state: ApplicationDraftRow['state']): Promise<ApplicationDraftRow[]> {
  return db.selectFrom('application_drafts').selectAll().where('applicant', '=', applicant).where('state', '=', state)
    .orderBy('updated_at', 'desc').orderBy('id').execute();
}

export async function insertDraft(tx: Db, ctx: ChangeContext, row: ApplicationDraftRow): Promise<ApplicationDraftRow> {
  return insertRow(tx, ctx, 'application_drafts', row);
}

export async function updateDraft(tx: Db, ctx: ChangeContext, id: string, changes: Updateable<ApplicationDraftRow>): Promise<ApplicationDraftRow> {
  return (await updateRow(tx, ctx, 'application_drafts', id, changes))!;
}

export async function deleteDraft(tx: Db, ctx: ChangeContext, id: string): Promise<void> {
  await deleteRow(tx, ctx, 'application_drafts', id);
}

// ——— Applications ———

export async function applicationOfCase(db: Db, caseId: string): Promise<ApplicationRow | undefined> {
  return db.selectFrom('applications').selectAll().where('case_id', '=', caseId).executeTakeFirst();
}

export async function insertApplication(tx: Db, ctx: ChangeContext, row: ApplicationRow): Promise<ApplicationRow> {
  return insertRow(tx, ctx, 'applications', row);
}

// ——— Files ———

/** Every column but the content: lists never carry megabytes. */
export type FileMeta = Omit<ApplicationFileRow, 'content'>;
const META = ['id', 'draft_id', 'field_key', 'display_name', 'media_type', 'size', 'sha256', 'uploaded_at'] as const;

export async function filesOfDraft(db: Db, draftId: string): Promise<FileMeta[]> {
  return db.selectFrom('application_files').select(META).where('draft_id', '=', draftId).orderBy('uploaded_at').orderBy('id').execute();
}

export async function fileMeta(db: Db, id: string): Promise<FileMeta | undefined> {
  return db.selectFrom('application_files').select(META).where('id', '=', id).executeTakeFirst();
}

export async function fileContent(db: Db, id: string): Promise<string | undefined> {
  return (await db.selectFrom('application_files').select('content').where('id', '=', id).executeTakeFirst())?.content;
}

export async function insertFile(tx: Db, ctx: ChangeContext, row: ApplicationFileRow): Promise<void> {
  await insertRow(tx, ctx, 'application_files', row);
}

export async function deleteFile(tx: Db, ctx: ChangeContext, id: string): Promise<void> {
  await deleteRow(tx, ctx, 'application_files', id);
}
