import { sql, type Updateable } from 'kysely';
import { containsText } from '../platform/db/index.ts';
import type { ChangeContext } from '../journal/schema.ts';
import { insertRow, updateRow, deleteRow } from '../journal/service.ts';
import type { HubTx as Db } from '../hub/database.ts';
import type { ContactRow, DepartmentRow, DivisionRow, InstanceRow, SystemRow } from './schema.ts';

export async function getInstance(db: Db): Promise<InstanceRow | undefined> {
  return db.selectFrom('city_instance').selectAll().executeTakeFirst();
}

export async function insertInstance(tx: Db, ctx: ChangeContext, row: InstanceRow): Promise<InstanceRow> {
  return insertRow(tx, ctx, 'city_instance', row);
}

export async function listDivisions(db: Db): Promise<DivisionRow[]> {
  return db.selectFrom('divisions').selectAll().orderBy('id').execute();
}

export async function getDivision(db: Db, id: string): Promise<DivisionRow | undefined> {
  return db.selectFrom('divisions').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertDivision(tx: Db, ctx: ChangeContext, row: DivisionRow): Promise<DivisionRow> {
  return insertRow(tx, ctx, 'divisions', row);
}

export interface DepartmentFilter {
  parent?: string | undefined;
  division?: string | undefined;
  /** Matches Chinese or English name, slug or code. */
  q?: string | undefined;
  limit?: number | undefined;
}

export async function listDepartments(db: Db, filter: DepartmentFilter = {}): Promise<DepartmentRow[]> {
  let query = db.selectFrom('departments').selectAll();
  if (filter.parent) query = query.where('parent_id', '=', filter.parent);
  if (filter.division) query = query.where('division_id', '=', filter.division);
  if (filter.q) {
    const q = filter.q;
    query = query.where((eb) => eb.or([
      containsText(eb.ref('name_zh'), q), containsText(eb.ref('name_en'), q), containsText(eb.ref('slug'), q), eb('id', '=', q.toUpperCase()),
    ]));
  }
  // Top-level departments first on both databases (they sort NULLs differently).
  return query.orderBy('division_id').orderBy((eb) => eb.fn.coalesce('parent_id', sql<string>`''`)).orderBy('name_zh').limit(filter.limit ?? 1000).execute();
}

export async function countDepartments(db: Db): Promise<number> {
  const { n } = await db.selectFrom('departments').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(n);
}

export async function getDepartment(db: Db, id: string): Promise<DepartmentRow | undefined> {
  return db.selectFrom('departments').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function getDepartmentBySlug(db: Db, slug: string): Promise<DepartmentRow | undefined> {
  return db.selectFrom('departments').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export async function findDepartmentByName(db: Db, nameZh: string): Promise<DepartmentRow | undefined> {
  return db.selectFrom('departments').selectAll().where('name_zh', '=', nameZh).executeTakeFirst();
}

export async function insertDepartment(tx: Db, ctx: ChangeContext, row: DepartmentRow): Promise<DepartmentRow> {
  return insertRow(tx, ctx, 'departments', row);
}

export async function updateDepartment(tx: Db, ctx: ChangeContext, id: string, changes: Updateable<DepartmentRow>): Promise<DepartmentRow | undefined> {
  return updateRow(tx, ctx, 'departments', id, changes);
}

export async function listSystems(db: Db, departmentId: string): Promise<SystemRow[]> {
  return db.selectFrom('department_systems').selectAll().where('department_id', '=', departmentId).orderBy('code').execute();
}

/** Every department's systems in one query (the global configuration lists them all). */
export async function listAllSystems(db: Db): Promise<SystemRow[]> {
  return db.selectFrom('department_systems').selectAll().orderBy('department_id').orderBy('code').execute();
}

export async function getSystem(db: Db, departmentId: string, code: string): Promise<SystemRow | undefined> {
  return db.selectFrom('department_systems').selectAll()
    .where('department_id', '=', departmentId).where('code', '=', code).executeTakeFirst();
}

export async function insertSystem(tx: Db, ctx: ChangeContext, row: SystemRow): Promise<SystemRow> {
  return insertRow(tx, ctx, 'department_systems', row);
}

export async function listContacts(db: Db, departmentId: string): Promise<ContactRow[]> {
  return db.selectFrom('department_contacts').selectAll().where('department_id', '=', departmentId).orderBy('role').orderBy('name').execute();
}

export async function getContact(db: Db, id: string): Promise<ContactRow | undefined> {
  return db.selectFrom('department_contacts').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertContact(tx: Db, ctx: ChangeContext, row: ContactRow): Promise<ContactRow> {
  return insertRow(tx, ctx, 'department_contacts', row);
}

export async function deleteContact(tx: Db, ctx: ChangeContext, id: string): Promise<boolean> {
  return deleteRow(tx, ctx, 'department_contacts', id);
}
