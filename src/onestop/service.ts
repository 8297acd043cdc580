import { getResource } from '../catalog/service.ts';
import { indexTokens, queryTerms } from '../catalog/search.ts';
import type { HubDatabase as Db } from '../hub/database.ts';
import { beginJournaledWrite, derivedByKey } from '../journal/service.ts';
import { type Actor, requireDepartmentRole, requireRole } from '../platform/access.ts';
import { conflict, DomainError, invalid, notFound } from '../platform/errors.ts';
import { checkInput } from '../platform/validation.ts';
import { findDepartment, listDepartments } from '../registry/service.ts';
import type { Department } from '../registry/schema.ts';
import {
  itemTypes, LifeEventInput, topics, type ServiceItemInput,
  type LifeEvent, type LifeEventRow, type ServiceGroups, type ServiceItem, type ServiceItemPage, type ServiceItemRow, type ServiceItemSummary,
} from './schema.ts';
import * as store from './store.ts';
import { checkItemInput } from './validation.ts';

/**
 * Service items (政务服务事项): the structured guide of each thing a person or an enterprise can
 * apply for, versioned so that an application keeps pointing at the guide it was made under;
 * grouped by department, topic and life event (一件事). Reading is public; a department's
 * administrator (or the platform administrator) publishes, revises and withdraws its items.
 */

export async function createServiceItem(db: Db, actor: Actor, input: ServiceItemInput): Promise<ServiceItem> {
  requireDepartmentRole(actor, input.department, 'dept_admin');
  const department = await checkItem(db, input);
  const now = new Date().toISOString();
  await db.transaction(async (tx) => {
    await beginJournaledWrite(tx);
    if (await store.getItem(tx, input.code)) throw conflict(`an item with the code ${input.code} already exists; publish a new version of it instead`, { field: 'code' });
    await store.insertItem(tx, actor, {
      id: input.code, ...itemColumns(input, department), version: 1, withdrawn: 0, withdrawn_at: null, withdraw_reason: null, created_at: now, updated_at: now,
    });
    await store.insertVersion(tx, actor, { id: store.versionId(input.code, 1), item_id: input.code, version: 1, content: JSON.stringify(input), published_at: now });
  });
  return getServiceItem(db, input.code);
}

/** Publishes a new version of an item; the versions before stay readable. */
export async function reviseServiceItem(db: Db, actor: Actor, code: string, input: ServiceItemInput): Promise<ServiceItem> {
  const current = await itemRow(db, code);
  requireDepartmentRole(actor, current.department_id, 'dept_admin');
  const department = await checkItem(db, input);
  if (input.code !== code) throw invalid('the code of an item cannot change; create a new item instead', { field: 'code' });
  if (input.department !== current.department_id) throw invalid('the implementing department of an item cannot change; create a new item instead', { field: 'department' });
  const now = new Date().toISOString();
  await db.transaction(async (tx) => {
    await beginJournaledWrite(tx);
    const latest = (await store.getItem(tx, code))!;
    if (latest.withdrawn) throw conflict(`item ${code} was withdrawn; create a new item instead`);
    const version = latest.version + 1;
    await store.insertVersion(tx, actor, { id: store.versionId(code, version), item_id: code, version, content: JSON.stringify(input), published_at: now });
    await store.updateItem(tx, actor, code, { ...itemColumns(input, department), version, updated_at: now });
  });
  return getServiceItem(db, code);
}

/** Takes an item off the portal; its versions stay readable for the applications made under them. */
export async function withdrawServiceItem(db: Db, actor: Actor, code: string, reason: string): Promise<ServiceItem> {
  const current = await itemRow(db, code);
  requireDepartmentRole(actor, current.department_id, 'dept_admin');
  if (typeof reason !== 'string' || !reason.trim()) throw invalid('say why the item is withdrawn (the legal change or decision), for the people who look for it', { field: 'reason' });
  const now = new Date().toISOString();
  await db.transaction(async (tx) => {
    await beginJournaledWrite(tx);
    if ((await store.getItem(tx, code))!.withdrawn) throw conflict(`item ${code} is already withdrawn`);
    await store.updateItem(tx, actor, code, { withdrawn: 1, withdrawn_at: now, withdraw_reason: reason.trim(), updated_at: now });
  });
  return getServiceItem(db, code);
}

// The portal shows a guide on every visit; it changes when the item, a life event or a department does.
const itemGuides = derivedByKey((db: Db, key: { code: string; version: number | undefined }) => loadServiceItem(db, key.code, key.version), 500, (key) => `${key.version ?? ''} ${key.code}`);

/** An item's guide: the current version, or the given one. Withdrawn items stay readable. Shared by every caller until it changes, and frozen. */
export async function getServiceItem(db: Db, code: string, version?: number): Promise<ServiceItem> {
  return itemGuides(db, { code, version });
}

async function loadServiceItem(db: Db, code: string, version?: number): Promise<ServiceItem> {
  const row = await itemRow(db, code);
  const shown = version ?? row.version;
  const versionRow = await store.getVersion(db.db, code, shown);
  if (!versionRow) throw notFound(`item ${code} has no version ${shown}; its versions are 1 to ${row.version}`);
  const content = JSON.parse(versionRow.content) as ServiceItemInput;
  const [department, events] = await Promise.all([findDepartment(db, row.department_id), store.listLifeEvents(db.db)]);
  const { code: _code, department: _department, keywords, ...guide } = content;
  return {
    code, version: shown, latestVersion: row.version, current: shown === row.version, publishedAt: versionRow.published_at,
    withdrawn: row.withdrawn === 1, withdrawnAt: row.withdrawn_at, withdrawReason: row.withdraw_reason,
    department: departmentName(row.department_id, department), keywords: keywords ?? [],
    lifeEvents: events.filter((e) => lifeEventItems(e).includes(code)).map((e) => ({ code: e.id, nameZh: e.name_zh, nameEn: e.name_en })),
    ...guide,
  };
}

export async function listItemVersions(db: Db, code: string): Promise<{ version: number; publishedAt: string }[]> {
  await itemRow(db, code);
  return (await store.listVersions(db.db, code)).map((v) => ({ version: v.version, publishedAt: v.published_at }));
}

export interface ItemQuery {
  q?: string | undefined;
  department?: string | undefined;
  topic?: string | undefined;
  type?: string | undefined;
  audience?: string | undefined;
  lifeEvent?: string | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

/** Items in force by Chinese or English words (name and keywords first), and by department, topic, type, audience or life event. */
export async function searchServiceItems(db: Db, query: ItemQuery): Promise<ServiceItemPage> {
  const codes = query.lifeEvent === undefined ? undefined : lifeEventItems(await lifeEventRow(db, query.lifeEvent));
  const page = await store.searchItems(db.db, queryTerms(query.q ?? ''), { ...query, codes }, query.limit ?? 20, query.offset ?? 0);
  const names = await departmentNames(db);
  return { total: page.total, items: page.rows.map((r) => summaryOf(r, names)) };
}

/** What the portal browses by: every type and topic, the departments with items, the life events; each with how many items it has in force. */
export async function serviceGroups(db: Db): Promise<ServiceGroups> {
  const [facets, names, events] = await Promise.all([store.itemFacets(db.db), departmentNames(db), store.listLifeEvents(db.db)]);
  const byDepartment = new Map<string, number>();
  for (const f of facets) byDepartment.set(f.department_id, (byDepartment.get(f.department_id) ?? 0) + 1);
  const inForce = new Set(facets.map((f) => f.id));
  return {
    types: itemTypes.map((t) => ({ ...t, items: facets.filter((f) => f.type === t.key).length })),
    topics: topics.map((t) => ({ ...t, items: facets.filter((f) => f.topics.includes(`,${t.key},`)).length })),
    departments: [...byDepartment].sort(([a, m], [b, n]) => n - m || a.localeCompare(b))
      .map(([code, items]) => ({ ...departmentName(code, names.get(code)), items })),
    lifeEvents: events.map((e) => ({ code: e.id, nameZh: e.name_zh, nameEn: e.name_en, audience: e.audience, items: lifeEventItems(e).filter((c) => inForce.has(c)).length })),
  };
}

// ——— Life events (一件事) ———

/** A life event bundles items of several departments into one application (platform administrator). */
export async function createLifeEvent(db: Db, actor: Actor, input: LifeEventInput): Promise<LifeEvent> {
  requireRole(actor, 'platform_admin');
  checkInput(LifeEventInput, input);
  const now = new Date().toISOString();
  await db.transaction(async (tx) => {
    await beginJournaledWrite(tx);
    if (await store.getLifeEvent(tx, input.code)) throw conflict(`a life event with the code ${input.code} already exists`, { field: 'code' });
    const found = new Map((await store.itemsByCode(tx, input.items)).map((r) => [r.id, r]));
    input.items.forEach((code, i) => {
      const item = found.get(code);
      if (!item) throw invalid(`there is no item ${code}`, { field: `items.${i}` });
      if (item.withdrawn) throw invalid(`item ${code} is withdrawn`, { field: `items.${i}` });
    });
    await store.insertLifeEvent(tx, actor, {
      id: input.code, name_zh: input.nameZh, name_en: input.nameEn, audience: input.audience, summary: input.summary,
      items: JSON.stringify(input.items), created_at: now, updated_at: now,
    });
  });
  return getLifeEvent(db, input.code);
}

export async function getLifeEvent(db: Db, code: string): Promise<LifeEvent> {
  const [event] = await lifeEventsOf(db, [await lifeEventRow(db, code)]);
  return event!;
}

export async function listLifeEvents(db: Db): Promise<LifeEvent[]> {
  return lifeEventsOf(db, await store.listLifeEvents(db.db));
}

async function lifeEventsOf(db: Db, rows: LifeEventRow[]): Promise<LifeEvent[]> {
  const [items, names] = await Promise.all([store.itemsByCode(db.db, [...new Set(rows.flatMap(lifeEventItems))]), departmentNames(db)]);
  const byCode = new Map(items.map((r) => [r.id, summaryOf(r, names)]));
  return rows.map((row) => {
    const members = lifeEventItems(row).map((c) => byCode.get(c)).filter((s): s is ServiceItemSummary => s !== undefined);
    const departments = [...new Map(members.map((m) => [m.department.code, m.department])).values()];
    return {
      code: row.id, nameZh: row.name_zh, nameEn: row.name_en, audience: row.audience, summary: row.summary, departments,
      promisedDays: Math.max(0, ...members.filter((m) => !m.withdrawn).map((m) => m.promisedDays)), items: members, updatedAt: row.updated_at,
    };
  });
}

// ——— Checks and mapping ———

async function checkItem(db: Db, input: ServiceItemInput): Promise<Department> {
  checkItemInput(input);
  await checkDataReferences(db, input);
  const department = await findDepartment(db, input.department);
  if (!department) throw invalid(`department ${input.department} does not exist`, { field: 'department' });
  return department;
}

/** Prefilled fields and materials a lookup replaces must name data items the catalog lists. */
async function checkDataReferences(db: Db, input: ServiceItemInput): Promise<void> {
  const references: { field: string; resource: string; items: readonly string[] }[] = [
    ...input.form.fields.flatMap((f, i) => (f.prefill ? [{ field: `form.fields.${i}.prefill`, resource: f.prefill.resource, items: [f.prefill.item] }] : [])),
    ...input.materials.flatMap((m, i) => (m.replaceableBy?.kind === 'data'
      ? [{ field: `materials.${i}.replaceableBy`, resource: m.replaceableBy.source, items: m.replaceableBy.items ?? [] }] : [])),
  ];
  const resources = new Map<string, Set<string> | null>();
  for (const ref of references) {
    if (!resources.has(ref.resource)) {
      const resource = await getResource(db, ref.resource).catch((error: unknown) => {
        if (error instanceof DomainError && error.code === 'not_found') return null;
        throw error;
      });
      resources.set(ref.resource, resource && !resource.withdrawn ? new Set(resource.items.map((i) => i.name)) : null);
    }
    const names = resources.get(ref.resource);
    if (!names) throw invalid(`the catalog has no resource ${ref.resource} in force`, { field: ref.field });
    const missing = ref.items.find((name) => !names.has(name));
    if (missing) throw invalid(`catalog resource ${ref.resource} has no data item ${missing}`, { field: ref.field });
  }
}

function itemColumns(input: ServiceItemInput, department: Department) {
  const type = itemTypes.find((t) => t.key === input.type)!;
  return {
    department_id: input.department, type: input.type, name_zh: input.nameZh, name_en: input.nameEn,
    audiences: `,${input.audiences.join(',')},`, topics: `,${input.topics.join(',')},`,
    promised_days: input.timeLimit.promisedDays, legal_days: input.timeLimit.legalDays,
    online: input.where.online ? 1 : 0, visits: input.where.visits,
    search_title: indexTokens(input.nameZh, input.nameEn, ...(input.keywords ?? [])),
    search_body: indexTokens(
      input.summary, type.nameZh, department.nameZh, ...topics.filter((t) => input.topics.includes(t.key)).map((t) => t.nameZh),
      ...input.conditions, ...input.legalBasis, ...input.materials.map((m) => m.name), ...input.form.fields.map((f) => f.labelZh),
    ),
  };
}

type DepartmentNames = Map<string, Department>;

async function departmentNames(db: Db): Promise<DepartmentNames> {
  return new Map((await listDepartments(db)).map((d) => [d.code, d]));
}

function departmentName(code: string, department: Department | null | undefined) {
  return { code, nameZh: department?.nameZh ?? code, nameEn: department?.nameEn ?? code };
}

function summaryOf(row: ServiceItemRow, names: DepartmentNames): ServiceItemSummary {
  return {
    code: row.id, version: row.version, type: row.type, nameZh: row.name_zh, nameEn: row.name_en,
    department: departmentName(row.department_id, names.get(row.department_id)),
    audiences: row.audiences.split(',').filter(Boolean), topics: row.topics.split(',').filter(Boolean),
    promisedDays: row.promised_days, legalDays: row.legal_days, online: row.online === 1, visits: row.visits, withdrawn: row.withdrawn === 1,
  };
}

function lifeEventItems(row: LifeEventRow): string[] {
  return JSON.parse(row.items) as string[];
}

async function itemRow(db: Db, code: string): Promise<ServiceItemRow> {
  const row = await store.getItem(db.db, code);
  if (!row) throw notFound(`there is no service item ${code}`);
  return row;
}

async function lifeEventRow(db: Db, code: string): Promise<LifeEventRow> {
  const row = await store.getLifeEvent(db.db, code);
  if (!row) throw notFound(`there is no life event ${code}`);
  return row;
}
