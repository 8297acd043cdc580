import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { HubDatabase as Db } from '../hub/database.ts';
import { beginJournaledWrite } from '../journal/service.ts';
import { type Actor, hasRole } from '../platform/access.ts';
import { DomainError, conflict, forbidden, invalid, notFound } from '../platform/errors.ts';
import { DUMMY_HASH, hashSecret, verifySecret } from './password.ts';
import { type NumberProblem, checkIdNumber, checkPhone, checkUscc, signInKey } from './person-numbers.ts';
import { type PersonKind, type PersonRow, type RegistrationInput, type SignInInput, type VerificationState, personKinds } from './people.schema.ts';
import * as store from './people.store.ts';
import type { SignInPolicy } from './service.ts';

/**
 * Citizens and enterprises: registration, sign-in with lockout, sessions, and real-name
 * verification (实名核验) against the base databases. A signed-in person acts as a `person`
 * Actor, which no staff rule accepts: staff roles are empty and the department is null.
 */

export interface Person {
  id: string;
  kind: PersonKind;
  name: string;
  /** GB 11643 ID number, or the enterprise's unified social credit code. */
  idNumber: string;
  phone: string;
  email: string | null;
  verification: VerificationState;
  /** When the check that gave `verification` was made; null while unverified. */
  verifiedAt: string | null;
  createdAt: string;
  /** An enterprise's contact person; null for citizens. */
  contactName: string | null;
  /** How many more times the holder may correct the name a real-name check refused. */
  nameChangesLeft: number;
}

export type RegistrationField = 'kind' | 'name' | 'idNumber' | 'contactName' | 'phone' | 'email' | 'password';
export type RegistrationProblemCode = NumberProblem | 'tooLong' | 'format' | 'tooShort' | 'sameAsNumber';

export interface RegistrationProblem {
  field: RegistrationField;
  code: RegistrationProblemCode;
  /** In English, for the API and the journal of refusals; pages say it in the person's language from field and code. */
  message: string;
}

interface Registration {
  kind: PersonKind;
  name: string;
  idNumber: string;
  contactName: string | null;
  phone: string;
  email: string | null;
  password: string;
}

export const MIN_PASSWORD = 10;
const MAX_PASSWORD = 200;
const MAX_NAME: Record<PersonKind, number> = { citizen: 50, enterprise: 100 };

/**
 * Names compare and are kept without surrounding or doubled spaces, without spaces next to Chinese
 * characters (no Chinese name has one; Latin names keep theirs), and with the middle dot of
 * minority names written one way.
 */
export function normaliseName(typed: string): string {
  return typed.normalize('NFKC').trim().replace(/\s+/g, ' ')
    .replace(/ (?=[\u3400-\u9fff\uf900-\ufaff])|(?<=[\u3400-\u9fff\uf900-\ufaff]) /g, '').replace(/[•・]/g, '·')
    .replace(/(?<=[\u3400-\u9fff])\.(?=[\u3400-\u9fff])/g, '·');
}

function problemOfName(kind: PersonKind, name: string): { code: 'missing' | 'tooLong'; message: string } | null {
  if (!name) return { code: 'missing', message: kind === 'enterprise' ? 'the enterprise\'s name is missing' : 'the name is missing' };
  if (name.length > MAX_NAME[kind]) return { code: 'tooLong', message: `the name is longer than ${MAX_NAME[kind]} characters` };
  return null;
}

/**
 * Every problem of a registration at once (the error summary lists them all), and the values as
 * they will be stored. Does not look at the database: a number already taken is found later.
 */
export function registrationProblems(input: RegistrationInput, now?: Date): { value: Registration; problems: RegistrationProblem[] } {
  const problems: RegistrationProblem[] = [];
  const add = (field: RegistrationField, code: RegistrationProblemCode, message: string) => problems.push({ field, code, message });
  const kind = input.kind;
  if (!(personKinds as readonly string[]).includes(kind)) add('kind', 'missing', 'choose citizen or enterprise');
  const enterprise = kind === 'enterprise';
  const name = normaliseName(input.name ?? '');
  const nameProblem = problemOfName(enterprise ? 'enterprise' : 'citizen', name);
  if (nameProblem) add('name', nameProblem.code, nameProblem.message);
  const number = enterprise ? checkUscc(input.idNumber ?? '') : checkIdNumber(input.idNumber ?? '', now);
  if (number.problem) add('idNumber', number.problem, enterprise ? `unified social credit code: ${number.detail}` : `ID number: ${number.detail}`);
  const contactName = enterprise ? normaliseName(input.contactName ?? '') : null;
  if (enterprise && !contactName) add('contactName', 'missing', 'the contact person\'s name is missing');
  else if (contactName && contactName.length > MAX_NAME.citizen) add('contactName', 'tooLong', `the contact person's name is longer than ${MAX_NAME.citizen} characters`);
  const phone = checkPhone(input.phone ?? '');
  if (phone.problem) add('phone', phone.problem, `mobile number: ${phone.detail}`);
  const email = (input.email ?? '').normalize('NFKC').trim();
  if (email && (email.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@.]{2,}$/.test(email))) add('email', 'format', 'the e-mail address is not in the form name@example.com');
  const password = input.password ?? '';
  if (password.length < MIN_PASSWORD) add('password', 'tooShort', `the password needs at least ${MIN_PASSWORD} characters`);
  else if (password.length > MAX_PASSWORD) add('password', 'tooLong', `the password is longer than ${MAX_PASSWORD} characters`);
  else if ([number.value, phone.value].includes(password.replace(/[\s-]/g, '').toUpperCase())) {
    add('password', 'sameAsNumber', 'the password must not be your ID number, credit code or mobile number: others know those');
  }
  return {
    value: { kind, name, idNumber: number.value, contactName: contactName || null, phone: phone.value, email: email || null, password },
    problems,
  };
}

/**
 * Opens an account. One account per ID number (or credit code) and per mobile number within a
 * kind; a number already taken is refused without saying anything about the account that holds it.
 */
export async function registerPerson(db: Db, input: RegistrationInput, requestId: string | null = null): Promise<Person> {
  const { value, problems } = registrationProblems(input);
  const first = problems[0];
  if (first) throw invalid(first.message, { field: first.field, problem: first.code });
  const passwordHash = await hashSecret(value.password);
  const id = randomUUID();
  return db.transaction(async (tx) => {
    await beginJournaledWrite(tx);
    if (await store.getPersonByIdNumber(tx, value.kind, value.idNumber)) {
      throw conflict(value.kind === 'enterprise'
        ? 'an account already exists for this unified social credit code; sign in with it instead'
        : 'an account already exists for this ID number; sign in with it instead', { field: 'idNumber', problem: 'taken' });
    }
    if (await store.getPersonByPhone(tx, value.kind, value.phone)) {
      throw conflict('this mobile number already belongs to another account; give another number', { field: 'phone', problem: 'taken' });
    }
    const now = new Date().toISOString();
    const row = await store.insertPerson(tx, contextOf(id, requestId), {
      id, kind: value.kind, id_number: value.idNumber, name: value.name, contact_name: value.contactName, phone: value.phone,
      email: value.email, password_hash: passwordHash, verification: 'unverified', verified_at: null,
      failed_sign_ins: 0, locked_until: null, created_at: now, updated_at: now, last_sign_in_at: null, name_changes: 0,
    });
    return personFromRow(row);
  });
}

export async function getPerson(db: Db, id: string): Promise<Person> {
  const row = await store.getPerson(db.db, id);
  if (!row) throw notFound(`no account ${id}`);
  return personFromRow(row);
}

export function personActor(person: Pick<Person, 'id'>, requestId: string | null): Actor {
  return { actor: `person:${person.id}`, kind: 'person', department: null, roles: [], requestId };
}

/** The person behind an actor; null for staff, clients and the system, or when the account is gone. */
export async function personOfActor(db: Db, actor: Actor): Promise<Person | null> {
  if (actor.kind !== 'person' || !actor.actor.startsWith('person:')) return null;
  const row = await store.getPerson(db.db, actor.actor.slice('person:'.length));
  return row ? personFromRow(row) : null;
}

// ——— Sign-in and sessions ———

export interface PersonSession {
  /** The cookie value; only its hash is stored. */
  token: string;
  csrfToken: string;
  expiresAt: string;
}

const WRONG_CREDENTIALS = 'the number or the password is wrong';

/**
 * Checks a password given with an ID number, credit code or mobile number. Failures count toward
 * a lockout as for staff; an unknown number costs the same time and gets the same answer.
 */
export async function signInPerson(db: Db, policy: SignInPolicy, input: SignInInput, requestId: string | null): Promise<PersonSession> {
  const key = signInKey(input.identifier ?? '');
  const kind = (personKinds as readonly string[]).includes(input.kind) ? input.kind : 'citizen';
  const row = 'phone' in key ? await store.getPersonByPhone(db.db, kind, key.phone) : await store.getPersonByIdNumber(db.db, kind, key.idNumber);
  if (!row) {
    await verifySecret(input.password ?? '', DUMMY_HASH);
    throw new DomainError('unauthenticated', WRONG_CREDENTIALS);
  }
  if (row.locked_until && row.locked_until > new Date().toISOString()) {
    throw new DomainError('account_locked', `this account is locked after repeated failed sign-ins until ${row.locked_until}; try again later`, { lockedUntil: row.locked_until });
  }
  if (!(await verifySecret(input.password ?? '', row.password_hash))) {
    await recordFailure(db, policy, row.id, requestId);
    throw new DomainError('unauthenticated', WRONG_CREDENTIALS);
  }
  await db.transaction(async (tx) => {
    const now = new Date().toISOString();
    await store.updatePerson(tx, contextOf(row.id, requestId), row.id, { failed_sign_ins: 0, locked_until: null, last_sign_in_at: now, updated_at: now });
  });
  return startPersonSession(db, policy, row.id);
}

/** A session for a person who has just proved who they are (signed in, or registered a moment ago). */
export async function startPersonSession(db: Db, policy: SignInPolicy, personId: string): Promise<PersonSession> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const now = new Date();
  const expiresAt = new Date(now.getTime() + policy.sessionHours * 3_600_000).toISOString();
  await store.insertPersonSession(db.db, { id: sessionIdOf(token), person_id: personId, csrf_token: csrfToken, created_at: now.toISOString(), expires_at: expiresAt });
  return { token, csrfToken, expiresAt };
}

export interface ResumedPerson {
  person: Person;
  actor: Actor;
  csrfToken: string;
  expiresAt: string;
}

/** The person behind a cookie token, or null when there is no such session or it has expired. */
export async function resumePersonSession(db: Db, token: string, requestId: string | null): Promise<ResumedPerson | null> {
  const session = await store.getPersonSession(db.db, sessionIdOf(token));
  if (!session) return null;
  if (session.expires_at < new Date().toISOString()) {
    await store.deletePersonSession(db.db, session.id);
    return null;
  }
  const row = await store.getPerson(db.db, session.person_id);
  if (!row) return null;
  const person = personFromRow(row);
  return { person, actor: personActor(person, requestId), csrfToken: session.csrf_token, expiresAt: session.expires_at };
}

export async function signOutPerson(db: Db, token: string): Promise<void> {
  await store.deletePersonSession(db.db, sessionIdOf(token));
}

export async function prunePersonSessions(db: Db): Promise<number> {
  return store.deleteExpiredPersonSessions(db.db, new Date().toISOString());
}

async function recordFailure(db: Db, policy: SignInPolicy, id: string, requestId: string | null): Promise<void> {
  await db.transaction(async (tx) => {
    const fresh = await store.getPerson(tx, id);
    if (!fresh) return;
    const failures = fresh.failed_sign_ins + 1;
    const lock = failures >= policy.maxFailedSignIns;
    await store.updatePerson(tx, contextOf(id, requestId), id, {
      failed_sign_ins: lock ? 0 : failures,
      locked_until: lock ? new Date(Date.now() + policy.lockoutMinutes * 60_000).toISOString() : fresh.locked_until,
      updated_at: new Date().toISOString(),
    });
  });
}

function sessionIdOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

// ——— Real-name verification (实名核验) ———

/**
 * What the registries say about a name and number: consistent (verified), not (failed), or no
 * answer now (unavailable: no exchange configured, a provider down, no agreement). The service
 * knows no HTTP; the caller passes the check that asks the registries (real-name.ts).
 */
export type RealNameOutcome = 'verified' | 'failed' | 'unavailable';
export type RealNameCheck = (subject: { kind: PersonKind; name: string; idNumber: string }) => Promise<RealNameOutcome>;

/**
 * Checks the person's name and number against the base databases and keeps the result with its
 * time. A verified person is not checked again; no answer changes nothing.
 */
export async function verifyPerson(db: Db, actor: Actor, id: string, check: RealNameCheck): Promise<{ person: Person; outcome: RealNameOutcome }> {
  if (actor.actor !== `person:${id}` && !hasRole(actor, 'platform_admin')) throw forbidden('only the account holder can have their account verified');
  const person = await getPerson(db, id);
  if (person.verification === 'verified') return { person, outcome: 'verified' };
  const outcome = await check({ kind: person.kind, name: person.name, idNumber: person.idNumber });
  if (outcome === 'unavailable') return { person, outcome };
  const row = await db.transaction(async (tx) => {
    const now = new Date().toISOString();
    return store.updatePerson(tx, actor, id, { verification: outcome, verified_at: now, updated_at: now });
  });
  if (!row) throw notFound(`no account ${id}`);
  return { person: personFromRow(row), outcome };
}

/** Corrections of the name an account may make; after them, a service counter with the ID card. */
export const MAX_NAME_CHANGES = 3;

/**
 * Corrects the name of an account the registers did not confirm (a typing mistake at
 * registration would otherwise lock its holder out of everything that needs a verified name).
 * The account is unverified again until the next check. A verified name is the register's and
 * is not changed here; and an account corrects its name at most MAX_NAME_CHANGES times, so it
 * cannot be used to try names against an ID number.
 */
export async function correctName(db: Db, actor: Actor, id: string, typed: string): Promise<Person> {
  if (actor.actor !== `person:${id}`) throw forbidden('only the account holder can correct the account\'s name');
  const name = normaliseName(typed);
  return db.transaction(async (tx) => {
    await beginJournaledWrite(tx);
    const row = await store.getPerson(tx, id);
    if (!row) throw notFound(`no account ${id}`);
    const problem = problemOfName(row.kind, name);
    if (problem) throw invalid(problem.message, { field: 'name', problem: problem.code });
    if (row.verification === 'verified') throw conflict('the name of a verified account is the one in the register and cannot be changed', { field: 'name', problem: 'verified' });
    if (row.name_changes >= MAX_NAME_CHANGES) {
      throw conflict(`the name has been corrected ${MAX_NAME_CHANGES} times already; bring your ID card (or business licence) to a service counter to have it corrected`, { field: 'name', problem: 'tooManyChanges' });
    }
    if (name === row.name) return personFromRow(row);
    const now = new Date().toISOString();
    return personFromRow((await store.updatePerson(tx, actor, id, { name, verification: 'unverified', verified_at: null, name_changes: row.name_changes + 1, updated_at: now }))!);
  });
}

// ——— Mappers ———

function contextOf(personId: string, requestId: string | null) {
  return { actor: `person:${personId}`, department: null, requestId };
}

function personFromRow(row: PersonRow): Person {
  return {
    id: row.id, kind: row.kind, name: row.name, idNumber: row.id_number, phone: row.phone, email: row.email,
    verification: row.verification, verifiedAt: row.verified_at, createdAt: row.created_at, contactName: row.contact_name,
    nameChangesLeft: Math.max(0, MAX_NAME_CHANGES - row.name_changes),
  };
}
