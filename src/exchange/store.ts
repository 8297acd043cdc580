import type { Insertable } from 'kysely';
import type { ChangeContext } from '../journal/schema.ts';
import { insertRow, updateRow } from '../journal/service.ts';
import type { HubTx as Db } from '../hub/database.ts';
import type { EnrolmentTokenRow, GatewayCertificateRow, GatewayRow, LogAnchorRow, SubjectAccessRow, TrafficRow } from './schema.ts';

export async function getToken(db: Db, id: string): Promise<EnrolmentTokenRow | undefined> {
  return db.selectFrom('enrolment_tokens').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertToken(tx: Db, ctx: ChangeContext, row: EnrolmentTokenRow): Promise<void> {
  await insertRow(tx, ctx, 'enrolment_tokens', row);
}

export async function markTokenUsed(tx: Db, ctx: ChangeContext, id: string, at: string): Promise<void> {
  await updateRow(tx, ctx, 'enrolment_tokens', id, { used_at: at });
}

export async function getGateway(db: Db, id: string): Promise<GatewayRow | undefined> {
  return db.selectFrom('gateways').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertGateway(tx: Db, ctx: ChangeContext, row: GatewayRow): Promise<void> {
  await insertRow(tx, ctx, 'gateways', row);
}

export async function updateGateway(tx: Db, ctx: ChangeContext, id: string, changes: Partial<GatewayRow>): Promise<void> {
  await updateRow(tx, ctx, 'gateways', id, changes);
}

export async function listGateways(db: Db, department?: string): Promise<GatewayRow[]> {
  let query = db.selectFrom('gateways').selectAll();
  if (department) query = query.where('department_id', '=', department);
  return query.orderBy('department_id').orderBy('code').execute();
}

export async function insertCertificate(tx: Db, ctx: ChangeContext, row: GatewayCertificateRow): Promise<void> {
  await insertRow(tx, ctx, 'gateway_certificates', row);
}

export async function getCertificate(db: Db, serial: string): Promise<GatewayCertificateRow | undefined> {
  return db.selectFrom('gateway_certificates').selectAll().where('id', '=', serial).executeTakeFirst();
}

export async function certificateBySha256(db: Db, sha256: string): Promise<GatewayCertificateRow | undefined> {
  return db.selectFrom('gateway_certificates').selectAll().where('sha256', '=', sha256).executeTakeFirst();
}

export async function revokeCertificate(tx: Db, ctx: ChangeContext, serial: string, changes: Pick<GatewayCertificateRow, 'revoked_at' | 'revoked_by' | 'revoke_reason'>): Promise<void> {
  await updateRow(tx, ctx, 'gateway_certificates', serial, changes);
}

export async function listCertificates(db: Db, gatewayIds?: readonly string[]): Promise<GatewayCertificateRow[]> {
  let query = db.selectFrom('gateway_certificates').selectAll();
  if (gatewayIds) {
    if (gatewayIds.length === 0) return [];
    query = query.where('gateway_id', 'in', gatewayIds);
  }
  return query.orderBy('issued_at').execute();
}

/** Certificates a peer may present today: not revoked, inside their validity. */
export async function listUsableCertificates(db: Db, now: string): Promise<GatewayCertificateRow[]> {
  return db.selectFrom('gateway_certificates').selectAll()
    .where('revoked_at', 'is', null).where('not_before', '<=', now).where('not_after', '>', now)
    .orderBy('issued_at').execute();
}

export async function lastAnchor(db: Db, gatewayId: string): Promise<LogAnchorRow | undefined> {
  return db.selectFrom('log_anchors').selectAll().where('gateway_id', '=', gatewayId).orderBy('seq', 'desc').limit(1).executeTakeFirst();
}

export async function lastAnchors(db: Db): Promise<Pick<LogAnchorRow, 'gateway_id' | 'seq' | 'received_at'>[]> {
  return db.selectFrom('log_anchors as a')
    .select(['a.gateway_id', 'a.seq', 'a.received_at'])
    .where('a.seq', '=', (eb) => eb.selectFrom('log_anchors as b').select((e) => e.fn.max('b.seq').as('m')).whereRef('b.gateway_id', '=', 'a.gateway_id'))
    .execute();
}

export async function getAnchor(db: Db, id: string): Promise<LogAnchorRow | undefined> {
  return db.selectFrom('log_anchors').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertAnchor(tx: Db, ctx: ChangeContext, row: LogAnchorRow): Promise<void> {
  await insertRow(tx, ctx, 'log_anchors', row);
}

export async function getTraffic(db: Db, ids: readonly string[]): Promise<TrafficRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('exchange_traffic').selectAll().where('id', 'in', ids).execute();
}

export async function insertTraffic(tx: Db, ctx: ChangeContext, row: TrafficRow): Promise<void> {
  await insertRow(tx, ctx, 'exchange_traffic', row);
}

export async function updateTraffic(tx: Db, ctx: ChangeContext, id: string, changes: Partial<TrafficRow>): Promise<void> {
  await updateRow(tx, ctx, 'exchange_traffic', id, changes);
}

export async function trafficSince(db: Db, minute: string): Promise<TrafficRow[]> {
  return db.selectFrom('exchange_traffic').selectAll().where('minute', '>=', minute).execute();
}

export async function subjectAccessExists(db: Db, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('subject_access').select('id').where('id', 'in', ids).execute();
  return new Set(rows.map((r) => r.id));
}

export async function insertSubjectAccess(tx: Db, ctx: ChangeContext, row: Insertable<SubjectAccessRow>): Promise<void> {
  await insertRow(tx, ctx, 'subject_access', row);
}

export async function subjectAccessOf(db: Db, subject: string, limit: number): Promise<SubjectAccessRow[]> {
  return db.selectFrom('subject_access').selectAll().where('subject', '=', subject).orderBy('at', 'desc').limit(limit).execute();
}
