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
  // What this node did for recovery (backups written and checked, restore drills): its own
  // records, not the hub's state, so not journaled.
  async '0008-recovery-backups'(db) {
    await db.schema.createTable('recovery_backups')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('file', 'text', (c) => c.notNull())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addColumn('bytes', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('verified_at', 'text')
      .addColumn('verify_ok', 'integer')
      .addColumn('problem', 'text')
      .execute();
    await db.schema.createIndex('recovery_backups_file').on('recovery_backups').column('file').execute();
    await db.schema.createTable('recovery_drills')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('backup_file', 'text', (c) => c.notNull())
      .addColumn('seq', 'bigint')
      .addColumn('ok', 'integer', (c) => c.notNull())
      .addColumn('seconds', 'double precision', (c) => c.notNull())
      .addColumn('problem', 'text')
      .addColumn('ran_at', 'text', (c) => c.notNull())
      .execute();
  },
  async '0009-hub-epochs'(db) {
    await db.schema.createTable('hub_epochs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('epoch', 'integer', (c) => c.notNull())
      .addColumn('node', 'text', (c) => c.notNull())
      .addColumn('promoted_at', 'text', (c) => c.notNull())
      .addColumn('after_seq', 'bigint', (c) => c.notNull())
      .addColumn('after_hash', 'text', (c) => c.notNull())
      .addColumn('exchange_url', 'text', (c) => c.notNull())
      .execute();
  },
};
