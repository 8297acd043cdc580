import { X509Certificate } from 'node:crypto';
import type http from 'node:http';
import type { JSONWebKeySet } from 'jose';
import { createKeyAndCsr } from '../../pki/ca.ts';
import { fingerprintOfDer } from '../../pki/certificates.ts';
import { verifyCompact } from '../../pki/signing.ts';
import { ANCHOR_RECEIPT_TYP, anchorText } from '../service.ts';
import { signText } from '../protocol.ts';
import { type GatewayContext, makePeerAgent } from './context.ts';
import { type GatewayIdentity, loadIdentity, moveToHub, storeRenewal } from './identity.ts';
import { type Sent, send } from './transport.ts';
import { type Trust, saveConfig, verifyGlobalConfig } from './trust.ts';

export interface HubLink {
  /** Fetches the global configuration now (it also runs on a timer). */
  refresh(): Promise<void>;
  /** Sends the message log's head to the hub and keeps its countersigned receipt. */
  anchor(): Promise<void>;
  /** Sends the operational records not reported yet; returns how many. */
  report(): Promise<number>;
  /** Asks the hub for a new certificate and switches to it once peers can know it. */
  renew(): Promise<void>;
  /** Renews when two thirds of the certificate's life are gone and no renewal is pending. */
  renewIfDue(): Promise<void>;
}

/**
 * A gateway's link to the hub, over mutual TLS: the signed global configuration (from a promoted
 * standby when the hub moved), the anchoring of its message log, its operational reports, and
 * the renewal of its certificate. `onRenewed` hands the exchange side the renewed certificate.
 */
export function hubLink(ctx: GatewayContext, onRenewed: (identity: GatewayIdentity) => void): HubLink {
  // Configurations signed before epochs existed are of the first.
  const epochOf = (t: Trust) => t.config.epoch ?? 1;

  let hubUrl = ctx.identity.hubExchangeUrl;

  async function hubRequest(method: string, route: string, body?: unknown, extra: http.OutgoingHttpHeaders = {}, at = hubUrl): Promise<Sent> {
    const payload = body === undefined ? null : Buffer.from(JSON.stringify(body));
    return send(new URL(route, at), {
      method, agent: ctx.peerAgent, timeoutMs: 15_000, maxBytes: 64 * 1024 * 1024, body: payload,
      headers: { ...extra, ...(payload && { 'content-type': 'application/json', 'content-length': payload.length }) },
    });
  }

  /**
   * Fetches the configuration from the hub, or, when it cannot be reached or has been superseded,
   * from the other addresses the last configuration lists (a promoted standby). The highest epoch
   * wins; a gateway that has seen a new epoch never goes back to a hub of an older one.
   */
  async function refresh(): Promise<void> {
    const current = ctx.trust;
    const addresses = [...new Set([hubUrl, ...(current?.config.hubs ?? []).map((h) => h.exchangeUrl)])];
    let problem: Error | null = null;
    for (const address of addresses) {
      try {
        const next = await fetchConfig(address, current);
        if (!next) return;
        if (current && epochOf(next) < epochOf(current)) {
          problem = new Error(`${address} serves epoch ${epochOf(next)} but epoch ${epochOf(current)} has begun: that hub was superseded`);
          continue;
        }
        if (current && epochOf(next) === epochOf(current) && next.version < current.version && !current.expired()) return;
        ctx.trust = next;
        await saveConfig(ctx.options.dataDir, next);
        if (address !== hubUrl) {
          ctx.logger.warn({ from: hubUrl, to: address, epoch: epochOf(next) }, 'the hub moved: following its configuration to the promoted standby');
          hubUrl = address;
          await moveToHub(ctx.options.dataDir, address);
        }
        activatePendingCertificate();
        return;
      } catch (error) {
        problem ??= error as Error;
      }
    }
    throw problem!;
  }

  /** A verified configuration from `address`, or null when the copy at hand is current. */
  async function fetchConfig(address: string, current: Trust | null): Promise<Trust | null> {
    // A copy with under half its life left is replaced whatever its version: the hub hands out
    // copies valid for at least half a TTL, so a gateway never runs close to expiry.
    const halfLeft = current && Date.parse(current.config.expiresAt) - Date.now() > (Date.parse(current.config.expiresAt) - Date.parse(current.config.generatedAt)) / 2;
    const sent = await hubRequest('GET', '/gw/v1/global-config', undefined, halfLeft && address === hubUrl ? { 'if-none-match': `"${current.version}"` } : {}, address);
    if (sent.status === 304) return null;
    if (sent.status !== 200) throw new Error(`${address} answered ${sent.status} for the global configuration: ${sent.body.toString('utf8').slice(0, 300)}`);
    try {
      return await verifyGlobalConfig(sent.body.toString('utf8'), ctx.hubKeys);
    } catch (error) {
      // The hub may have a new publishing key: fetch its keys once and try again.
      const keysSent = await hubRequest('GET', '/gw/v1/keys', undefined, {}, address);
      if (keysSent.status !== 200) throw error;
      ctx.hubKeys = JSON.parse(keysSent.body.toString('utf8')) as JSONWebKeySet;
      return verifyGlobalConfig(sent.body.toString('utf8'), ctx.hubKeys);
    }
  }

  async function anchor(): Promise<void> {
    const head = ctx.log.head;
    const last = await ctx.log.lastAnchor();
    if (head.seq === 0 || (last && Number(last.seq) === head.seq)) return;
    const signature = signText(ctx.identity.key, anchorText(ctx.identity.id, head.seq, head.hash));
    const sent = await hubRequest('POST', '/gw/v1/anchors', { seq: head.seq, hash: head.hash, signature });
    if (sent.status !== 200) throw new Error(`the hub refused the log anchor (${sent.status}): ${sent.body.toString('utf8').slice(0, 300)}`);
    const { receipt } = JSON.parse(sent.body.toString('utf8')) as { receipt: string };
    const verified = await verifyCompact<{ gateway: string; seq: number; hash: string; receivedAt: string }>(receipt, ctx.hubKeys, { typ: ANCHOR_RECEIPT_TYP });
    if (verified.payload.seq !== head.seq || verified.payload.hash !== head.hash || verified.payload.gateway !== ctx.identity.id) {
      throw new Error('the hub countersigned something other than this gateway\'s head');
    }
    await ctx.log.recordAnchor({ seq: head.seq, hash: head.hash, at: verified.payload.receivedAt, receipt });
  }

  async function report(): Promise<number> {
    let total = 0;
    for (;;) {
      const records = await ctx.log.unreportedOperations(1000);
      if (records.length === 0) return total;
      const sent = await hubRequest('POST', '/gw/v1/operations', { records });
      if (sent.status !== 200) throw new Error(`the hub refused operational records (${sent.status}): ${sent.body.toString('utf8').slice(0, 300)}`);
      await ctx.log.markReported(records[records.length - 1]!.seq);
      total += records.length;
    }
  }

  let pending: { keyPem: string; certificatePem: string; sha256: string } | null = null;

  async function renew(): Promise<void> {
    const { privateKeyPem, csrPem } = await createKeyAndCsr({ commonName: 'egov-gateway' });
    const sent = await hubRequest('POST', '/gw/v1/certificates', { csr: csrPem });
    if (sent.status !== 200) throw new Error(`the hub refused to renew the certificate (${sent.status}): ${sent.body.toString('utf8').slice(0, 300)}`);
    const { certificate } = JSON.parse(sent.body.toString('utf8')) as { certificate: string };
    pending = { keyPem: privateKeyPem, certificatePem: certificate, sha256: fingerprintOfDer(new X509Certificate(certificate).raw) };
    await refresh().catch((error: Error) => ctx.logger.warn({ err: error.message }, 'refresh after renewal failed'));
  }

  /**
   * A renewed certificate is used once the configuration lists it (so peers that refreshed accept
   * it); the old one stays listed until it expires, so peers that have not refreshed yet still
   * accept connections made with it.
   */
  function activatePendingCertificate(): void {
    const next = pending;
    if (!next || !ctx.trust?.gatewaysOf(ctx.identity.department).some((g) => g.id === ctx.identity.id && g.certificates.includes(next.sha256))) return;
    pending = null;
    void (async () => {
      await storeRenewal(ctx.options.dataDir, next.keyPem, next.certificatePem);
      ctx.identity = (await loadIdentity(ctx.options.dataDir))!;
      ctx.ownIdentities.set(ctx.identity.fingerprint, ctx.identity);
      const old = ctx.peerAgent;
      ctx.peerAgent = makePeerAgent(ctx.identity);
      // Exchanges in flight on the old agent finish; its idle connections go after a while.
      setTimeout(() => old.destroy(), 120_000).unref();
      onRenewed(ctx.identity);
      ctx.logger.info({ sha256: ctx.identity.fingerprint, notAfter: ctx.identity.notAfter }, 'switched to the renewed certificate');
    })().catch((error: unknown) => ctx.logger.error({ err: error }, 'could not switch to the renewed certificate'));
  }

  async function renewIfDue(): Promise<void> {
    const life = ctx.identity.notAfter.getTime() - ctx.identity.notBefore.getTime();
    if (!pending && Date.now() > ctx.identity.notBefore.getTime() + (life * 2) / 3) await renew();
  }

  return { refresh, anchor, report, renew, renewIfDue };
}
