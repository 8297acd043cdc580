import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { Type } from 'typebox';
import type { Hub } from '../hub/app.ts';
import { CA_CERTIFICATE_FILE, CA_KEY_FILE, issueServerCertificate } from '../pki/ca.ts';
import { certificateInfo, fingerprintOfDer } from '../pki/certificates.ts';
import { SIGNING_KEY_FILE } from '../pki/signing.ts';
import { writeFileAtomic, writePrivateFile } from '../pki/files.ts';
import { DomainError } from '../platform/errors.ts';
import { createHttpApp, type HttpApp } from '../platform/http.ts';
import { PassThrough, type Readable } from 'node:stream';
import { feedAfter } from '../journal/feed.ts';
import { journalEntryHash, journalHead } from '../journal/service.ts';
import { GENESIS_HASH } from '../journal/schema.ts';
import { appliedMigrations } from '../platform/db/index.ts';
import { Witness, recordWitness } from '../recovery/witness.ts';
import type { StandbyReport } from '../recovery/standby.ts';
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
    // A client certificate is asked for but checked below rather than in the handshake, so that a
    // former hub can ask this one for its epoch without one (see recovery/fence.ts).
    tls: { key: tls.key, cert: tls.cert, ca: hub.exchange.ca.certificatePem, requestCert: true, rejectUnauthorized: false, minVersion: 'TLSv1.3' },
  });
  const peers = new WeakMap<object, Peer>();
  app.get('/gw/v1/epoch', async () => {
    const head = await journalHead(hub.database.db);
    return { epoch: head.epoch, seq: head.seq, exchangeUrl: hub.exchangeUrl };
  });
  app.addHook('onRequest', async (request) => {
    if (request.url === '/gw/v1/epoch') return;
    const socket = request.raw.socket as TLSSocket;
    const raw = socket.authorized ? socket.getPeerCertificate?.()?.raw : undefined;
    const peer = raw ? await peerOf(hub.database, fingerprintOfDer(raw)) : null;
    if (!peer) throw new DomainError('forbidden', 'this certificate is revoked, expired or unknown to the hub; enrol the gateway again');
    peers.set(request, peer);
    if (!request.url.startsWith('/gw/v1/journal')) hub.fence.check(request.method);
  });
  const peerOfRequest = (request: object) => peers.get(request)!;
  const gatewayOf = (request: object) => {
    const peer = peerOfRequest(request);
    if (peer.role !== 'gateway') throw new DomainError('forbidden', `${peer.gateway} is a ${peer.role}, not a gateway`);
    return peer;
  };

  app.get('/gw/v1/global-config', (request, reply) => {
    // Gateways that find this hub superseded try the next address their configuration lists.
    hub.fence.refuseIfSuperseded();
    return sendGlobalConfig(hub.globalConfig, request, reply);
  });

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

  app.post('/gw/v1/standby-report', {
    schema: { body: Type.Object({ state: Type.String({ maxLength: 20 }), at: Type.String({ maxLength: 40 }) }, { additionalProperties: true }) },
  }, async (request) => {
    const peer = peerOfRequest(request);
    if (peer.role !== 'standby') throw new DomainError('forbidden', 'only a standby reports on itself');
    hub.replication.reported(peer.gateway, request.body as unknown as StandbyReport);
    return { ok: true };
  });

  app.get('/gw/v1/journal/hash', {
    schema: { querystring: Type.Object({ seq: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }) },
  }, async (request, reply) => {
    if (peerOfRequest(request).role !== 'standby') throw new DomainError('forbidden', 'only a standby compares journals');
    const hash = request.query.seq === 0 ? GENESIS_HASH : await journalEntryHash(hub.database.db, request.query.seq);
    if (hash === null) return reply.code(404).send({ code: 'not_found', message: `the journal has no entry ${request.query.seq}` });
    return { seq: request.query.seq, hash };
  });

  // The standby's acknowledgements arrive as the body of the feed's own request, one JSON line per
  // durable apply, while the feed streams back: one connection, one lifetime for both directions.
  app.addContentTypeParser('application/x-ndjson', (_request, payload, done) => { done(null, payload); });
  app.post('/gw/v1/journal', {
    schema: { querystring: Type.Object({ after: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }) },
  }, async (request, reply) => {
    const peer = peerOfRequest(request);
    if (peer.role !== 'standby') throw new DomainError('forbidden', 'only the standby follows the journal');
    const closed = hub.replication.feedOpened(peer.gateway);
    reply.raw.once('close', closed);
    readAcks(request.body as Readable, (seq) => hub.replication.acknowledged(peer.gateway, seq));
    return reply.type('application/x-ndjson').header('cache-control', 'no-store').send(journalStream(hub, request.query.after, reply.raw));
  });

  return app;
}

function readAcks(body: Readable, acknowledged: (seq: number) => void): void {
  let buffered = '';
  body.setEncoding('utf8');
  body.on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    if (buffered.length > 1000) body.destroy();
    for (const line of lines) {
      const seq = /^\{"ack":(\d{1,15})\}$/.exec(line)?.[1];
      if (seq) acknowledged(Number(seq));
    }
  });
  body.on('error', () => {});
}

// What a standby needs to act as the hub after a promotion and that the journal cannot carry:
// the CA that signed every gateway's certificate and the key that signs the global configuration.
const CARRIED_KEY_FILES = [CA_KEY_FILE, CA_CERTIFICATE_FILE, SIGNING_KEY_FILE];

async function carriedKeys(dataDir: string): Promise<Record<string, string>> {
  const keys: Record<string, string> = {};
  for (const file of CARRIED_KEY_FILES) keys[file] = await readFile(path.join(dataDir, file), 'utf8');
  return keys;
}

/**
 * The journal as it is written, as JSON lines: a header with the schema version, the head and the
 * hub's keys, then every entry after `after`, then new ones as they commit (woken by each commit,
 * and every 250 ms for writers in other processes), with a heartbeat carrying the head every two
 * seconds while nothing happens, so the standby knows its lag and that the connection is alive.
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
    await write({ migrations: await appliedMigrations(db), head: await journalHead(db), keys: await carriedKeys(hub.config.data) });
    let position = after;
    let beat = Date.now();
    while (open) {
      // Listen before reading, so a commit between the read and the wait is not missed.
      const woken = hub.replication.nextCommit(250);
      const recent = hub.replication.recentAfter(position, 500);
      const entries = recent.length > 0 ? recent : await feedAfter(db, position, 500);
      if (entries.length > 0) {
        stream.write(entries.map((entry) => `${JSON.stringify({ entry })}\n`).join(''));
        position = entries[entries.length - 1]!.seq;
        if (stream.writableNeedDrain) await new Promise((r) => stream.once('drain', r));
        continue;
      }
      if (Date.now() - beat >= 2000) {
        await write({ heartbeat: await journalHead(db), at: new Date().toISOString() });
        beat = Date.now();
      }
      await woken;
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
