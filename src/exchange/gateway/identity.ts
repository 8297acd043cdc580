import { createPrivateKey, type KeyObject } from 'node:crypto';
import { mkdir, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { createKeyAndCsr } from '../../pki/ca.ts';
import { certificateInfo } from '../../pki/certificates.ts';
import { writeFileAtomic, writePrivateFile } from '../../pki/files.ts';
import { TOKEN_PREFIX, parseToken } from '../protocol.ts';

/**
 * What makes a gateway itself, all in its data folder: its private key (never leaves it, mode
 * 0600), its certificate from the hub's CA, the CA, the hub's publishing keys and where the hub
 * is. Written by enrolment, read at every start.
 */
export const files = {
  key: 'gateway-key.pem',
  certificate: 'gateway.pem',
  ca: 'ca.pem',
  hubKeys: 'hub-keys.json',
  identity: 'gateway.json',
  config: 'global-config.jws',
} as const;

export interface GatewayIdentity {
  /** `{department}/{code}` */
  id: string;
  department: string;
  /** The hub's public URL (enrolment) and its mutual-TLS URL (everything after). */
  hubUrl: string;
  hubExchangeUrl: string;
  address: string;
  key: KeyObject;
  keyPem: string;
  certificatePem: string;
  caPem: string;
  fingerprint: string;
  notBefore: Date;
  notAfter: Date;
}

export class GatewayIdentityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GatewayIdentityError';
  }
}

interface IdentityFile {
  id: string;
  department: string;
  hubUrl: string;
  hubExchangeUrl: string;
  address: string;
}

export async function loadIdentity(dataDir: string): Promise<GatewayIdentity | null> {
  let meta: IdentityFile;
  try {
    meta = JSON.parse(await readFile(path.join(dataDir, files.identity), 'utf8')) as IdentityFile;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new GatewayIdentityError(`${path.join(dataDir, files.identity)} is unreadable: ${(error as Error).message}`);
  }
  const read = async (name: string) => {
    try {
      return await readFile(path.join(dataDir, name), 'utf8');
    } catch (error) {
      throw new GatewayIdentityError(`${path.join(dataDir, name)} is missing or unreadable (${(error as NodeJS.ErrnoException).code}); enrol the gateway again with a new token`);
    }
  };
  const [keyPem, certificatePem, caPem] = await Promise.all([read(files.key), read(files.certificate), read(files.ca)]);
  const info = certificateInfo(certificatePem);
  return {
    ...meta, key: createPrivateKey(keyPem), keyPem, certificatePem, caPem,
    fingerprint: info.fingerprint, notBefore: info.notBefore, notAfter: info.notAfter,
  };
}

export interface EnrolOptions {
  dataDir: string;
  hubUrl: string;
  token: string;
  /** https://host:port where other gateways will reach this one. */
  address: string;
  fetch?: typeof fetch;
}

/**
 * Enrols with a one-time token: makes the key pair here, sends only the certificate request, and
 * checks that the CA the hub returns is the one pinned in the token before trusting it.
 */
export async function enrol(options: EnrolOptions): Promise<GatewayIdentity> {
  const parsed = parseToken(options.token);
  if (!parsed) throw new GatewayIdentityError(`the token is not an enrolment token (${TOKEN_PREFIX}.<secret>.<16 hex digits>); copy it whole from the console`);
  const { caPin } = parsed;
  const { privateKeyPem, csrPem } = await createKeyAndCsr({ commonName: 'egov-gateway' });
  const hubUrl = options.hubUrl.replace(/\/$/, '');
  const doFetch = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(`${hubUrl}/api/v1/gateways/enrol`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: options.token, csr: csrPem, address: options.address }),
    });
  } catch (error) {
    throw new GatewayIdentityError(`cannot reach the hub at ${hubUrl}: ${(error as Error).message}`);
  }
  const body = await response.json().catch(() => null) as { gateway?: string; department?: string; certificate?: string; caCertificate?: string; exchangeUrl?: string; keys?: unknown; message?: string } | null;
  if (!response.ok || !body?.certificate || !body.caCertificate || !body.gateway || !body.department || !body.exchangeUrl) {
    throw new GatewayIdentityError(`the hub refused the enrolment (${response.status}): ${body?.message ?? 'no explanation'}`);
  }
  const ca = certificateInfo(body.caCertificate);
  if (!ca.fingerprint.startsWith(caPin)) {
    throw new GatewayIdentityError(`the hub at ${hubUrl} sent a CA (${ca.fingerprint.slice(0, 16)}…) that is not the one the token names (${caPin}…): wrong hub, or someone in between`);
  }
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  await writePrivateFile(path.join(options.dataDir, files.key), privateKeyPem);
  await writeAtomic(path.join(options.dataDir, files.certificate), body.certificate);
  await writeAtomic(path.join(options.dataDir, files.ca), body.caCertificate);
  await writeAtomic(path.join(options.dataDir, files.hubKeys), `${JSON.stringify(body.keys)}\n`);
  const meta: IdentityFile = { id: body.gateway, department: body.department, hubUrl, hubExchangeUrl: body.exchangeUrl, address: options.address };
  await writeAtomic(path.join(options.dataDir, files.identity), `${JSON.stringify(meta, null, 2)}\n`);
  const identity = await loadIdentity(options.dataDir);
  if (!identity) throw new GatewayIdentityError('the identity vanished right after enrolment');
  return identity;
}

/** After a failover: the hub is now reached at `hubExchangeUrl`, also after a restart. */
export async function moveToHub(dataDir: string, hubExchangeUrl: string): Promise<void> {
  const file = path.join(dataDir, files.identity);
  const meta = JSON.parse(await readFile(file, 'utf8')) as IdentityFile;
  await writeAtomic(file, `${JSON.stringify({ ...meta, hubExchangeUrl }, null, 2)}\n`);
}

/** Replaces the key and certificate after a renewal; the old pair stays as *.previous until the new one is in use. */
export async function storeRenewal(dataDir: string, keyPem: string, certificatePem: string): Promise<void> {
  await writePrivateFile(path.join(dataDir, `${files.key}.next`), keyPem);
  await writeAtomic(path.join(dataDir, `${files.certificate}.next`), certificatePem);
  // The key goes first: a crash between the two renames leaves a new key with the old
  // certificate, which loadIdentity would refuse; so both are renamed from `.next` in this order
  // and a leftover `.next` pair is completed at the next start.
  await rename(path.join(dataDir, `${files.key}.next`), path.join(dataDir, files.key));
  await rename(path.join(dataDir, `${files.certificate}.next`), path.join(dataDir, files.certificate));
}

/** Finishes a renewal a crash interrupted between its two renames. */
export async function completeRenewal(dataDir: string): Promise<void> {
  try {
    await rename(path.join(dataDir, `${files.certificate}.next`), path.join(dataDir, files.certificate));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** Public files of the gateway (certificates, the saved configuration): whole or not at all. */
export async function writeAtomic(file: string, contents: string): Promise<void> {
  await writeFileAtomic(file, contents, 0o644);
}
