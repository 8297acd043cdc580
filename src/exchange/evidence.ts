import { X509Certificate } from 'node:crypto';
import type { JSONWebKeySet } from 'jose';
import { verifyCompact } from '../pki/signing.ts';
import { GLOBAL_CONFIG_TYP, type GlobalConfig } from './global-config.ts';
import { type MessageLog, chainHash, contentHashOf } from './gateway/log.ts';
import type { MessageLogRow } from './gateway/log-tables.ts';
import { envelopeField, sha256, verifyText } from './protocol.ts';
import { ANCHOR_RECEIPT_TYP, type AnchorReceipt } from './service.ts';

/**
 * Evidence of one exchange that a third party (a court, an auditor) can check with nothing but the
 * hub's public keys: the signed request and response as the gateway logged them, the signers'
 * certificates, the chain from those entries to a head the hub countersigned with a time, and the
 * signed global configuration naming the CA. Bodies are in it only if the gateway kept them.
 */
export interface Evidence {
  format: 'egov-evidence/1';
  gateway: string;
  messageId: string;
  entries: (Omit<MessageLogRow, 'body' | 'content_hash'> & { body: string | null })[];
  certificates: Record<string, string>;
  /** Content hashes of the entries after the last one above, up to the anchored head. */
  chain: string[];
  anchor: { seq: number; hash: string; receipt: string };
  globalConfig: string;
}

export class EvidenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EvidenceError';
  }
}

export async function exportEvidence(log: MessageLog, gateway: string, messageId: string, globalConfig: string): Promise<Evidence> {
  const rows = await log.entriesOf(messageId);
  if (rows.length === 0) throw new EvidenceError(`no exchange with the message id ${messageId} is in this gateway's log (it may have been archived)`);
  const last = rows[rows.length - 1]!;
  const anchor = await log.anchorCovering(Number(last.seq));
  if (!anchor) throw new EvidenceError(`the exchange ${messageId} is not yet countersigned by the hub; the gateway anchors its log at least every minute, try again shortly`);
  const certificates: Record<string, string> = {};
  for (const row of rows) {
    const pem = await log.certificate(row.signer);
    if (!pem) throw new EvidenceError(`the certificate ${row.signer} of a signer is not in the log`);
    certificates[row.signer] = pem;
  }
  return {
    format: 'egov-evidence/1', gateway, messageId,
    entries: rows.map(({ content_hash: _, body, ...row }) => ({ ...row, seq: Number(row.seq), body: body ? Buffer.from(body).toString('base64') : null })),
    certificates,
    chain: await log.contentHashes(Number(last.seq), Number(anchor.seq)),
    anchor: { seq: Number(anchor.seq), hash: anchor.hash, receipt: anchor.receipt },
    globalConfig,
  };
}

export interface EvidenceReport {
  ok: boolean;
  /** What was established, in order, for a person to read. */
  checks: string[];
  problem?: string;
}

/** Checks evidence with the hub's public keys only. */
export async function verifyEvidence(evidence: Evidence, hubKeys: JSONWebKeySet): Promise<EvidenceReport> {
  const checks: string[] = [];
  const fail = (problem: string): EvidenceReport => ({ ok: false, checks, problem });
  if (evidence.format !== 'egov-evidence/1' || !Array.isArray(evidence.entries) || evidence.entries.length === 0) return fail('this is not egov evidence');

  let receipt: AnchorReceipt;
  try {
    receipt = (await verifyCompact<AnchorReceipt>(evidence.anchor.receipt, hubKeys, { typ: ANCHOR_RECEIPT_TYP })).payload;
  } catch (error) {
    return fail(`the hub's countersignature does not verify: ${(error as Error).message}`);
  }
  if (receipt.gateway !== evidence.gateway || receipt.seq !== evidence.anchor.seq || receipt.hash !== evidence.anchor.hash) {
    return fail('the countersignature is for a different gateway or head than the evidence claims');
  }
  checks.push(`the hub countersigned entry ${receipt.seq} of ${receipt.gateway}'s log, received at ${receipt.receivedAt}`);

  let config: GlobalConfig;
  try {
    config = (await verifyCompact<GlobalConfig>(evidence.globalConfig, hubKeys, { typ: GLOBAL_CONFIG_TYP })).payload;
  } catch (error) {
    return fail(`the global configuration in the evidence does not verify: ${(error as Error).message}`);
  }
  const cas = config.caCertificates.map((pem) => new X509Certificate(pem));

  let previous: (typeof evidence.entries)[number] | null = null;
  const envelopes = new Map<string, string>();
  for (const entry of evidence.entries) {
    const content = contentHashOf(entry);
    if (chainHash(entry.prev_hash, content) !== entry.hash) return fail(`entry ${entry.seq} does not match its hash: it was altered`);
    if (previous && (entry.seq !== previous.seq + 1 || entry.prev_hash !== previous.hash)) return fail(`entry ${entry.seq} does not follow entry ${previous.seq}`);
    if (entry.message_id !== evidence.messageId) return fail(`entry ${entry.seq} belongs to another exchange`);
    if (envelopeField(entry.envelope, 'bodyHash') !== entry.body_hash) return fail(`entry ${entry.seq}: the signed body hash differs from the logged one`);
    if (entry.body !== null && sha256(Buffer.from(entry.body, 'base64')) !== entry.body_hash) return fail(`entry ${entry.seq}: the body was altered`);
    const pem = evidence.certificates[entry.signer];
    if (!pem) return fail(`entry ${entry.seq}: the signer's certificate is missing`);
    const certificate = new X509Certificate(pem);
    if (certificate.fingerprint256.replaceAll(':', '').toLowerCase() !== entry.signer) return fail(`entry ${entry.seq}: the certificate given is not the signer's`);
    if (!cas.some((ca) => certificate.checkIssued(ca) && certificate.verify(ca.publicKey))) return fail(`entry ${entry.seq}: the signer's certificate was not issued by the extranet's CA`);
    if (!verifyText(certificate.publicKey, entry.envelope, entry.signature)) return fail(`entry ${entry.seq}: the ${entry.kind} signature does not verify`);
    checks.push(`${entry.kind} signed by ${certificate.subject.replaceAll('\n', ', ')} (certificate ${entry.signer.slice(0, 16)}…, issued by the extranet CA)`);
    envelopes.set(entry.kind, entry.envelope);
    previous = entry;
  }
  const request = envelopes.get('request');
  const response = envelopes.get('response');
  if (request && response) {
    if (envelopeField(response, 'requestHash') !== sha256(request)) return fail('the response does not answer this request (request hash differs)');
    checks.push('the response carries the hash of this request');
  }

  let head = previous!.hash;
  for (const h of evidence.chain) head = chainHash(head, h);
  if (previous!.seq + evidence.chain.length !== evidence.anchor.seq || head !== evidence.anchor.hash) {
    return fail('the entries do not lead to the countersigned head: the log was rewritten after the fact');
  }
  checks.push(`the entries lead through ${evidence.chain.length} later entries to the countersigned head`);
  return { ok: true, checks };
}
