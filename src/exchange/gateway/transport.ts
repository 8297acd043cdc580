import { type KeyObject, X509Certificate } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import { fingerprintOfDer } from '../../pki/certificates.ts';

/**
 * Buffered HTTP exchanges for the gateway: to the hub and to peer gateways over mutual TLS, and
 * to the department's backends over plain HTTP. Bodies are buffered because a gateway signs,
 * hashes and filters whole messages (X-Road does the same, reference/exchange.md §2.4).
 */
export interface Sent {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** The TLS peer's certificate, when the exchange was over TLS. */
  peer: CertificateFacts | null;
}

/** What a gateway needs of a certificate on a connection, worked out once per connection. */
export interface CertificateFacts {
  sha256: string;
  pem: string;
  publicKey: KeyObject;
}

const peerFacts = new WeakMap<TLSSocket, CertificateFacts | null>();
const ownFacts = new WeakMap<TLSSocket, string | null>();

/**
 * The certificate the other side presented on this connection. Connections are kept alive and
 * carry many exchanges, so the parsing and hashing happen once. Null on a resumed TLS session,
 * where Node has no certificate to give: gateways do not resume sessions, so that fails closed.
 */
export function peerCertificateOf(socket: TLSSocket): CertificateFacts | null {
  let facts = peerFacts.get(socket);
  if (facts === undefined) {
    const raw = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate().raw : undefined;
    facts = raw ? factsOf(raw) : null;
    peerFacts.set(socket, facts);
  }
  return facts;
}

/** SHA-256 of the certificate this side presented on the connection. */
export function ownCertificateOf(socket: TLSSocket): string | null {
  let sha = ownFacts.get(socket);
  if (sha === undefined) {
    const raw = (socket.getCertificate?.() as PeerCertificate | null)?.raw;
    sha = raw ? fingerprintOfDer(raw) : null;
    ownFacts.set(socket, sha);
  }
  return sha;
}

function factsOf(raw: Buffer): CertificateFacts {
  const certificate = new X509Certificate(raw);
  return { sha256: fingerprintOfDer(raw), pem: certificate.toString(), publicKey: certificate.publicKey };
}

export class TransportError extends Error {
  constructor(readonly kind: 'connect' | 'timeout' | 'too-large' | 'tls', message: string) {
    super(message);
    this.name = 'TransportError';
  }
}

export interface SendOptions {
  method: string;
  headers?: http.OutgoingHttpHeaders;
  body?: Buffer | string | null;
  agent: http.Agent | https.Agent;
  timeoutMs: number;
  maxBytes: number;
  /** Replaces the host name check: gateways are known by their certificate's fingerprint, not by name. */
  checkServerIdentity?: (host: string, cert: PeerCertificate) => Error | undefined;
}

export function send(url: URL, options: SendOptions): Promise<Sent> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<Sent>((resolve, reject) => {
    const request = client.request(url, {
      method: options.method, headers: options.headers, agent: options.agent,
      ...(options.checkServerIdentity && { checkServerIdentity: options.checkServerIdentity }),
    }, (response) => {
      // Read now: a keep-alive socket goes back to the pool before 'end'.
      const socket = response.socket as TLSSocket | null;
      const peer = socket && url.protocol === 'https:' ? peerCertificateOf(socket) : null;
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxBytes) {
          request.destroy(new TransportError('too-large', `the response is larger than ${options.maxBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks), peer });
      });
      response.on('error', (error) => reject(classify(error)));
    });
    request.setTimeout(options.timeoutMs, () => {
      request.destroy(new TransportError('timeout', `no answer within ${options.timeoutMs} ms`));
    });
    request.on('error', (error) => reject(classify(error)));
    if (options.body) request.end(options.body);
    else request.end();
  });
}

function classify(error: Error): TransportError {
  if (error instanceof TransportError) return error;
  const code = (error as NodeJS.ErrnoException).code ?? '';
  if (/^ERR_SSL|^ERR_TLS|CERT|UNABLE_TO_VERIFY|SELF_SIGNED/.test(code) || /alert|certificate/i.test(error.message)) {
    return new TransportError('tls', `the TLS handshake failed: ${code || error.message}`);
  }
  return new TransportError('connect', `${code || 'connection failed'}: ${error.message}`);
}

/** Reads a request body up to a limit; resolves null when it is larger (the caller answers 413). */
export function readBody(request: http.IncomingMessage, maxBytes: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > maxBytes) {
      request.resume();
      resolve(null);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    request.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > maxBytes) {
        over = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(over ? null : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}
