import { sql, type Updateable } from 'kysely';
import type { HubTx as Db } from '../hub/database.ts';
import type { ChangeContext } from '../journal/schema.ts';
import { deleteRow, insertRow, updateRow } from '../journal/service.ts';
import { type TextIndex, dbKindOf, textMatchCount, textMatches } from '../platform/db/index.ts';
import type { ItemRow, ResourceRow, ResourceVersionRow } from './schema.ts';

export async function getResource(db: Db, id: string): Promise<ResourceRow | undefined> {
  return db.selectFrom('catalog_resources').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function getResourceByCode(db: Db, code: string): Promise<ResourceRow | undefined> {
  return db.selectFrom('catalog_resources').selectAll().where('code', '=', code).executeTakeFirst();
}

export async function countResourcesOf(db: Db, provider: string): Promise<number> {
  const { n } = await db.selectFrom('catalog_resources').select((eb) => eb.fn.countAll<number>().as('n')).where('provider_id', '=', provider).executeTakeFirstOrThrow();
  return Number(n);
}

export async function insertResource(tx: Db, ctx: ChangeContext, row: ResourceRow): Promise<ResourceRow> {
  return insertRow(tx, ctx, 'catalog_resources', row);
}

export async function updateResource(tx: Db, ctx: ChangeContext, id: string, changes: Updateable<ResourceRow>): Promise<ResourceRow | undefined> {
  return updateRow(tx, ctx, 'catalog_resources', id, changes);
}

export async function listItems(db: Db, resourceId: string): Promise<ItemRow[]> {
  return db.selectFrom('catalog_items').selectAll().where('resource_id', '=', resourceId).orderBy('ordinal').execute();
}

export async function itemsOfResources(db: Db, resourceIds: readonly string[]): Promise<ItemRow[]> {
  if (resourceIds.length === 0) return [];
  return db.selectFrom('catalog_items').selectAll().where('resource_id', 'in', resourceIds).orderBy('ordinal').execute();
}

export async function insertItem(tx: Db, ctx: ChangeContext, row: ItemRow): Promise<ItemRow> {
  return insertRow(tx, ctx, 'catalog_items', row);
}

export async function updateItem(tx: Db, ctx: ChangeContext, id: string, changes: Updateable<ItemRow>): Promise<ItemRow | undefined> {
  return updateRow(tx, ctx, 'catalog_items', id, changes);
}

export async function deleteItem(tx: Db, ctx: ChangeContext, id: string): Promise<boolean> {
  return deleteRow(tx, ctx, 'catalog_items', id);
}

export async function insertVersion(tx: Db, ctx: ChangeContext, row: ResourceVersionRow): Promise<ResourceVersionRow> {
  return insertRow(tx, ctx, 'catalog_versions', row);
}

export async function listVersions(db: Db, resourceId: string): Promise<ResourceVersionRow[]> {
  return db.selectFrom('catalog_versions').selectAll().where('resource_id', '=', resourceId).orderBy('version', 'desc').execute();
}

/** What the global configuration needs of every resource of a format, without the large columns. */
export type ServiceRow = Pick<ResourceRow, 'id' | 'code' | 'provider_id' | 'name_zh' | 'name_en' | 'service_code' | 'version' | 'withdrawn'>;

export async function listResourcesOfFormat(db: Db, format: string): Promise<ServiceRow[]> {
  return db.selectFrom('catalog_resources').select(['id', 'code', 'provider_id', 'name_zh', 'name_en', 'service_code', 'version', 'withdrawn'])
    .where('format', '=', format).orderBy('code').execute();
}

/** Items of every resource of a format, in one query rather than one per resource. */
export async function itemsOfFormat(db: Db, format: string): Promise<Pick<ItemRow, 'resource_id' | 'name' | 'sharing_class' | 'sensitivity' | 'data_type'>[]> {
  return db.selectFrom('catalog_items as i').innerJoin('catalog_resources as r', 'r.id', 'i.resource_id')
    .select(['i.resource_id', 'i.name', 'i.sharing_class', 'i.sensitivity', 'i.data_type']).where('r.format', '=', format).orderBy('i.resource_id').orderBy('i.ordinal').execute();
}

export interface ResourceFilter {
  provider?: string | undefined;
  sharingClass?: string | undefined;
  subject?: string | undefined;
  openOnly?: boolean | undefined;
  includeWithdrawn?: boolean | undefined;
}

export const SEARCH_INDEX: TextIndex = { table: 'catalog_resources', fts: 'catalog_fts', vectors: 'catalog_search' };

/**
 * Past this many matches a query is too common to rank usefully (a single character found in
 * most names), and scoring every match would cost more than the answer is worth: the page gets
 * matches in index order and is told the search was not ranked.
 */
const RANKING_LIMIT = 20_000;

export interface SearchPage {
  rows: ResourceRow[];
  total: number;
  ranked: boolean;
}

/**
 * Resources matching every search term (all when there are none), best first, with filters.
 * The search index holds only resources that are not withdrawn, so without other filters the
 * count and the best rows come from the index alone.
 */
export async function searchResources(db: Db, terms: readonly string[], filter: ResourceFilter, limit: number, offset: number): Promise<SearchPage> {
  const kind = dbKindOf(db);
  const filtered = Boolean(filter.provider || filter.sharingClass || filter.subject || filter.openOnly);
  if (terms.length && !filtered && !filter.includeWithdrawn) {
    const total = Number((await textMatchCount(kind, SEARCH_INDEX, terms).execute(db)).rows[0]?.n ?? 0);
    const ranked = total <= RANKING_LIMIT;
    const rows = await db.selectFrom(textMatches(kind, SEARCH_INDEX, terms, { ranked, top: offset + limit }).as('m'))
      .innerJoin('catalog_resources as r', 'r.id', sql.ref('m.id') as never)
      .selectAll('r').orderBy(sql`m.rank`).orderBy('r.code').limit(limit).offset(offset).execute();
    return { rows: rows as ResourceRow[], total, ranked };
  }
  const from = (ranked: boolean) => {
    let query = terms.length
      ? db.selectFrom(textMatches(kind, SEARCH_INDEX, terms, { ranked }).as('m')).innerJoin('catalog_resources as r', 'r.id', sql.ref('m.id') as never)
      : db.selectFrom('catalog_resources as r');
    if (filter.provider) query = query.where('r.provider_id', '=', filter.provider);
    if (filter.sharingClass) query = query.where('r.sharing_class', '=', filter.sharingClass);
    if (filter.subject) query = query.where('r.subject', '=', filter.subject);
    if (filter.openOnly) query = query.where('r.open_class', '=', 'open');
    if (!filter.includeWithdrawn) query = query.where('r.withdrawn', '=', 0);
    return query;
  };
  const ordered = terms.length
    ? from(true).orderBy(sql`m.rank`).orderBy('r.code')
    : from(false).orderBy('r.updated_at', 'desc').orderBy('r.code');
  const rows = await ordered.selectAll('r').limit(limit).offset(offset).execute();
  const count = await from(false).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return { rows: rows as ResourceRow[], total: Number(count.n), ranked: true };
}

export interface CatalogCount {
  provider_id: string;
  sharing_class: string;
  n: number;
}

export async function countByProviderAndClass(db: Db): Promise<CatalogCount[]> {
  const rows = await db.selectFrom('catalog_resources').select(['provider_id', 'sharing_class', (eb) => eb.fn.countAll<number>().as('n')])
    .where('withdrawn', '=', 0).groupBy(['provider_id', 'sharing_class']).execute();
  return rows.map((r) => ({ ...r, n: Number(r.n) }));
}
