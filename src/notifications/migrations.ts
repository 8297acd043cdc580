import type { MigrationSet } from '../platform/db/index.ts';

export const notificationsMigrations: MigrationSet = {
  async '0014-notifications'(db, kind) {
    await db.schema.createTable('notifications')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('recipient', 'text', (c) => c.notNull())
      .addColumn('case_reference', 'text', (c) => c.notNull())
      .addColumn('case_event_id', 'text', (c) => c.unique())
      .addColumn('journal_seq', kind === 'sqlite' ? 'integer' : 'bigint', (c) => c.notNull())
      .addColumn('template', 'text', (c) => c.notNull())
      .addColumn('title_zh', 'text', (c) => c.notNull())
      .addColumn('body_zh', 'text', (c) => c.notNull())
      .addColumn('title_en', 'text', (c) => c.notNull())
      .addColumn('body_en', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('read_at', 'text')
      .execute();
    // The message centre: a person's messages, newest first.
    await db.schema.createIndex('notifications_recipient').on('notifications').columns(['recipient', 'journal_seq']).execute();
    await db.schema.createIndex('notifications_case').on('notifications').column('case_reference').execute();

    await db.schema.createTable('notification_deliveries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('notification_id', 'text', (c) => c.notNull().references('notifications.id'))
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('address', 'text', (c) => c.notNull())
      .addColumn('address_display', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('last_error', 'text')
      .addColumn('next_attempt_at', 'text')
      .addColumn('provider_id', 'text')
      .addColumn('sent_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    // The sender's queue: what is due, soonest first.
    await db.schema.createIndex('notification_deliveries_due').on('notification_deliveries').columns(['status', 'next_attempt_at']).execute();
    await db.schema.createIndex('notification_deliveries_notification').on('notification_deliveries').column('notification_id').execute();

    await db.schema.createTable('notification_cursors')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('seq', kind === 'sqlite' ? 'integer' : 'bigint', (c) => c.notNull())
      .execute();
  },
};
