import { Secret, TOTP } from 'otpauth';

/** RFC 6238 time-based one-time passwords (the codes of an authenticator app). */
const PERIOD = 30;

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totpFor(secret: string, label: string): TOTP {
  return new TOTP({ issuer: 'egov-cloud', label, algorithm: 'SHA1', digits: 6, period: PERIOD, secret: Secret.fromBase32(secret) });
}

export function totpUri(secret: string, label: string): string {
  return totpFor(secret, label).toString();
}

export function currentTotp(secret: string, at = Date.now()): string {
  return totpFor(secret, 'code').generate({ timestamp: at });
}

/**
 * The time step a code belongs to, if it is valid now (one step of clock drift either way), else
 * null. The caller refuses a step it has already accepted, so a code cannot be replayed.
 */
export function acceptedTotpStep(secret: string, code: string, at = Date.now()): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totpFor(secret, 'code').validate({ token: code, timestamp: at, window: 1 });
  if (delta === null) return null;
  return Math.floor(at / 1000 / PERIOD) + delta;
}
