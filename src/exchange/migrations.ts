import type { MigrationSet } from '../platform/db/index.ts';

export const exchangeMigrations: MigrationSet = {
  async '0005-exchange'(db) {
    await db.schema.createTable('gateways')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('department_id', 'text', (c) => c.notNull().references('departments.id'))
      .addColumn('code', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('address', 'text', (c) => c.notNull())
      .addColumn('operations_through', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('gateways_department_code', ['department_id', 'code'])
      .execute();
    await db.schema.createTable('gateway_certificates')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('gateway_id', 'text', (c) => c.notNull().references('gateways.id'))
      .addColumn('sha256', 'text', (c) => c.notNull().unique())
      .addColumn('certificate', 'text', (c) => c.notNull())
      .addColumn('not_before', 'text', (c) => c.notNull())
      .addColumn('not_after', 'text', (c) => c.notNull())
      .addColumn('issued_at', 'text', (c) => c.notNull())
      .addColumn('revoked_at', 'text')
      .addColumn('revoked_by', 'text')
      .addColumn('revoke_reason', 'text')
      .execute();
    await db.schema.createIndex('gateway_certificates_gateway').on('gateway_certificates').column('gateway_id').execute();
    await db.schema.createTable('enrolment_tokens')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('department_id', 'text', (c) => c.notNull().references('departments.id'))
      .addColumn('gateway_code', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('used_at', 'text')
      .execute();
    await db.schema.createTable('log_anchors')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('gateway_id', 'text', (c) => c.notNull().references('gateways.id'))
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addColumn('gateway_signature', 'text', (c) => c.notNull())
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addColumn('receipt', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('log_anchors_gateway_seq').on('log_anchors').columns(['gateway_id', 'seq']).execute();
    await db.schema.createTable('exchange_traffic')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('minute', 'text', (c) => c.notNull())
      .addColumn('side', 'text', (c) => c.notNull())
      .addColumn('client', 'text', (c) => c.notNull())
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('service', 'text', (c) => c.notNull())
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('count', 'bigint', (c) => c.notNull())
      .addColumn('request_bytes', 'bigint', (c) => c.notNull())
      .addColumn('response_bytes', 'bigint', (c) => c.notNull())
      .addColumn('duration_ms', 'bigint', (c) => c.notNull())
      .addColumn('max_duration_ms', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('exchange_traffic_minute').on('exchange_traffic').column('minute').execute();
    await db.schema.createTable('subject_access')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('client', 'text', (c) => c.notNull())
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('service', 'text', (c) => c.notNull())
      .addColumn('issue', 'text')
      .addColumn('purpose', 'text')
      .addColumn('outcome', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('subject_access_subject').on('subject_access').columns(['subject', 'at']).execute();
  },
};
