import { randomUUID } from 'node:crypto';
import type { HubDatabase as Db, HubTx } from '../hub/database.ts';
import { beginJournaledWrite } from '../journal/service.ts';
import { type Actor, requireDepartmentRole } from '../platform/access.ts';
import { conflict, invalid, notFound } from '../platform/errors.ts';
import { findDepartment } from '../registry/service.ts';
import type { Item, ItemInput, ItemRow, Resource, ResourceInput, ResourceRow, ResourceSummary, SharingClass } from './schema.ts';
import { indexTokens, queryTerms } from './search.ts';
import * as store from './store.ts';

/**
 * The information resource catalog: what each department can share, item by item, under which
 * sharing and open class. Changing a published resource keeps the previous version.
 */

export async function publishResource(db: Db, actor: Actor, input: ResourceInput): Promise<Resource> {
  requireDepartmentRole(actor, input.provider, 'dept_admin', 'clerk');
  checkResourceInput(input);
  const provider = await findDepartment(db, input.provider);
  if (!provider) throw invalid(`provider department ${input.provider} does not exist`, { field: 'provider' });
  return db.transaction(async (tx) => {
    await beginJournaledWrite(tx);
    const code = input.code ?? `${provider.slug.toUpperCase()}-${String(await store.countResourcesOf(tx, provider.code) + 1).padStart(4, '0')}`;
    if (await store.getResourceByCode(tx, code)) throw conflict(`a resource with the code ${code} already exists`, { field: 'code' });
    const now = new Date().toISOString();
    const row = await store.insertResource(tx, actor, {
      id: randomUUID(), code, provider_id: provider.code, ...resourceColumns(input),
      version: 1, withdrawn: 0, created_at: now, updated_at: now,
    });
    const items: ItemRow[] = [];
    for (const [ordinal, item] of input.items.entries()) {
      items.push(await store.insertItem(tx, actor, { id: randomUUID(), resource_id: row.id, ordinal, ...itemColumns(item) }));
    }
    return resourceFromRows(row, items);
  });
}

/** Replaces a resource's description and items; the version before is kept in its history. */
export async function reviseResource(db: Db, actor: Actor, code: string, input: ResourceInput): Promise<Resource> {
  requireDepartmentRole(actor, input.provider, 'dept_admin', 'clerk');
  checkResourceInput(input);
  return db.transaction(async (tx) => {
    await beginJournaledWrite(tx);
    const current = await store.getResourceByCode(tx, code);
    if (!current) throw notFound(`no resource has the code ${code}`);
    if (current.provider_id !== input.provider) throw invalid('the provider of a resource cannot change; publish a new resource instead', { field: 'provider' });
    if (input.code !== undefined && input.code !== code) throw invalid('the code of a resource cannot change', { field: 'code' });
    const oldItems = await store.listItems(tx, current.id);
    await store.insertVersion(tx, actor, {
      id: `${current.id}@${current.version}`, resource_id: current.id, version: current.version,
      snapshot: JSON.stringify(resourceFromRows(current, oldItems)), replaced_at: new Date().toISOString(),
    });
    const row = (await store.updateResource(tx, actor, current.id, {
      ...resourceColumns(input), version: current.version + 1, updated_at: new Date().toISOString(),
    }))!;
    // Items keep their id while their name stays, so requests and agreements still point at them.
    const byName = new Map(oldItems.map((i) => [i.name, i]));
    const items: ItemRow[] = [];
    for (const [ordinal, item] of input.items.entries()) {
      const existing = byName.get(item.name);
      byName.delete(item.name);
      items.push(existing
        ? (await store.updateItem(tx, actor, existing.id, { ordinal, ...itemColumns(item) }))!
        : await store.insertItem(tx, actor, { id: randomUUID(), resource_id: row.id, ordinal, ...itemColumns(item) }));
    }
    for (const removed of byName.values()) await store.deleteItem(tx, actor, removed.id);
    return resourceFromRows(row, items);
  });
}

export async function withdrawResource(db: Db, actor: Actor, code: string): Promise<Resource> {
  const current = await getResourceRow(db.db, code);
  requireDepartmentRole(actor, current.provider_id, 'dept_admin');
  return db.transaction(async (tx) => {
    const row = (await store.updateResource(tx, actor, current.id, { withdrawn: 1, updated_at: new Date().toISOString() }))!;
    return resourceFromRows(row, await store.listItems(tx, row.id));
  });
}

export async function getResource(db: Db, code: string): Promise<Resource> {
  const row = await getResourceRow(db.db, code);
  return resourceFromRows(row, await store.listItems(db.db, row.id));
}

/** A resource by id, read on the given connection (inside a caller's transaction too). */
export async function loadResource(db: HubTx, id: string): Promise<Resource> {
  const row = await store.getResource(db, id);
  if (!row) throw notFound(`no resource ${id}`);
  return resourceFromRows(row, await store.listItems(db, row.id));
}

async function getResourceRow(db: HubTx, code: string): Promise<ResourceRow> {
  const row = await store.getResourceByCode(db, code);
  if (!row) throw notFound(`no resource has the code ${code}`);
  return row;
}

export async function listVersions(db: Db, code: string): Promise<{ version: number; replacedAt: string; resource: Resource }[]> {
  const row = await getResourceRow(db.db, code);
  return (await store.listVersions(db.db, row.id)).map((v) => ({ version: v.version, replacedAt: v.replaced_at, resource: JSON.parse(v.snapshot) as Resource }));
}

export interface ApiService {
  id: string;
  code: string;
  provider: string;
  nameZh: string;
  nameEn: string;
  serviceCode: string | null;
  version: number;
  withdrawn: boolean;
  items: { name: string; sharingClass: string; sensitivity: string; dataType: string }[];
}

/**
 * Every resource offered as an API service, with its item names and sharing classes, in two
 * queries: the global configuration lists them all at every change. Withdrawn ones are included
 * (flagged), because agreements made before the withdrawal stay in force until revoked.
 */
export async function listApiServices(db: Db): Promise<ApiService[]> {
  const [rows, items] = await Promise.all([store.listResourcesOfFormat(db.db, 'api'), store.itemsOfFormat(db.db, 'api')]);
  const byResource = new Map<string, ApiService['items']>();
  for (const item of items) {
    let list = byResource.get(item.resource_id);
    if (!list) byResource.set(item.resource_id, list = []);
    list.push({ name: item.name, sharingClass: item.sharing_class, sensitivity: item.sensitivity, dataType: item.data_type });
  }
  return rows.map((row) => ({
    id: row.id, code: row.code, provider: row.provider_id, nameZh: row.name_zh, nameEn: row.name_en, serviceCode: row.service_code,
    version: row.version, withdrawn: row.withdrawn === 1, items: byResource.get(row.id) ?? [],
  }));
}

export interface CatalogQuery {
  q?: string | undefined;
  provider?: string | undefined;
  sharingClass?: string | undefined;
  subject?: string | undefined;
  openOnly?: boolean | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

export interface CatalogPage {
  total: number;
  /** False when the words were too common to rank (the page suggests more specific words). */
  ranked: boolean;
  resources: (ResourceSummary & { itemNames: string[] })[];
}

/** Search by Chinese or English words in names, summaries and item names, best match first. */
export async function searchCatalog(db: Db, query: CatalogQuery): Promise<CatalogPage> {
  const terms = queryTerms(query.q ?? '');
  const page = await store.searchResources(db.db, terms, query, query.limit ?? 20, query.offset ?? 0);
  const items = await store.itemsOfResources(db.db, page.rows.map((r) => r.id));
  return {
    total: page.total,
    ranked: page.ranked,
    resources: page.rows.map((row) => {
      const { items: _items, openapi: _openapi, ...summary } = resourceFromRows(row, []);
      return { ...summary, itemNames: items.filter((i) => i.resource_id === row.id).map((i) => i.label_zh) };
    }),
  };
}

export async function catalogCounts(db: Db): Promise<store.CatalogCount[]> {
  return store.countByProviderAndClass(db.db);
}

function checkResourceInput(input: ResourceInput): void {
  if (input.format === 'api' && !input.serviceCode) throw invalid('an API resource names the service on the provider\'s gateway (serviceCode, as system/service)', { field: 'serviceCode' });
  if (input.format === 'dataset' && !input.delivery) throw invalid('a dataset is delivered in full or incrementally (delivery)', { field: 'delivery' });
  const seen = new Set<string>();
  for (const item of input.items) {
    if (seen.has(item.name)) throw invalid(`item ${item.name} appears twice`, { field: 'items' });
    seen.add(item.name);
    if (item.sharingClass === 'conditional' && !(item.sharingCondition?.trim() && item.legalBasis?.trim())) {
      throw invalid(`item ${item.name} is shared on conditions: state the conditions and their legal basis`, { field: 'items' });
    }
    if (item.sharingClass === 'not_shared' && !item.legalBasis?.trim()) {
      throw invalid(`item ${item.name} is not shared: state the legal basis for that`, { field: 'items' });
    }
  }
}

/** The resource-level class is the most open class of its items, so a filter finds what can be had. */
function mostOpen(classes: readonly string[]): SharingClass {
  if (classes.includes('unconditional')) return 'unconditional';
  if (classes.includes('conditional')) return 'conditional';
  return 'not_shared';
}

function resourceColumns(input: ResourceInput) {
  return {
    name_zh: input.nameZh, name_en: input.nameEn, summary: input.summary, category: input.category, subject: input.subject,
    industry: input.industry ?? null, format: input.format, delivery: input.delivery ?? null, service_code: input.serviceCode ?? null,
    openapi: input.openapi ? JSON.stringify(input.openapi) : null, update_cycle: input.updateCycle,
    published_on: input.publishedOn ?? new Date().toISOString().slice(0, 10),
    contact_name: input.contact.name, contact_phone: input.contact.phone, contact_email: input.contact.email,
    sharing_class: mostOpen(input.items.map((i) => i.sharingClass)),
    open_class: input.items.some((i) => i.openClass === 'open') ? 'open' : input.items.some((i) => i.openClass === 'conditional_open') ? 'conditional_open' : 'not_open',
    search_title: indexTokens(input.nameZh, input.nameEn),
    search_body: indexTokens(input.summary, input.subject, ...input.items.flatMap((i) => [i.labelZh, i.labelEn, i.name])),
  };
}

function itemColumns(item: ItemInput) {
  return {
    name: item.name, label_zh: item.labelZh, label_en: item.labelEn, data_type: item.dataType, description: item.description ?? '',
    sensitivity: item.sensitivity, sharing_class: item.sharingClass,
    sharing_condition: item.sharingClass === 'conditional' ? item.sharingCondition ?? null : null,
    legal_basis: item.sharingClass === 'unconditional' ? null : item.legalBasis ?? null,
    open_class: item.openClass,
  };
}

export function itemFromRow(row: ItemRow): Item {
  return {
    id: row.id, name: row.name, labelZh: row.label_zh, labelEn: row.label_en, dataType: row.data_type, description: row.description,
    sensitivity: row.sensitivity, sharingClass: row.sharing_class, sharingCondition: row.sharing_condition, legalBasis: row.legal_basis, openClass: row.open_class,
  };
}

function resourceFromRows(row: ResourceRow, items: ItemRow[]): Resource {
  return {
    id: row.id, code: row.code, provider: row.provider_id, nameZh: row.name_zh, nameEn: row.name_en, summary: row.summary,
    category: row.category, subject: row.subject, industry: row.industry, format: row.format, delivery: row.delivery,
    serviceCode: row.service_code, openapi: row.openapi ? JSON.parse(row.openapi) as Record<string, unknown> : null,
    updateCycle: row.update_cycle, publishedOn: row.published_on,
    contact: { name: row.contact_name, phone: row.contact_phone, email: row.contact_email },
    sharingClass: row.sharing_class, openClass: row.open_class, version: row.version, withdrawn: row.withdrawn === 1,
    createdAt: row.created_at, updatedAt: row.updated_at, items: items.map(itemFromRow),
  };
}
