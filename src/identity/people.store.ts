import type { Updateable } from 'kysely';
import type { HubTx as Db } from '../hub/database.ts';
import type { ChangeContext } from '../journal/schema.ts';
import { insertRow, updateRow } from '../journal/service.ts';
import type { PersonKind, PersonRow, PersonSessionRow } from './people.schema.ts';

export async function getPerson(db: Db, id: string): Promise<PersonRow | undefined> {
  return db.selectFrom('people').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function getPersonByIdNumber(db: Db, kind: PersonKind, idNumber: string): Promise<PersonRow | undefined> {
  return db.selectFrom('people').selectAll().where('kind', '=', kind).where('id_number', '=', idNumber).executeTakeFirst();
}

export async function getPersonByPhone(db: Db, kind: PersonKind, phone: string): Promise<PersonRow | undefined> {
  return db.selectFrom('people').selectAll().where('kind', '=', kind).where('phone', '=', phone).executeTakeFirst();
}

export async function insertPerson(tx: Db, ctx: ChangeContext, row: PersonRow): Promise<PersonRow> {
  return insertRow(tx, ctx, 'people', row);
}

export async function updatePerson(tx: Db, ctx: ChangeContext, id: string, changes: Updateable<PersonRow>): Promise<PersonRow | undefined> {
  return updateRow(tx, ctx, 'people', id, changes);
}

// Sessions are short-lived process state, not hub state: they are written directly, not journaled.

export async function insertPersonSession(db: Db, row: PersonSessionRow): Promise<void> {
  await db.insertInto('person_sessions').values(row).execute();
}

export async function getPersonSession(db: Db, id: string): Promise<PersonSessionRow | undefined> {
  return db.selectFrom('person_sessions').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function deletePersonSession(db: Db, id: string): Promise<void> {
  await db.deleteFrom('person_sessions').where('id', '=', id).execute();
}

export async function deleteExpiredPersonSessions(db: Db, now: string): Promise<number> {
  const result = await db.deleteFrom('person_sessions').where('expires_at', '<', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
