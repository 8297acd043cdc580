import { type KeyObject, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { chmod, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { writeNewFile } from './files.ts';
import { type JSONWebKeySet, type JWK, calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';

/**
 * The hub's key for what it publishes (the global configuration first): gateways verify with
 * the public half from /api/v1/global-config/keys. Ed25519 by default; where the national
 * commercial cryptography rules apply, SM2 with SM3 will be a second `alg` here, chosen by
 * configuration: everything outside this file goes through `alg` and never assumes Ed25519.
 */
export type SigningAlgorithm = 'EdDSA';

/** The public half as published: what a gateway needs to verify. */
export interface PublicJwk {
  kty: string;
  crv: string;
  x: string;
  kid: string;
  alg: SigningAlgorithm;
  use: 'sig';
}

export interface SigningKey {
  readonly alg: SigningAlgorithm;
  /** RFC 7638 thumbprint of the public key: stable across restarts, names the key in JWS headers. */
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicJwk: PublicJwk;
}

export const SIGNING_KEY_FILE = 'hub-signing-key.json';

/** A key file that cannot be used: the hub refuses to start rather than silently make a new key. */
export class SigningKeyError extends Error {
  constructor(readonly file: string, problem: string) {
    super(`signing key ${file}: ${problem}`);
    this.name = 'SigningKeyError';
  }
}

/**
 * The key in `${dataDir}/hub-signing-key.json`, created on first use. A new key would make every
 * gateway distrust the hub until it fetched the new JWKS, so the file is kept and reused, and an
 * unreadable file is an error, never a reason to generate another.
 */
export async function loadSigningKey(dataDir: string): Promise<SigningKey> {
  const file = path.join(dataDir, SIGNING_KEY_FILE);
  const existing = await readKeyFile(file);
  if (existing) return existing;
  // Created once: when two processes start at once both end up with the same key.
  await writeNewFile(file, `${JSON.stringify(await newPrivateJwk(), null, 2)}\n`, 0o600);
  const key = await readKeyFile(file);
  if (!key) throw new SigningKeyError(file, 'vanished right after it was written');
  return key;
}

async function newPrivateJwk(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint({ kty: jwk.kty!, crv: jwk.crv!, x: jwk.x! });
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, d: jwk.d, kid, alg: 'EdDSA', use: 'sig' } as JWK;
}

async function readKeyFile(file: string): Promise<SigningKey | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  // A restore or a copy by hand may loosen the mode; a private key readable by others is worse
  // than a changed mode, so tighten it back.
  if (((await stat(file)).mode & 0o077) !== 0) await chmod(file, 0o600);
  let jwk: JWK;
  try {
    jwk = JSON.parse(text) as JWK;
  } catch (error) {
    throw new SigningKeyError(file, `is not JSON (${(error as Error).message})`);
  }
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string' || typeof jwk.d !== 'string') {
    throw new SigningKeyError(file, 'is not an Ed25519 private key in JWK form (kty OKP, crv Ed25519, x, d)');
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x, d: jwk.d }, format: 'jwk' });
  } catch (error) {
    throw new SigningKeyError(file, `cannot be read as a key (${(error as Error).message})`);
  }
  // The public half published is derived from the private key, never taken from the file's x,
  // so a damaged file cannot make the hub publish a key that does not match its signatures.
  const derived = createPublicKey(privateKey).export({ format: 'jwk' });
  if (derived.x !== jwk.x) throw new SigningKeyError(file, 'its public part (x) does not belong to its private part (d)');
  const publicPart = { kty: 'OKP', crv: 'Ed25519', x: derived.x } as const;
  const kid = await calculateJwkThumbprint(publicPart);
  return { alg: 'EdDSA', kid, privateKey, publicJwk: { ...publicPart, kid, alg: 'EdDSA', use: 'sig' } };
}

// Signing and verifying use node:crypto directly rather than jose's CompactSign/compactVerify:
// the global configuration runs to megabytes, and jose's portable base64url costs ten times the
// signature itself there. The format is plain RFC 7515 compact serialization all the same.

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** JWS compact serialization of a JSON payload, with alg, kid and typ in the protected header. */
export async function signCompact(key: SigningKey, payload: object, typ: string): Promise<string> {
  const header = `${base64url(JSON.stringify({ alg: key.alg, kid: key.kid, typ }))}.`;
  const body = base64url(JSON.stringify(payload));
  // The signing input is written once into one buffer (both parts are ASCII): the body can be
  // megabytes, and every extra copy of it shows in the time to publish a change.
  const input = Buffer.allocUnsafe(header.length + body.length);
  input.write(header, 0, 'latin1');
  input.write(body, header.length, 'latin1');
  const signature = sign(null, input, key.privateKey);
  return `${header}${body}.${signature.toString('base64url')}`;
}

const utf8 = new TextEncoder();

function base64url(text: string): string {
  const bytes = utf8.encode(text);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

export function publicJwks(key: SigningKey): { keys: PublicJwk[] } {
  return { keys: [key.publicJwk] };
}

export interface Verified<T> {
  payload: T;
  kid: string | undefined;
  typ: string | undefined;
}

export class SignatureError extends Error {
  constructor(problem: string) {
    super(`the signed document cannot be trusted: ${problem}`);
    this.name = 'SignatureError';
  }
}

/**
 * Checks a compact JWS against a published key set and returns its JSON payload. Only the
 * algorithms this file signs with are accepted, so a forged header cannot pick another, and a
 * header with critical extensions we do not know is refused (RFC 7515 §4.1.11). Throws
 * SignatureError when anything does not hold.
 */
export async function verifyCompact<T = unknown>(jws: string, jwks: JSONWebKeySet, options: { typ?: string } = {}): Promise<Verified<T>> {
  const parts = jws.trim().split('.');
  if (parts.length !== 3 || !parts.every((p) => BASE64URL.test(p))) throw new SignatureError('not a compact JWS');
  const [encodedHeader, encodedPayload, encodedSignature] = parts as [string, string, string];
  let header: { alg?: unknown; kid?: unknown; typ?: unknown; crit?: unknown };
  try {
    header = JSON.parse(Buffer.from(encodedHeader, 'base64url').toString('utf8')) as typeof header;
  } catch {
    throw new SignatureError('its header is not JSON');
  }
  if (header.alg !== 'EdDSA') throw new SignatureError(`algorithm ${String(header.alg)} is not accepted`);
  if (header.crit !== undefined) throw new SignatureError('it has critical header extensions');
  const candidates = jwks.keys.filter((k) => k.kty === 'OKP' && k.crv === 'Ed25519' && (header.kid === undefined || k.kid === header.kid));
  if (candidates.length === 0) throw new SignatureError(`no published key has the id ${String(header.kid)}`);
  const signingInput = Buffer.from(`${encodedHeader}.${encodedPayload}`);
  const signature = Buffer.from(encodedSignature, 'base64url');
  const good = candidates.some((k) => verify(null, signingInput, createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: k.x! }, format: 'jwk' }), signature));
  if (!good) throw new SignatureError('the signature does not verify');
  if (options.typ !== undefined && header.typ !== options.typ) {
    throw new SignatureError(`it is of type ${String(header.typ ?? '(none)')}, expected ${options.typ}`);
  }
  let payload: T;
  try {
    payload = JSON.parse(Buffer.from(encodedPayload, 'base64url').toString('utf8')) as T;
  } catch {
    throw new SignatureError('its payload is not JSON');
  }
  return { payload, kid: typeof header.kid === 'string' ? header.kid : undefined, typ: typeof header.typ === 'string' ? header.typ : undefined };
}
