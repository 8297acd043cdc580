import type { MigrationSet } from '../platform/db/index.ts';

export const casesMigrations: MigrationSet = {
  async '0010-cases'(db) {
    await db.schema.createTable('cases')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('reference', 'text', (c) => c.notNull().unique())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('applicant', 'text', (c) => c.notNull())
      .addColumn('applicant_name', 'text', (c) => c.notNull())
      .addColumn('department_id', 'text', (c) => c.notNull().references('departments.id'))
      .addColumn('assignee', 'text')
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('is_open', 'integer', (c) => c.notNull())
      .addColumn('parent_id', 'text', (c) => c.references('cases.id'))
      .addColumn('time_limit', 'integer', (c) => c.notNull())
      .addColumn('clock_started_on', 'text')
      .addColumn('paused_on', 'text')
      .addColumn('pauses', 'text', (c) => c.notNull())
      .addColumn('deadline', 'text')
      .addColumn('warned_at', 'text')
      .addColumn('escalated_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('closed_at', 'text')
      .execute();
    // The queues: a department's open cases by deadline, a clerk's, the sweep's, a parent's tasks.
    await db.schema.createIndex('cases_department').on('cases').columns(['department_id', 'is_open', 'deadline']).execute();
    await db.schema.createIndex('cases_assignee').on('cases').columns(['assignee', 'is_open']).execute();
    await db.schema.createIndex('cases_deadline').on('cases').columns(['is_open', 'deadline']).execute();
    await db.schema.createIndex('cases_parent').on('cases').column('parent_id').execute();
    await db.schema.createIndex('cases_applicant').on('cases').column('applicant').execute();

    await db.schema.createTable('case_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('department_id', 'text')
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('action', 'text')
      .addColumn('from_state', 'text')
      .addColumn('to_state', 'text')
      .addColumn('visibility', 'text', (c) => c.notNull())
      .addColumn('note', 'text')
      .addColumn('detail', 'text')
      .addColumn('idempotency_key', 'text', (c) => c.unique())
      .addUniqueConstraint('case_events_order', ['case_id', 'seq'])
      .execute();

    await db.schema.createTable('case_sequences')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('last', 'integer', (c) => c.notNull())
      .execute();
  },
};
