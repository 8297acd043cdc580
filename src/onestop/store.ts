import { sql, type Updateable } from 'kysely';
import type { HubTx as Db } from '../hub/database.ts';
import type { ChangeContext } from '../journal/schema.ts';
import { insertRow, updateRow } from '../journal/service.ts';
import { containsText, dbKindOf, textMatches, type TextIndex } from '../platform/db/index.ts';
import type { LifeEventRow, ServiceItemRow, ServiceItemVersionRow } from './schema.ts';

export async function getItem(db: Db, code: string): Promise<ServiceItemRow | undefined> {
  return db.selectFrom('onestop_items').selectAll().where('id', '=', code).executeTakeFirst();
}

export async function insertItem(tx: Db, ctx: ChangeContext, row: ServiceItemRow): Promise<ServiceItemRow> {
  return insertRow(tx, ctx, 'onestop_items', row);
}

export async function updateItem(tx: Db, ctx: ChangeContext, code: string, changes: Updateable<ServiceItemRow>): Promise<ServiceItemRow | undefined> {
  return updateRow(tx, ctx, 'onestop_items', code, changes);
}

export async function getVersion(db: Db, code: string, version: number): Promise<ServiceItemVersionRow | undefined> {
  return db.selectFrom('onestop_item_versions').selectAll().where('id', '=', versionId(code, version)).executeTakeFirst();
}

export async function insertVersion(tx: Db, ctx: ChangeContext, row: ServiceItemVersionRow): Promise<ServiceItemVersionRow> {
  return insertRow(tx, ctx, 'onestop_item_versions', row);
}

export async function listVersions(db: Db, code: string): Promise<Pick<ServiceItemVersionRow, 'version' | 'published_at'>[]> {
  return db.selectFrom('onestop_item_versions').select(['version', 'published_at']).where('item_id', '=', code).orderBy('version', 'desc').execute();
}

/** The id applications keep to name the version they were made under. */
export function versionId(code: string, version: number): string {
  return `${code}@${version}`;
}

export interface ItemFilter {
  department?: string | undefined;
  topic?: string | undefined;
  type?: string | undefined;
  audience?: string | undefined;
  /** Only these codes (a life event's items). */
  codes?: readonly string[] | undefined;
}

export const SEARCH_INDEX: TextIndex = { table: 'onestop_items', fts: 'onestop_items_fts', vectors: 'onestop_items_search' };

/**
 * Items in force matching every search term (all when there are none) and the filters: best
 * match first (a match in the name or keywords before one in the rest of the guide), else by code.
 * A city has a few thousand items, so every match is ranked.
 */
export async function searchItems(db: Db, terms: readonly string[], filter: ItemFilter, limit: number, offset: number): Promise<{ rows: ServiceItemRow[]; total: number }> {
  if (filter.codes && filter.codes.length === 0) return { rows: [], total: 0 };
  const kind = dbKindOf(db);
  const from = (ranked: boolean) => {
    let query = terms.length
      ? db.selectFrom(textMatches(kind, SEARCH_INDEX, terms, { ranked }).as('m')).innerJoin('onestop_items as i', 'i.id', sql.ref('m.id') as never)
      : db.selectFrom('onestop_items as i');
    if (filter.department) query = query.where('i.department_id', '=', filter.department);
    if (filter.type) query = query.where('i.type', '=', filter.type);
    if (filter.topic) query = query.where(containsText(sql.ref('i.topics'), `,${filter.topic},`));
    if (filter.audience) query = query.where(containsText(sql.ref('i.audiences'), `,${filter.audience},`));
    if (filter.codes) query = query.where('i.id', 'in', filter.codes);
    return query.where('i.withdrawn', '=', 0);
  };
  const ordered = terms.length ? from(true).orderBy(sql`m.rank`).orderBy('i.id') : from(false).orderBy('i.id');
  const rows = await ordered.selectAll('i').limit(limit).offset(offset).execute();
  const count = await from(false).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return { rows: rows as ServiceItemRow[], total: Number(count.n) };
}

export async function itemsByCode(db: Db, codes: readonly string[]): Promise<ServiceItemRow[]> {
  if (codes.length === 0) return [];
  return db.selectFrom('onestop_items').selectAll().where('id', 'in', codes).execute();
}

/** Department, type and topics of every item in force: what the portal's browse pages count. */
export async function itemFacets(db: Db): Promise<Pick<ServiceItemRow, 'id' | 'department_id' | 'type' | 'topics'>[]> {
  return db.selectFrom('onestop_items').select(['id', 'department_id', 'type', 'topics']).where('withdrawn', '=', 0).execute();
}

export async function getLifeEvent(db: Db, code: string): Promise<LifeEventRow | undefined> {
  return db.selectFrom('onestop_life_events').selectAll().where('id', '=', code).executeTakeFirst();
}

export async function listLifeEvents(db: Db): Promise<LifeEventRow[]> {
  return db.selectFrom('onestop_life_events').selectAll().orderBy('id').execute();
}

export async function insertLifeEvent(tx: Db, ctx: ChangeContext, row: LifeEventRow): Promise<LifeEventRow> {
  return insertRow(tx, ctx, 'onestop_life_events', row);
}
