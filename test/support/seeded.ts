import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { HubDatabase } from '../../src/hub/database.ts';
import type { DbKind } from '../../src/platform/db/index.ts';
import type { TestDatabase } from './databases.ts';

/**
 * Seeding the demo takes seconds (a thousand journaled writes and nine scrypt hashes), and most
 * test files build a seeded hub, so a run seeds once per database kind and hands every test a
 * copy: the SQLite file, or a PostgreSQL database made with CREATE DATABASE … TEMPLATE. The copy
 * is the seeded hub itself, journal and all.
 *
 * scripts/test.mjs gives each run a folder (EGOV_TEST_TEMPLATES): the first test process that
 * needs a template builds it there while the others wait, and the script removes the folder and
 * the databases after the run. A template is keyed by the source tree (every file's path, size
 * and time under src/), so a process that starts after a migration or the demo data changed gets
 * a template of its own. Without the folder (node --test run by hand) every hub is seeded as it
 * always was.
 *
 * The hub's modules are imported when first needed: a test that only copies the SQLite file into
 * a folder (for a hub in another process) does not load them.
 */
const root = process.env.EGOV_TEST_TEMPLATES || null;
const sourceDir = path.resolve(import.meta.dirname, '../../src');
/** The databases scripts/test.mjs drops after the run, if still there: `admin URL<TAB>name` lines. */
export const POSTGRES_TEMPLATES_FILE = 'postgres-templates.tsv';

/** A migrated database of this kind holding the demo, in its own data folder. */
export async function seededDatabase(kind: DbKind): Promise<TestDatabase> {
  const { freshDatabase, postgresUrl } = await import('./databases.ts');
  if (!root) {
    const { seedDemo } = await import('../../src/hub/demo.ts');
    const test = await freshDatabase(kind);
    await seedDemo(test.database);
    return test;
  }
  const { openDatabase } = await import('../../src/platform/db/index.ts');
  const template = await templateOf(kind);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'egov-test-'));
  if (kind === 'sqlite') {
    copyFileSync(template, path.join(dataDir, 'egov.sqlite'));
    const database = await openDatabase({ url: null, dataDir, sqliteSync: 'normal' }) as HubDatabase;
    return {
      database, dataDir, url: null,
      sibling: () => freshDatabase(kind),
      async close() {
        await database.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const name = `t_${randomBytes(6).toString('hex')}`;
  appendFileSync(path.join(root, POSTGRES_TEMPLATES_FILE), `${postgresUrl}\t${name}\n`);
  await admin(`create database ${name} template ${template}`);
  const url = databaseUrl(postgresUrl, name);
  const database = await openDatabase({ url, dataDir }) as HubDatabase;
  // Kysely connects on its first query and only then closes its pool on destroy(): without this
  // a database the test never queried would keep a connection, and the drop would wait for it.
  const { sql } = await import('kysely');
  await sql`select 1`.execute(database.db);
  return {
    database, dataDir, url,
    sibling: () => freshDatabase(kind),
    async close() {
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
      // Dropping a database waits on every backend of the cluster; the test need not wait with
      // it. The open connection keeps the process alive until it is done, and PostgreSQL waits a
      // few seconds for this pool's connections to go. One something else still uses is dropped
      // by scripts/test.mjs after the run: ending those connections here would fail whatever
      // holds them, in the middle of its own cleanup.
      admin(`drop database ${name}`).catch(() => {});
    },
  };
}

/**
 * Makes `dataDir`'s SQLite hub database (there must be none yet) the seeded demo, for hubs a
 * test starts from a data folder: browser tests, child processes, the CLI.
 */
export async function seedSqliteInto(dataDir: string): Promise<void> {
  const file = path.join(dataDir, 'egov.sqlite');
  if (existsSync(file)) throw new Error(`${dataDir} already holds a database`);
  if (!root) {
    await seedSqlite(dataDir);
    return;
  }
  const template = await templateOf('sqlite');
  mkdirSync(dataDir, { recursive: true });
  copyFileSync(template, file);
}

const templates = new Map<DbKind, Promise<string>>();

/** The template's SQLite file or PostgreSQL database name, built by whichever process got here first. */
function templateOf(kind: DbKind): Promise<string> {
  let template = templates.get(kind);
  if (!template) {
    template = sharedTemplate(kind);
    templates.set(kind, template);
  }
  return template;
}

async function sharedTemplate(kind: DbKind): Promise<string> {
  const dir = path.join(root!, `${kind}-${sourceKey()}`);
  mkdirSync(root!, { recursive: true });
  try {
    mkdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return await builtBySomeoneElse(dir);
  }
  writeFileSync(path.join(dir, 'pid'), String(process.pid));
  try {
    const built = kind === 'sqlite' ? await buildSqlite(dir) : await buildPostgres(dir);
    writeDone(dir, 'ready', built);
    return built;
  } catch (error) {
    writeDone(dir, 'failed', (error as Error).stack ?? String(error));
    throw error;
  }
}

function writeDone(dir: string, outcome: 'ready' | 'failed', text: string): void {
  writeFileSync(path.join(dir, `${outcome}.tmp`), text);
  renameSync(path.join(dir, `${outcome}.tmp`), path.join(dir, outcome));
}

async function builtBySomeoneElse(dir: string): Promise<string> {
  const started = Date.now();
  for (;;) {
    if (existsSync(path.join(dir, 'ready'))) return readFileSync(path.join(dir, 'ready'), 'utf8');
    if (existsSync(path.join(dir, 'failed'))) throw new Error(`building the seeded template in ${dir} failed:\n${readFileSync(path.join(dir, 'failed'), 'utf8')}`);
    const pid = Number(existsSync(path.join(dir, 'pid')) ? readFileSync(path.join(dir, 'pid'), 'utf8') : NaN);
    if (Date.now() - started > 5_000 && !alive(pid)) throw new Error(`the process building the seeded template in ${dir} (${pid}) died before it was ready`);
    if (Date.now() - started > 600_000) throw new Error(`the seeded template in ${dir} was not ready within 10 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid)) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function buildSqlite(dir: string): Promise<string> {
  const dataDir = path.join(dir, 'data');
  await seedSqlite(dataDir);
  return path.join(dataDir, 'egov.sqlite');
}

/** A migrated, seeded SQLite hub database in `dataDir`, wholly in its main file. */
async function seedSqlite(dataDir: string): Promise<void> {
  const [{ hubMigrations }, { seedDemo }, { migrate, openDatabase }, { sql }] = await Promise.all([
    import('../../src/hub/database.ts'), import('../../src/hub/demo.ts'), import('../../src/platform/db/index.ts'), import('kysely'),
  ]);
  const database = await openDatabase({ url: null, dataDir, sqliteSync: 'normal' }) as HubDatabase;
  try {
    await migrate(database, hubMigrations);
    await seedDemo(database);
    // Everything into the main file, so that copying the one file copies the whole database.
    await sql`pragma wal_checkpoint(truncate)`.execute(database.db);
  } finally {
    await database.close();
  }
  for (const suffix of ['-wal', '-journal']) {
    const leftover = path.join(dataDir, `egov.sqlite${suffix}`);
    if (existsSync(leftover) && statSync(leftover).size > 0) throw new Error(`${leftover} was left after closing the seeded database`);
  }
}

async function buildPostgres(dir: string): Promise<string> {
  const [{ postgresUrl }, { hubMigrations }, { seedDemo }, { migrate, openDatabase }] = await Promise.all([
    import('./databases.ts'), import('../../src/hub/database.ts'), import('../../src/hub/demo.ts'), import('../../src/platform/db/index.ts'),
  ]);
  const name = `egov_template_${randomBytes(6).toString('hex')}`;
  appendFileSync(path.join(root!, POSTGRES_TEMPLATES_FILE), `${postgresUrl}\t${name}\n`);
  await admin(`create database ${name}`);
  const database = await openDatabase({ url: databaseUrl(postgresUrl, name), dataDir: dir }) as HubDatabase;
  try {
    await migrate(database, hubMigrations);
    await seedDemo(database);
  } finally {
    await database.close();
  }
  // A connection to the template would make every CREATE DATABASE from it fail.
  await admin(`alter database ${name} allow_connections false`);
  return name;
}

async function admin(statement: string): Promise<void> {
  const [{ default: pg }, { postgresUrl }] = await Promise.all([import('pg'), import('./databases.ts')]);
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.href;
}

let key: string | null = null;

/** Changes whenever a file under src/ is added, removed or written. */
function sourceKey(): string {
  if (key) return key;
  const hash = createHash('sha256');
  for (const file of (readdirSync(sourceDir, { recursive: true }) as string[]).sort()) {
    // An editor's temporary file may be gone by now.
    const stat = statSync(path.join(sourceDir, file), { throwIfNoEntry: false });
    if (stat?.isFile()) hash.update(`${file}\0${stat.size}\0${stat.mtimeMs}\n`);
  }
  key = hash.digest('hex').slice(0, 16);
  return key;
}
