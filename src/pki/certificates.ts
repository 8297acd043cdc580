// tsyringe inside @peculiar/x509 needs the reflect polyfill before the library is evaluated.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { type KeyObject, X509Certificate as NodeCertificate, createHash, createPublicKey } from 'node:crypto';

/**
 * Reading certificates: what the hub and the gateways learn from one (serial, fingerprint,
 * subject, validity, key) and whether one was issued by a given CA. Issuing is in ca.ts.
 */

/** A certificate that cannot be parsed, or options a certificate cannot be issued with. */
export class CertificateError extends Error {
  constructor(problem: string) {
    super(`certificate: ${problem}`);
    this.name = 'CertificateError';
  }
}

export interface CertificateInfo {
  /** Lowercase hex, without the sign byte DER may add. */
  serial: string;
  /** sha256 hex (lowercase) of the DER, as fingerprintOfDer gives it for a TLS peer. */
  fingerprint: string;
  /** RFC 4514 form, e.g. "CN=gw-1, O=Data Bureau". */
  subject: string;
  commonName: string;
  notBefore: Date;
  notAfter: Date;
  publicKey: KeyObject;
  pem: string;
}

/** The PEM text of a certificate or request, with its final line break. */
export function pemOf(data: x509.X509Certificate | x509.Pkcs10CertificateRequest): string {
  return `${data.toString('pem')}\n`;
}

/** The certificate in a PEM text, its fields decoded; throws CertificateError for anything else. */
export function parseCertificate(pem: string): x509.X509Certificate {
  if (typeof pem !== 'string' || !pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new CertificateError('is not a PEM certificate (no "-----BEGIN CERTIFICATE-----" line)');
  }
  let certificate: x509.X509Certificate;
  try {
    certificate = new x509.X509Certificate(pem);
    // Fields are decoded lazily; touch them here so damage shows now, as a CertificateError.
    void certificate.subject;
    void certificate.notAfter;
    void certificate.publicKey.rawData;
  } catch (error) {
    throw new CertificateError(`cannot be read (${(error as Error).message})`);
  }
  return certificate;
}

/** What the hub and the gateways keep of a certificate. */
export function infoOf(certificate: x509.X509Certificate): CertificateInfo {
  const der = Buffer.from(certificate.rawData);
  return {
    serial: certificate.serialNumber.toLowerCase(),
    fingerprint: fingerprintOfDer(der),
    subject: certificate.subject,
    commonName: certificate.subjectName.getField('CN')[0] ?? '',
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
    publicKey: createPublicKey({ key: Buffer.from(certificate.publicKey.rawData), format: 'der', type: 'spki' }),
    pem: pemOf(certificate),
  };
}

/** Parses a PEM certificate; throws CertificateError for anything else. */
export function certificateInfo(pem: string): CertificateInfo {
  try {
    return infoOf(parseCertificate(pem));
  } catch (error) {
    if (error instanceof CertificateError) throw error;
    throw new CertificateError(`cannot be read (${(error as Error).message})`);
  }
}

/** The fingerprint of a DER certificate as Node's tls gives it (peerCertificate.raw): sha256 hex, lowercase. */
export function fingerprintOfDer(der: Buffer): string {
  return createHash('sha256').update(der).digest('hex');
}

/**
 * True when `certPem` was issued by the CA in `caPem` (issuer name, key identifiers, signature)
 * and both are valid at `now`, which is what a TLS peer checks. Throws CertificateError when
 * either is not a certificate at all.
 */
export async function verifyIssuedBy(certPem: string, caPem: string, now: Date = new Date()): Promise<boolean> {
  const leaf = parseCertificate(certPem);
  const ca = parseCertificate(caPem);
  const t = now.getTime();
  const valid = (c: x509.X509Certificate) => c.notBefore.getTime() <= t && t <= c.notAfter.getTime();
  if (!valid(leaf) || !valid(ca)) return false;
  if (!ca.getExtension(x509.BasicConstraintsExtension)?.ca) return false;
  // OpenSSL does the issuer match and the signature check, the same code the TLS handshake uses.
  const nodeLeaf = new NodeCertificate(Buffer.from(leaf.rawData));
  const nodeCa = new NodeCertificate(Buffer.from(ca.rawData));
  return nodeLeaf.checkIssued(nodeCa) && nodeLeaf.verify(nodeCa.publicKey);
}
