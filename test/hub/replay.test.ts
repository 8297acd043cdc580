import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import { unjournaledTables } from '../../src/hub/database.ts';
import { signIn } from '../../src/identity/service.ts';
import { applyEntries, readEntries, verifyJournal } from '../../src/journal/service.ts';
import { listTables, type DbKind } from '../../src/platform/db/index.ts';
import { databaseTargets, freshDatabase, type TestDatabase } from '../support/databases.ts';
import { seededDatabase } from '../support/seeded.ts';

async function snapshot(db: Kysely<any>, kind: DbKind): Promise<Record<string, unknown[]>> {
  const result: Record<string, unknown[]> = {};
  for (const table of await listTables(db, kind)) {
    if ((unjournaledTables as readonly string[]).includes(table)) continue;
    result[table] = await db.selectFrom(table).selectAll().orderBy('id').execute();
  }
  return result;
}

async function replayInto(source: TestDatabase, target: TestDatabase): Promise<void> {
  for (let after = 0; ;) {
    const entries = await readEntries(source.database.db, after, 500);
    if (entries.length === 0) break;
    await target.database.transaction((tx) => applyEntries(tx, entries));
    after = entries.at(-1)!.seq;
  }
}

/** The demo hub after some use: seeded (a copy of the run's seeded hub), signed in (updating accounts), with a failed sign-in. */
async function usedHub(kind: DbKind): Promise<TestDatabase> {
  const hub = await seededDatabase(kind);
  const policy = { maxFailedSignIns: 5, lockoutMinutes: 15, sessionHours: 8 };
  await signIn(hub.database, policy, 'psb-clerk', 'Dalian-2026', 'req-1');
  await signIn(hub.database, policy, 'amr-clerk', 'not-the-password', 'req-2').catch(() => {});
  return hub;
}

const pairs: [DbKind, DbKind][] = [['sqlite', 'sqlite'], ['postgres', 'postgres'], ['sqlite', 'postgres'], ['postgres', 'sqlite']];

for (const [from, to] of pairs) {
  const skip = databaseTargets.find((t) => t.kind === from)!.skip || databaseTargets.find((t) => t.kind === to)!.skip;
  describe(`replaying a ${from} hub's journal into an empty ${to} database`, { skip }, () => {
    it('reproduces every journaled table exactly', async () => {
      const source = await usedHub(from);
      const target = await freshDatabase(to);
      try {
        assert.equal((await verifyJournal(source.database.db)).ok, true);
        await replayInto(source, target);
        const original = await snapshot(source.database.db, from);
        const replayed = await snapshot(target.database.db, to);
        assert.deepEqual(Object.keys(replayed).sort(), Object.keys(original).sort());
        assert.ok((original.departments?.length ?? 0) >= 30);
        assert.ok((original.accounts?.length ?? 0) >= 6);
        for (const table of Object.keys(original)) assert.deepEqual(replayed[table], original[table], `table ${table} differs`);
      } finally {
        await source.close();
        await target.close();
      }
    });
  });
}
