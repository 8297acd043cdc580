/**
 * Writes a synthetic registry into a SQLite file, the department's own store behind its backend
 * (not the hub's database: no migrations, no journal). Each record is stored as the JSON the
 * backend serves, next to the few columns it needs to answer without parsing it.
 *
 * Generation is disposable: it runs with the journal and fsync off, into a temporary file that is
 * renamed over the target only when complete, so a crash leaves the old file (or none), never a
 * half-written one. The key index is built after the rows are in: sorting once is several times
 * faster than keeping a B-tree ordered under millions of random inserts.
 */
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { EnterpriseGenerator } from './enterprises.ts';
import { AS_OF, PersonGenerator } from './people.ts';
import { deriveSeed } from './random.ts';
import { registries, type Registry } from './records.ts';

export const DEFAULT_COUNTS: Readonly<Record<Registry, number>> = { population: 100_000, enterprises: 20_000 };
/** Beyond these the uniqueness structures (and the synthetic name space) run thin. */
export const MAX_COUNTS: Readonly<Record<Registry, number>> = { population: 30_000_000, enterprises: 5_000_000 };
export const DEFAULT_SEED = 2026;
/** Changes whenever the same seed would give different records. */
export const GENERATOR_VERSION = '1';

const BATCH = 50_000;

export interface GenerateOptions {
  registry: Registry;
  out: string;
  count?: number;
  seed?: number;
  /** Called after every batch, and once at the end. */
  onProgress?: (done: number, total: number) => void;
}

export interface GenerateResult {
  file: string;
  registry: Registry;
  count: number;
  seed: number;
  seconds: number;
  /** Records per second, index build included. */
  rate: number;
}

export interface RegistryMeta {
  registry: Registry;
  count: number;
  seed: number;
  generator: string;
  asOf: string;
  generatedAt: string;
}

/** The table and key column of each registry. */
export const TABLES: Readonly<Record<Registry, { table: string; key: string }>> = {
  population: { table: 'persons', key: 'id_number' },
  enterprises: { table: 'enterprises', key: 'uscc' },
};

function checkOptions(options: GenerateOptions): { count: number; seed: number } {
  if (!registries.includes(options.registry)) throw new RangeError(`unknown registry "${options.registry}": use ${registries.join(' or ')}`);
  const count = options.count ?? DEFAULT_COUNTS[options.registry];
  const max = MAX_COUNTS[options.registry];
  if (!Number.isInteger(count) || count < 1 || count > max) throw new RangeError(`count must be a whole number from 1 to ${max}, not ${count}`);
  const seed = options.seed ?? DEFAULT_SEED;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff) throw new RangeError(`seed must be a whole number from 0 to 4294967295, not ${seed}`);
  return { count, seed };
}

/** Generates `count` records from `seed` into `out` (replacing it when complete). */
export function generateRegistry(options: GenerateOptions): GenerateResult {
  const { count, seed } = checkOptions(options);
  const out = path.resolve(options.out);
  mkdirSync(path.dirname(out), { recursive: true });
  if (existsSync(out) && statSync(out).isDirectory()) throw new RangeError(`${out} is a folder; give a file name to write`);
  const temporary = `${out}.${process.pid}.generating`;
  rmSync(temporary, { force: true });

  const started = performance.now();
  const db = new Database(temporary);
  try {
    db.pragma('page_size = 16384');
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('temp_store = MEMORY');
    db.pragma('cache_size = -262144');
    db.exec('CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    if (options.registry === 'population') writePersons(db, count, seed, options.onProgress);
    else writeEnterprises(db, count, seed, options.onProgress);

    const { table, key } = TABLES[options.registry];
    db.exec(`CREATE UNIQUE INDEX ${table}_${key} ON ${table} (${key})`);
    const meta: RegistryMeta = {
      registry: options.registry, count, seed, generator: GENERATOR_VERSION, asOf: AS_OF, generatedAt: new Date().toISOString(),
    };
    const insertMeta = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
    for (const [k, v] of Object.entries(meta)) insertMeta.run(k, String(v));
    db.pragma('journal_mode = DELETE');
    db.close();
    renameSync(temporary, out);
  } catch (error) {
    if (db.open) db.close();
    rmSync(temporary, { force: true });
    throw error;
  }
  const seconds = (performance.now() - started) / 1000;
  return { file: out, registry: options.registry, count, seed, seconds, rate: count / seconds };
}

function writePersons(db: Database.Database, count: number, seed: number, onProgress: GenerateOptions['onProgress']): void {
  db.exec(`CREATE TABLE persons (
    id_number TEXT NOT NULL,
    name TEXT NOT NULL,
    in_force INTEGER NOT NULL,
    has_card INTEGER NOT NULL,
    card_valid_until TEXT,
    record TEXT NOT NULL
  )`);
  const insert = db.prepare('INSERT INTO persons (id_number, name, in_force, has_card, card_valid_until, record) VALUES (?, ?, ?, ?, ?, ?)');
  const generator = new PersonGenerator(deriveSeed(seed, 1));
  const batch = db.transaction((n: number) => {
    for (let i = 0; i < n; i++) {
      const { record, hasCard, cardValidUntil } = generator.next();
      insert.run(record.idNumber, record.name, record.cancellationReason === null ? 1 : 0, hasCard ? 1 : 0, cardValidUntil, JSON.stringify(record));
    }
  });
  inBatches(count, batch, onProgress);
}

function writeEnterprises(db: Database.Database, count: number, seed: number, onProgress: GenerateOptions['onProgress']): void {
  db.exec('CREATE TABLE enterprises (uscc TEXT NOT NULL, record TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO enterprises (uscc, record) VALUES (?, ?)');
  const generator = new EnterpriseGenerator(deriveSeed(seed, 2));
  const batch = db.transaction((n: number) => {
    for (let i = 0; i < n; i++) {
      const record = generator.next();
      insert.run(record.uscc, JSON.stringify(record));
    }
  });
  inBatches(count, batch, onProgress);
}

function inBatches(count: number, batch: (n: number) => void, onProgress: GenerateOptions['onProgress']): void {
  for (let done = 0; done < count;) {
    const n = Math.min(BATCH, count - done);
    batch(n);
    done += n;
    onProgress?.(done, count);
  }
}

/** Opens a registry file read-only, checking it is one and (when given) of the expected registry. */
export function openRegistryFile(file: string, expected?: Registry): { db: Database.Database; meta: RegistryMeta } {
  const resolved = path.resolve(file);
  if (!existsSync(resolved)) throw new RangeError(`${resolved} does not exist; create it with: egov basedata generate --registry ${expected ?? 'population'} --out ${file}`);
  const db = new Database(resolved, { readonly: true, fileMustExist: true });
  try {
    const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
    if (!hasMeta) throw new RangeError(`${resolved} is not a registry file made by egov basedata generate (it has no meta table)`);
    const rows = db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[];
    const m = Object.fromEntries(rows.map((r) => [r.key, r.value]));
    const meta: RegistryMeta = {
      registry: m.registry as Registry, count: Number(m.count), seed: Number(m.seed), generator: m.generator ?? '', asOf: m.asOf ?? '', generatedAt: m.generatedAt ?? '',
    };
    if (!registries.includes(meta.registry)) throw new RangeError(`${resolved} names an unknown registry "${m.registry}"`);
    if (expected && meta.registry !== expected) throw new RangeError(`${resolved} holds the ${meta.registry} registry, not ${expected}`);
    return { db, meta };
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * `n` keys (ID numbers or USCCs) that exist in the file, spread evenly over it and the same on
 * every call, for demos and benchmarks. Fewer when the file holds fewer records.
 */
export function sampleKeys(file: string, n: number): string[] {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`the number of keys must be a whole number, not ${n}`);
  const { db, meta } = openRegistryFile(file);
  try {
    const { table, key } = TABLES[meta.registry];
    // Rows were inserted once, in order, and never deleted: rowids run from 1 to count.
    const byRowid = db.prepare(`SELECT ${key} AS key FROM ${table} WHERE rowid = ?`).pluck();
    const take = Math.min(n, meta.count);
    const keys: string[] = [];
    for (let i = 0; i < take; i++) {
      const key = byRowid.get(1 + Math.floor((i * meta.count) / take)) as string | undefined;
      if (key !== undefined) keys.push(key);
    }
    return keys;
  } finally {
    db.close();
  }
}
