import type { MigrationSet } from '../../platform/db/index.ts';

/** What a gateway stores: its message log, the certificates that signed it, its operational records and the hub's anchors. */

export interface MessageLogRow {
  seq: number;
  at: string;
  message_id: string;
  kind: 'request' | 'response';
  client: string;
  service: string;
  /** Masked: the log proves the exchange without spreading the person's id. */
  user_id: string | null;
  issue: string | null;
  purpose: string | null;
  /** The canonical text that was signed. */
  envelope: string;
  signature: string;
  /** SHA-256 (hex) of the signer's certificate. */
  signer: string;
  body_hash: string;
  /** Left out when the service's bodies are not kept, or after pruning the body alone. */
  body: Buffer | null;
  content_hash: string;
  prev_hash: string;
  hash: string;
}

export interface CertificateRow {
  sha256: string;
  pem: string;
}

export interface OperationRow {
  seq: number;
  message_id: string;
  side: 'client' | 'provider';
  client: string;
  provider: string;
  service: string;
  request_in: number;
  request_out: number | null;
  response_in: number | null;
  response_out: number;
  request_bytes: number;
  response_bytes: number;
  status: number;
  fault: string | null;
  subject: string | null;
  issue: string | null;
  purpose: string | null;
}

export interface AnchorRow {
  seq: number;
  hash: string;
  at: string;
  /** The hub's countersignature (compact JWS). */
  receipt: string;
}

export interface GatewayTables {
  message_log: MessageLogRow;
  certificates: CertificateRow;
  operations: OperationRow;
  anchors: AnchorRow;
  reported: { id: string; through: number };
}

export const gatewayMigrations: MigrationSet = {
  async '0001-gateway'(db, kind) {
    const blob = kind === 'postgres' ? 'bytea' : 'blob';
    await db.schema.createTable('message_log')
      .addColumn('seq', 'bigint', (c) => c.primaryKey())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('message_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('client', 'text', (c) => c.notNull())
      .addColumn('service', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text')
      .addColumn('issue', 'text')
      .addColumn('purpose', 'text')
      .addColumn('envelope', 'text', (c) => c.notNull())
      .addColumn('signature', 'text', (c) => c.notNull())
      .addColumn('signer', 'text', (c) => c.notNull())
      .addColumn('body_hash', 'text', (c) => c.notNull())
      .addColumn('body', blob)
      .addColumn('content_hash', 'text', (c) => c.notNull())
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('message_log_message').on('message_log').column('message_id').execute();
    await db.schema.createIndex('message_log_at').on('message_log').column('at').execute();
    await db.schema.createTable('certificates')
      .addColumn('sha256', 'text', (c) => c.primaryKey())
      .addColumn('pem', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createTable('operations')
      .addColumn('seq', 'bigint', (c) => c.primaryKey())
      .addColumn('message_id', 'text', (c) => c.notNull())
      .addColumn('side', 'text', (c) => c.notNull())
      .addColumn('client', 'text', (c) => c.notNull())
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('service', 'text', (c) => c.notNull())
      .addColumn('request_in', 'bigint', (c) => c.notNull())
      .addColumn('request_out', 'bigint')
      .addColumn('response_in', 'bigint')
      .addColumn('response_out', 'bigint', (c) => c.notNull())
      .addColumn('request_bytes', 'bigint', (c) => c.notNull())
      .addColumn('response_bytes', 'bigint', (c) => c.notNull())
      .addColumn('status', 'integer', (c) => c.notNull())
      .addColumn('fault', 'text')
      .addColumn('subject', 'text')
      .addColumn('issue', 'text')
      .addColumn('purpose', 'text')
      .execute();
    await db.schema.createTable('anchors')
      .addColumn('seq', 'bigint', (c) => c.primaryKey())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('receipt', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createTable('reported')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('through', 'bigint', (c) => c.notNull())
      .execute();
  },
};
