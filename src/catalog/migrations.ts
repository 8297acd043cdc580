import { type MigrationSet, createTextIndex } from '../platform/db/index.ts';
import { SEARCH_INDEX } from './store.ts';

export const catalogMigrations: MigrationSet = {
  async '0004-catalog'(db, kind) {
    await db.schema.createTable('catalog_resources')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('code', 'text', (c) => c.notNull().unique())
      .addColumn('provider_id', 'text', (c) => c.notNull().references('departments.id'))
      .addColumn('name_zh', 'text', (c) => c.notNull())
      .addColumn('name_en', 'text', (c) => c.notNull())
      .addColumn('summary', 'text', (c) => c.notNull())
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('industry', 'text')
      .addColumn('format', 'text', (c) => c.notNull())
      .addColumn('delivery', 'text')
      .addColumn('service_code', 'text')
      .addColumn('openapi', 'text')
      .addColumn('update_cycle', 'text', (c) => c.notNull())
      .addColumn('published_on', 'text', (c) => c.notNull())
      .addColumn('contact_name', 'text', (c) => c.notNull())
      .addColumn('contact_phone', 'text', (c) => c.notNull())
      .addColumn('contact_email', 'text', (c) => c.notNull())
      .addColumn('sharing_class', 'text', (c) => c.notNull())
      .addColumn('open_class', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('withdrawn', 'integer', (c) => c.notNull())
      .addColumn('search_title', 'text', (c) => c.notNull())
      .addColumn('search_body', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    for (const column of ['provider_id', 'subject', 'sharing_class', 'open_class']) {
      await db.schema.createIndex(`catalog_resources_${column}`).on('catalog_resources').column(column).execute();
    }
    // Full-text search over words and CJK bigrams that the service computes, so both databases
    // search the same tokens.
    await createTextIndex(db, kind, SEARCH_INDEX);

    await db.schema.createTable('catalog_items')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('resource_id', 'text', (c) => c.notNull().references('catalog_resources.id'))
      .addColumn('ordinal', 'integer', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('label_zh', 'text', (c) => c.notNull())
      .addColumn('label_en', 'text', (c) => c.notNull())
      .addColumn('data_type', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('sensitivity', 'text', (c) => c.notNull())
      .addColumn('sharing_class', 'text', (c) => c.notNull())
      .addColumn('sharing_condition', 'text')
      .addColumn('legal_basis', 'text')
      .addColumn('open_class', 'text', (c) => c.notNull())
      .addUniqueConstraint('catalog_items_name', ['resource_id', 'name'])
      .execute();

    await db.schema.createTable('catalog_versions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('resource_id', 'text', (c) => c.notNull().references('catalog_resources.id'))
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('snapshot', 'text', (c) => c.notNull())
      .addColumn('replaced_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema.createTable('sharing_requests')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('number', 'text', (c) => c.notNull().unique())
      .addColumn('resource_id', 'text', (c) => c.notNull().references('catalog_resources.id'))
      .addColumn('resource_version', 'integer', (c) => c.notNull())
      .addColumn('provider_id', 'text', (c) => c.notNull().references('departments.id'))
      .addColumn('consumer_id', 'text', (c) => c.notNull().references('departments.id'))
      .addColumn('consumer_system', 'text', (c) => c.notNull())
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('legal_basis', 'text', (c) => c.notNull())
      .addColumn('business', 'text')
      .addColumn('period_from', 'text', (c) => c.notNull())
      .addColumn('period_until', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('submitted_at', 'text', (c) => c.notNull())
      .addColumn('due_on', 'text', (c) => c.notNull())
      .addColumn('decided_at', 'text')
      .addColumn('submitted_by', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sharing_requests_provider').on('sharing_requests').columns(['provider_id', 'status']).execute();
    await db.schema.createIndex('sharing_requests_consumer').on('sharing_requests').columns(['consumer_id', 'status']).execute();

    await db.schema.createTable('sharing_request_items')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('request_id', 'text', (c) => c.notNull().references('sharing_requests.id'))
      .addColumn('item_id', 'text', (c) => c.notNull())
      .addColumn('item_name', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('decided_by', 'text')
      .addColumn('decided_at', 'text')
      .execute();
    await db.schema.createIndex('sharing_request_items_request').on('sharing_request_items').column('request_id').execute();

    await db.schema.createTable('sharing_request_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('request_id', 'text', (c) => c.notNull().references('sharing_requests.id'))
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('note', 'text')
      .execute();
    await db.schema.createIndex('sharing_request_events_request').on('sharing_request_events').column('request_id').execute();

    await db.schema.createTable('sharing_agreements')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('request_id', 'text', (c) => c.notNull().unique().references('sharing_requests.id'))
      .addColumn('resource_id', 'text', (c) => c.notNull().references('catalog_resources.id'))
      .addColumn('provider_id', 'text', (c) => c.notNull().references('departments.id'))
      .addColumn('consumer_id', 'text', (c) => c.notNull().references('departments.id'))
      .addColumn('consumer_system', 'text', (c) => c.notNull())
      .addColumn('service_code', 'text')
      .addColumn('items', 'text', (c) => c.notNull())
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('valid_from', 'text', (c) => c.notNull())
      .addColumn('valid_until', 'text', (c) => c.notNull())
      .addColumn('revoked_at', 'text')
      .addColumn('revoke_reason', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sharing_agreements_consumer').on('sharing_agreements').column('consumer_id').execute();
    await db.schema.createIndex('sharing_agreements_provider').on('sharing_agreements').column('provider_id').execute();
  },
  async '0006-agreement-rate-limit'(db) {
    // Requests per minute the provider's gateway lets the consumer's system make; null: no limit.
    await db.schema.alterTable('sharing_agreements').addColumn('rate_per_minute', 'integer').execute();
  },
};
