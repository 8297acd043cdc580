import { randomInt } from 'node:crypto';
import { citizenIdCheckChar } from '../../src/basedata/citizen-id.ts';
import type { HubDatabase } from '../../src/hub/database.ts';
import type { RegistrationInput } from '../../src/identity/people.schema.ts';
import { type Person, registerPerson } from '../../src/identity/people.service.ts';
import type { HttpApp } from '../../src/platform/http.ts';
import { usccCheckChar } from '../../src/registry/uscc.ts';
import { type Browser, browser } from './hub.ts';

/** The password of every person the helpers register. */
export const PERSON_PASSWORD = 'Portal-test-2026';

let serial = 0;

/** A valid GB 11643 number of someone born in Dalian's Zhongshan district, different on every call. */
export function citizenId(): string {
  serial += 1;
  const year = 1950 + randomInt(55);
  const day = `${year}${String(1 + randomInt(12)).padStart(2, '0')}${String(1 + randomInt(28)).padStart(2, '0')}`;
  const first17 = `210202${day}${String((serial * 7 + randomInt(7)) % 1000).padStart(3, '0')}`;
  return first17 + citizenIdCheckChar(first17);
}

/** A valid GB 32100 credit code of a Dalian enterprise (registration authority 9, type 1), different on every call. */
export function enterpriseUscc(): string {
  serial += 1;
  const chars = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  let org = '';
  for (let i = 0; i < 9; i++) org += chars[randomInt(chars.length)];
  const first17 = `91210200${org}`;
  return first17 + usccCheckChar(first17);
}

/** A mainland mobile number, different on every call. */
export function mobile(): string {
  serial += 1;
  return `139${String((serial * 104_729 + randomInt(1000)) % 100_000_000).padStart(8, '0')}`;
}

/**
 * Registers a citizen (a valid GB 11643 number, a fresh mobile number) through the service and
 * signs them in through the sign-in page; the returned cookie-jar browser has the person's
 * session and its `csrf` set, ready to post the personal pages' forms.
 */
export async function signedInPerson(app: HttpApp, db: HubDatabase, overrides: Partial<RegistrationInput> = {}): Promise<{ browser: Browser; person: Person }> {
  const password = overrides.password ?? PERSON_PASSWORD;
  const person = await registerPerson(db, { kind: 'citizen', name: '林晓梅', idNumber: citizenId(), phone: mobile(), ...overrides, password });
  const b = browser(app);
  await b.request('GET', '/account/signin');
  const signedIn = await b.request('POST', '/account/signin', { kind: person.kind, identifier: person.idNumber, password, _csrf: b.csrf ?? '', return: '/my' });
  if (signedIn.statusCode !== 303) throw new Error(`sign-in of ${person.name} failed: ${signedIn.statusCode} ${signedIn.body.slice(0, 300)}`);
  const my = await b.request('GET', '/my');
  if (my.statusCode !== 200) throw new Error(`the personal centre of ${person.name} answered ${my.statusCode}`);
  return { browser: b, person };
}
