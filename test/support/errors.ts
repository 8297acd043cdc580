import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { HubDatabase } from '../../src/hub/database.ts';
import { journalHead } from '../../src/journal/service.ts';
import { DomainError, type ErrorCode } from '../../src/platform/errors.ts';

/** Runs the work expecting a DomainError with the code; returns it. */
export async function refusal(code: ErrorCode, work: () => Promise<unknown>): Promise<DomainError> {
  let caught: unknown;
  try {
    await work();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof DomainError, `expected a DomainError ${code}, got ${caught === undefined ? 'success' : String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  return caught;
}

export interface Snapshot {
  seq: number;
  tables: Record<string, Record<string, unknown>[]>;
}

/** The journal head and every row of the tables: what a refused write must leave exactly as it was. */
export async function snapshot(database: HubDatabase, tables: readonly string[]): Promise<Snapshot> {
  const rows: Snapshot['tables'] = {};
  for (const table of tables) {
    rows[table] = (await sql<Record<string, unknown>>`select * from ${sql.table(table)} order by id`.execute(database.db)).rows;
  }
  return { seq: (await journalHead(database.db)).seq, tables: rows };
}

/** As refusal, with a message that matches when given, and nothing changed: no journal entry, no row of the tables. */
export async function refusedUnchanged(
  database: HubDatabase, tables: readonly string[], code: ErrorCode, work: () => Promise<unknown>, message?: RegExp,
): Promise<DomainError> {
  const before = await snapshot(database, tables);
  const error = await refusal(code, work);
  if (message) assert.match(error.message, message);
  const afterwards = await snapshot(database, tables);
  assert.equal(afterwards.seq, before.seq, 'nothing was journaled');
  assert.deepEqual(afterwards.tables, before.tables, 'no row changed');
  return error;
}
