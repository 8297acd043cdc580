import type { MigrationSet } from '../platform/db/index.ts';

export const registryMigrations: MigrationSet = {
  async '0002-registry'(db) {
    await db.schema.createTable('city_instance')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('code', 'text', (c) => c.notNull())
      .addColumn('name_zh', 'text', (c) => c.notNull())
      .addColumn('name_en', 'text', (c) => c.notNull())
      .addColumn('division_id', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createTable('divisions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('parent_id', 'text', (c) => c.references('divisions.id'))
      .addColumn('name_zh', 'text', (c) => c.notNull())
      .addColumn('name_en', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createTable('departments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('slug', 'text', (c) => c.notNull().unique())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('division_id', 'text', (c) => c.notNull().references('divisions.id'))
      .addColumn('parent_id', 'text', (c) => c.references('departments.id'))
      .addColumn('name_zh', 'text', (c) => c.notNull().unique())
      .addColumn('name_en', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('departments_parent').on('departments').column('parent_id').execute();
    await db.schema.createTable('department_systems')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('department_id', 'text', (c) => c.notNull().references('departments.id'))
      .addColumn('code', 'text', (c) => c.notNull())
      .addColumn('name_zh', 'text', (c) => c.notNull())
      .addColumn('name_en', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('department_systems_code', ['department_id', 'code'])
      .execute();
    await db.schema.createTable('department_contacts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('department_id', 'text', (c) => c.notNull().references('departments.id'))
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('phone', 'text', (c) => c.notNull())
      .addColumn('email', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('department_contacts_department').on('department_contacts').column('department_id').execute();
  },
};
