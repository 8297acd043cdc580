import { sql } from 'kysely';
import type { MigrationSet } from '../platform/db/index.ts';

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
    // search the same tokens: FTS5 kept in step by triggers on SQLite (replay included), an
    // expression GIN index on PostgreSQL. Neither adds a column to the journaled row.
    if (kind === 'sqlite') {
      await sql`create virtual table catalog_fts using fts5(search_title, search_body, content='catalog_resources', content_rowid='rowid', tokenize='unicode61 remove_diacritics 0')`.execute(db);
      // Withdrawn resources leave the index, so a search counts its matches in the index alone.
      await sql`create trigger catalog_fts_insert after insert on catalog_resources when new.withdrawn = 0 begin
        insert into catalog_fts(rowid, search_title, search_body) values (new.rowid, new.search_title, new.search_body); end`.execute(db);
      await sql`create trigger catalog_fts_delete after delete on catalog_resources when old.withdrawn = 0 begin
        insert into catalog_fts(catalog_fts, rowid, search_title, search_body) values ('delete', old.rowid, old.search_title, old.search_body); end`.execute(db);
      await sql`create trigger catalog_fts_update after update on catalog_resources begin
        insert into catalog_fts(catalog_fts, rowid, search_title, search_body) select 'delete', old.rowid, old.search_title, old.search_body where old.withdrawn = 0;
        insert into catalog_fts(rowid, search_title, search_body) select new.rowid, new.search_title, new.search_body where new.withdrawn = 0; end`.execute(db);
    } else {
      // A side table holds the tsvector, kept by a trigger (replay included), so ranking reads a
      // stored vector instead of rebuilding it for every match; the journaled row stays the same
      // on both databases.
      // `title` is kept apart so ranking reads a small vector and never detoasts the full one.
      await sql`create table catalog_search (id text primary key references catalog_resources(id) on delete cascade, vector tsvector not null, title tsvector not null)`.execute(db);
      await sql`create index catalog_search_vector on catalog_search using gin (vector)`.execute(db);
      await sql`create function catalog_search_sync() returns trigger language plpgsql as $$
        begin
          if new.withdrawn <> 0 then
            delete from catalog_search where id = new.id;
          else
            insert into catalog_search (id, vector, title)
            values (new.id, array_to_tsvector(string_to_array(new.search_title || ' ' || new.search_body, ' ')), array_to_tsvector(string_to_array(new.search_title, ' ')))
            on conflict (id) do update set vector = excluded.vector, title = excluded.title;
          end if;
          return new;
        end $$`.execute(db);
      await sql`create trigger catalog_search_sync after insert or update of search_title, search_body, withdrawn on catalog_resources for each row execute function catalog_search_sync()`.execute(db);
    }

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
