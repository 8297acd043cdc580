import { type Static, Type } from 'typebox';

export const nodeRoles = ['gateway', 'standby'] as const;
export type NodeRole = (typeof nodeRoles)[number];

/** A department's security gateway (or the standby) as the hub knows it: registered by enrolment. */
export interface GatewayRow {
  /** `{department code}/{gateway code}` */
  id: string;
  department_id: string;
  code: string;
  /** `gateway`, or `standby`: the disaster recovery center, which follows the journal and is no member of the exchange. */
  role: NodeRole;
  /** https://host:port where other gateways reach it (mutual TLS). */
  address: string;
  /** The last operational record (the gateway's own sequence) the hub has counted: a resent batch is not counted twice. */
  operations_through: number;
  created_at: string;
  updated_at: string;
}

/** Every certificate the hub's CA issued to a gateway; revoked ones stay, marked. */
export interface GatewayCertificateRow {
  /** Serial number, hex. */
  id: string;
  gateway_id: string;
  /** SHA-256 of the DER, hex: how the global configuration names it. */
  sha256: string;
  certificate: string;
  not_before: string;
  not_after: string;
  issued_at: string;
  revoked_at: string | null;
  revoked_by: string | null;
  revoke_reason: string | null;
}

/** A one-time enrolment token: only its hash is stored, the secret is shown once. */
export interface EnrolmentTokenRow {
  id: string;
  department_id: string;
  gateway_code: string;
  role: NodeRole;
  created_by: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

/** A gateway's message-log head, countersigned by the hub with the time it arrived. */
export interface LogAnchorRow {
  /** `{gateway id}@{seq}` */
  id: string;
  gateway_id: string;
  seq: number;
  hash: string;
  gateway_signature: string;
  received_at: string;
  /** Compact JWS by the hub's signing key over {gateway, seq, hash, receivedAt}. */
  receipt: string;
}

/** Exchange traffic per minute, department pair, service, gateway side and outcome. */
export interface TrafficRow {
  /** `{minute}|{side}|{client}|{provider}|{service}|{outcome}` */
  id: string;
  minute: string;
  side: string;
  client: string;
  provider: string;
  service: string;
  /** `ok`, or the fault type, or `http-{status}` for a backend's own error. */
  outcome: string;
  count: number;
  request_bytes: number;
  response_bytes: number;
  /** Sum of responseOut − requestIn in milliseconds, for the mean. */
  duration_ms: number;
  max_duration_ms: number;
}

/** A lookup made on behalf of a person (Egov-User-Id): what the "my data" page shows them. */
export interface SubjectAccessRow {
  /** `{message id}` (the provider side's record) */
  id: string;
  at: string;
  /** sha256 of `egov-subject/1\n{user id}`: found by the person, not listed by name. */
  subject: string;
  client: string;
  provider: string;
  service: string;
  issue: string | null;
  purpose: string | null;
  outcome: string;
}

export interface ExchangeTables {
  gateways: GatewayRow;
  gateway_certificates: GatewayCertificateRow;
  enrolment_tokens: EnrolmentTokenRow;
  log_anchors: LogAnchorRow;
  exchange_traffic: TrafficRow;
  subject_access: SubjectAccessRow;
}

const GatewayCode = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,31}$', description: 'short name of the gateway within its department, e.g. gw1' });

export const TokenInput = Type.Object({
  department: Type.String({ minLength: 18, maxLength: 18, description: 'department code (USCC)' }),
  code: GatewayCode,
  role: Type.Optional(Type.Enum(nodeRoles, { description: 'gateway (default), or standby for the disaster recovery center (platform administrators)' })),
}, { additionalProperties: false });
export type TokenInput = Static<typeof TokenInput>;

export const EnrolInput = Type.Object({
  token: Type.String({ minLength: 10, maxLength: 200 }),
  csr: Type.String({ minLength: 100, maxLength: 10_000, description: 'PKCS#10 certificate request, PEM' }),
  address: Type.String({ maxLength: 200, description: 'https://host:port where other gateways reach this one' }),
}, { additionalProperties: false });
export type EnrolInput = Static<typeof EnrolInput>;

export const Certificate = Type.Object({
  serial: Type.String(), sha256: Type.String(), notBefore: Type.String(), notAfter: Type.String(),
  issuedAt: Type.String(), revokedAt: Type.Union([Type.String(), Type.Null()]), revokeReason: Type.Union([Type.String(), Type.Null()]),
});
export type Certificate = Static<typeof Certificate>;

export const Gateway = Type.Object({
  id: Type.String(), department: Type.String(), code: Type.String(), address: Type.String(),
  createdAt: Type.String(), certificates: Type.Array(Certificate),
  lastAnchor: Type.Union([Type.Object({ seq: Type.Number(), receivedAt: Type.String() }), Type.Null()]),
});
export type Gateway = Static<typeof Gateway>;

export const Anchor = Type.Object({
  seq: Type.Integer({ minimum: 0 }),
  hash: Type.String({ minLength: 1, maxLength: 100 }),
  signature: Type.String({ minLength: 1, maxLength: 200, description: "the gateway's signature over `egov-anchor/1\\n{gateway}\\n{seq}\\n{hash}`" }),
}, { additionalProperties: false });
export type Anchor = Static<typeof Anchor>;

/** One exchange as one gateway saw it (X-Road's operational data, reference/exchange.md §4.1). */
export const OperationRecord = Type.Object({
  seq: Type.Integer({ minimum: 1, description: "the gateway's own sequence number of the record" }),
  id: Type.String({ maxLength: 100 }),
  side: Type.Enum(['client', 'provider']),
  client: Type.String({ maxLength: 200 }),
  provider: Type.String({ maxLength: 100 }),
  service: Type.String({ maxLength: 200 }),
  requestIn: Type.Number(), requestOut: Type.Union([Type.Number(), Type.Null()]),
  responseIn: Type.Union([Type.Number(), Type.Null()]), responseOut: Type.Number(),
  requestBytes: Type.Integer({ minimum: 0 }), responseBytes: Type.Integer({ minimum: 0 }),
  status: Type.Integer(),
  fault: Type.Union([Type.String({ maxLength: 100 }), Type.Null()]),
  subject: Type.Union([Type.String({ maxLength: 100 }), Type.Null()]),
  issue: Type.Union([Type.String({ maxLength: 200 }), Type.Null()]),
  purpose: Type.Union([Type.String({ maxLength: 500 }), Type.Null()]),
}, { additionalProperties: false });
export type OperationRecord = Static<typeof OperationRecord>;

export const OperationBatch = Type.Object({
  records: Type.Array(OperationRecord, { maxItems: 5000 }),
}, { additionalProperties: false });

export const TrafficSummary = Type.Object({
  client: Type.String(), provider: Type.String(), service: Type.String(), side: Type.String(),
  count: Type.Number(), failures: Type.Number(), requestBytes: Type.Number(), responseBytes: Type.Number(),
  meanMs: Type.Number(), maxMs: Type.Number(), lastMinute: Type.String(),
});
export type TrafficSummary = Static<typeof TrafficSummary>;
