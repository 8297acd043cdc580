import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { HubDatabase } from '../../src/hub/database.ts';
import type { JournalEntry } from '../../src/journal/schema.ts';
import { journalHead, readEntries } from '../../src/journal/service.ts';
import { systemActor, type Actor, type StaffRole } from '../../src/platform/access.ts';
import { DomainError, type ErrorCode } from '../../src/platform/errors.ts';
import type { DepartmentInput } from '../../src/registry/schema.ts';
import {
  addContact, addDivision, addSystem, createDepartment, getDepartment, getDepartmentBySlug, getInstance, getSystem,
  listContacts, listDepartments, listDivisions, listSystems, removeContact, setUpInstance, updateDepartment,
} from '../../src/registry/service.ts';
import { governmentUscc } from '../../src/registry/uscc.ts';
import { databaseTargets, freshDatabase, type TestDatabase } from '../support/databases.ts';
import { refusedUnchanged } from '../support/errors.ts';

const CITY = '210200';
const ZHONGSHAN = '210202';
const XIGANG = '210203';

const POLICE = governmentUscc(CITY, 1);
const ZHONGSHAN_POLICE = governmentUscc(ZHONGSHAN, 2);
const WATER = governmentUscc(CITY, 3);

const admin = systemActor('test', 'req-admin');

function staff(department: string, roles: StaffRole[], actor = 'acct-1', requestId = 'r1'): Actor {
  return { actor, kind: 'staff', department, roles, requestId };
}

const registryTables = ['city_instance', 'divisions', 'departments', 'department_systems', 'department_contacts'] as const;

/** Refused with the code (and message), and nothing changed: no journal entry, no row of registryTables. */
const refused = (database: HubDatabase, code: ErrorCode, work: () => Promise<unknown>, message?: RegExp): Promise<DomainError> =>
  refusedUnchanged(database, registryTables, code, work, message);

type EntrySummary = [entity: string, key: string, op: string, actor: string, department: string | null, requestId: string | null];

function summary(entry: JournalEntry): EntrySummary {
  return [entry.entity, entry.key, entry.op, entry.actor, entry.department, entry.requestId];
}

/** Runs the work and returns its result with the journal entries it appended. */
async function journaled<T>(database: HubDatabase, work: () => Promise<T>): Promise<{ result: T; entries: JournalEntry[] }> {
  const { seq } = await journalHead(database.db);
  const result = await work();
  return { result, entries: await readEntries(database.db, seq, 1000) };
}

function departmentInput(serial: number, overrides: Partial<DepartmentInput> = {}): DepartmentInput {
  const division = overrides.division ?? CITY;
  return {
    code: governmentUscc(division, serial), slug: `dept-${serial}`, kind: 'bureau', division, parent: null,
    nameZh: `大连市测试局${serial}`, nameEn: `Dalian Test Bureau ${serial}`, ...overrides,
  };
}

for (const target of databaseTargets) {
  describe(`${target.kind}: registry`, { skip: target.skip }, () => {
    let test: TestDatabase;
    let db: HubDatabase;

    before(async () => {
      test = await freshDatabase(target.kind);
      db = test.database;
    });

    after(async () => {
      await test?.close();
    });

    describe('the city instance and its divisions', () => {
      it('adds the city and its districts, each journaled with the actor and request id', async () => {
        const { entries } = await journaled(db, async () => {
          await addDivision(db, admin, { code: CITY, kind: 'city', parent: null, nameZh: '大连市', nameEn: 'Dalian' });
          await addDivision(db, admin, { code: ZHONGSHAN, kind: 'district', parent: CITY, nameZh: '中山区', nameEn: 'Zhongshan District' });
          await addDivision(db, admin, { code: XIGANG, kind: 'district', parent: CITY, nameZh: '西岗区', nameEn: 'Xigang District' });
        });
        assert.deepEqual(entries.map(summary), [CITY, ZHONGSHAN, XIGANG].map((code): EntrySummary => ['divisions', code, 'insert', 'system:test', null, 'req-admin']));
        assert.deepEqual(await listDivisions(db), [
          { code: CITY, kind: 'city', parent: null, nameZh: '大连市', nameEn: 'Dalian' },
          { code: ZHONGSHAN, kind: 'district', parent: CITY, nameZh: '中山区', nameEn: 'Zhongshan District' },
          { code: XIGANG, kind: 'district', parent: CITY, nameZh: '西岗区', nameEn: 'Xigang District' },
        ]);
      });

      it('sets up the city instance once', async () => {
        assert.equal(await getInstance(db), null);
        const instance = { code: 'CN-DALIAN', nameZh: '大连市电子政务外网', nameEn: 'Dalian e-government extranet', division: CITY };
        const { entries } = await journaled(db, () => setUpInstance(db, admin, instance));
        assert.deepEqual(entries.map(summary), [['city_instance', 'instance', 'insert', 'system:test', null, 'req-admin']]);
        assert.deepEqual(await getInstance(db), instance);
        await refused(db, 'conflict', () => setUpInstance(db, admin, { ...instance, code: 'CN-OTHER' }), /already set up/);
        assert.deepEqual(await getInstance(db), instance);
      });

      it('refuses to set up the instance in a division that does not exist', async () => {
        const empty = await freshDatabase(target.kind);
        try {
          await refused(empty.database, 'invalid_input', () => setUpInstance(empty.database, admin, { code: 'CN-NOWHERE', nameZh: '无处', nameEn: 'Nowhere', division: '999999' }), /999999/);
          assert.equal(await getInstance(empty.database), null);
        } finally {
          await empty.close();
        }
      });

      it('refuses a division under an unknown parent, a duplicate division, and a staff member who is not a platform administrator', async () => {
        await refused(db, 'invalid_input', () => addDivision(db, admin, { code: '210204', kind: 'district', parent: '999999', nameZh: '沙河口区', nameEn: 'Shahekou District' }), /999999/);
        await refused(db, 'conflict', () => addDivision(db, admin, { code: ZHONGSHAN, kind: 'district', parent: CITY, nameZh: '中山区', nameEn: 'Zhongshan District' }));
        await refused(db, 'forbidden', () => addDivision(db, staff(POLICE, ['dept_admin']), { code: '210204', kind: 'district', parent: CITY, nameZh: '沙河口区', nameEn: 'Shahekou District' }));
        await refused(db, 'forbidden', () => setUpInstance(db, staff(POLICE, ['dept_admin']), { code: 'CN-X', nameZh: 'x', nameEn: 'x', division: CITY }));
      });
    });

    describe('departments', () => {
      it('creates a city bureau and a district sub-bureau under it, journaled with the actor and request id', async () => {
        const { result, entries } = await journaled(db, async () => {
          const bureau = await createDepartment(db, admin, {
            code: POLICE, slug: 'dl-police', kind: 'bureau', division: CITY, nameZh: '大连市公安局', nameEn: 'Dalian Municipal Public Security Bureau',
          });
          const branch = await createDepartment(db, admin, {
            code: ZHONGSHAN_POLICE, slug: 'zs-police', kind: 'bureau', division: ZHONGSHAN, parent: POLICE,
            nameZh: '大连市公安局中山分局', nameEn: 'Zhongshan Branch of Dalian Public Security Bureau',
          });
          const water = await createDepartment(db, admin, {
            code: WATER, slug: 'dl-water', kind: 'bureau', division: CITY, parent: null, nameZh: '大连市水务局', nameEn: 'Dalian Municipal Water Affairs Bureau',
          });
          return { bureau, branch, water };
        });
        assert.equal(result.bureau.parent, null, 'a department without a parent is top-level');
        assert.equal(result.branch.parent, POLICE);
        assert.equal(result.branch.division, ZHONGSHAN);
        assert.equal(result.water.nameEn, 'Dalian Municipal Water Affairs Bureau');
        assert.ok(!Number.isNaN(Date.parse(result.bureau.createdAt)));
        assert.equal(result.bureau.createdAt, result.bureau.updatedAt);
        assert.deepEqual(entries.map(summary), [POLICE, ZHONGSHAN_POLICE, WATER].map((code): EntrySummary => ['departments', code, 'insert', 'system:test', null, 'req-admin']));
        assert.equal((entries[1]!.row as { parent_id: string }).parent_id, POLICE, 'the journal holds the full row');
      });

      it('gets a department by its code and by its short name, and says when there is none', async () => {
        const byCode = await getDepartment(db, ZHONGSHAN_POLICE);
        assert.equal(byCode.nameZh, '大连市公安局中山分局');
        assert.deepEqual(await getDepartmentBySlug(db, 'zs-police'), byCode);
        await assert.rejects(getDepartment(db, governmentUscc(CITY, 999)), (e) => e instanceof DomainError && e.code === 'not_found');
        await assert.rejects(getDepartmentBySlug(db, 'no-such-dept'), (e) => e instanceof DomainError && e.code === 'not_found');
      });

      it('lists departments matching a Chinese or English name, a code, a parent or a division', async () => {
        const codes = async (filter: Parameters<typeof listDepartments>[1]) => (await listDepartments(db, filter)).map((d) => d.code).sort();
        assert.deepEqual(await codes({}), [POLICE, ZHONGSHAN_POLICE, WATER].sort());
        assert.deepEqual(await codes({ q: '公安' }), [POLICE, ZHONGSHAN_POLICE].sort(), 'Chinese substring');
        assert.deepEqual(await codes({ q: '水务' }), [WATER]);
        assert.deepEqual(await codes({ q: 'Public Security' }), [POLICE, ZHONGSHAN_POLICE].sort(), 'English substring');
        assert.deepEqual(await codes({ q: 'Zhongshan Branch' }), [ZHONGSHAN_POLICE]);
        assert.deepEqual(await codes({ q: 'dl-water' }), [WATER], 'short name');
        assert.deepEqual(await codes({ q: WATER }), [WATER], 'code');
        assert.deepEqual(await codes({ q: '教育' }), [], 'no match');
        assert.deepEqual(await codes({ parent: POLICE }), [ZHONGSHAN_POLICE], 'sub-departments of a bureau');
        assert.deepEqual(await codes({ division: ZHONGSHAN }), [ZHONGSHAN_POLICE]);
        assert.deepEqual(await codes({ division: CITY }), [POLICE, WATER].sort());
        assert.deepEqual(await codes({ division: CITY, q: '公安' }), [POLICE], 'filters combine');
        assert.deepEqual(await codes({ division: XIGANG }), []);
        assert.equal((await listDepartments(db, { limit: 1 })).length, 1);
      });

      it('matches English names whatever their case', async () => {
        const codes = async (q: string) => (await listDepartments(db, { q })).map((d) => d.code).sort();
        assert.deepEqual(await codes('public security'), [POLICE, ZHONGSHAN_POLICE].sort());
        assert.deepEqual(await codes('WATER AFFAIRS'), [WATER]);
      });

      it('treats % and _ in the search text as ordinary characters', async () => {
        const hotline = departmentInput(50, { slug: 'hotline', nameZh: '大连市12345热线中心', nameEn: 'Dalian 12345 Hotline (100% answered)', kind: 'center' });
        await createDepartment(db, admin, hotline);
        assert.deepEqual((await listDepartments(db, { q: '100%' })).map((d) => d.code), [hotline.code]);
        assert.deepEqual((await listDepartments(db, { q: '%' })).map((d) => d.code), [hotline.code], 'only the name that holds a %');
        assert.deepEqual((await listDepartments(db, { q: '_' })).map((d) => d.code), [], 'no name holds an underscore');
      });

      describe('refused input changes nothing', () => {
        it('refuses a code whose check character is wrong', async () => {
          const good = governmentUscc(CITY, 60);
          const wrongCheck = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
          const error = await refused(db, 'invalid_input', () => createDepartment(db, admin, departmentInput(60, { code: wrongCheck })), /check character/);
          assert.deepEqual(error.detail, { field: 'code' });
          await refused(db, 'invalid_input', () => createDepartment(db, admin, departmentInput(60, { code: 'I1350100M000100Y43' })), /"I"/);
        });

        it('refuses a division that does not exist', async () => {
          const error = await refused(db, 'invalid_input', () => createDepartment(db, admin, departmentInput(61, { division: '210299' })), /210299/);
          assert.deepEqual(error.detail, { field: 'division' });
        });

        it('refuses a parent department that does not exist', async () => {
          const unknownParent = governmentUscc(CITY, 777);
          const error = await refused(db, 'invalid_input', () => createDepartment(db, admin, departmentInput(62, { parent: unknownParent })), new RegExp(unknownParent));
          assert.deepEqual(error.detail, { field: 'parent' });
          await refused(db, 'invalid_input', () => updateDepartment(db, admin, WATER, { parent: unknownParent }));
        });

        it('refuses a duplicate code, short name or Chinese name', async () => {
          let error = await refused(db, 'conflict', () => createDepartment(db, admin, departmentInput(1, { slug: 'other-slug', nameZh: '另一个局' })));
          assert.equal(error.code, 'conflict');
          assert.equal(departmentInput(1).code, POLICE, 'same code as the police bureau');
          assert.deepEqual(error.detail, { field: 'code' });
          error = await refused(db, 'conflict', () => createDepartment(db, admin, departmentInput(63, { slug: 'dl-police' })), /dl-police/);
          assert.deepEqual(error.detail, { field: 'slug' });
          error = await refused(db, 'conflict', () => createDepartment(db, admin, departmentInput(64, { nameZh: '大连市水务局' })), /大连市水务局/);
          assert.deepEqual(error.detail, { field: 'nameZh' });
          // The same checks hold when an existing department is renamed.
          await refused(db, 'conflict', () => updateDepartment(db, admin, WATER, { slug: 'dl-police' }));
          await refused(db, 'conflict', () => updateDepartment(db, admin, WATER, { nameZh: '大连市公安局' }));
        });

        it('refuses a parent that would make a cycle: A under B under A, and a department under itself', async () => {
          // ZHONGSHAN_POLICE sits under POLICE; putting POLICE under it would close a loop.
          let error = await refused(db, 'invalid_input', () => updateDepartment(db, admin, POLICE, { parent: ZHONGSHAN_POLICE }), /cycle/);
          assert.deepEqual(error.detail, { field: 'parent' });
          error = await refused(db, 'invalid_input', () => updateDepartment(db, admin, WATER, { parent: WATER }), /cycle/);
          assert.deepEqual(error.detail, { field: 'parent' });
          await refused(db, 'invalid_input', () => createDepartment(db, admin, departmentInput(65, { parent: governmentUscc(CITY, 65) })), /cycle/);
        });

        it('refuses a cycle through a longer chain', async () => {
          const station = departmentInput(66, { division: ZHONGSHAN, parent: ZHONGSHAN_POLICE, slug: 'zs-station', nameZh: '中山分局人民路派出所', nameEn: 'Renmin Road Police Station' });
          await createDepartment(db, admin, station);
          await refused(db, 'invalid_input', () => updateDepartment(db, admin, POLICE, { parent: station.code }), /cycle/);
          await refused(db, 'invalid_input', () => updateDepartment(db, admin, ZHONGSHAN_POLICE, { parent: station.code }), /cycle/);
          assert.equal((await getDepartment(db, POLICE)).parent, null);
        });

        it('refuses to update a department that does not exist', async () => {
          await refused(db, 'not_found', () => updateDepartment(db, admin, governmentUscc(CITY, 888), { nameEn: 'Nobody' }));
        });
      });

      describe('who may change a department', () => {
        it('does not let a clerk, or a department administrator, create a department', async () => {
          await refused(db, 'forbidden', () => createDepartment(db, staff(WATER, ['clerk']), departmentInput(70)));
          await refused(db, 'forbidden', () => createDepartment(db, staff(WATER, ['dept_admin']), departmentInput(70)));
        });

        it('lets a department administrator rename their own department, journaled with their account and request id', async () => {
          const waterAdmin = staff(WATER, ['dept_admin'], 'acct-1', 'r1');
          const before = await getDepartment(db, WATER);
          const { result, entries } = await journaled(db, () => updateDepartment(db, waterAdmin, WATER, { nameEn: 'Dalian Water Bureau', nameZh: '大连市水务局（河长办）', slug: 'dl-water-bureau' }));
          assert.equal(result.nameEn, 'Dalian Water Bureau');
          assert.equal(result.nameZh, '大连市水务局（河长办）');
          assert.equal(result.slug, 'dl-water-bureau');
          assert.equal(result.parent, before.parent, 'the placement is unchanged');
          assert.equal(result.division, before.division);
          assert.equal(result.createdAt, before.createdAt);
          assert.ok(result.updatedAt >= before.updatedAt);
          assert.deepEqual(await getDepartment(db, WATER), result);
          assert.deepEqual(entries.map(summary), [['departments', WATER, 'update', 'acct-1', WATER, 'r1']]);
          await assert.rejects(getDepartmentBySlug(db, 'dl-water'), (e) => e instanceof DomainError && e.code === 'not_found', 'the old short name is free');
        });

        it('does not let a department administrator rename another department', async () => {
          await refused(db, 'forbidden', () => updateDepartment(db, staff(WATER, ['dept_admin']), POLICE, { nameEn: 'Taken Over' }));
          await refused(db, 'forbidden', () => updateDepartment(db, staff(WATER, ['clerk']), WATER, { nameEn: 'Clerk Renamed' }), /dept_admin/);
        });

        it('does not let a department administrator move their own department: parent, division and kind are the platform\'s', async () => {
          const waterAdmin = staff(WATER, ['dept_admin']);
          await refused(db, 'forbidden', () => updateDepartment(db, waterAdmin, WATER, { parent: POLICE }), /platform_admin/);
          await refused(db, 'forbidden', () => updateDepartment(db, waterAdmin, WATER, { division: ZHONGSHAN }));
          await refused(db, 'forbidden', () => updateDepartment(db, waterAdmin, WATER, { kind: 'committee' }));
          await refused(db, 'forbidden', () => updateDepartment(db, waterAdmin, WATER, { nameEn: 'Moved', parent: null }), /platform_admin/);
        });

        it('lets a platform administrator move a department, journaled with their account and request id', async () => {
          const platform = staff(POLICE, ['platform_admin'], 'acct-9', 'r9');
          const { result, entries } = await journaled(db, () => updateDepartment(db, platform, WATER, { parent: POLICE, division: XIGANG }));
          assert.equal(result.parent, POLICE);
          assert.equal(result.division, XIGANG);
          assert.deepEqual((await listDepartments(db, { parent: POLICE })).map((d) => d.code).sort(), [WATER, ZHONGSHAN_POLICE].sort());
          assert.deepEqual(entries.map(summary), [['departments', WATER, 'update', 'acct-9', POLICE, 'r9']]);
          // And back to the top level.
          const back = await updateDepartment(db, platform, WATER, { parent: null, division: CITY });
          assert.equal(back.parent, null);
          assert.equal(back.division, CITY);
        });
      });
    });

    describe('systems', () => {
      it('adds a system to a department, journaled with the actor and request id', async () => {
        const policeAdmin = staff(POLICE, ['dept_admin'], 'acct-1', 'r1');
        const { result, entries } = await journaled(db, () => addSystem(db, policeAdmin, POLICE, { code: 'hukou', nameZh: '户籍管理系统', nameEn: 'Household Registration System' }));
        assert.equal(result.department, POLICE);
        assert.equal(result.code, 'hukou');
        assert.deepEqual(await getSystem(db, POLICE, 'hukou'), result);
        assert.deepEqual(await listSystems(db, POLICE), [result]);
        assert.deepEqual(await listSystems(db, WATER), []);
        assert.deepEqual(entries.map(summary), [['department_systems', result.id, 'insert', 'acct-1', POLICE, 'r1']]);
      });

      it('refuses a second system with the same code in the same department, but not in another', async () => {
        const error = await refused(db, 'conflict', () => addSystem(db, admin, POLICE, { code: 'hukou', nameZh: '户籍系统二', nameEn: 'Household Registration 2' }), /hukou/);
        assert.deepEqual(error.detail, { field: 'code' });
        const other = await addSystem(db, admin, ZHONGSHAN_POLICE, { code: 'hukou', nameZh: '中山户籍系统', nameEn: 'Zhongshan Household Registration' });
        assert.equal(other.department, ZHONGSHAN_POLICE);
      });

      it('refuses a system for another department, a clerk, or a department that does not exist', async () => {
        await refused(db, 'forbidden', () => addSystem(db, staff(WATER, ['dept_admin']), POLICE, { code: 'sneaky', nameZh: '系统', nameEn: 'System' }));
        await refused(db, 'forbidden', () => addSystem(db, staff(POLICE, ['clerk']), POLICE, { code: 'sneaky', nameZh: '系统', nameEn: 'System' }));
        await refused(db, 'not_found', () => addSystem(db, admin, governmentUscc(CITY, 999), { code: 'ghost', nameZh: '系统', nameEn: 'System' }));
        await assert.rejects(getSystem(db, POLICE, 'sneaky'), (e) => e instanceof DomainError && e.code === 'not_found');
      });
    });

    describe('contacts', () => {
      let waterContact = '';

      it('adds and removes a contact, each journaled with the actor and request id', async () => {
        const policeAdmin = staff(POLICE, ['dept_admin'], 'acct-1', 'r1');
        const added = await journaled(db, () => addContact(db, policeAdmin, POLICE, { role: 'technical', name: '李娜', phone: '0411-8888 1234', email: 'lina@police.dl.gov.cn' }));
        assert.equal(added.result.department, POLICE);
        assert.deepEqual(await listContacts(db, POLICE), [added.result]);
        assert.deepEqual(added.entries.map(summary), [['department_contacts', added.result.id, 'insert', 'acct-1', POLICE, 'r1']]);

        const removed = await journaled(db, () => removeContact(db, { ...policeAdmin, requestId: 'r2' }, POLICE, added.result.id));
        assert.deepEqual(await listContacts(db, POLICE), []);
        assert.deepEqual(removed.entries.map(summary), [['department_contacts', added.result.id, 'delete', 'acct-1', POLICE, 'r2']]);
        assert.equal(removed.entries[0]!.row, null);
      });

      it('lists a department\'s contacts only', async () => {
        const contact = await addContact(db, staff(WATER, ['dept_admin']), WATER, { role: 'primary', name: '张伟', phone: '0411-8765 4321', email: 'zhangwei@water.dl.gov.cn' });
        waterContact = contact.id;
        assert.deepEqual(await listContacts(db, WATER), [contact]);
        assert.deepEqual(await listContacts(db, POLICE), []);
      });

      it('says not found when a department removes another department\'s contact, and keeps the contact', async () => {
        assert.ok(waterContact);
        await refused(db, 'not_found', () => removeContact(db, staff(POLICE, ['dept_admin']), POLICE, waterContact));
        await refused(db, 'not_found', () => removeContact(db, admin, POLICE, waterContact), /has no contact/);
        await refused(db, 'not_found', () => removeContact(db, admin, WATER, 'no-such-contact'));
        assert.equal((await listContacts(db, WATER)).length, 1);
      });

      it('refuses contact changes from another department\'s administrator', async () => {
        await refused(db, 'forbidden', () => removeContact(db, staff(POLICE, ['dept_admin']), WATER, waterContact));
        await refused(db, 'forbidden', () => addContact(db, staff(POLICE, ['dept_admin']), WATER, { role: 'security', name: '王强', phone: '0411-1111 2222', email: 'wq@example.gov.cn' }));
      });
    });

    describe('the journal as a whole', () => {
      it('holds one entry per successful change and none for the refused ones', async () => {
        const entries = await readEntries(db.db, 0, 10_000);
        const head = await journalHead(db.db);
        assert.equal(entries.length, head.seq);
        assert.deepEqual(entries.map((e) => e.seq), entries.map((_, i) => i + 1), 'no gaps');
        for (const entry of entries) {
          assert.ok(entry.actor === 'system:test' || /^acct-\d$/.test(entry.actor), `entry ${entry.seq} names its actor`);
          assert.ok(entry.requestId !== null, `entry ${entry.seq} names its request`);
        }
        // What the registry holds now is what the journal says: every department's last entry is its row.
        const rows = (await sql<Record<string, unknown>>`select * from departments order by id`.execute(db.db)).rows;
        for (const row of rows) {
          const last = entries.filter((e) => e.entity === 'departments' && e.key === row.id).at(-1);
          assert.deepEqual(last?.row, row, `department ${String(row.id)}`);
        }
      });
    });
  });
}
