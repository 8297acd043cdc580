import type { Updateable } from 'kysely';
import type { HubTx as Db } from '../hub/database.ts';
import type { ChangeContext } from '../journal/schema.ts';
import { insertRow, updateRow } from '../journal/service.ts';
import type { AccountRow, ApiClientRow, SessionRow } from './schema.ts';

export async function getAccount(db: Db, id: string): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function getAccountByUsername(db: Db, username: string): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').selectAll().where('username', '=', username).executeTakeFirst();
}

export async function listAccounts(db: Db, department?: string): Promise<AccountRow[]> {
  let query = db.selectFrom('accounts').selectAll();
  if (department) query = query.where('department_id', '=', department);
  return query.orderBy('department_id').orderBy('username').execute();
}

export async function countAccounts(db: Db): Promise<number> {
  const { n } = await db.selectFrom('accounts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(n);
}

export async function insertAccount(tx: Db, ctx: ChangeContext, row: AccountRow): Promise<AccountRow> {
  return insertRow(tx, ctx, 'accounts', row);
}

export async function updateAccount(tx: Db, ctx: ChangeContext, id: string, changes: Updateable<AccountRow>): Promise<AccountRow | undefined> {
  return updateRow(tx, ctx, 'accounts', id, changes);
}

export async function getApiClient(db: Db, id: string): Promise<ApiClientRow | undefined> {
  return db.selectFrom('api_clients').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listApiClients(db: Db, department: string): Promise<ApiClientRow[]> {
  return db.selectFrom('api_clients').selectAll().where('department_id', '=', department).orderBy('created_at').execute();
}

export async function insertApiClient(tx: Db, ctx: ChangeContext, row: ApiClientRow): Promise<ApiClientRow> {
  return insertRow(tx, ctx, 'api_clients', row);
}

export async function updateApiClient(tx: Db, ctx: ChangeContext, id: string, changes: Updateable<ApiClientRow>): Promise<ApiClientRow | undefined> {
  return updateRow(tx, ctx, 'api_clients', id, changes);
}

// Sessions are short-lived process state, not hub state: they are written directly, not journaled.

export async function insertSession(db: Db, row: SessionRow): Promise<void> {
  await db.insertInto('sessions').values(row).execute();
}

export async function getSession(db: Db, id: string): Promise<SessionRow | undefined> {
  return db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateSession(db: Db, id: string, changes: Updateable<SessionRow>): Promise<void> {
  await db.updateTable('sessions').set(changes).where('id', '=', id).execute();
}

export async function deleteSession(db: Db, id: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', id).execute();
}

export async function deleteExpiredSessions(db: Db, now: string): Promise<number> {
  const result = await db.deleteFrom('sessions').where('expires_at', '<', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
