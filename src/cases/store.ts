import type { Updateable } from 'kysely';
import type { HubTx as Db } from '../hub/database.ts';
import type { ChangeContext } from '../journal/schema.ts';
import { insertRow, updateRow } from '../journal/service.ts';
import type { CaseEventRow, CaseFilter, CaseRow } from './schema.ts';

export async function getCase(db: Db, idOrReference: string): Promise<CaseRow | undefined> {
  return db.selectFrom('cases').selectAll()
    .where((eb) => eb.or([eb('id', '=', idOrReference), eb('reference', '=', idOrReference)]))
    .executeTakeFirst();
}

export async function insertCase(tx: Db, ctx: ChangeContext, row: CaseRow): Promise<CaseRow> {
  return insertRow(tx, ctx, 'cases', row);
}

export async function updateCase(tx: Db, ctx: ChangeContext, id: string, changes: Updateable<CaseRow>): Promise<CaseRow> {
  return (await updateRow(tx, ctx, 'cases', id, changes))!;
}

export async function listCases(db: Db, filter: CaseFilter & { applicant?: string | undefined }): Promise<CaseRow[]> {
  let query = db.selectFrom('cases').selectAll();
  if (filter.department) query = query.where('department_id', '=', filter.department);
  if (filter.assignee === null) query = query.where('assignee', 'is', null);
  else if (filter.assignee) query = query.where('assignee', '=', filter.assignee);
  if (filter.applicant) query = query.where('applicant', '=', filter.applicant);
  if (filter.state) query = query.where('state', '=', filter.state);
  if (filter.open !== undefined) query = query.where('is_open', '=', filter.open ? 1 : 0);
  if (filter.escalated !== undefined) query = query.where('escalated_at', filter.escalated ? 'is not' : 'is', null);
  if (filter.parent) query = query.where('parent_id', '=', filter.parent);
  // Soonest deadline first; cases without one (not started, paused, closed) after, newest first.
  return query.orderBy((eb) => eb.case().when('deadline', 'is', null).then(1).else(0).end())
    .orderBy('deadline').orderBy('created_at', 'desc').orderBy('id')
    .limit(Math.min(filter.limit ?? 200, 1000)).execute();
}

export async function listChildren(db: Db, parentId: string): Promise<CaseRow[]> {
  return db.selectFrom('cases').selectAll().where('parent_id', '=', parentId).orderBy('reference').execute();
}

/** Open cases whose running clock ends before `before` and that have not been escalated yet. */
export async function listDueCases(db: Db, before: string): Promise<CaseRow[]> {
  return db.selectFrom('cases').selectAll()
    .where('is_open', '=', 1).where('deadline', 'is not', null).where('deadline', '<', before).where('escalated_at', 'is', null)
    .orderBy('deadline').orderBy('id').execute();
}

export async function insertEvent(tx: Db, ctx: ChangeContext, row: CaseEventRow): Promise<CaseEventRow> {
  return insertRow(tx, ctx, 'case_events', row);
}

export async function lastEventSeq(db: Db, caseId: string): Promise<number> {
  const { last } = await db.selectFrom('case_events').select((eb) => eb.fn.max('seq').as('last')).where('case_id', '=', caseId).executeTakeFirstOrThrow();
  return Number(last ?? 0);
}

export async function listEvents(db: Db, caseId: string): Promise<CaseEventRow[]> {
  return db.selectFrom('case_events').selectAll().where('case_id', '=', caseId).orderBy('seq').execute();
}

export async function findEventByKey(db: Db, key: string): Promise<CaseEventRow | undefined> {
  return db.selectFrom('case_events').selectAll().where('idempotency_key', '=', key).executeTakeFirst();
}

/** The next number of a counter; the caller holds the journal's lock, so two callers never get the same one. */
export async function nextInSequence(tx: Db, ctx: ChangeContext, id: string): Promise<number> {
  const row = await tx.selectFrom('case_sequences').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return (await insertRow(tx, ctx, 'case_sequences', { id, last: 1 })).last;
  return (await updateRow(tx, ctx, 'case_sequences', id, { last: row.last + 1 }))!.last;
}
