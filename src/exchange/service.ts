import { createHash, randomBytes } from 'node:crypto';
import type { HubDatabase as Db } from '../hub/database.ts';
import { beginJournaledWrite } from '../journal/service.ts';
import { type CertificateAuthority, issueCertificate } from '../pki/ca.ts';
import { certificateInfo } from '../pki/certificates.ts';
import { type SigningKey, signCompact } from '../pki/signing.ts';
import { type Actor, hasRole, requireDepartmentRole, requireRole } from '../platform/access.ts';
import { DomainError, conflict, forbidden, invalid, notFound } from '../platform/errors.ts';
import { checkInput } from '../platform/validation.ts';
import { getDepartment } from '../registry/service.ts';
import { TOKEN_PREFIX, parseToken, verifyText } from './protocol.ts';
import {
  Anchor as AnchorSchema, type Anchor, type Certificate, EnrolInput as EnrolInputSchema, type EnrolInput, type Gateway,
  type GatewayCertificateRow, type NodeRole, OperationBatch, type OperationRecord, TokenInput as TokenInputSchema, type TokenInput,
  type TrafficRow, type TrafficSummary,
} from './schema.ts';
import * as store from './store.ts';

/**
 * The hub's side of the exchange: it admits gateways (one-time token, certificate from its CA),
 * revokes them, countersigns their message-log heads and adds up their traffic. Exchange traffic
 * itself never passes through here (DESIGN.md, The exchange).
 */

export const ANCHOR_RECEIPT_TYP = 'egov-log-anchor+json';

export interface ExchangePolicy {
  ca: CertificateAuthority;
  /** Days a gateway certificate is valid; gateways renew when two thirds have passed. */
  certificateDays: number;
  enrolmentHours: number;
}

export interface EnrolmentToken {
  token: string;
  department: string;
  code: string;
  expiresAt: string;
}

function tokenId(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/**
 * A one-time token for enrolling one gateway. The token carries the first 16 hex digits of the
 * CA's fingerprint, so the gateway can tell it reached the right hub before it trusts the CA the
 * hub sends back (as `kubeadm join` pins the CA's hash).
 */
export async function createEnrolmentToken(db: Db, actor: Actor, policy: ExchangePolicy, input: TokenInput, now = new Date()): Promise<EnrolmentToken> {
  checkInput(TokenInputSchema, input);
  const role = input.role ?? 'gateway';
  if (role === 'standby') requireRole(actor, 'platform_admin');
  else requireDepartmentRole(actor, input.department, 'dept_admin');
  await getDepartment(db, input.department);
  const secret = randomBytes(24).toString('base64url');
  const expiresAt = new Date(now.getTime() + policy.enrolmentHours * 3_600_000).toISOString();
  await db.transaction(async (tx) => {
    await beginJournaledWrite(tx);
    await store.insertToken(tx, actor, {
      id: tokenId(secret), department_id: input.department, gateway_code: input.code, role,
      created_by: actor.actor, created_at: now.toISOString(), expires_at: expiresAt, used_at: null,
    });
  });
  return { token: `${TOKEN_PREFIX}.${secret}.${policy.ca.fingerprint.slice(0, 16)}`, department: input.department, code: input.code, expiresAt };
}


export interface Enrolment {
  gateway: string;
  department: string;
  certificate: string;
  caCertificate: string;
}

/**
 * Spends a token: the gateway named in it gets a certificate for the key in its request. A
 * gateway enrolled again (a rebuilt machine) keeps its id; its old certificates stay valid until
 * revoked, so the console shows them.
 */
export async function enrolGateway(db: Db, policy: ExchangePolicy, input: EnrolInput, now = new Date()): Promise<Enrolment> {
  checkInput(EnrolInputSchema, input);
  const parsed = parseToken(input.token);
  if (!parsed) throw invalid(`this is not an enrolment token: it should look like ${TOKEN_PREFIX}.<secret>.<16 hex digits>`, { field: 'token' });
  const { secret } = parsed;
  const address = checkAddress(input.address);
  const id = tokenId(secret);
  const refused = new DomainError('unauthenticated', 'this enrolment token is unknown, used or expired; ask the department administrator for a new one');
  // Checked before the CA signs anything, and again inside the transaction that spends it.
  const found = await store.getToken(db.db, id);
  if (!found || found.used_at || found.expires_at <= now.toISOString()) throw refused;
  const gatewayId = `${found.department_id}/${found.gateway_code}`;
  const issued = await issueGatewayCertificate(policy, input.csr, gatewayId, now);
  const ctx = { actor: `gateway:${gatewayId}`, department: found.department_id, requestId: null };
  await db.transaction(async (tx) => {
    await beginJournaledWrite(tx);
    const token = await store.getToken(tx, id);
    if (!token || token.used_at || token.expires_at <= now.toISOString()) throw refused;
    await store.markTokenUsed(tx, ctx, id, now.toISOString());
    const existing = await store.getGateway(tx, gatewayId);
    if (existing) await store.updateGateway(tx, ctx, gatewayId, { address, updated_at: now.toISOString() });
    else {
      await store.insertGateway(tx, ctx, {
        id: gatewayId, department_id: token.department_id, code: token.gateway_code, role: token.role, address, operations_through: 0,
        created_at: now.toISOString(), updated_at: now.toISOString(),
      });
    }
    await store.insertCertificate(tx, ctx, certificateRow(gatewayId, issued, now));
  });
  return { gateway: gatewayId, department: found.department_id, certificate: issued.pem, caCertificate: policy.ca.certificatePem };
}

/** A new certificate for a gateway that proves itself with its current one (mutual TLS). */
export async function renewCertificate(db: Db, policy: ExchangePolicy, peer: Peer, csr: string, now = new Date()): Promise<Enrolment> {
  const issued = await issueGatewayCertificate(policy, csr, peer.gateway, now);
  await db.transaction(async (tx) => {
    await beginJournaledWrite(tx);
    await store.insertCertificate(tx, peerContext(peer), certificateRow(peer.gateway, issued, now));
  });
  return { gateway: peer.gateway, department: peer.department, certificate: issued.pem, caCertificate: policy.ca.certificatePem };
}

async function issueGatewayCertificate(policy: ExchangePolicy, csr: string, gatewayId: string, now: Date) {
  try {
    return await issueCertificate(policy.ca, csr, { commonName: gatewayId, organization: gatewayId.split('/')[0]!, validDays: policy.certificateDays, now });
  } catch (error) {
    if ((error as Error).name === 'CertificateRequestError') throw invalid((error as Error).message, { field: 'csr' });
    throw error;
  }
}

function certificateRow(gatewayId: string, issued: { serial: string; fingerprint: string; pem: string; notBefore: Date; notAfter: Date }, now: Date): GatewayCertificateRow {
  return {
    id: issued.serial, gateway_id: gatewayId, sha256: issued.fingerprint, certificate: issued.pem,
    not_before: issued.notBefore.toISOString(), not_after: issued.notAfter.toISOString(), issued_at: now.toISOString(),
    revoked_at: null, revoked_by: null, revoke_reason: null,
  };
}

function checkAddress(address: string): string {
  const url = URL.parse(address);
  if (!url || url.protocol !== 'https:' || !url.port || url.pathname !== '/' || url.search || url.username) {
    throw invalid(`the gateway address "${address}" must be https://host:port (other gateways connect there with mutual TLS)`, { field: 'address' });
  }
  return `https://${url.host}`;
}

/** Revokes one certificate; every gateway refuses it from its next configuration refresh. */
export async function revokeCertificate(db: Db, actor: Actor, serial: string, reason: string, now = new Date()): Promise<void> {
  const trimmed = reason.trim();
  if (!trimmed) throw invalid('say why the certificate is revoked', { field: 'reason' });
  await db.transaction(async (tx) => {
    await beginJournaledWrite(tx);
    const certificate = await store.getCertificate(tx, serial);
    if (!certificate) throw notFound(`no gateway certificate has the serial ${serial}`);
    const gateway = (await store.getGateway(tx, certificate.gateway_id))!;
    requireDepartmentRole(actor, gateway.department_id, 'dept_admin');
    if (certificate.revoked_at) throw conflict(`certificate ${serial} was already revoked on ${certificate.revoked_at}`);
    await store.revokeCertificate(tx, actor, serial, { revoked_at: now.toISOString(), revoked_by: actor.actor, revoke_reason: trimmed.slice(0, 500) });
  });
}

/** A gateway known by the certificate it presented over mutual TLS. */
export interface Peer {
  gateway: string;
  department: string;
  role: NodeRole;
  certificate: string;
}

function peerContext(peer: Peer) {
  return { actor: `gateway:${peer.gateway}`, department: peer.department, requestId: null };
}

/** The gateway presenting this certificate, or null when it is unknown, revoked or not valid now. */
export async function peerOf(db: Db, sha256: string, now = new Date()): Promise<Peer | null> {
  const certificate = await store.certificateBySha256(db.db, sha256);
  const at = now.toISOString();
  if (!certificate || certificate.revoked_at || certificate.not_before > at || certificate.not_after <= at) return null;
  const gateway = await store.getGateway(db.db, certificate.gateway_id);
  return gateway ? { gateway: gateway.id, department: gateway.department_id, role: gateway.role, certificate: certificate.certificate } : null;
}

export async function listGateways(db: Db, actor: Actor, department?: string): Promise<Gateway[]> {
  if (department) {
    if (!hasRole(actor, 'platform_admin', 'operator', 'auditor')) requireDepartmentRole(actor, department, 'dept_admin');
  } else {
    requireRole(actor, 'platform_admin', 'operator', 'auditor');
  }
  const gateways = await store.listGateways(db.db, department);
  const [certificates, anchors] = await Promise.all([store.listCertificates(db.db, gateways.map((g) => g.id)), store.lastAnchors(db.db)]);
  const anchorOf = new Map(anchors.map((a) => [a.gateway_id, { seq: Number(a.seq), receivedAt: a.received_at }]));
  return gateways.map((g) => ({
    id: g.id, department: g.department_id, code: g.code, address: g.address, createdAt: g.created_at,
    certificates: certificates.filter((c) => c.gateway_id === g.id).map(certificateView),
    lastAnchor: anchorOf.get(g.id) ?? null,
  }));
}

function certificateView(c: GatewayCertificateRow): Certificate {
  return {
    serial: c.id, sha256: c.sha256, notBefore: c.not_before, notAfter: c.not_after, issuedAt: c.issued_at,
    revokedAt: c.revoked_at, revokeReason: c.revoke_reason,
  };
}

/**
 * Every gateway (or standby) with the certificates peers may accept today: gateways for the
 * global configuration, standbys for the hub's replication and the addresses a failover moves to.
 */
export async function nodesWithCertificates(db: Db, role: NodeRole, now: Date): Promise<{ department: string; id: string; address: string; certificates: string[] }[]> {
  const [gateways, usable] = await Promise.all([store.listGateways(db.db), store.listUsableCertificates(db.db, now.toISOString())]);
  return gateways
    .filter((g) => g.role === role)
    .map((g) => ({ department: g.department_id, id: g.id, address: g.address, certificates: usable.filter((c) => c.gateway_id === g.id).map((c) => c.sha256) }))
    .filter((g) => g.certificates.length > 0);
}

export function anchorText(gateway: string, seq: number, hash: string): string {
  return `egov-anchor/1\n${gateway}\n${seq}\n${hash}`;
}

export interface AnchorReceipt {
  gateway: string;
  seq: number;
  hash: string;
  receivedAt: string;
}

/**
 * Countersigns a gateway's message-log head. The gateway signed it, the hub adds the time it saw
 * it: from then on neither side can rewrite the log up to that point without the other's copy
 * showing it. A head that goes backwards is refused: that is a rewritten or restored log.
 */
export async function recordAnchor(db: Db, key: SigningKey, peer: Peer, anchor: Anchor, now = new Date()): Promise<{ receipt: string }> {
  checkInput(AnchorSchema, anchor);
  const publicKey = certificateInfo(peer.certificate).publicKey;
  if (!verifyText(publicKey, anchorText(peer.gateway, anchor.seq, anchor.hash), anchor.signature)) {
    throw invalid('the anchor signature does not verify with the certificate this gateway presented', { field: 'signature' });
  }
  const id = `${peer.gateway}@${anchor.seq}`;
  const existing = await store.getAnchor(db.db, id);
  if (existing) {
    if (existing.hash !== anchor.hash) throw conflict(`the hub countersigned a different hash for ${id} on ${existing.received_at}: the log was rewritten`);
    return { receipt: existing.receipt };
  }
  const receivedAt = now.toISOString();
  const receipt = await signCompact(key, { gateway: peer.gateway, seq: anchor.seq, hash: anchor.hash, receivedAt } satisfies AnchorReceipt, ANCHOR_RECEIPT_TYP);
  await db.transaction(async (tx) => {
    await beginJournaledWrite(tx);
    const last = await store.lastAnchor(tx, peer.gateway);
    if (last && Number(last.seq) > anchor.seq) {
      throw conflict(`the hub already countersigned ${peer.gateway} up to entry ${last.seq}; a head at ${anchor.seq} means the log went backwards`);
    }
    await store.insertAnchor(tx, peerContext(peer), {
      id, gateway_id: peer.gateway, seq: anchor.seq, hash: anchor.hash, gateway_signature: anchor.signature, received_at: receivedAt, receipt,
    });
  });
  return { receipt };
}

/** The subject key of a person's id: what gateways send and the "my data" page looks up. */
export function subjectOf(userId: string): string {
  return createHash('sha256').update(`egov-subject/1\n${userId}`).digest('base64url');
}

/**
 * Adds a batch of a gateway's operational records to the per-minute traffic, and records lookups
 * made on someone's behalf. Records the hub already counted (a batch resent after a lost reply)
 * are skipped by the gateway's own sequence number.
 */
export async function recordOperations(db: Db, peer: Peer, records: readonly OperationRecord[]): Promise<{ through: number }> {
  checkInput(OperationBatch, { records });
  return db.transaction(async (tx) => {
    await beginJournaledWrite(tx);
    const gateway = (await store.getGateway(tx, peer.gateway))!;
    const fresh = records.filter((r) => r.seq > Number(gateway.operations_through));
    if (fresh.length === 0) return { through: Number(gateway.operations_through) };
    const ctx = peerContext(peer);
    const buckets = new Map<string, TrafficRow>();
    for (const r of fresh) {
      // A client-side record may have no client: the calling system was refused before it was known.
      if (r.side === 'provider' ? r.provider !== peer.department : r.client !== '' && !r.client.startsWith(`${peer.department}/`)) {
        throw forbidden(`gateway ${peer.gateway} may only report exchanges of its own department`);
      }
      const minute = new Date(r.requestIn).toISOString().slice(0, 16);
      const outcome = r.fault ?? (r.status >= 400 ? `http-${r.status}` : 'ok');
      const id = `${minute}|${r.side}|${r.client}|${r.provider}|${r.service}|${outcome}`;
      const duration = Math.max(0, Math.round(r.responseOut - r.requestIn));
      const bucket = buckets.get(id) ?? {
        id, minute, side: r.side, client: r.client, provider: r.provider, service: r.service, outcome,
        count: 0, request_bytes: 0, response_bytes: 0, duration_ms: 0, max_duration_ms: 0,
      };
      bucket.count += 1;
      bucket.request_bytes += r.requestBytes;
      bucket.response_bytes += r.responseBytes;
      bucket.duration_ms += duration;
      bucket.max_duration_ms = Math.max(bucket.max_duration_ms, duration);
      buckets.set(id, bucket);
    }
    const existing = new Map((await store.getTraffic(tx, [...buckets.keys()])).map((row) => [row.id, row]));
    for (const bucket of buckets.values()) {
      const old = existing.get(bucket.id);
      if (!old) await store.insertTraffic(tx, ctx, bucket);
      else {
        await store.updateTraffic(tx, ctx, bucket.id, {
          count: Number(old.count) + bucket.count, request_bytes: Number(old.request_bytes) + bucket.request_bytes,
          response_bytes: Number(old.response_bytes) + bucket.response_bytes, duration_ms: Number(old.duration_ms) + bucket.duration_ms,
          max_duration_ms: Math.max(Number(old.max_duration_ms), bucket.max_duration_ms),
        });
      }
    }
    const subjects = fresh.filter((r) => r.side === 'provider' && r.subject);
    const seen = await store.subjectAccessExists(tx, subjects.map((r) => r.id));
    for (const r of subjects) {
      if (seen.has(r.id)) continue;
      await store.insertSubjectAccess(tx, ctx, {
        id: r.id, at: new Date(r.requestIn).toISOString(), subject: r.subject!, client: r.client, provider: r.provider,
        service: r.service, issue: r.issue, purpose: r.purpose, outcome: r.fault ?? (r.status >= 400 ? `http-${r.status}` : 'ok'),
      });
    }
    const through = Math.max(...fresh.map((r) => r.seq));
    await store.updateGateway(tx, ctx, peer.gateway, { operations_through: through });
    return { through };
  });
}

/** Traffic per department pair, service and side since a time, for the console. */
export async function trafficSummary(db: Db, actor: Actor, since: Date): Promise<TrafficSummary[]> {
  requireRole(actor, 'platform_admin', 'operator', 'auditor');
  const rows = await store.trafficSince(db.db, since.toISOString().slice(0, 16));
  const groups = new Map<string, TrafficSummary & { durationTotal: number }>();
  for (const row of rows) {
    const key = `${row.client}|${row.provider}|${row.service}|${row.side}`;
    const g = groups.get(key) ?? {
      client: row.client, provider: row.provider, service: row.service, side: row.side,
      count: 0, failures: 0, requestBytes: 0, responseBytes: 0, meanMs: 0, maxMs: 0, lastMinute: row.minute, durationTotal: 0,
    };
    const count = Number(row.count);
    g.count += count;
    if (row.outcome !== 'ok') g.failures += count;
    g.requestBytes += Number(row.request_bytes);
    g.responseBytes += Number(row.response_bytes);
    g.durationTotal += Number(row.duration_ms);
    g.maxMs = Math.max(g.maxMs, Number(row.max_duration_ms));
    if (row.minute > g.lastMinute) g.lastMinute = row.minute;
    groups.set(key, g);
  }
  return [...groups.values()]
    .map(({ durationTotal, ...g }) => ({ ...g, meanMs: g.count ? Math.round((durationTotal / g.count) * 10) / 10 : 0 }))
    .sort((a, b) => b.count - a.count);
}

export async function subjectAccess(db: Db, userId: string, limit = 200) {
  return store.subjectAccessOf(db.db, subjectOf(userId), limit);
}
