import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { hubMigrations, type HubDatabase } from '../../src/hub/database.ts';
import { migrate, openDatabase, type DbKind } from '../../src/platform/db/index.ts';

/**
 * Every data-layer test runs on SQLite and on PostgreSQL. PostgreSQL is found through
 * DATABASE_URL, else the cluster scripts/pg-up.sh starts; each test gets its own schema. When it
 * is not reachable the PostgreSQL variants are skipped with the reason, unless
 * EGOV_REQUIRE_ALL=1 (CI), where that is a failure.
 */
export const postgresUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:55432/postgres';

async function probePostgres(): Promise<string | null> {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    await client.end();
    return null;
  } catch (error) {
    return `PostgreSQL is not reachable at ${postgresUrl} (${(error as Error).message}); start one with scripts/pg-up.sh or set DATABASE_URL`;
  }
}

const postgresProblem = await probePostgres();
if (postgresProblem && process.env.EGOV_REQUIRE_ALL === '1') {
  throw new Error(`EGOV_REQUIRE_ALL=1 but ${postgresProblem}`);
}

export interface DatabaseTarget {
  kind: DbKind;
  /** Skip reason for node:test, or false. */
  skip: string | false;
}

export const databaseTargets: DatabaseTarget[] = [
  { kind: 'sqlite', skip: false },
  { kind: 'postgres', skip: postgresProblem ?? false },
];

export interface TestDatabase {
  database: HubDatabase;
  /** A data folder for the role under test. */
  dataDir: string;
  /** The connection string when on PostgreSQL (with this test's schema), else null. */
  url: string | null;
  /** Opens another, empty database of the same kind (for replay and standby tests). */
  sibling(): Promise<TestDatabase>;
  close(): Promise<void>;
}

/** A fresh, migrated database of the given kind, with its own data folder. */
export async function freshDatabase(kind: DbKind, options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'egov-test-'));
  let url: string | null = null;
  let dropSchema = async () => {};
  if (kind === 'postgres') {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    const parsed = new URL(postgresUrl);
    parsed.searchParams.set('options', `-c search_path=${schema}`);
    url = parsed.href;
    dropSchema = async () => {
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      await client.query(`drop schema ${schema} cascade`);
      await client.end();
    };
  }
  const database = await openDatabase(({ url, dataDir, sqliteSync: 'normal' })) as HubDatabase;
  if (options.migrate !== false) await migrate(database, hubMigrations);
  return {
    database,
    dataDir,
    url,
    sibling: () => freshDatabase(kind, options),
    async close() {
      await database.close();
      await dropSchema();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
