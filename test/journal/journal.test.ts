import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import { unjournaledTables, type HubDatabase } from '../../src/hub/database.ts';
import { entryHash } from '../../src/journal/hash.ts';
import type { JournalEntry, JournalTable } from '../../src/journal/schema.ts';
import { applyEntries, countJournal, insertRow, journalHead, readEntries, verifyJournal } from '../../src/journal/service.ts';
import { systemActor, type Actor } from '../../src/platform/access.ts';
import { listTables, openDatabase, type DbKind } from '../../src/platform/db/index.ts';
import { DomainError } from '../../src/platform/errors.ts';
import {
  addContact, addDivision, addSystem, createDepartment, removeContact, setUpInstance, updateDepartment,
} from '../../src/registry/service.ts';
import { governmentUscc } from '../../src/registry/uscc.ts';
import { databaseTargets, freshDatabase, type TestDatabase } from '../support/databases.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
const CITY = '440300';
const DISTRICT = '440303';
const admin = systemActor('test');

async function withDatabase(kind: DbKind, work: (t: TestDatabase) => Promise<void>): Promise<void> {
  const t = await freshDatabase(kind);
  try {
    await work(t);
  } finally {
    await t.close();
  }
}

async function addCity(database: HubDatabase): Promise<void> {
  await addDivision(database, admin, { code: CITY, kind: 'city', parent: null, nameZh: '深圳市', nameEn: 'Shenzhen' });
}

async function newDepartment(database: HubDatabase, serial: number, extra: { parent?: string; division?: string; actor?: Actor } = {}) {
  return createDepartment(database, extra.actor ?? admin, {
    code: governmentUscc(extra.division ?? CITY, serial), slug: `dept-${serial}`, kind: 'bureau', division: extra.division ?? CITY,
    parent: extra.parent ?? null, nameZh: `测试局${serial}`, nameEn: `Test Bureau ${serial}`,
  });
}

async function allEntries(db: Kysely<any>, pageSize = 1000): Promise<JournalEntry[]> {
  const entries: JournalEntry[] = [];
  for (;;) {
    const page = await readEntries(db, entries.at(-1)?.seq ?? 0, pageSize);
    entries.push(...page);
    if (page.length < pageSize) return entries;
  }
}

async function rowsOf(db: Kysely<any>, table: string): Promise<Record<string, unknown>[]> {
  return (await sql<Record<string, unknown>>`select * from ${sql.table(table)} order by id`.execute(db)).rows;
}

async function journalRow(db: Kysely<any>, seq: number): Promise<JournalTable> {
  const row = (await sql<JournalTable>`select * from journal where seq = ${seq}`.execute(db)).rows[0];
  assert.ok(row, `journal entry ${seq} exists`);
  return { ...row, seq: Number(row.seq) };
}

/** Moves entries from `seq` on one place up, leaving a hole at `seq` (in two steps: seq is a primary key). */
async function openGapAt(db: Kysely<any>, seq: number): Promise<void> {
  await sql`update journal set seq = -seq where seq >= ${seq}`.execute(db);
  await sql`update journal set seq = 1 - seq where seq < 0`.execute(db);
}

async function insertJournalRow(db: Kysely<any>, row: JournalTable): Promise<void> {
  await sql`insert into journal (seq, at, epoch, actor, department, request_id, entity, entity_key, op, row_after, prev_hash, hash)
    values (${row.seq}, ${row.at}, ${row.epoch}, ${row.actor}, ${row.department}, ${row.request_id}, ${row.entity},
            ${row.entity_key}, ${row.op}, ${row.row_after}, ${row.prev_hash}, ${row.hash})`.execute(db);
}

/** A journal of 8 entries: a division and seven departments. */
async function sevenDepartments(database: HubDatabase): Promise<void> {
  await addCity(database);
  for (let serial = 1; serial <= 7; serial++) await newDepartment(database, serial);
  assert.equal(await countJournal(database.db), 8);
}

interface Acknowledgement { seq: number; code: string }

/**
 * Runs crash-writer.ts; resolves with the acknowledgements it printed. With `killAfter` it is
 * killed with SIGKILL once it has acknowledged that many changes; otherwise it must exit 0.
 */
function runWriter(t: TestDatabase, kind: DbKind, args: string[], killAfter?: number): Promise<Acknowledgement[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'crash-writer.ts'), kind, t.url ?? t.dataDir, ...args], {
    cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    const acks: Acknowledgement[] = [];
    let pending = '';
    let stderr = '';
    let killed = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the writer did not finish in time (${acks.length} acknowledgements); stderr: ${stderr}`));
    }, 90_000);
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (killed) return; // whatever arrives after the kill was acknowledged too, but we only promise what we counted
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        const [seq, code] = line.split(' ');
        acks.push({ seq: Number(seq), code: code! });
      }
      if (killAfter !== undefined && acks.length >= killAfter) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('error', (error) => { clearTimeout(timer); reject(error); });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (killAfter !== undefined && killed && signal === 'SIGKILL') resolve(acks);
      else if (killAfter === undefined && code === 0) resolve(acks);
      else reject(new Error(`the writer exited with ${signal ?? code} after ${acks.length} acknowledgements; stderr: ${stderr}`));
    });
  });
}

for (const target of databaseTargets) {
  describe(`${target.kind}: journal`, { skip: target.skip }, () => {
    it('records each registry write with who made it, on whose request, and the full row after the change', async () => {
      await withDatabase(target.kind, async ({ database }) => {
        await addCity(database);
        const parent = await newDepartment(database, 1);
        const alice: Actor = { actor: 'account:alice', kind: 'staff', department: parent.code, roles: ['platform_admin'], requestId: 'req-42' };
        const before = await journalHead(database.db);

        const created = await newDepartment(database, 2, { parent: parent.code, actor: alice });

        const [entry, ...more] = await readEntries(database.db, before.seq, 100);
        assert.equal(more.length, 0, 'one row written, one entry');
        assert.ok(entry);
        assert.equal(entry.seq, before.seq + 1);
        assert.equal(entry.prevHash, before.hash);
        assert.equal(entry.actor, 'account:alice');
        assert.equal(entry.department, parent.code);
        assert.equal(entry.requestId, 'req-42');
        assert.equal(entry.entity, 'departments');
        assert.equal(entry.key, created.code);
        assert.equal(entry.op, 'insert');
        const [stored] = (await rowsOf(database.db, 'departments')).filter((r) => r.id === created.code);
        assert.deepEqual(entry.row, stored);
        assert.ok(!Number.isNaN(Date.parse(entry.at)), 'the entry carries its time');

        // An update journals the whole row, not just the patch; a delete journals the key.
        await updateDepartment(database, alice, created.code, { nameEn: 'Renamed Bureau' });
        const contact = await addContact(database, alice, created.code, { role: 'primary', name: '王伟', phone: '0755-1234567', email: 'wang@example.gov.cn' });
        await removeContact(database, alice, created.code, contact.id);
        const [update, insertContact, removal] = await readEntries(database.db, entry.seq, 100);
        assert.equal(update?.op, 'update');
        assert.deepEqual(update?.row, (await rowsOf(database.db, 'departments')).find((r) => r.id === created.code));
        assert.equal((update?.row as { name_zh?: string }).name_zh, '测试局2', 'unchanged columns are in the entry too');
        assert.equal(insertContact?.entity, 'department_contacts');
        assert.deepEqual([removal?.op, removal?.entity, removal?.key, removal?.row], ['delete', 'department_contacts', contact.id, null]);
        assert.equal((await verifyJournal(database.db)).ok, true);
      });
    });

    it('leaves the journal and the tables untouched when a write fails', async () => {
      await withDatabase(target.kind, async ({ database }) => {
        await addCity(database);
        const existing = await newDepartment(database, 1);
        const head = await journalHead(database.db);
        const departments = await rowsOf(database.db, 'departments');

        await assert.rejects(
          createDepartment(database, admin, { code: existing.code, slug: 'another', kind: 'bureau', division: CITY, nameZh: '另一个局', nameEn: 'Another Bureau' }),
          (error: unknown) => error instanceof DomainError && error.code === 'conflict',
        );
        // A transaction that journals one row and then fails on the next rolls back both.
        await assert.rejects(database.transaction(async (tx) => {
          await insertRow(tx, admin, 'divisions', { id: DISTRICT, kind: 'district', parent_id: CITY, name_zh: '南山区', name_en: 'Nanshan' });
          await insertRow(tx, admin, 'departments', {
            id: existing.code, slug: 'dup', kind: 'bureau', division_id: DISTRICT, parent_id: null,
            name_zh: '重复局', name_en: 'Duplicate', created_at: 'now', updated_at: 'now',
          });
        }));

        assert.deepEqual(await journalHead(database.db), head);
        assert.equal(await countJournal(database.db), head.seq);
        assert.deepEqual(await rowsOf(database.db, 'departments'), departments);
        assert.deepEqual((await rowsOf(database.db, 'divisions')).map((r) => r.id), [CITY]);

        // The next write continues the chain with no gap.
        await newDepartment(database, 2);
        assert.equal((await journalHead(database.db)).seq, head.seq + 1);
        assert.deepEqual(await verifyJournal(database.db), { ok: true, entries: head.seq + 1, head: await journalHead(database.db).then(({ seq, hash }) => ({ seq, hash })) });
      });
    });

    it('verifies an intact chain, whatever the page size', async () => {
      await withDatabase(target.kind, async ({ database }) => {
        assert.deepEqual(await verifyJournal(database.db), { ok: true, entries: 0, head: { seq: 0, hash: '0'.repeat(64) } });
        await sevenDepartments(database);
        const { seq, hash } = await journalHead(database.db);
        for (const pageSize of [1, 3, 8, 10_000]) {
          assert.deepEqual(await verifyJournal(database.db, { pageSize }), { ok: true, entries: 8, head: { seq, hash } }, `page size ${pageSize}`);
        }
      });
    });

    it('names the entry whose row was changed behind its back', async () => {
      await withDatabase(target.kind, async ({ database }) => {
        await sevenDepartments(database);
        const entry = await journalRow(database.db, 4);
        await sql`update journal set row_after = ${entry.row_after!.replace('测试局3', '测试局X')} where seq = 4`.execute(database.db);
        for (const pageSize of [3, 10_000]) {
          const result = await verifyJournal(database.db, { pageSize });
          assert.ok(!result.ok, `page size ${pageSize}`);
          assert.equal(result.firstBad.seq, 4);
          assert.equal(result.entries, 3, 'the entries before it are fine');
          assert.match(result.firstBad.problem, /changed/);
        }
      });
    });

    it('names the gap where an entry was removed from the middle', async () => {
      await withDatabase(target.kind, async ({ database }) => {
        await sevenDepartments(database);
        await sql`delete from journal where seq = 5`.execute(database.db);
        for (const pageSize of [2, 4, 10_000]) {
          const result = await verifyJournal(database.db, { pageSize });
          assert.ok(!result.ok, `page size ${pageSize}`);
          assert.equal(result.firstBad.seq, 5);
          assert.match(result.firstBad.problem, /missing/);
        }
      });
    });

    it('catches a removal even when the sequence numbers were closed up after it', async () => {
      await withDatabase(target.kind, async ({ database }) => {
        await sevenDepartments(database);
        await sql`delete from journal where seq = 5`.execute(database.db);
        await sql`update journal set seq = -(seq - 1) where seq > 5`.execute(database.db);
        await sql`update journal set seq = -seq where seq < 0`.execute(database.db);
        const result = await verifyJournal(database.db);
        assert.ok(!result.ok);
        assert.equal(result.firstBad.seq, 5);
      });
    });

    it('names an entry copied into the chain at a new sequence number', async () => {
      await withDatabase(target.kind, async ({ database }) => {
        await sevenDepartments(database);
        const copy = await journalRow(database.db, 3);
        await openGapAt(database.db, 4);
        await insertJournalRow(database.db, { ...copy, seq: 4 });
        assert.equal(await countJournal(database.db), 9);
        const result = await verifyJournal(database.db);
        assert.ok(!result.ok);
        assert.equal(result.firstBad.seq, 4);
        assert.match(result.firstBad.problem, /previous hash/);
      });
    });

    it('names a forged entry even when its own hash is correct', async () => {
      await withDatabase(target.kind, async ({ database }) => {
        await sevenDepartments(database);
        const third = await journalRow(database.db, 3);
        await openGapAt(database.db, 4);
        // Chained correctly to entry 3 and hashed correctly: the entry after it no longer fits.
        const forged = {
          seq: 4, at: third.at, epoch: third.epoch, actor: 'account:mallory', department: null, request_id: null,
          entity: 'departments', entity_key: 'forged', op: 'insert' as const, row_after: '{"id":"forged"}', prev_hash: third.hash,
        };
        await insertJournalRow(database.db, { ...forged, hash: entryHash(forged) });
        let result = await verifyJournal(database.db);
        assert.ok(!result.ok);
        assert.equal(result.firstBad.seq, 5);
        assert.match(result.firstBad.problem, /previous hash/);

        // With a made-up previous hash the forged entry itself is named.
        const wrongPrev = { ...forged, prev_hash: 'f'.repeat(64) };
        await sql`update journal set prev_hash = ${wrongPrev.prev_hash}, hash = ${entryHash(wrongPrev)} where seq = 4`.execute(database.db);
        result = await verifyJournal(database.db);
        assert.ok(!result.ok);
        assert.equal(result.firstBad.seq, 4);
      });
    });

    it('names the entry whose hash was altered', async () => {
      await withDatabase(target.kind, async ({ database }) => {
        await sevenDepartments(database);
        await sql`update journal set hash = ${'a'.repeat(64)} where seq = 6`.execute(database.db);
        const result = await verifyJournal(database.db);
        assert.ok(!result.ok);
        assert.equal(result.firstBad.seq, 6);
        assert.equal(result.entries, 5);
        assert.match(result.firstBad.problem, /does not match its hash/);
      });
    });

    it('names the entry whose time or author was rewritten', async () => {
      await withDatabase(target.kind, async ({ database }) => {
        await sevenDepartments(database);
        await sql`update journal set actor = 'account:someone-else' where seq = 7`.execute(database.db);
        const result = await verifyJournal(database.db);
        assert.ok(!result.ok);
        assert.equal(result.firstBad.seq, 7);
      });
    });

    async function buildRegistry(database: HubDatabase): Promise<void> {
      await addCity(database);
      await setUpInstance(database, admin, { code: 'shenzhen', nameZh: '深圳市电子政务外网', nameEn: 'Shenzhen e-Government Extranet', division: CITY });
      await addDivision(database, admin, { code: DISTRICT, kind: 'district', parent: CITY, nameZh: '南山区', nameEn: 'Nanshan District' });
      const office = await newDepartment(database, 1);
      const bureau = await newDepartment(database, 2, { parent: office.code });
      const section = await newDepartment(database, 3, { parent: bureau.code, division: DISTRICT });
      const other = await newDepartment(database, 4);
      await newDepartment(database, 5, { parent: other.code, division: DISTRICT });
      await addSystem(database, admin, office.code, { code: 'oa', nameZh: '办公系统', nameEn: 'Office Automation' });
      await addSystem(database, admin, bureau.code, { code: 'permits', nameZh: '审批系统', nameEn: 'Permits' });
      await addSystem(database, admin, bureau.code, { code: 'archive', nameZh: '档案系统', nameEn: 'Archive' });
      const primary = await addContact(database, admin, office.code, { role: 'primary', name: '李娜', phone: '0755-8888001', email: 'li@example.gov.cn' });
      await addContact(database, admin, office.code, { role: 'technical', name: '张强', phone: '0755-8888002', email: 'zhang@example.gov.cn' });
      await addContact(database, admin, section.code, { role: 'security', name: '陈静', phone: '0755-8888003', email: 'chen@example.gov.cn' });
      await updateDepartment(database, admin, section.code, { parent: other.code, nameEn: 'Moved Section' });
      await updateDepartment(database, admin, bureau.code, { slug: 'permits-bureau' });
      await removeContact(database, admin, office.code, primary.id);
    }

    async function replayInto(source: HubDatabase, replica: HubDatabase): Promise<number> {
      const entries = await allEntries(source.db, 4);
      await replica.transaction((tx) => applyEntries(tx, entries));
      return entries.length;
    }

    async function differences(source: TestDatabase, replica: TestDatabase): Promise<string[]> {
      const different: string[] = [];
      for (const table of await listTables(source.database.db, target.kind)) {
        if ((unjournaledTables as readonly string[]).includes(table)) continue;
        try {
          assert.deepEqual(await rowsOf(replica.database.db, table), await rowsOf(source.database.db, table));
        } catch {
          different.push(table);
        }
      }
      return different;
    }

    it('replaying the journal into an empty database reproduces every journaled table', async () => {
      await withDatabase(target.kind, async (source) => {
        await buildRegistry(source.database);
        const replica = await source.sibling();
        try {
          assert.equal(await replayInto(source.database, replica.database), await countJournal(source.database.db));
          const tables = await listTables(source.database.db, target.kind);
          assert.deepEqual(await listTables(replica.database.db, target.kind), tables);
          for (const table of ['city_instance', 'divisions', 'departments', 'department_systems', 'department_contacts']) {
            assert.ok(tables.includes(table));
            assert.ok((await rowsOf(source.database.db, table)).length > 0, `the scenario writes ${table}`);
          }
          for (const table of tables) {
            if ((unjournaledTables as readonly string[]).includes(table)) continue;
            assert.deepEqual(await rowsOf(replica.database.db, table), await rowsOf(source.database.db, table), `table ${table}`);
          }
        } finally {
          await replica.close();
        }
      });
    });

    it('a change made with raw SQL, bypassing the journal, shows up as a difference after replay', async () => {
      await withDatabase(target.kind, async (source) => {
        await buildRegistry(source.database);
        await sql`update departments set name_en = 'Changed Behind The Journal' where slug = 'dept-4'`.execute(source.database.db);
        const replica = await source.sibling();
        try {
          await replayInto(source.database, replica.database);
          assert.deepEqual(await differences(source, replica), ['departments']);
        } finally {
          await replica.close();
        }
      });
    });

    async function assertContiguousAndVerified(database: HubDatabase, expected: number): Promise<JournalEntry[]> {
      const entries = await allEntries(database.db);
      assert.deepEqual(entries.map((e) => e.seq), Array.from({ length: expected }, (_, i) => i + 1), 'seq runs 1..N with no gaps');
      const result = await verifyJournal(database.db);
      assert.ok(result.ok, `the chain verifies: ${JSON.stringify(result)}`);
      assert.equal(result.entries, expected);
      for (let i = 1; i < entries.length; i++) {
        assert.ok(entries[i]!.at >= entries[i - 1]!.at, `entry ${entries[i]!.seq} is not timed before entry ${entries[i - 1]!.seq}`);
      }
      return entries;
    }

    it('50 concurrent writes get sequence numbers 1..N in commit order', async () => {
      await withDatabase(target.kind, async ({ database }) => {
        await addCity(database);
        const created = await Promise.all(Array.from({ length: 50 }, (_, i) => newDepartment(database, i + 1)));
        const entries = await assertContiguousAndVerified(database, 51);
        assert.deepEqual(entries.slice(1).map((e) => e.key).sort(), created.map((d) => d.code).sort(), 'every department once');
        assert.equal((await rowsOf(database.db, 'departments')).length, 50);
      });
    });

    // Two pools in one process only make sense on PostgreSQL; SQLite's case is the two writer processes below.
    if (target.kind === 'postgres') it('two hub processes writing concurrently through separate connection pools keep one gap-free chain', async () => {
      await withDatabase(target.kind, async (t) => {
        await addCity(t.database);
        const second = await openDatabase({ url: t.url, dataDir: t.dataDir }) as HubDatabase;
        try {
          await Promise.all([
            ...Array.from({ length: 40 }, (_, i) => newDepartment(t.database, i + 1)),
            ...Array.from({ length: 40 }, (_, i) => newDepartment(second, 1000 + i)),
          ]);
          await assertContiguousAndVerified(t.database, 81);
          await assertContiguousAndVerified(second, 81);
        } finally {
          await second.close();
        }
      });
    });

    it('two writer processes on the same database keep one gap-free chain', async () => {
      await withDatabase(target.kind, async (t) => {
        await addCity(t.database);
        const [a, b] = await Promise.all([
          runWriter(t, target.kind, ['--start', '1', '--count', '60']),
          runWriter(t, target.kind, ['--start', '1001', '--count', '60']),
        ]);
        assert.equal(a.length, 60);
        assert.equal(b.length, 60);
        const entries = await assertContiguousAndVerified(t.database, 121);
        const bySeq = new Map(entries.map((e) => [e.seq, e.key]));
        for (const ack of [...a, ...b]) assert.equal(bySeq.get(ack.seq), ack.code);
      });
    });

    it('keeps every acknowledged change, with a verifying chain, after the writer is killed with SIGKILL', async () => {
      await withDatabase(target.kind, async (t) => {
        await addCity(t.database);
        const acks = await runWriter(t, target.kind, [], 150);
        assert.ok(acks.length >= 150);

        const reopened = await openDatabase({ url: t.url, dataDir: t.dataDir, sqliteSync: 'normal' }) as HubDatabase;
        try {
          const result = await verifyJournal(reopened.db);
          assert.ok(result.ok, `the chain verifies after the crash: ${JSON.stringify(result)}`);
          const entries = await allEntries(reopened.db);
          const bySeq = new Map(entries.map((e) => [e.seq, e]));
          for (const ack of acks) {
            assert.equal(bySeq.get(ack.seq)?.key, ack.code, `acknowledged change ${ack.seq} is in the journal`);
          }
          const departments = new Set((await rowsOf(reopened.db, 'departments')).map((r) => r.id));
          for (const ack of acks) assert.ok(departments.has(ack.code), `acknowledged department ${ack.code} exists`);
          // Nothing half-written: every department has its entry and every entry its department.
          assert.deepEqual(new Set(entries.filter((e) => e.entity === 'departments').map((e) => e.key)), departments);

          // The hub picks up where it stopped.
          await newDepartment(reopened, 99_999);
          assert.equal((await journalHead(reopened.db)).seq, result.ok ? result.head.seq + 1 : NaN);
          assert.equal((await verifyJournal(reopened.db)).ok, true);
        } finally {
          await reopened.close();
        }
      });
    });
  });
}
