// tsyringe inside @peculiar/x509 needs the reflect polyfill before the library is evaluated.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { KeyObject, createPrivateKey, createPublicKey, randomBytes, webcrypto } from 'node:crypto';
import { chmod, mkdir, readFile, stat } from 'node:fs/promises';
import { isIP } from 'node:net';
import path from 'node:path';
import { type CertificateInfo, CertificateError, infoOf, parseCertificate, pemOf } from './certificates.ts';
import { writeNewFile } from './files.ts';

/**
 * The extranet's certificate authority: the hub issues every gateway its certificate for mutual
 * TLS, after enrolment with a one-time token. The gateway makes its own key and sends only a
 * CSR, so no private key but the CA's ever lives on the hub (except its own listener's).
 */

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/**
 * The key algorithm of the whole PKI (CA and leaves), named in this block only. SM2 with SM3,
 * where the national commercial cryptography rules apply, will be a second entry chosen by
 * configuration; nothing else in this file assumes Ed25519.
 */
const KEY_ALGORITHM = {
  label: 'Ed25519',
  /** KeyObject.asymmetricKeyType of keys of this algorithm. */
  nodeType: 'ed25519',
  /** For generateKey, importKey and sign alike: Ed25519 has no separate hash to choose. */
  webcrypto: { name: 'Ed25519' },
} as const;

type CryptoKey = webcrypto.CryptoKey;

export const CA_KEY_FILE = 'hub-ca-key.pem';
export const CA_CERTIFICATE_FILE = 'hub-ca.pem';

const CA_VALID_DAYS = 3652;
/** Leaves start this much in the past, so a gateway whose clock is a little behind accepts them. */
const CLOCK_SKEW_MS = 5 * 60_000;
const DAY_MS = 86_400_000;
/** A CSR arrives from the network at enrolment; a real Ed25519 one is well under 1 KiB. */
const MAX_CSR_LENGTH = 16 * 1024;
/** X.520 upper bound for CN, O and OU. */
const MAX_NAME_LENGTH = 64;

export interface CertificateAuthority {
  readonly certificatePem: string;
  /** sha256 hex (lowercase) of the CA certificate's DER: what gateways pin. */
  readonly fingerprint: string;
  readonly commonName: string;
}

interface CaSecrets {
  signingKey: CryptoKey;
  certificate: x509.X509Certificate;
}

// The signing key is kept off the CA object itself, so logging or serializing a CA never carries
// it, and a look-alike object cannot be passed to issueCertificate.
const secrets = new WeakMap<CertificateAuthority, CaSecrets>();

/** A CA file that cannot be used: the hub refuses to start rather than silently make a new CA. */
export class CertificateAuthorityError extends Error {
  constructor(readonly file: string, problem: string) {
    super(`certificate authority ${file}: ${problem}`);
    this.name = 'CertificateAuthorityError';
  }
}

/** A CSR that is malformed, of another algorithm, or whose self-signature does not verify. */
export class CertificateRequestError extends Error {
  constructor(problem: string) {
    super(`certificate request: ${problem}`);
    this.name = 'CertificateRequestError';
  }
}

/**
 * The CA in `${dataDir}/hub-ca-key.pem` (PKCS#8, 0600) and `${dataDir}/hub-ca.pem`, created on
 * first use as "<name> Extranet CA" for 10 years. Every gateway trusts exactly this certificate,
 * so a file that is present but unusable is an error, never a reason to make another CA. An
 * existing CA keeps its name when `name` changes later: renaming would mean re-enrolling everyone.
 */
export async function loadCertificateAuthority(dataDir: string, options: { name?: string } = {}): Promise<CertificateAuthority> {
  const keyFile = path.join(dataDir, CA_KEY_FILE);
  const certificateFile = path.join(dataDir, CA_CERTIFICATE_FILE);
  // The certificate is looked at before the key: the key is always written first, so a
  // certificate seen here means its key is already in place, even while another process is
  // still creating the CA.
  const certificateExisted = await exists(certificateFile);
  let privateKey = await readCaKey(keyFile);
  if (!privateKey) {
    if (certificateExisted) {
      throw new CertificateAuthorityError(keyFile, `is missing while ${certificateFile} exists; restore the key from backup (a new key would not match the certificate the gateways trust)`);
    }
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    const keys = await generateKeys();
    await writeNewFile(keyFile, exportPrivateKeyPem(keys.privateKey), 0o600);
    privateKey = await readCaKey(keyFile);
    if (!privateKey) throw new CertificateAuthorityError(keyFile, 'vanished right after it was written');
  }
  const publicKeyDer = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const signingKey = await importSigningKey(privateKey);

  let certificate = await readCaCertificate(certificateFile);
  if (!certificate) {
    const created = await selfSignedCertificate(signingKey, publicKeyDer, `${options.name ?? 'egov-cloud'} Extranet CA`);
    await writeNewFile(certificateFile, pemOf(created), 0o644);
    certificate = await readCaCertificate(certificateFile);
    if (!certificate) throw new CertificateAuthorityError(certificateFile, 'vanished right after it was written');
  }
  if (!Buffer.from(certificate.publicKey.rawData).equals(publicKeyDer)) {
    throw new CertificateAuthorityError(certificateFile, `is not the certificate of the key in ${keyFile}`);
  }
  if (!certificate.getExtension(x509.BasicConstraintsExtension)?.ca) {
    throw new CertificateAuthorityError(certificateFile, 'is not a CA certificate (basicConstraints CA:true is missing)');
  }
  const info = infoOf(certificate);
  const ca: CertificateAuthority = { certificatePem: info.pem, fingerprint: info.fingerprint, commonName: info.commonName };
  secrets.set(ca, { signingKey, certificate });
  return ca;
}

async function readCaKey(file: string): Promise<KeyObject | null> {
  const text = await readIfPresent(file);
  if (text === null) return null;
  // A restore or a copy by hand may loosen the mode; put it back rather than leave a CA key
  // readable by others.
  if (((await stat(file)).mode & 0o077) !== 0) await chmod(file, 0o600);
  let key: KeyObject;
  try {
    key = createPrivateKey(text);
  } catch (error) {
    throw new CertificateAuthorityError(file, `is not a PEM private key (${(error as Error).message})`);
  }
  if (key.asymmetricKeyType !== KEY_ALGORITHM.nodeType) {
    throw new CertificateAuthorityError(file, `is a ${key.asymmetricKeyType ?? 'unknown'} key, expected ${KEY_ALGORITHM.label}`);
  }
  return key;
}

async function readCaCertificate(file: string): Promise<x509.X509Certificate | null> {
  const text = await readIfPresent(file);
  if (text === null) return null;
  try {
    return parseCertificate(text);
  } catch (error) {
    throw new CertificateAuthorityError(file, `cannot be read as a certificate (${(error as Error).message})`);
  }
}

async function readIfPresent(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new CertificateAuthorityError(file, `cannot be read (${(error as Error).message})`);
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new CertificateAuthorityError(file, `cannot be checked (${(error as Error).message})`);
  }
}

async function selfSignedCertificate(signingKey: CryptoKey, publicKeyDer: Buffer, commonName: string): Promise<x509.X509Certificate> {
  const now = Date.now();
  const name = subjectName({ commonName });
  return x509.X509CertificateGenerator.create({
    serialNumber: newSerialNumber(),
    subject: name,
    issuer: name,
    notBefore: new Date(now - CLOCK_SKEW_MS),
    notAfter: new Date(now + CA_VALID_DAYS * DAY_MS),
    publicKey: publicKeyDer,
    signingKey: signingKey as unknown as x509.X509CertificateCreateWithKeyParams['signingKey'],
    signingAlgorithm: KEY_ALGORITHM.webcrypto,
    extensions: [
      // pathlen 0: the CA signs gateways only, never a sub-CA that could mint certificates itself.
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(publicKeyDer),
    ],
  });
}

export interface Subject {
  commonName: string;
  organization?: string;
  organizationalUnit?: string;
}

/** A new key pair and a PKCS#10 CSR for it. The private key (PKCS#8 PEM) stays with the caller. */
export async function createKeyAndCsr(subject: Subject): Promise<{ privateKeyPem: string; csrPem: string }> {
  const keys = await generateKeys();
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: subjectName(subject),
    keys: keys as unknown as x509.Pkcs10CertificateRequestCreateParams['keys'],
    signingAlgorithm: KEY_ALGORITHM.webcrypto,
  });
  return { privateKeyPem: exportPrivateKeyPem(keys.privateKey), csrPem: pemOf(csr) };
}

export type ExtendedKeyUsage = 'serverAuth' | 'clientAuth';

export interface IssueOptions {
  commonName: string;
  organization?: string;
  /** Hostnames for subjectAltName. */
  dnsNames?: string[];
  /** IPv4/IPv6 addresses for subjectAltName. */
  ipAddresses?: string[];
  validDays: number;
  /** serverAuth + clientAuth by default: a gateway is both ends of mutual TLS. */
  extendedKeyUsage?: ExtendedKeyUsage[];
  now?: Date;
}

export interface IssuedCertificate extends CertificateInfo {}

/**
 * Issues a leaf for the CSR's key after checking that the CSR is signed by that key (proof that
 * the requester holds it). The subject is the hub's choice from `options`; the CSR's own subject
 * is ignored, so an enrolling gateway cannot name itself after another department.
 */
export async function issueCertificate(ca: CertificateAuthority, csrPem: string, options: IssueOptions): Promise<IssuedCertificate> {
  const authority = secrets.get(ca);
  if (!authority) throw new TypeError('issueCertificate needs a CA from loadCertificateAuthority');
  const csrPublicKey = await verifiedCsrPublicKey(csrPem);
  const { validDays } = options;
  if (!Number.isFinite(validDays) || validDays <= 0) throw new CertificateError(`validDays must be a positive number, got ${validDays}`);
  const usages = options.extendedKeyUsage ?? ['serverAuth', 'clientAuth'];
  if (usages.length === 0) throw new CertificateError('extendedKeyUsage must name at least one usage');
  const names = alternativeNames(options.dnsNames ?? [], options.ipAddresses ?? []);
  const now = (options.now ?? new Date()).getTime();
  const caKeyId = authority.certificate.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension(usages.map((u) => x509.ExtendedKeyUsage[u]), false),
    await x509.SubjectKeyIdentifierExtension.create(csrPublicKey),
    // The AKI repeats the CA's own SKI rather than recomputing it, so it matches whatever method
    // made the CA's SKI.
    caKeyId ? new x509.AuthorityKeyIdentifierExtension(caKeyId) : await x509.AuthorityKeyIdentifierExtension.create(authority.certificate.publicKey),
  ];
  if (names.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(names, false));
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: newSerialNumber(),
    subject: subjectName({ commonName: options.commonName, ...(options.organization === undefined ? {} : { organization: options.organization }) }),
    issuer: authority.certificate.subjectName,
    notBefore: new Date(now - CLOCK_SKEW_MS),
    notAfter: new Date(now + validDays * DAY_MS),
    publicKey: csrPublicKey,
    signingKey: authority.signingKey as unknown as x509.X509CertificateCreateWithKeyParams['signingKey'],
    signingAlgorithm: KEY_ALGORITHM.webcrypto,
    extensions,
  });
  return infoOf(certificate);
}

/**
 * A key and certificate for the hub's own mutual-TLS listener (serverAuth only). The key is made
 * here because the hub is its own requester; gateways use createKeyAndCsr on their side.
 */
export async function issueServerCertificate(
  ca: CertificateAuthority,
  options: { hostnames?: string[]; ipAddresses?: string[]; validDays: number; commonName?: string; now?: Date },
): Promise<{ privateKeyPem: string; certificatePem: string }> {
  const commonName = options.commonName ?? options.hostnames?.[0] ?? options.ipAddresses?.[0];
  if (!commonName) throw new CertificateError('a server certificate needs at least one hostname or IP address');
  const { privateKeyPem, csrPem } = await createKeyAndCsr({ commonName });
  const issued = await issueCertificate(ca, csrPem, {
    commonName,
    dnsNames: options.hostnames ?? [],
    ipAddresses: options.ipAddresses ?? [],
    validDays: options.validDays,
    extendedKeyUsage: ['serverAuth'],
    ...(options.now ? { now: options.now } : {}),
  });
  return { privateKeyPem, certificatePem: issued.pem };
}

async function verifiedCsrPublicKey(csrPem: string): Promise<Buffer> {
  if (typeof csrPem !== 'string' || !csrPem.includes('-----BEGIN CERTIFICATE REQUEST-----')) {
    throw new CertificateRequestError('is not a PEM certificate request (no "-----BEGIN CERTIFICATE REQUEST-----" line)');
  }
  if (csrPem.length > MAX_CSR_LENGTH) throw new CertificateRequestError(`is ${csrPem.length} characters long, more than the ${MAX_CSR_LENGTH} accepted`);
  let csr: x509.Pkcs10CertificateRequest;
  let publicKeyDer: Buffer;
  try {
    csr = new x509.Pkcs10CertificateRequest(csrPem);
    publicKeyDer = Buffer.from(csr.publicKey.rawData);
  } catch (error) {
    throw new CertificateRequestError(`cannot be read as PKCS#10 (${(error as Error).message})`);
  }
  let keyType: string | undefined;
  try {
    keyType = createPublicKey({ key: publicKeyDer, format: 'der', type: 'spki' }).asymmetricKeyType;
  } catch (error) {
    throw new CertificateRequestError(`its public key cannot be read (${(error as Error).message})`);
  }
  if (keyType !== KEY_ALGORITHM.nodeType) {
    throw new CertificateRequestError(`its key is ${keyType ?? 'of an unknown type'}; the extranet issues ${KEY_ALGORITHM.label} certificates only`);
  }
  let verified = false;
  try {
    verified = await csr.verify();
  } catch {
    // A signature algorithm that does not fit the key makes verify throw: not signed by the key.
  }
  if (!verified) throw new CertificateRequestError('its signature does not verify: it was damaged or not signed by the private key of its public key');
  return publicKeyDer;
}

function alternativeNames(dnsNames: string[], ipAddresses: string[]): x509.JsonGeneralNames {
  const names: x509.JsonGeneralNames = [];
  for (const dns of dnsNames) {
    if (!/^(\*\.)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i.test(dns) || dns.length > 253) {
      throw new CertificateError(`"${dns}" is not a hostname`);
    }
    names.push({ type: 'dns', value: dns.toLowerCase() });
  }
  for (const ip of ipAddresses) {
    if (isIP(ip) === 0) throw new CertificateError(`"${ip}" is not an IP address`);
    names.push({ type: 'ip', value: ip });
  }
  return names;
}

function subjectName(subject: Subject): x509.Name {
  // Each value as an explicit UTF8String object: a plain string in @peculiar/x509's JSON name is
  // still parsed (a leading "#" is taken as hex DER, quotes and backslashes are unescaped), so a
  // name chosen by a department could otherwise smuggle in arbitrary ASN.1.
  const name: x509.JsonNameParams = [];
  const add = (field: 'O' | 'OU' | 'CN', value: string | undefined, label: string) => {
    if (value === undefined) return;
    if (value.trim() === '' || [...value].length > MAX_NAME_LENGTH || /\p{Cc}/u.test(value)) {
      throw new CertificateError(`${label} must be 1 to ${MAX_NAME_LENGTH} characters without control characters`);
    }
    name.push({ [field]: [{ utf8String: value }] });
  };
  add('O', subject.organization, 'organization');
  add('OU', subject.organizationalUnit, 'organizational unit');
  add('CN', subject.commonName, 'common name');
  return new x509.Name(name);
}

/**
 * 16 random bytes with the top bit clear and the next one set: always positive (RFC 5280) and
 * always exactly 16 bytes in DER, with 126 bits of randomness.
 */
function newSerialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x3f) | 0x40;
  return bytes.toString('hex');
}

async function generateKeys(): Promise<webcrypto.CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(KEY_ALGORITHM.webcrypto, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
}

async function importSigningKey(key: KeyObject): Promise<CryptoKey> {
  const der = key.export({ type: 'pkcs8', format: 'der' });
  return webcrypto.subtle.importKey('pkcs8', der, KEY_ALGORITHM.webcrypto, false, ['sign']);
}

// Node writes the PEM: a hand-wrapped Ed25519 PKCS#8 body is exactly 64 characters and is easy to
// end with a blank line, which OpenSSL then refuses to decode.
function exportPrivateKeyPem(key: CryptoKey): string {
  return KeyObject.from(key).export({ type: 'pkcs8', format: 'pem' }) as string;
}
