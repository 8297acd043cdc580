import type { Kysely } from 'kysely';
import type { JournalTables } from '../journal/schema.ts';
import { journalMigrations } from '../journal/migrations.ts';
import type { Config } from '../platform/config.ts';
import { type Database, type MigrationSet, migrate, openDatabase } from '../platform/db/index.ts';
import type { RegistryTables } from '../registry/schema.ts';
import { registryMigrations } from '../registry/migrations.ts';
import type { IdentityTables } from '../identity/schema.ts';
import { identityMigrations } from '../identity/migrations.ts';
import type { CatalogTables } from '../catalog/schema.ts';
import { catalogMigrations } from '../catalog/migrations.ts';
import type { ExchangeTables } from '../exchange/schema.ts';
import { exchangeMigrations } from '../exchange/migrations.ts';
import type { RecoveryTables } from '../recovery/schema.ts';
import { recoveryMigrations } from '../recovery/migrations.ts';
import type { CasesTables } from '../cases/schema.ts';
import { casesMigrations } from '../cases/migrations.ts';
import type { OnestopTables } from '../onestop/schema.ts';
import type { RatingsTables } from '../onestop/ratings.schema.ts';
import type { ApplicationsTables } from '../onestop/applications.schema.ts';
import { onestopMigrations } from '../onestop/migrations.ts';
import type { NotificationsTables } from '../notifications/schema.ts';
import { notificationsMigrations } from '../notifications/migrations.ts';

/** The hub's database: every module's tables, and every module's migrations in order. */
export interface HubTables extends JournalTables, RegistryTables, IdentityTables, CatalogTables, ExchangeTables, RecoveryTables, OnestopTables, CasesTables, RatingsTables, NotificationsTables, ApplicationsTables {}
export type HubDatabase = Database<HubTables>;
export type HubTx = Kysely<HubTables>;

export const hubMigrations: MigrationSet = {
  ...journalMigrations,
  ...registryMigrations,
  ...identityMigrations,
  ...catalogMigrations,
  ...exchangeMigrations,
  ...recoveryMigrations,
  ...onestopMigrations,
  ...casesMigrations,
  ...notificationsMigrations,
};

/**
 * Tables that hold short-lived state of this process rather than the hub's state: sessions (staff
 * and people's) and single sign-on artefacts. They are not journaled, so a standby does not carry them and a
 * replay does not reproduce them; people sign in again after a failover. catalog_search and
 * onestop_items_search are derived by triggers from journaled rows (PostgreSQL's search vectors). journal_witness holds
 * the standby's signatures of the journal, which the journal cannot contain. recovery_backups and
 * recovery_drills are a node's own records of its backups and restore drills.
 */
export const unjournaledTables = ['journal', 'sessions', 'person_sessions', 'oidc_payloads', 'catalog_search', 'onestop_items_search', 'journal_witness', 'recovery_backups', 'recovery_drills'] as const;

/**
 * Columns the journal carries (a standby needs them to take over) but that nobody reads through
 * the journal API: password and client-secret hashes and authenticator keys. An operator who can
 * audit changes must not be able to lift an administrator's second factor from them.
 */
export const secretColumns: Readonly<Record<string, readonly string[]>> = {
  accounts: ['password_hash', 'totp_secret', 'totp_last_step'],
  api_clients: ['secret_hash'],
  people: ['password_hash'],
  // Uploaded identity documents and certificates: for the case's clerks, not for whoever audits the journal.
  application_files: ['content'],
};

/** Opens the hub's database as configured and brings its schema up to date. */
export async function openHubDatabase(config: Config): Promise<HubDatabase> {
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.data, sqliteSync: config.sqliteSync }) as HubDatabase;
  await migrate(database, hubMigrations);
  return database;
}
