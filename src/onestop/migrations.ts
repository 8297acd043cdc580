import { sql } from 'kysely';
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

  async '0013-applications'(db) {
    await db.schema.createTable('application_drafts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('applicant', 'text', (c) => c.notNull())
      .addColumn('subject_kind', 'text', (c) => c.notNull())
      .addColumn('subject_code', 'text', (c) => c.notNull())
      .addColumn('versions', 'text', (c) => c.notNull())
      .addColumn('answers', 'text', (c) => c.notNull())
      .addColumn('prefilled', 'text', (c) => c.notNull())
      .addColumn('prefill_notes', 'text', (c) => c.notNull())
      .addColumn('consent', 'text', (c) => c.notNull())
      .addColumn('consent_at', 'text')
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('case_id', 'text', (c) => c.references('cases.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('submitted_at', 'text')
      .execute();
    // The start page looks for the person's open draft of this item; the personal centre lists theirs.
    await db.schema.createIndex('application_drafts_applicant').on('application_drafts').columns(['applicant', 'state', 'subject_kind', 'subject_code']).execute();

    await db.schema.createTable('applications')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('case_id', 'text', (c) => c.notNull().unique().references('cases.id'))
      .addColumn('draft_id', 'text', (c) => c.notNull().references('application_drafts.id'))
      .addColumn('applicant', 'text', (c) => c.notNull())
      .addColumn('life_event', 'text')
      .addColumn('items', 'text', (c) => c.notNull())
      .addColumn('answers', 'text', (c) => c.notNull())
      .addColumn('prefilled', 'text', (c) => c.notNull())
      .addColumn('consent_at', 'text')
      .addColumn('submitted_at', 'text', (c) => c.notNull())
      .execute();

    // Content as base64 text, not blob/bytea: see ApplicationFileRow (the journal, replay and backups carry text).
    await db.schema.createTable('application_files')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('draft_id', 'text', (c) => c.notNull().references('application_drafts.id'))
      .addColumn('field_key', 'text', (c) => c.notNull())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('media_type', 'text', (c) => c.notNull())
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('content', 'text', (c) => c.notNull())
      .addColumn('uploaded_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('application_files_draft').on('application_files').columns(['draft_id', 'field_key']).execute();
  },

  async '0015-ratings'(db) {
    await db.schema.createTable('ratings')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('case_id', 'text', (c) => c.notNull().unique().references('cases.id'))
      .addColumn('case_reference', 'text', (c) => c.notNull())
      .addColumn('department_id', 'text', (c) => c.notNull().references('departments.id'))
      .addColumn('rater', 'text', (c) => c.notNull())
      .addColumn('level', 'integer', (c) => c.notNull())
      .addColumn('efficiency', 'integer')
      .addColumn('guide_accuracy', 'integer')
      .addColumn('convenience', 'integer')
      .addColumn('usability', 'integer')
      .addColumn('comment', 'text')
      .addColumn('rated_at', 'text', (c) => c.notNull())
      .addColumn('rectification_id', 'text', (c) => c.references('cases.id'))
      .addColumn('rectification_reference', 'text')
      .execute();
    // The published statistics count a department's ratings of a period from this index alone.
    await db.schema.createIndex('ratings_department').on('ratings').columns(['department_id', 'rated_at', 'level']).execute();
    await db.schema.createIndex('ratings_rater').on('ratings').column('rater').execute();
    // Bad reviews whose rectification is not open yet: normally none, so the sweep at start reads nothing.
    await db.schema.createIndex('ratings_pending_rectification').on('ratings').column('rated_at')
      .where(sql<boolean>`rectification_id is null and level <= 2`).execute();

    // The statistics' figures from the case engine (cases/statistics.service.ts), counted from
    // indexes that hold every column they read, so a million cases are never fetched: a
    // department's closed top-level cases by closing time, and rectifications by opening time.
    // Each leads with the columns the query fixes by equality (parent_id is null and the
    // department; type = 'rectification'): the hub never runs ANALYZE, and without statistics
    // SQLite prefers the index with the most equalities, which would otherwise be cases_parent or
    // cases_department.
    await db.schema.createIndex('cases_closed_figures').on('cases').columns(['parent_id', 'department_id', 'closed_at', 'deadline', 'type', 'state'])
      .where(sql<boolean>`closed_at is not null`).execute();
    await db.schema.createIndex('cases_rectification_figures').on('cases').columns(['type', 'created_at', 'department_id', 'state'])
      .where(sql<boolean>`type = 'rectification'`).execute();
  },
};
