import type { MigrationSet } from '../platform/db/index.ts';

export const recoveryMigrations: MigrationSet = {
  async '0007-recovery'(db) {
    await db.schema.createTable('journal_witness')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('node', 'text', (c) => c.notNull())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addColumn('signature', 'text', (c) => c.notNull())
      .addColumn('received_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('journal_witness_node_seq').on('journal_witness').columns(['node', 'seq']).execute();
  },
};
