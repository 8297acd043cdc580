import { type MigrationSet, createTextIndex } from '../platform/db/index.ts';
import { SEARCH_INDEX } from './store.ts';

export const onestopMigrations: MigrationSet = {
  async '0011-onestop-items'(db, kind) {
    await db.schema.createTable('onestop_items')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('department_id', 'text', (c) => c.notNull().references('departments.id'))
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('name_zh', 'text', (c) => c.notNull())
      .addColumn('name_en', 'text', (c) => c.notNull())
      .addColumn('audiences', 'text', (c) => c.notNull())
      .addColumn('topics', 'text', (c) => c.notNull())
      .addColumn('promised_days', 'integer', (c) => c.notNull())
      .addColumn('legal_days', 'integer')
      .addColumn('online', 'integer', (c) => c.notNull())
      .addColumn('visits', 'integer', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('withdrawn', 'integer', (c) => c.notNull())
      .addColumn('withdrawn_at', 'text')
      .addColumn('withdraw_reason', 'text')
      .addColumn('search_title', 'text', (c) => c.notNull())
      .addColumn('search_body', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('onestop_items_department').on('onestop_items').columns(['department_id', 'withdrawn']).execute();

    // Full-text search the catalog's way: withdrawn items leave the index, a replay rebuilds it.
    await createTextIndex(db, kind, SEARCH_INDEX);

    await db.schema.createTable('onestop_item_versions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('item_id', 'text', (c) => c.notNull().references('onestop_items.id'))
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('content', 'text', (c) => c.notNull())
      .addColumn('published_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('onestop_item_versions_item_version', ['item_id', 'version'])
      .execute();

    await db.schema.createTable('onestop_life_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name_zh', 'text', (c) => c.notNull())
      .addColumn('name_en', 'text', (c) => c.notNull())
      .addColumn('audience', 'text', (c) => c.notNull())
      .addColumn('summary', 'text', (c) => c.notNull())
      .addColumn('items', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
};
