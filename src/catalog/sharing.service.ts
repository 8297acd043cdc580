import { randomUUID } from 'node:crypto';
import type { HubDatabase as Db, HubTx } from '../hub/database.ts';
import { beginJournaledWrite } from '../journal/service.ts';
import { type Actor, hasRole, requireDepartmentRole, requireRole } from '../platform/access.ts';
import { type WorkingCalendar, chinaDate, isIsoDate } from '../platform/calendar.ts';
import { DomainError, conflict, forbidden, invalid, notFound } from '../platform/errors.ts';
import { getSystem } from '../registry/service.ts';
import type { Agreement, AgreementRow, Decision, RequestInput, RequestItemRow, RequestRow, Resource, SharingRequest } from './schema.ts';
import { getResource, loadResource } from './service.ts';
import * as store from './sharing.store.ts';

/**
 * Sharing requests and agreements. Unconditional items are granted at once, conditional ones
 * wait for the provider's reviewer (who must answer within a number of working days), not-shared
 * ones are refused with their legal basis. Whatever is granted becomes the request's agreement:
 * the rights the gateways enforce, down to the data item.
 */
export interface SharingPolicy {
  calendar: WorkingCalendar;
  /** Working days the provider has to answer a conditional request. */
  replyDays: number;
}

const WATCHERS = ['platform_admin', 'auditor', 'operator'] as const;

export async function submitRequest(db: Db, policy: SharingPolicy, actor: Actor, input: RequestInput): Promise<SharingRequest> {
  const consumer = actor.department;
  if (!consumer) throw forbidden('only a department can request data');
  requireDepartmentRole(actor, consumer, 'clerk', 'dept_admin');
  const resource = await getResource(db, input.resource);
  if (resource.withdrawn) throw invalid(`resource ${resource.code} has been withdrawn`, { field: 'resource' });
  if (resource.provider === consumer) throw invalid('a department does not request its own resource; it already holds the data', { field: 'resource' });
  await getSystem(db, consumer, input.consumerSystem).catch((error: unknown) => {
    if (error instanceof DomainError && error.code === 'not_found') throw invalid(`your department has no system ${input.consumerSystem}; register it first`, { field: 'consumerSystem' });
    throw error;
  });
  checkPeriod(input.periodFrom, input.periodUntil);
  const byName = new Map(resource.items.map((i) => [i.name, i]));
  const unknown = input.items.filter((name) => !byName.has(name));
  if (unknown.length) throw invalid(`resource ${resource.code} has no item ${unknown.join(', ')}`, { field: 'items', unknown });

  const now = new Date();
  const submittedOn = chinaDate(now);
  return db.transaction(async (tx) => {
    await beginJournaledWrite(tx);
    const pending = await store.findPendingRequest(tx, consumer, input.consumerSystem, resource.id);
    if (pending) throw conflict(`request ${pending.number} for this resource and system is still waiting for the provider`, { field: 'resource', request: pending.number });
    const number = `GX${submittedOn.replaceAll('-', '')}${String(await store.countRequests(tx) + 1).padStart(6, '0')}`;
    const request = await store.insertRequest(tx, actor, {
      id: randomUUID(), number, resource_id: resource.id, resource_version: resource.version, provider_id: resource.provider,
      consumer_id: consumer, consumer_system: input.consumerSystem, purpose: input.purpose, legal_basis: input.legalBasis,
      business: input.business ?? null, period_from: input.periodFrom, period_until: input.periodUntil, status: 'pending',
      submitted_at: now.toISOString(), due_on: policy.calendar.addWorkingDays(submittedOn, policy.replyDays), decided_at: null,
      submitted_by: actor.actor,
    });
    const items: RequestItemRow[] = [];
    for (const name of input.items) {
      const item = byName.get(name)!;
      const [status, reason] = item.sharingClass === 'unconditional' ? ['granted', null]
        : item.sharingClass === 'conditional' ? ['pending', null]
        : ['refused', `not shared: ${item.legalBasis ?? ''}`];
      items.push(await store.insertRequestItem(tx, actor, {
        id: randomUUID(), request_id: request.id, item_id: item.id, item_name: name, status, reason,
        decided_by: status === 'pending' ? null : 'system:catalog', decided_at: status === 'pending' ? null : now.toISOString(),
      }));
    }
    await store.insertEvent(tx, actor, { id: randomUUID(), request_id: request.id, at: now.toISOString(), actor: actor.actor, kind: 'submitted', note: null });
    await settle(tx, actor, request, items);
    return requestView(tx, policy, request.id);
  });
}

export async function decideRequest(db: Db, policy: SharingPolicy, actor: Actor, id: string, decision: Decision): Promise<SharingRequest> {
  const found = await store.getRequest(db.db, id);
  if (!found) throw notFound(`no sharing request ${id}`);
  requireDepartmentRole(actor, found.provider_id, 'reviewer');
  return db.transaction(async (tx) => {
    await beginJournaledWrite(tx);
    const request = (await store.getRequest(tx, found.id))!;
    const agreement = await store.agreementOfRequest(tx, request.id);
    if (agreement?.revoked_at) throw conflict(`the agreement of request ${request.number} was revoked; nothing more can be decided on it`);
    const items = await store.listRequestItems(tx, [request.id]);
    const now = new Date().toISOString();
    for (const d of decision.items) {
      const item = items.find((i) => i.item_name === d.item);
      if (!item) throw invalid(`request ${request.number} does not ask for ${d.item}`, { field: 'items' });
      if (item.status !== 'pending') throw conflict(`${d.item} was already ${item.status}`, { field: 'items' });
      if (d.decision === 'refuse' && !d.reason?.trim()) throw invalid(`give the reason for refusing ${d.item}`, { field: 'reason' });
      const updated = (await store.updateRequestItem(tx, actor, item.id, {
        status: d.decision === 'approve' ? 'approved' : 'refused', reason: d.reason?.trim() || null, decided_by: actor.actor, decided_at: now,
      }))!;
      items[items.indexOf(item)] = updated;
      await store.insertEvent(tx, actor, {
        id: randomUUID(), request_id: request.id, at: now, actor: actor.actor,
        kind: d.decision === 'approve' ? 'approved' : 'refused', note: `${d.item}${d.reason ? `: ${d.reason.trim()}` : ''}`,
      });
    }
    await settle(tx, actor, request, items);
    return requestView(tx, policy, request.id);
  });
}

/** After any change of item states: close the request when nothing is pending, and put every granted item into its agreement. */
async function settle(tx: HubTx, actor: Actor, request: RequestRow, items: RequestItemRow[]): Promise<void> {
  const now = new Date().toISOString();
  if (request.status === 'pending' && !items.some((i) => i.status === 'pending')) {
    await store.updateRequest(tx, actor, request.id, { status: 'decided', decided_at: now });
  }
  const resource = await loadResource(tx, request.resource_id);
  const granted = inResourceOrder(resource, items.filter((i) => i.status === 'granted' || i.status === 'approved')).map((i) => i.item_name);
  if (granted.length === 0) return;
  const existing = await store.agreementOfRequest(tx, request.id);
  if (existing) {
    await store.updateAgreement(tx, actor, existing.id, { items: JSON.stringify(granted), updated_at: now });
    return;
  }
  await store.insertAgreement(tx, actor, {
    id: randomUUID(), request_id: request.id, resource_id: request.resource_id, provider_id: request.provider_id,
    consumer_id: request.consumer_id, consumer_system: request.consumer_system, service_code: resource.serviceCode,
    items: JSON.stringify(granted), purpose: request.purpose, valid_from: request.period_from, valid_until: request.period_until,
    rate_per_minute: null, revoked_at: null, revoke_reason: null, created_at: now, updated_at: now,
  });
}

export async function coordinateRequest(db: Db, policy: SharingPolicy, actor: Actor, id: string, note: string): Promise<SharingRequest> {
  requireRole(actor, 'platform_admin');
  if (!note.trim()) throw invalid('write what was agreed or asked', { field: 'note' });
  const request = await store.getRequest(db.db, id);
  if (!request) throw notFound(`no sharing request ${id}`);
  return db.transaction(async (tx) => {
    await store.insertEvent(tx, actor, { id: randomUUID(), request_id: request.id, at: new Date().toISOString(), actor: actor.actor, kind: 'coordination', note: note.trim() });
    return requestView(tx, policy, request.id);
  });
}

export async function getRequest(db: Db, policy: SharingPolicy, actor: Actor, id: string): Promise<SharingRequest> {
  const request = await store.getRequest(db.db, id);
  if (!request || !canSee(actor, request.provider_id, request.consumer_id)) throw notFound(`no sharing request ${id}`);
  return requestView(db.db, policy, request.id);
}

export type Side = 'incoming' | 'outgoing' | 'all';

export async function listRequests(db: Db, policy: SharingPolicy, actor: Actor, side: Side, status?: string): Promise<SharingRequest[]> {
  const rows = await store.listRequests(db.db, { ...sideFilter(actor, side), status });
  return Promise.all(rows.map((r) => requestView(db.db, policy, r.id)));
}

export async function listAgreements(db: Db, actor: Actor, side: Side): Promise<Agreement[]> {
  const today = chinaDate(new Date());
  return (await store.listAgreements(db.db, sideFilter(actor, side))).map((row) => agreementFromRow(row, today));
}

export async function getAgreement(db: Db, actor: Actor, id: string): Promise<Agreement> {
  const row = await store.getAgreement(db.db, id);
  if (!row || !canSee(actor, row.provider_id, row.consumer_id)) throw notFound(`no agreement ${id}`);
  return agreementFromRow(row, chinaDate(new Date()));
}

export async function revokeAgreement(db: Db, actor: Actor, id: string, reason: string): Promise<Agreement> {
  const row = await store.getAgreement(db.db, id);
  if (!row) throw notFound(`no agreement ${id}`);
  requireDepartmentRole(actor, row.provider_id, 'reviewer', 'dept_admin');
  if (!reason.trim()) throw invalid('give the reason for revoking the agreement', { field: 'reason' });
  const now = new Date().toISOString();
  return db.transaction(async (tx) => {
    // Checked under the journal's lock, so two reviewers revoking at once cannot both succeed.
    await beginJournaledWrite(tx);
    if ((await store.getAgreement(tx, id))!.revoked_at) throw conflict('this agreement is already revoked');
    const updated = (await store.updateAgreement(tx, actor, id, { revoked_at: now, revoke_reason: reason.trim(), updated_at: now }))!;
    await store.insertEvent(tx, actor, { id: randomUUID(), request_id: row.request_id, at: now, actor: actor.actor, kind: 'revoked', note: reason.trim() });
    return agreementFromRow(updated, chinaDate(new Date()));
  });
}

export async function renewAgreement(db: Db, actor: Actor, id: string, validUntil: string): Promise<Agreement> {
  const row = await store.getAgreement(db.db, id);
  if (!row) throw notFound(`no agreement ${id}`);
  requireDepartmentRole(actor, row.provider_id, 'reviewer', 'dept_admin');
  if (!isIsoDate(validUntil)) throw invalid('validUntil is a date, YYYY-MM-DD', { field: 'validUntil' });
  const now = new Date().toISOString();
  return db.transaction(async (tx) => {
    // Checked under the journal's lock, so a renewal cannot slip in after a concurrent revocation.
    await beginJournaledWrite(tx);
    const current = (await store.getAgreement(tx, id))!;
    if (current.revoked_at) throw conflict('a revoked agreement cannot be renewed; the consumer asks again');
    if (validUntil <= current.valid_until) throw invalid(`a renewal ends after the current end, ${current.valid_until}`, { field: 'validUntil' });
    const updated = (await store.updateAgreement(tx, actor, id, { valid_until: validUntil, updated_at: now }))!;
    await store.insertEvent(tx, actor, { id: randomUUID(), request_id: row.request_id, at: now, actor: actor.actor, kind: 'renewed', note: `until ${validUntil}` });
    return agreementFromRow(updated, chinaDate(new Date()));
  });
}

/**
 * The provider sets how many requests a minute the consumer's system may make under an agreement;
 * its gateway enforces it from the next configuration refresh. Null lifts the limit.
 */
export async function setAgreementRateLimit(db: Db, actor: Actor, id: string, ratePerMinute: number | null): Promise<Agreement> {
  const row = await store.getAgreement(db.db, id);
  if (!row) throw notFound(`no agreement ${id}`);
  requireDepartmentRole(actor, row.provider_id, 'reviewer', 'dept_admin');
  if (ratePerMinute !== null && (!Number.isInteger(ratePerMinute) || ratePerMinute < 1 || ratePerMinute > 10_000_000)) {
    throw invalid('the rate limit is a whole number of requests per minute, from 1 to 10,000,000, or none', { field: 'ratePerMinute' });
  }
  const now = new Date().toISOString();
  return db.transaction(async (tx) => {
    await beginJournaledWrite(tx);
    const updated = (await store.updateAgreement(tx, actor, id, { rate_per_minute: ratePerMinute, updated_at: now }))!;
    await store.insertEvent(tx, actor, {
      id: randomUUID(), request_id: row.request_id, at: now, actor: actor.actor, kind: 'rate_limit', note: ratePerMinute === null ? 'no limit' : `${ratePerMinute}/min`,
    });
    return agreementFromRow(updated, chinaDate(new Date()));
  });
}

/** Agreements in force on a date: what the gateways enforce. */
export async function agreementsInForce(db: Db, on: string): Promise<Agreement[]> {
  return (await store.listAgreements(db.db, { inForceOn: on })).map((row) => agreementFromRow(row, on));
}

export interface AgreementTerms {
  id: string;
  /** The resource's id. */
  resource: string;
  provider: string;
  consumer: string;
  consumerSystem: string;
  items: string[];
  purpose: string;
  validFrom: string;
  validUntil: string;
  ratePerMinute: number | null;
}

/**
 * The same agreements as agreementsInForce, only their terms: what the global configuration
 * turns into gateway rights at every change, for thousands of agreements, so it skips the rest.
 */
export async function termsInForce(db: Db, on: string): Promise<AgreementTerms[]> {
  return (await store.listTermsInForce(db.db, on)).map((row) => ({
    id: row.id, resource: row.resource_id, provider: row.provider_id, consumer: row.consumer_id, consumerSystem: row.consumer_system,
    items: JSON.parse(row.items) as string[], purpose: row.purpose, validFrom: row.valid_from, validUntil: row.valid_until,
    ratePerMinute: row.rate_per_minute,
  }));
}

function sideFilter(actor: Actor, side: Side): store.RequestFilter {
  if (side === 'all') {
    requireRole(actor, ...WATCHERS);
    return {};
  }
  if (!actor.department) throw forbidden('only a department has incoming and outgoing requests');
  return side === 'incoming' ? { provider: actor.department } : { consumer: actor.department };
}

function canSee(actor: Actor, provider: string, consumer: string): boolean {
  return hasRole(actor, ...WATCHERS) || actor.department === provider || actor.department === consumer;
}

function checkPeriod(from: string, until: string): void {
  if (!isIsoDate(from)) throw invalid('periodFrom is not a date', { field: 'periodFrom' });
  if (!isIsoDate(until)) throw invalid('periodUntil is not a date', { field: 'periodUntil' });
  if (until < from) throw invalid(`the period ends (${until}) before it starts (${from})`, { field: 'periodUntil' });
  if (until < chinaDate(new Date())) throw invalid(`the period ended on ${until}; choose an end in the future`, { field: 'periodUntil' });
}

async function requestView(db: HubTx, policy: SharingPolicy, id: string): Promise<SharingRequest> {
  const request = (await store.getRequest(db, id))!;
  const [items, events, agreement, resource] = await Promise.all([
    store.listRequestItems(db, [id]), store.listEvents(db, id), store.agreementOfRequest(db, id), loadResource(db, request.resource_id),
  ]);
  const today = chinaDate(new Date());
  const labels = new Map(resource.items.map((i) => [i.name, i]));
  const left = policy.calendar.workingDaysLeft(today, request.due_on);
  return {
    id: request.id, number: request.number, resource: resource.code, resourceNameZh: resource.nameZh, resourceNameEn: resource.nameEn,
    resourceVersion: request.resource_version, provider: request.provider_id, consumer: request.consumer_id, consumerSystem: request.consumer_system,
    purpose: request.purpose, legalBasis: request.legal_basis, business: request.business, periodFrom: request.period_from, periodUntil: request.period_until,
    status: request.status, submittedAt: request.submitted_at, dueOn: request.due_on, workingDaysLeft: left,
    overdue: request.status === 'pending' && left < 0, decidedAt: request.decided_at,
    items: inResourceOrder(resource, items).map((i) => ({
      item: i.item_name, labelZh: labels.get(i.item_name)?.labelZh ?? i.item_name, labelEn: labels.get(i.item_name)?.labelEn ?? i.item_name,
      sharingClass: labels.get(i.item_name)?.sharingClass ?? 'unknown', status: i.status, reason: i.reason, decidedBy: i.decided_by, decidedAt: i.decided_at,
    })),
    events: events.map((e) => ({ at: e.at, actor: e.actor, kind: e.kind, note: e.note })),
    agreement: agreement?.id ?? null,
  };
}

/**
 * Request items have random ids, so the order they come back in means nothing: grant and show
 * them in the resource's own item order, so an agreement's item list does not reshuffle between
 * databases or decisions. Items since removed from the resource go last, by name.
 */
function inResourceOrder<T extends { item_name: string }>(resource: Resource, items: readonly T[]): T[] {
  const position = new Map(resource.items.map((item, n) => [item.name, n]));
  const at = (i: T) => position.get(i.item_name) ?? Number.MAX_SAFE_INTEGER;
  return [...items].sort((a, b) => at(a) - at(b) || (a.item_name < b.item_name ? -1 : a.item_name > b.item_name ? 1 : 0));
}

function agreementFromRow(row: AgreementRow, today: string): Agreement {
  const status = row.revoked_at ? 'revoked' : today < row.valid_from ? 'not_yet_valid' : today > row.valid_until ? 'expired' : 'active';
  return {
    id: row.id, request: row.request_id, resource: row.resource_id, provider: row.provider_id, consumer: row.consumer_id,
    consumerSystem: row.consumer_system, serviceCode: row.service_code, items: JSON.parse(row.items) as string[], purpose: row.purpose,
    validFrom: row.valid_from, validUntil: row.valid_until, ratePerMinute: row.rate_per_minute, status, revokedAt: row.revoked_at, revokeReason: row.revoke_reason,
    createdAt: row.created_at, updatedAt: row.updated_at,
  };
}
