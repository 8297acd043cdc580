import { randomUUID } from 'node:crypto';
import { type Actor, requireDepartmentRole, requireRole } from '../platform/access.ts';
import type { HubDatabase as Db } from '../hub/database.ts';
import { isUniqueViolation } from '../platform/db/index.ts';
import { conflict, invalid, notFound } from '../platform/errors.ts';
import type {
  Contact, ContactInput, ContactRow, Department, DepartmentInput, DepartmentPatch, DepartmentRow,
  DepartmentSystem, Division, DivisionRow, Instance, SystemInput, SystemRow,
} from './schema.ts';
import * as store from './store.ts';
import type { DepartmentFilter } from './store.ts';
import { usccProblem } from './uscc.ts';
import { beginJournaledWrite, derivedFromJournal } from '../journal/service.ts';
import { checkInput } from '../platform/validation.ts';
import { ContactInput as ContactInputSchema, DepartmentInput as DepartmentInputSchema, DepartmentPatch as DepartmentPatchSchema, Division as DivisionSchema, SystemInput as SystemInputSchema } from './schema.ts';

// The city's names head every page.
const cityInstance = derivedFromJournal(async (db: Db): Promise<Instance | null> => {
  const row = await store.getInstance(db.db);
  return row ? { code: row.code, nameZh: row.name_zh, nameEn: row.name_en, division: row.division_id } : null;
});

export async function getInstance(db: Db): Promise<Instance | null> {
  return cityInstance(db);
}

export async function setUpInstance(db: Db, actor: Actor, instance: Instance): Promise<Instance> {
  requireRole(actor, 'platform_admin');
  await db.transaction(async (tx) => {
    if (await store.getInstance(tx)) throw conflict('the city instance is already set up');
    if (!(await store.getDivision(tx, instance.division))) throw invalid(`division ${instance.division} does not exist; add it first`, { field: 'division' });
    await store.insertInstance(tx, actor, { id: 'instance', code: instance.code, name_zh: instance.nameZh, name_en: instance.nameEn, division_id: instance.division });
  });
  return instance;
}

export async function listDivisions(db: Db): Promise<Division[]> {
  return (await store.listDivisions(db.db)).map(divisionFromRow);
}

export async function addDivision(db: Db, actor: Actor, division: Division): Promise<Division> {
  requireRole(actor, 'platform_admin');
  checkInput(DivisionSchema, division);
  return db.transaction(async (tx) => {
    await beginJournaledWrite(tx);
    if (await store.getDivision(tx, division.code)) throw conflict(`division ${division.code} already exists`);
    if (division.parent !== null && !(await store.getDivision(tx, division.parent))) {
      throw invalid(`parent division ${division.parent} does not exist`, { field: 'parent' });
    }
    return divisionFromRow(await store.insertDivision(tx, actor, {
      id: division.code, kind: division.kind, parent_id: division.parent, name_zh: division.nameZh, name_en: division.nameEn,
    }));
  });
}

// Every staff page names departments; the directory changes a few times a year.
const departmentDirectory = derivedFromJournal(async (db: Db) => (await store.listDepartments(db.db, {})).map(departmentFromRow));

/** Departments, top-level first. Without a filter: the whole directory, shared by every request until it changes, and frozen. */
export async function listDepartments(db: Db, filter: DepartmentFilter = {}): Promise<Department[]> {
  if (Object.values(filter).every((v) => v === undefined)) return departmentDirectory(db);
  return (await store.listDepartments(db.db, filter)).map(departmentFromRow);
}

// The portal's front page counts them for every visitor.
const departmentCount = derivedFromJournal((db: Db) => store.countDepartments(db.db));

export async function countDepartments(db: Db): Promise<number> {
  return departmentCount(db);
}

export async function getDepartment(db: Db, code: string): Promise<Department> {
  const row = await store.getDepartment(db.db, code);
  if (!row) throw notFound(`no department has the code ${code}`);
  return departmentFromRow(row);
}

export async function findDepartment(db: Db, code: string): Promise<Department | null> {
  const row = await store.getDepartment(db.db, code);
  return row ? departmentFromRow(row) : null;
}

export async function getDepartmentBySlug(db: Db, slug: string): Promise<Department> {
  const row = await store.getDepartmentBySlug(db.db, slug);
  if (!row) throw notFound(`no department is called ${slug}`);
  return departmentFromRow(row);
}

export async function createDepartment(db: Db, actor: Actor, input: DepartmentInput): Promise<Department> {
  requireRole(actor, 'platform_admin');
  const problem = usccProblem(input.code);
  if (problem) throw invalid(`code: ${problem}`, { field: 'code' });
  checkInput(DepartmentInputSchema, input);
  return db.transaction(async (tx) => {
    // Lock before checking, so two concurrent registrations cannot both pass the checks.
    await beginJournaledWrite(tx);
    await checkPlacement(tx, input.code, input.division, input.parent ?? null);
    if (await store.getDepartment(tx, input.code)) throw conflict(`a department with the code ${input.code} already exists`, { field: 'code' });
    if (await store.getDepartmentBySlug(tx, input.slug)) throw conflict(`the short name ${input.slug} is taken`, { field: 'slug' });
    if (await store.findDepartmentByName(tx, input.nameZh)) throw conflict(`a department named ${input.nameZh} already exists`, { field: 'nameZh' });
    const now = new Date().toISOString();
    return departmentFromRow(await store.insertDepartment(tx, actor, {
      id: input.code, slug: input.slug, kind: input.kind, division_id: input.division, parent_id: input.parent ?? null,
      name_zh: input.nameZh, name_en: input.nameEn, created_at: now, updated_at: now,
    }));
  });
}

export async function updateDepartment(db: Db, actor: Actor, code: string, patch: DepartmentPatch): Promise<Department> {
  // Moving a department in the hierarchy is the platform's decision; its own administrator may rename it.
  if (patch.parent !== undefined || patch.division !== undefined || patch.kind !== undefined) requireRole(actor, 'platform_admin');
  else requireDepartmentRole(actor, code, 'dept_admin');
  checkInput(DepartmentPatchSchema, patch);
  return db.transaction(async (tx) => {
    // Two concurrent moves could otherwise each pass the cycle check and make a cycle together.
    await beginJournaledWrite(tx);
    const current = await store.getDepartment(tx, code);
    if (!current) throw notFound(`no department has the code ${code}`);
    const division = patch.division ?? current.division_id;
    const parent = patch.parent === undefined ? current.parent_id : patch.parent;
    await checkPlacement(tx, code, division, parent);
    if (patch.slug && patch.slug !== current.slug && await store.getDepartmentBySlug(tx, patch.slug)) {
      throw conflict(`the short name ${patch.slug} is taken`, { field: 'slug' });
    }
    if (patch.nameZh && patch.nameZh !== current.name_zh && await store.findDepartmentByName(tx, patch.nameZh)) {
      throw conflict(`a department named ${patch.nameZh} already exists`, { field: 'nameZh' });
    }
    const updated = await store.updateDepartment(tx, actor, code, {
      ...(patch.slug !== undefined && { slug: patch.slug }),
      ...(patch.kind !== undefined && { kind: patch.kind }),
      ...(patch.nameZh !== undefined && { name_zh: patch.nameZh }),
      ...(patch.nameEn !== undefined && { name_en: patch.nameEn }),
      division_id: division,
      parent_id: parent,
      updated_at: new Date().toISOString(),
    });
    return departmentFromRow(updated!);
  });
}

/** The division must exist; the parent must exist and must not be the department or below it. */
async function checkPlacement(tx: Db['db'], code: string, division: string, parent: string | null): Promise<void> {
  if (!(await store.getDivision(tx, division))) throw invalid(`division ${division} does not exist`, { field: 'division' });
  if (parent === null) return;
  const seen = new Set<string>();
  for (let at: string | null = parent; at !== null;) {
    if (at === code) throw invalid(`department ${parent} is ${code} itself or one of its sub-departments: that would make a cycle`, { field: 'parent' });
    if (seen.has(at)) break;
    seen.add(at);
    const row: DepartmentRow | undefined = await store.getDepartment(tx, at);
    if (!row) {
      if (at === parent) throw invalid(`parent department ${parent} does not exist`, { field: 'parent' });
      break;
    }
    at = row.parent_id;
  }
}

export async function listSystems(db: Db, department: string): Promise<DepartmentSystem[]> {
  await getDepartment(db, department);
  return (await store.listSystems(db.db, department)).map(systemFromRow);
}

/** The systems of every department, in one query. */
export async function listAllSystems(db: Db): Promise<DepartmentSystem[]> {
  return (await store.listAllSystems(db.db)).map(systemFromRow);
}

export async function getSystem(db: Db, department: string, code: string): Promise<DepartmentSystem> {
  const row = await store.getSystem(db.db, department, code);
  if (!row) throw notFound(`department ${department} has no system ${code}`);
  return systemFromRow(row);
}

export async function addSystem(db: Db, actor: Actor, department: string, input: SystemInput): Promise<DepartmentSystem> {
  requireDepartmentRole(actor, department, 'dept_admin');
  checkInput(SystemInputSchema, input);
  return db.transaction(async (tx) => {
    await beginJournaledWrite(tx);
    if (!(await store.getDepartment(tx, department))) throw notFound(`no department has the code ${department}`);
    if (await store.getSystem(tx, department, input.code)) throw conflict(`department ${department} already has a system ${input.code}`, { field: 'code' });
    try {
      return systemFromRow(await store.insertSystem(tx, actor, {
        id: randomUUID(), department_id: department, code: input.code, name_zh: input.nameZh, name_en: input.nameEn,
        created_at: new Date().toISOString(),
      }));
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`department ${department} already has a system ${input.code}`, { field: 'code' });
      throw error;
    }
  });
}

export async function listContacts(db: Db, department: string): Promise<Contact[]> {
  await getDepartment(db, department);
  return (await store.listContacts(db.db, department)).map(contactFromRow);
}

export async function addContact(db: Db, actor: Actor, department: string, input: ContactInput): Promise<Contact> {
  requireDepartmentRole(actor, department, 'dept_admin');
  checkInput(ContactInputSchema, input);
  return db.transaction(async (tx) => {
    if (!(await store.getDepartment(tx, department))) throw notFound(`no department has the code ${department}`);
    return contactFromRow(await store.insertContact(tx, actor, {
      id: randomUUID(), department_id: department, role: input.role, name: input.name, phone: input.phone, email: input.email,
    }));
  });
}

export async function removeContact(db: Db, actor: Actor, department: string, id: string): Promise<void> {
  requireDepartmentRole(actor, department, 'dept_admin');
  await db.transaction(async (tx) => {
    const contact = await store.getContact(tx, id);
    if (!contact || contact.department_id !== department) throw notFound(`department ${department} has no contact ${id}`);
    await store.deleteContact(tx, actor, id);
  });
}

function divisionFromRow(row: DivisionRow): Division {
  return { code: row.id, kind: row.kind as Division['kind'], parent: row.parent_id, nameZh: row.name_zh, nameEn: row.name_en };
}

function departmentFromRow(row: DepartmentRow): Department {
  return {
    code: row.id, slug: row.slug, kind: row.kind, division: row.division_id, parent: row.parent_id,
    nameZh: row.name_zh, nameEn: row.name_en, createdAt: row.created_at, updatedAt: row.updated_at,
  };
}

function systemFromRow(row: SystemRow): DepartmentSystem {
  return { id: row.id, department: row.department_id, code: row.code, nameZh: row.name_zh, nameEn: row.name_en, createdAt: row.created_at };
}

function contactFromRow(row: ContactRow): Contact {
  return { id: row.id, department: row.department_id, role: row.role, name: row.name, phone: row.phone, email: row.email };
}
