import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The SMS webhook's signature: HMAC-SHA256 of the exact body bytes with the shared secret, sent
 * as `X-Egov-Signature: sha256=<hex>` (GitHub's form, which gateway vendors already know how to
 * check). The gateway verifies it before it spends money on a text.
 */

export const SIGNATURE_HEADER = 'x-egov-signature';

export function signBody(secret: Uint8Array, body: string | Uint8Array): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** True when `signature` is the body's signature under `secret`; compared in constant time. */
export function verifyBody(secret: Uint8Array, body: string | Uint8Array, signature: string): boolean {
  const expected = Buffer.from(signBody(secret, body));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
