import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { HubDatabase as Db } from '../hub/database.ts';
import { type Actor, type StaffRole, hasRole, requireDepartmentRole, requireRole, staffRoles } from '../platform/access.ts';
import { DomainError, conflict, forbidden, invalid, notFound } from '../platform/errors.ts';
import { findDepartment, getSystem } from '../registry/service.ts';
import { DUMMY_HASH, hashSecret, verifySecret } from './password.ts';
import type { Account, AccountInput, AccountPatch, AccountRow, ApiClient, ApiClientInput, ApiClientRow, SessionRow } from './schema.ts';
import * as store from './store.ts';
import { beginJournaledWrite, derivedByKey } from '../journal/service.ts';
import { checkInput } from '../platform/validation.ts';
import { AccountInput as AccountInputSchema } from './schema.ts';
import { acceptedTotpStep, newTotpSecret } from './totp.ts';

export interface SignInPolicy {
  maxFailedSignIns: number;
  lockoutMinutes: number;
  sessionHours: number;
}

/** Administrators must use a second factor. */
const ROLES_NEEDING_SECOND_FACTOR: readonly StaffRole[] = ['platform_admin', 'dept_admin'];
/** What a department system may do through the API: the work of its department's staff, never administration. */
const CLIENT_ROLES: readonly StaffRole[] = ['clerk', 'reviewer', 'operator'];
/** Roles a department administrator may not hand out: they reach beyond one department. */
const PLATFORM_ONLY_ROLES: readonly StaffRole[] = ['platform_admin', 'auditor'];

export function needsSecondFactor(roles: readonly string[]): boolean {
  return roles.some((r) => (ROLES_NEEDING_SECOND_FACTOR as readonly string[]).includes(r));
}

export async function createAccount(db: Db, actor: Actor, input: AccountInput): Promise<Account> {
  requireDepartmentRole(actor, input.department, 'dept_admin');
  checkGrantable(actor, input.roles);
  if (!(await findDepartment(db, input.department))) throw invalid(`department ${input.department} does not exist`, { field: 'department' });
  checkInput(AccountInputSchema, input);
  const passwordHash = await hashSecret(input.password);
  return db.transaction(async (tx) => {
    await beginJournaledWrite(tx);
    if (await store.getAccountByUsername(tx, input.username)) throw conflict(`the username ${input.username} is taken`, { field: 'username' });
    const now = new Date().toISOString();
    return accountFromRow(await store.insertAccount(tx, actor, {
      id: randomUUID(), username: input.username, display_name: input.displayName, department_id: input.department,
      roles: JSON.stringify(input.roles), password_hash: passwordHash, totp_secret: null, totp_last_step: null,
      failed_sign_ins: 0, locked_until: null, disabled: 0, created_at: now, updated_at: now, last_sign_in_at: null,
    }));
  });
}

export async function updateAccount(db: Db, actor: Actor, id: string, patch: AccountPatch): Promise<Account> {
  const current = await store.getAccount(db.db, id);
  if (!current) throw notFound(`no account ${id}`);
  requireDepartmentRole(actor, current.department_id, 'dept_admin');
  if (patch.roles) checkGrantable(actor, patch.roles);
  if (!hasRole(actor, 'platform_admin') && parseRoles(current.roles).some((r) => PLATFORM_ONLY_ROLES.includes(r))) {
    throw forbidden('only a platform administrator can change this account');
  }
  const passwordHash = patch.password ? await hashSecret(patch.password) : undefined;
  return db.transaction(async (tx) => {
    const updated = await store.updateAccount(tx, actor, id, {
      ...(patch.displayName !== undefined && { display_name: patch.displayName }),
      ...(patch.roles !== undefined && { roles: JSON.stringify(patch.roles) }),
      ...(patch.disabled !== undefined && { disabled: patch.disabled ? 1 : 0 }),
      // A password reset by an administrator also lifts a lockout.
      ...(passwordHash !== undefined && { password_hash: passwordHash, failed_sign_ins: 0, locked_until: null }),
      updated_at: new Date().toISOString(),
    });
    if (!updated) throw notFound(`no account ${id}`);
    return accountFromRow(updated);
  });
}

/** The roles this actor may hand out: every role for a platform administrator, the department's own for a department administrator. */
export function grantableRoles(actor: Actor): readonly StaffRole[] {
  if (hasRole(actor, 'platform_admin')) return staffRoles;
  if (hasRole(actor, 'dept_admin')) return staffRoles.filter((r) => !PLATFORM_ONLY_ROLES.includes(r));
  return [];
}

function checkGrantable(actor: Actor, roles: readonly string[]): void {
  const unknown = roles.filter((r) => !(staffRoles as readonly string[]).includes(r));
  if (unknown.length > 0) throw invalid(`unknown roles: ${unknown.join(', ')}`, { field: 'roles' });
  if (!hasRole(actor, 'platform_admin') && roles.some((r) => (PLATFORM_ONLY_ROLES as readonly string[]).includes(r))) {
    throw forbidden(`only a platform administrator can grant ${PLATFORM_ONLY_ROLES.join(' or ')}`);
  }
}

export async function listAccounts(db: Db, actor: Actor, department?: string): Promise<Account[]> {
  if (hasRole(actor, 'platform_admin', 'auditor', 'operator')) return (await store.listAccounts(db.db, department)).map(accountFromRow);
  requireDepartmentRole(actor, actor.department ?? '', 'dept_admin');
  if (department && department !== actor.department) throw forbidden('you can list the accounts of your own department only');
  return (await store.listAccounts(db.db, actor.department!)).map(accountFromRow);
}

// Every signed-in page reads the account behind its session, and the case page its department's
// staff; accounts change only through the journal. The rows are kept, not the accounts: whether
// one is locked depends on the time.
const accountById = derivedByKey((db: Db, id: string) => store.getAccount(db.db, id), 1000);
const accountsOfDepartment = derivedByKey((db: Db, department: string) => store.listAccounts(db.db, department), 200);

/** Everyone on staff may see who else works in their own department. */
export async function listColleagues(db: Db, actor: Actor): Promise<Account[]> {
  if (!actor.department) return [];
  return (await accountsOfDepartment(db, actor.department)).filter((row) => !row.disabled).map(accountFromRow);
}

/**
 * Sets an administrator's authenticator key without the enrolment step: for the demo, whose
 * key is published so anyone can try the console, and for recovery by a platform administrator.
 */
export async function presetSecondFactor(db: Db, actor: Actor, accountId: string, secret: string): Promise<void> {
  requireRole(actor, 'platform_admin');
  if (!/^[A-Z2-7]{16,}$/.test(secret)) throw invalid('an authenticator key is base32 (A–Z, 2–7), at least 16 characters', { field: 'secret' });
  await db.transaction(async (tx) => {
    if (!(await store.updateAccount(tx, actor, accountId, { totp_secret: secret, totp_last_step: null, updated_at: new Date().toISOString() }))) {
      throw notFound(`no account ${accountId}`);
    }
  });
}

export async function getAccount(db: Db, id: string): Promise<Account> {
  const row = await store.getAccount(db.db, id);
  if (!row) throw notFound(`no account ${id}`);
  return accountFromRow(row);
}

export async function countAccounts(db: Db): Promise<number> {
  return store.countAccounts(db.db);
}

// ——— Sign-in and sessions ———

export interface SessionInfo {
  /** The cookie value; only its hash is stored. */
  token: string;
  stage: 'done' | 'totp' | 'enrol';
  csrfToken: string;
  expiresAt: string;
}

const WRONG_CREDENTIALS = 'the username or password is wrong';

/**
 * Checks a password. Failures count toward a lockout, whether or not the account exists from the
 * caller's point of view (the message is the same, and a dummy hash keeps the timing the same).
 */
export async function signIn(db: Db, policy: SignInPolicy, username: string, password: string, requestId: string | null): Promise<SessionInfo> {
  const account = await store.getAccountByUsername(db.db, username.trim().toLowerCase());
  if (!account) {
    await verifySecret(password, DUMMY_HASH);
    throw new DomainError('unauthenticated', WRONG_CREDENTIALS);
  }
  assertNotLocked(account);
  if (account.disabled) {
    await verifySecret(password, DUMMY_HASH);
    throw new DomainError('unauthenticated', WRONG_CREDENTIALS);
  }
  if (!(await verifySecret(password, account.password_hash))) {
    await recordFailure(db, policy, account, requestId);
    throw new DomainError('unauthenticated', WRONG_CREDENTIALS);
  }
  const roles = parseRoles(account.roles);
  const stage = !needsSecondFactor(roles) ? 'done' : account.totp_secret ? 'totp' : 'enrol';
  if (stage === 'done') await recordSuccess(db, account, requestId);
  return startSession(db, policy, account, stage);
}

/** Confirms the second factor of a session at stage 'totp', or the first code of a new secret at 'enrol'. */
export async function completeSecondFactor(db: Db, policy: SignInPolicy, token: string, code: string, requestId: string | null): Promise<SessionInfo> {
  const session = await store.getSession(db.db, sessionIdOf(token));
  if (!session || session.expires_at < new Date().toISOString()) throw new DomainError('unauthenticated', 'your session has expired; sign in again');
  if (session.stage === 'done') throw invalid('this session has already passed its second factor');
  const account = await store.getAccount(db.db, session.account_id);
  if (!account) throw new DomainError('unauthenticated', 'your session has expired; sign in again');
  assertNotLocked(account);
  const secret = session.stage === 'enrol' ? session.pending_totp_secret : account.totp_secret;
  if (!secret) throw new DomainError('unauthenticated', 'sign in again to set up your authenticator');
  const step = acceptedTotpStep(secret, code.trim());
  if (step === null || (account.totp_last_step !== null && step <= account.totp_last_step)) {
    await recordFailure(db, policy, account, requestId);
    throw invalid('the code is wrong or has already been used; enter the current 6-digit code from your authenticator app', { field: 'code' });
  }
  await db.transaction(async (tx) => {
    await store.updateAccount(tx, actorOf(account, requestId), account.id, {
      totp_secret: secret, totp_last_step: step, failed_sign_ins: 0, locked_until: null,
      last_sign_in_at: new Date().toISOString(), updated_at: new Date().toISOString(),
    });
  });
  // The session was short while it waited for the code; now it lives as long as any other.
  const expiresAt = new Date(Date.now() + policy.sessionHours * 3_600_000).toISOString();
  await store.updateSession(db.db, session.id, { stage: 'done', pending_totp_secret: null, expires_at: expiresAt });
  return { token, stage: 'done', csrfToken: session.csrf_token, expiresAt };
}

/** The secret an administrator at stage 'enrol' is asked to add to an authenticator app. */
export async function pendingTotpSecret(db: Db, token: string): Promise<string | null> {
  const session = await store.getSession(db.db, sessionIdOf(token));
  return session?.stage === 'enrol' ? session.pending_totp_secret : null;
}

export interface AuthenticatedSession {
  account: Account;
  actor: Actor;
  csrfToken: string;
  stage: SessionRow['stage'];
  expiresAt: string;
}

/** The session behind a cookie token, or null when there is none or it has expired. */
export async function resumeSession(db: Db, token: string, requestId: string | null): Promise<AuthenticatedSession | null> {
  const session = await store.getSession(db.db, sessionIdOf(token));
  if (!session) return null;
  if (session.expires_at < new Date().toISOString()) {
    await store.deleteSession(db.db, session.id);
    return null;
  }
  const row = await accountById(db, session.account_id);
  if (!row || row.disabled) return null;
  return { account: accountFromRow(row), actor: actorOf(row, requestId), csrfToken: session.csrf_token, stage: session.stage, expiresAt: session.expires_at };
}

export async function signOut(db: Db, token: string): Promise<void> {
  await store.deleteSession(db.db, sessionIdOf(token));
}

export async function pruneSessions(db: Db): Promise<number> {
  return store.deleteExpiredSessions(db.db, new Date().toISOString());
}

async function startSession(db: Db, policy: SignInPolicy, account: AccountRow, stage: SessionInfo['stage']): Promise<SessionInfo> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const now = new Date();
  // A session waiting for its second factor lives ten minutes; a full one policy.sessionHours.
  const expiresAt = new Date(now.getTime() + (stage === 'done' ? policy.sessionHours * 3_600_000 : 600_000)).toISOString();
  await store.insertSession(db.db, {
    id: sessionIdOf(token), account_id: account.id, csrf_token: csrfToken, stage,
    pending_totp_secret: stage === 'enrol' ? newTotpSecret() : null,
    created_at: now.toISOString(), expires_at: expiresAt,
  });
  return { token, stage, csrfToken, expiresAt };
}

function assertNotLocked(account: AccountRow): void {
  if (account.locked_until && account.locked_until > new Date().toISOString()) {
    throw new DomainError('account_locked', `this account is locked after repeated failed sign-ins until ${account.locked_until}; try again later or ask your administrator to reset the password`, { lockedUntil: account.locked_until });
  }
}

async function recordFailure(db: Db, policy: SignInPolicy, account: AccountRow, requestId: string | null): Promise<void> {
  await db.transaction(async (tx) => {
    const fresh = await store.getAccount(tx, account.id);
    if (!fresh) return;
    const failures = fresh.failed_sign_ins + 1;
    const lock = failures >= policy.maxFailedSignIns;
    await store.updateAccount(tx, actorOf(fresh, requestId), fresh.id, {
      failed_sign_ins: lock ? 0 : failures,
      locked_until: lock ? new Date(Date.now() + policy.lockoutMinutes * 60_000).toISOString() : fresh.locked_until,
      updated_at: new Date().toISOString(),
    });
  });
}

async function recordSuccess(db: Db, account: AccountRow, requestId: string | null): Promise<void> {
  await db.transaction(async (tx) => {
    await store.updateAccount(tx, actorOf(account, requestId), account.id, {
      failed_sign_ins: 0, locked_until: null, last_sign_in_at: new Date().toISOString(), updated_at: new Date().toISOString(),
    });
  });
}

function sessionIdOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

// ——— API clients (department systems) ———

export interface IssuedClient {
  client: ApiClient;
  /** Shown once; only its hash is kept. */
  clientSecret: string;
}

export async function createApiClient(db: Db, actor: Actor, department: string, input: ApiClientInput): Promise<IssuedClient> {
  requireDepartmentRole(actor, department, 'dept_admin');
  const beyondClients = input.roles.filter((r) => !(CLIENT_ROLES as readonly string[]).includes(r));
  if (beyondClients.length) throw invalid(`a department system can be given only ${CLIENT_ROLES.join(', ')}, not ${beyondClients.join(', ')}`, { field: 'roles' });
  await getSystem(db, department, input.system);
  const clientSecret = randomBytes(32).toString('base64url');
  const secretHash = await hashSecret(clientSecret);
  const row = await db.transaction((tx) => store.insertApiClient(tx, actor, {
    id: `${department}.${input.system}.${randomBytes(4).toString('hex')}`,
    department_id: department, system_code: input.system, name: input.name, secret_hash: secretHash,
    roles: JSON.stringify(input.roles), disabled: 0, created_at: new Date().toISOString(),
  }));
  return { client: apiClientFromRow(row), clientSecret };
}

export async function listApiClients(db: Db, actor: Actor, department: string): Promise<ApiClient[]> {
  requireDepartmentRole(actor, department, 'dept_admin', 'operator');
  return (await store.listApiClients(db.db, department)).map(apiClientFromRow);
}

export async function disableApiClient(db: Db, actor: Actor, clientId: string): Promise<ApiClient> {
  const current = await store.getApiClient(db.db, clientId);
  if (!current) throw notFound(`no API client ${clientId}`);
  requireDepartmentRole(actor, current.department_id, 'dept_admin');
  const row = await db.transaction((tx) => store.updateApiClient(tx, actor, clientId, { disabled: 1 }));
  return apiClientFromRow(row!);
}

/** The client, if the secret is right and the client is enabled. */
export async function authenticateApiClient(db: Db, clientId: string, secret: string): Promise<ApiClient | null> {
  const row = await store.getApiClient(db.db, clientId);
  const ok = await verifySecret(secret, row?.secret_hash ?? DUMMY_HASH);
  return ok && row && !row.disabled ? apiClientFromRow(row) : null;
}

export async function findApiClient(db: Db, clientId: string): Promise<ApiClient | null> {
  const row = await store.getApiClient(db.db, clientId);
  return row ? apiClientFromRow(row) : null;
}

export function clientActor(client: ApiClient, requestId: string | null): Actor {
  return { actor: `client:${client.clientId}`, kind: 'client', department: client.department, roles: client.roles as StaffRole[], requestId };
}

// ——— Mappers ———

function parseRoles(json: string): StaffRole[] {
  return JSON.parse(json) as StaffRole[];
}

export function actorOf(row: AccountRow, requestId: string | null): Actor {
  return { actor: row.id, kind: 'staff', department: row.department_id, roles: parseRoles(row.roles), requestId };
}

function accountFromRow(row: AccountRow): Account {
  return {
    id: row.id, username: row.username, displayName: row.display_name, department: row.department_id,
    roles: parseRoles(row.roles), secondFactor: row.totp_secret !== null,
    locked: row.locked_until !== null && row.locked_until > new Date().toISOString(),
    disabled: row.disabled === 1, createdAt: row.created_at, lastSignInAt: row.last_sign_in_at,
  };
}

function apiClientFromRow(row: ApiClientRow): ApiClient {
  return {
    clientId: row.id, department: row.department_id, system: row.system_code, name: row.name,
    roles: JSON.parse(row.roles) as string[], disabled: row.disabled === 1, createdAt: row.created_at,
  };
}
