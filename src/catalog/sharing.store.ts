import type { Updateable } from 'kysely';
import type { HubTx as Db } from '../hub/database.ts';
import type { ChangeContext } from '../journal/schema.ts';
import { insertRow, updateRow } from '../journal/service.ts';
import type { AgreementRow, RequestEventRow, RequestItemRow, RequestRow } from './schema.ts';

export async function countRequests(db: Db): Promise<number> {
  const { n } = await db.selectFrom('sharing_requests').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(n);
}

export async function insertRequest(tx: Db, ctx: ChangeContext, row: RequestRow): Promise<RequestRow> {
  return insertRow(tx, ctx, 'sharing_requests', row);
}

export async function updateRequest(tx: Db, ctx: ChangeContext, id: string, changes: Updateable<RequestRow>): Promise<RequestRow | undefined> {
  return updateRow(tx, ctx, 'sharing_requests', id, changes);
}

export async function getRequest(db: Db, id: string): Promise<RequestRow | undefined> {
  return db.selectFrom('sharing_requests').selectAll().where((eb) => eb.or([eb('id', '=', id), eb('number', '=', id)])).executeTakeFirst();
}

export async function findPendingRequest(db: Db, consumer: string, system: string, resourceId: string): Promise<RequestRow | undefined> {
  return db.selectFrom('sharing_requests').selectAll()
    .where('consumer_id', '=', consumer).where('consumer_system', '=', system).where('resource_id', '=', resourceId).where('status', '=', 'pending')
    .executeTakeFirst();
}

export interface RequestFilter {
  provider?: string | undefined;
  consumer?: string | undefined;
  status?: string | undefined;
}

export async function listRequests(db: Db, filter: RequestFilter, limit = 200): Promise<RequestRow[]> {
  let query = db.selectFrom('sharing_requests').selectAll();
  if (filter.provider) query = query.where('provider_id', '=', filter.provider);
  if (filter.consumer) query = query.where('consumer_id', '=', filter.consumer);
  if (filter.status) query = query.where('status', '=', filter.status);
  return query.orderBy('submitted_at', 'desc').limit(limit).execute();
}

export async function insertRequestItem(tx: Db, ctx: ChangeContext, row: RequestItemRow): Promise<RequestItemRow> {
  return insertRow(tx, ctx, 'sharing_request_items', row);
}

export async function updateRequestItem(tx: Db, ctx: ChangeContext, id: string, changes: Updateable<RequestItemRow>): Promise<RequestItemRow | undefined> {
  return updateRow(tx, ctx, 'sharing_request_items', id, changes);
}

export async function listRequestItems(db: Db, requestIds: readonly string[]): Promise<RequestItemRow[]> {
  if (requestIds.length === 0) return [];
  return db.selectFrom('sharing_request_items').selectAll().where('request_id', 'in', requestIds).orderBy('id').execute();
}

export async function insertEvent(tx: Db, ctx: ChangeContext, row: RequestEventRow): Promise<RequestEventRow> {
  return insertRow(tx, ctx, 'sharing_request_events', row);
}

export async function listEvents(db: Db, requestId: string): Promise<RequestEventRow[]> {
  return db.selectFrom('sharing_request_events').selectAll().where('request_id', '=', requestId).orderBy('at').orderBy('id').execute();
}

export async function getAgreement(db: Db, id: string): Promise<AgreementRow | undefined> {
  return db.selectFrom('sharing_agreements').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function agreementOfRequest(db: Db, requestId: string): Promise<AgreementRow | undefined> {
  return db.selectFrom('sharing_agreements').selectAll().where('request_id', '=', requestId).executeTakeFirst();
}

export async function insertAgreement(tx: Db, ctx: ChangeContext, row: AgreementRow): Promise<AgreementRow> {
  return insertRow(tx, ctx, 'sharing_agreements', row);
}

export async function updateAgreement(tx: Db, ctx: ChangeContext, id: string, changes: Updateable<AgreementRow>): Promise<AgreementRow | undefined> {
  return updateRow(tx, ctx, 'sharing_agreements', id, changes);
}

export interface AgreementFilter {
  provider?: string | undefined;
  consumer?: string | undefined;
  /** Only agreements in force on this date (not revoked, within their period). */
  inForceOn?: string | undefined;
}

export async function listAgreements(db: Db, filter: AgreementFilter, limit = 100_000): Promise<AgreementRow[]> {
  let query = db.selectFrom('sharing_agreements').selectAll();
  if (filter.provider) query = query.where('provider_id', '=', filter.provider);
  if (filter.consumer) query = query.where('consumer_id', '=', filter.consumer);
  if (filter.inForceOn) {
    query = query.where('revoked_at', 'is', null).where('valid_from', '<=', filter.inForceOn).where('valid_until', '>=', filter.inForceOn);
  }
  return query.orderBy('created_at', 'desc').orderBy('id').limit(limit).execute();
}

/** An agreement's terms without its bookkeeping columns. */
export type AgreementTermsRow = Pick<AgreementRow, 'id' | 'resource_id' | 'provider_id' | 'consumer_id' | 'consumer_system' | 'items' | 'purpose' | 'valid_from' | 'valid_until' | 'rate_per_minute'>;

/** The terms of every agreement in force on a date, in one query (the global configuration reads thousands). */
export async function listTermsInForce(db: Db, on: string): Promise<AgreementTermsRow[]> {
  return db.selectFrom('sharing_agreements')
    .select(['id', 'resource_id', 'provider_id', 'consumer_id', 'consumer_system', 'items', 'purpose', 'valid_from', 'valid_until', 'rate_per_minute'])
    .where('revoked_at', 'is', null).where('valid_from', '<=', on).where('valid_until', '>=', on)
    .orderBy('id').execute();
}
