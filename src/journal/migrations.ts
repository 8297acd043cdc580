import type { MigrationSet } from '../platform/db/index.ts';

export const journalMigrations: MigrationSet = {
  async '0001-journal'(db, kind) {
    await db.schema.createTable('journal')
      // On SQLite an INTEGER PRIMARY KEY is the rowid itself: no second index to maintain.
      .addColumn('seq', kind === 'sqlite' ? 'integer' : 'bigint', (c) => c.primaryKey())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('epoch', 'integer', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('department', 'text')
      .addColumn('request_id', 'text')
      .addColumn('entity', 'text', (c) => c.notNull())
      .addColumn('entity_key', 'text', (c) => c.notNull())
      .addColumn('op', 'text', (c) => c.notNull())
      .addColumn('row_after', 'text')
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .execute();
  },
};
