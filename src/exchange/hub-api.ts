import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { Type } from 'typebox';
import type { Hub } from '../hub/app.ts';
import { certificateInfo, fingerprintOfDer, issueServerCertificate } from '../pki/ca.ts';
import { writeFileAtomic, writePrivateFile } from '../pki/files.ts';
import { DomainError } from '../platform/errors.ts';
import { createHttpApp, type HttpApp } from '../platform/http.ts';
import { PassThrough, type Readable } from 'node:stream';
import { feedAfter } from '../journal/feed.ts';
import { journalHead } from '../journal/service.ts';
import { appliedMigrations } from '../platform/db/index.ts';
import { Witness, recordWitness } from '../recovery/witness.ts';
import { Anchor, OperationBatch } from './schema.ts';
import { type Peer, peerOf, recordAnchor, recordOperations, renewCertificate } from './service.ts';
import { sendGlobalConfig } from './routes.ts';

const TLS_KEY_FILE = 'hub-tls-key.pem';
const TLS_CERTIFICATE_FILE = 'hub-tls.pem';

/**
 * The hub's mutual-TLS face for enrolled gateways: the global configuration, certificate renewal,
 * log anchors and operational records. Only a gateway presenting a certificate the hub issued and
 * has not revoked gets past the first hook.
 */
export async function buildExchangeApi(hub: Hub, options: { logStream?: NodeJS.WritableStream } = {}): Promise<HttpApp> {
  const tls = await loadServerIdentity(hub);
  const app = createHttpApp({
    logLevel: hub.config.logLevel, bodyLimit: Math.max(hub.config.bodyLimit, 8 * 1024 * 1024), https: true,
    ...(options.logStream && { logStream: options.logStream }),
    tls: { key: tls.key, cert: tls.cert, ca: hub.exchange.ca.certificatePem, requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.3' },
  });
  const peers = new WeakMap<object, Peer>();
  app.addHook('onRequest', async (request) => {
    const raw = (request.raw.socket as TLSSocket).getPeerCertificate?.()?.raw;
    const peer = raw ? await peerOf(hub.database, fingerprintOfDer(raw)) : null;
    if (!peer) throw new DomainError('forbidden', 'this certificate is revoked, expired or unknown to the hub; enrol the gateway again');
    peers.set(request, peer);
  });
  const peerOfRequest = (request: object) => peers.get(request)!;
  const gatewayOf = (request: object) => {
    const peer = peerOfRequest(request);
    if (peer.role !== 'gateway') throw new DomainError('forbidden', `${peer.gateway} is a ${peer.role}, not a gateway`);
    return peer;
  };

  app.get('/gw/v1/global-config', (request, reply) => sendGlobalConfig(hub.globalConfig, request, reply));

  app.get('/gw/v1/keys', async () => hub.globalConfig.jwks());

  app.post('/gw/v1/certificates', {
    schema: { body: Type.Object({ csr: Type.String({ minLength: 100, maxLength: 10_000 }) }, { additionalProperties: false }) },
  }, async (request) => {
    const renewed = await renewCertificate(hub.database, hub.exchange, peerOfRequest(request), request.body.csr);
    return { certificate: renewed.certificate, caCertificate: renewed.caCertificate };
  });

  app.post('/gw/v1/anchors', { schema: { body: Anchor } }, async (request) => (
    recordAnchor(hub.database, await hub.globalConfig.signingKey(), gatewayOf(request), request.body)
  ));

  app.post('/gw/v1/operations', { schema: { body: OperationBatch } }, async (request) => (
    recordOperations(hub.database, gatewayOf(request), request.body.records)
  ));

  app.post('/gw/v1/witness', { schema: { body: Witness } }, async (request) => {
    const peer = peerOfRequest(request);
    if (peer.role !== 'standby') throw new DomainError('forbidden', 'only the standby witnesses the journal');
    try {
      return await recordWitness(hub.database, peer, request.body);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'conflict') request.log.fatal({ standby: peer.gateway }, `JOURNAL WITNESS REFUSED: ${error.message}`);
      throw error;
    }
  });

  app.get('/gw/v1/journal', {
    schema: { querystring: Type.Object({ after: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }) },
  }, async (request, reply) => {
    const peer = peerOfRequest(request);
    if (peer.role !== 'standby') throw new DomainError('forbidden', 'only the standby follows the journal');
    return reply.type('application/x-ndjson').header('cache-control', 'no-store').send(journalStream(hub, request.query.after, request.raw));
  });

  return app;
}

/**
 * The journal as it is written, as JSON lines: a header with the schema version and the head,
 * then every entry after `after`, then new ones as they commit (looked for every 20 ms, one
 * indexed read), with a heartbeat carrying the head every two seconds while nothing happens, so
 * the standby knows its lag and that the connection is alive.
 */
function journalStream(hub: Hub, after: number, connection: NodeJS.EventEmitter): Readable {
  const stream = new PassThrough();
  let open = true;
  connection.once('close', () => { open = false; });
  const write = async (value: unknown) => {
    if (!stream.write(`${JSON.stringify(value)}\n`)) await new Promise((r) => stream.once('drain', r));
  };
  void (async () => {
    const db = hub.database.db;
    await write({ migrations: await appliedMigrations(db), head: await journalHead(db) });
    let position = after;
    let beat = Date.now();
    while (open) {
      const entries = await feedAfter(db, position, 500);
      if (entries.length > 0) {
        for (const entry of entries) await write({ entry });
        position = entries[entries.length - 1]!.seq;
        continue;
      }
      if (Date.now() - beat >= 2000) {
        await write({ heartbeat: await journalHead(db), at: new Date().toISOString() });
        beat = Date.now();
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    stream.end();
  })().catch((error: unknown) => stream.destroy(error as Error));
  return stream;
}

/**
 * The hub's own TLS certificate from its CA, for the names gateways use to reach it. Kept in the
 * data folder and issued again when the names change or it has under a third of its life left.
 */
async function loadServerIdentity(hub: Hub): Promise<{ key: string; cert: string }> {
  const keyFile = path.join(hub.config.data, TLS_KEY_FILE);
  const certFile = path.join(hub.config.data, TLS_CERTIFICATE_FILE);
  const host = new URL(hub.exchangeUrl).hostname;
  const names = [...new Set([host, 'localhost', '127.0.0.1'])];
  try {
    const [key, cert] = await Promise.all([readFile(keyFile, 'utf8'), readFile(certFile, 'utf8')]);
    const info = certificateInfo(cert);
    const life = info.notAfter.getTime() - info.notBefore.getTime();
    const fresh = Date.now() < info.notAfter.getTime() - life / 3;
    const wanted = names.every((n) => hasName(cert, n));
    if (fresh && wanted) return { key, cert };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && (error as Error).name !== 'CertificateError') throw error;
  }
  const isIp = (n: string) => /^[0-9.]+$|:/.test(n);
  const issued = await issueServerCertificate(hub.exchange.ca, {
    commonName: host, hostnames: names.filter((n) => !isIp(n)), ipAddresses: names.filter(isIp), validDays: 365,
  });
  await writePrivateFile(keyFile, issued.privateKeyPem);
  await writeFileAtomic(certFile, issued.certificatePem, 0o644);
  return { key: issued.privateKeyPem, cert: issued.certificatePem };
}

function hasName(certPem: string, name: string): boolean {
  const cert = new X509Certificate(certPem);
  return /^[0-9.]+$/.test(name) ? cert.checkIP(name) !== undefined : cert.checkHost(name) !== undefined;
}
