import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { HubDatabase } from '../../src/hub/database.ts';
import type { Account } from '../../src/identity/schema.ts';
import {
  authenticateApiClient, clientActor, completeSecondFactor, createAccount, createApiClient, disableApiClient, findApiClient,
  getAccount, listApiClients, pendingTotpSecret, resumeSession, signIn, signOut, updateAccount, type SignInPolicy,
} from '../../src/identity/service.ts';
import { currentTotp } from '../../src/identity/totp.ts';
import { journalHead, readEntries } from '../../src/journal/service.ts';
import { systemActor, type Actor, type StaffRole } from '../../src/platform/access.ts';
import type { DomainError, ErrorCode } from '../../src/platform/errors.ts';
import { addDivision, addSystem, createDepartment } from '../../src/registry/service.ts';
import { governmentUscc } from '../../src/registry/uscc.ts';
import { databaseTargets, freshDatabase, type TestDatabase } from '../support/databases.ts';
import { refusal, refusedUnchanged, snapshot } from '../support/errors.ts';

const policy: SignInPolicy = { maxFailedSignIns: 3, lockoutMinutes: 15, sessionHours: 8 };

const CITY = '210200';
const POLICE = governmentUscc(CITY, 1);
const WATER = governmentUscc(CITY, 2);

const admin = systemActor('test', 'req-admin');

function staff(department: string, roles: StaffRole[], actor = 'acct-1', requestId = 'r1'): Actor {
  return { actor, kind: 'staff', department, roles, requestId };
}

const policeAdmin = staff(POLICE, ['dept_admin']);
const waterAdmin = staff(WATER, ['dept_admin'], 'acct-2', 'r2');

const CLERK_PASSWORD = 'correct horse battery';
const LOCKED_PASSWORD = 'staple-and-paperclip';
const ADMIN_PASSWORD = 'platform admin secret';

const identityTables = ['accounts', 'api_clients', 'sessions'] as const;

/** Refused with the code (and message), and nothing changed: no journal entry, no row of identityTables. */
const refused = (database: HubDatabase, code: ErrorCode, work: () => Promise<unknown>, message?: RegExp): Promise<DomainError> =>
  refusedUnchanged(database, identityTables, code, work, message);

async function accountRow(database: HubDatabase, id: string) {
  return database.db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function sessionIds(database: HubDatabase, accountId: string): Promise<string[]> {
  return (await database.db.selectFrom('sessions').select('id').where('account_id', '=', accountId).orderBy('id').execute()).map((r) => r.id);
}

/** A 6-digit code that the authenticator would not show around now (so it is certainly wrong). */
function wrongCode(secret: string): string {
  const near = new Set([-60_000, -30_000, 0, 30_000, 60_000].map((d) => currentTotp(secret, Date.now() + d)));
  for (let n = 0; ; n++) {
    const code = String(n * 111_111 % 1_000_000).padStart(6, '0');
    if (!near.has(code)) return code;
  }
}

for (const target of databaseTargets) {
  describe(`${target.kind}: identity`, { skip: target.skip }, () => {
    let test: TestDatabase;
    let db: HubDatabase;
    let clerk: Account;

    before(async () => {
      test = await freshDatabase(target.kind);
      db = test.database;
      await addDivision(db, admin, { code: CITY, kind: 'city', parent: null, nameZh: '大连市', nameEn: 'Dalian' });
      await createDepartment(db, admin, { code: POLICE, slug: 'dl-police', kind: 'bureau', division: CITY, nameZh: '大连市公安局', nameEn: 'Dalian Public Security Bureau' });
      await createDepartment(db, admin, { code: WATER, slug: 'dl-water', kind: 'bureau', division: CITY, nameZh: '大连市水务局', nameEn: 'Dalian Water Affairs Bureau' });
      await addSystem(db, admin, POLICE, { code: 'hukou', nameZh: '户籍管理系统', nameEn: 'Household Registration System' });
    });

    after(async () => {
      await test?.close();
    });

    describe('accounts', () => {
      it('lets a department administrator create an account in their own department, journaled with their account and request id', async () => {
        const { seq } = await journalHead(db.db);
        clerk = await createAccount(db, policeAdmin, {
          username: 'li.na', displayName: '李娜', department: POLICE, roles: ['clerk'], password: CLERK_PASSWORD,
        });
        assert.equal(clerk.username, 'li.na');
        assert.equal(clerk.department, POLICE);
        assert.deepEqual(clerk.roles, ['clerk']);
        assert.equal(clerk.secondFactor, false);
        assert.equal(clerk.locked, false);
        assert.equal(clerk.disabled, false);
        assert.equal(clerk.lastSignInAt, null);
        assert.deepEqual(await getAccount(db, clerk.id), clerk);
        const entries = await readEntries(db.db, seq, 100);
        assert.deepEqual(entries.map((e) => [e.entity, e.key, e.op, e.actor, e.department, e.requestId]), [['accounts', clerk.id, 'insert', 'acct-1', POLICE, 'r1']]);
      });

      it('stores a scrypt hash of the password, never the password itself', async () => {
        const row = await accountRow(db, clerk.id);
        assert.match(row.password_hash, /^scrypt\$65536\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
        assert.ok(!row.password_hash.includes(CLERK_PASSWORD));
        const journal = JSON.stringify(await readEntries(db.db, 0, 1000));
        assert.ok(!journal.includes(CLERK_PASSWORD), 'the journal does not hold the password either');
      });

      it('does not let a department administrator create an account in another department', async () => {
        await refused(db, 'forbidden', () => createAccount(db, waterAdmin, {
          username: 'sneaky', displayName: '越权', department: POLICE, roles: ['clerk'], password: 'long enough password',
        }), new RegExp(POLICE));
      });

      it('does not let a clerk create an account, even in their own department', async () => {
        await refused(db, 'forbidden', () => createAccount(db, staff(POLICE, ['clerk']), {
          username: 'friend', displayName: '朋友', department: POLICE, roles: ['clerk'], password: 'long enough password',
        }));
      });

      for (const role of ['platform_admin', 'auditor'] as const) {
        it(`does not let a department administrator grant ${role}`, async () => {
          await refused(db, 'forbidden', () => createAccount(db, policeAdmin, {
            username: `new.${role.replace('_', '-')}`, displayName: '新人', department: POLICE, roles: ['clerk', role], password: 'long enough password',
          }), /platform administrator/);
        });
      }

      it('refuses a username that is taken', async () => {
        const error = await refused(db, 'conflict', () => createAccount(db, admin, {
          username: 'li.na', displayName: '另一个李娜', department: WATER, roles: ['clerk'], password: 'another password',
        }), /li\.na/);
        assert.deepEqual(error.detail, { field: 'username' });
      });

      it('refuses a department that does not exist', async () => {
        const error = await refused(db, 'invalid_input', () => createAccount(db, admin, {
          username: 'ghost', displayName: '无名', department: governmentUscc(CITY, 999), roles: ['clerk'], password: 'long enough password',
        }));
        assert.deepEqual(error.detail, { field: 'department' });
      });
    });

    describe('signing in', () => {
      it('gives a clerk a finished session with the right password, and resumes it as an actor with the clerk\'s roles', async () => {
        const started = Date.now();
        const session = await signIn(db, policy, 'li.na', CLERK_PASSWORD, 'r3');
        assert.equal(session.stage, 'done');
        assert.ok(session.token.length >= 40 && session.csrfToken.length >= 30);
        const hours = (Date.parse(session.expiresAt) - started) / 3_600_000;
        assert.ok(hours > 7.99 && hours < 8.01, `the session lasts policy.sessionHours (${hours} h)`);

        const resumed = await resumeSession(db, session.token, 'r4');
        assert.ok(resumed);
        assert.deepEqual(resumed.actor, { actor: clerk.id, kind: 'staff', department: POLICE, roles: ['clerk'], requestId: 'r4' });
        assert.equal(resumed.stage, 'done');
        assert.equal(resumed.csrfToken, session.csrfToken);
        assert.equal(resumed.account.username, 'li.na');
        assert.ok(resumed.account.lastSignInAt, 'the sign-in is recorded');

        const stored = await db.db.selectFrom('sessions').selectAll().where('account_id', '=', clerk.id).execute();
        assert.equal(stored.length, 1);
        assert.notEqual(stored[0]!.id, session.token, 'only a hash of the token is stored');
        assert.equal(await resumeSession(db, `${session.token}x`, null), null, 'a wrong token resumes nothing');
        await signOut(db, session.token);
      });

      it('accepts the username whatever its case and surrounding spaces', async () => {
        const session = await signIn(db, policy, '  LI.NA ', CLERK_PASSWORD, null);
        assert.equal(session.stage, 'done');
        await signOut(db, session.token);
      });

      it('refuses a wrong password with the same message as an unknown username', async () => {
        const wrong = await refusal('unauthenticated', () => signIn(db, policy, 'li.na', 'not the password', 'r5'));
        const before = await snapshot(db, identityTables);
        const unknown = await refusal('unauthenticated', () => signIn(db, policy, 'nobody.here', CLERK_PASSWORD, 'r6'));
        assert.equal(wrong.message, unknown.message);
        assert.deepEqual(await snapshot(db, identityTables), before, 'an unknown username changes nothing');
        assert.equal((await accountRow(db, clerk.id)).failed_sign_ins, 1, 'the wrong password counts toward a lockout');
      });

      it('forgets earlier failures after a successful sign-in', async () => {
        await refusal('unauthenticated', () => signIn(db, policy, 'li.na', 'still not it', null));
        assert.equal((await accountRow(db, clerk.id)).failed_sign_ins, 2);
        const session = await signIn(db, policy, 'li.na', CLERK_PASSWORD, null);
        assert.equal((await accountRow(db, clerk.id)).failed_sign_ins, 0);
        await signOut(db, session.token);
        await refusal('unauthenticated', () => signIn(db, policy, 'li.na', 'wrong again', null));
        await refusal('unauthenticated', () => signIn(db, policy, 'li.na', 'and again', null));
        assert.equal((await getAccount(db, clerk.id)).locked, false, 'two failures in a row are below the limit of three');
        await signOut(db, (await signIn(db, policy, 'li.na', CLERK_PASSWORD, null)).token);
      });

      describe('lockout', () => {
        let victim: Account;

        before(async () => {
          victim = await createAccount(db, policeAdmin, {
            username: 'wang.qiang', displayName: '王强', department: POLICE, roles: ['clerk'], password: LOCKED_PASSWORD,
          });
        });

        it(`locks the account after ${policy.maxFailedSignIns} wrong passwords, so even the right one is refused`, async () => {
          let lastAttempt = 0;
          for (let i = 0; i < policy.maxFailedSignIns; i++) {
            lastAttempt = Date.now();
            await refusal('unauthenticated', () => signIn(db, policy, 'wang.qiang', `guess number ${i}`, null));
          }
          const lockedAfter = Date.now();
          const locked = await getAccount(db, victim.id);
          assert.equal(locked.locked, true);
          const row = await accountRow(db, victim.id);
          // The lock runs lockoutMinutes from the last failure, which happened between these two instants.
          const until = Date.parse(row.locked_until!);
          const lockout = policy.lockoutMinutes * 60_000;
          assert.ok(until >= lastAttempt + lockout && until <= lockedAfter + lockout, `locked for policy.lockoutMinutes (until ${row.locked_until})`);

          const error = await refused(db, 'account_locked', () => signIn(db, policy, 'wang.qiang', LOCKED_PASSWORD, null), /locked/);
          assert.deepEqual(error.detail, { lockedUntil: row.locked_until });
          assert.deepEqual(await sessionIds(db, victim.id), [], 'no session was started');
        });

        it('lifts the lockout when an administrator resets the password', async () => {
          const { seq } = await journalHead(db.db);
          const reset = await updateAccount(db, policeAdmin, victim.id, { password: 'a brand new password' });
          assert.equal(reset.locked, false);
          const entries = await readEntries(db.db, seq, 100);
          assert.deepEqual(entries.map((e) => [e.entity, e.key, e.op, e.actor, e.requestId]), [['accounts', victim.id, 'update', 'acct-1', 'r1']]);

          const session = await signIn(db, policy, 'wang.qiang', 'a brand new password', null);
          assert.equal(session.stage, 'done');
          await refusal('unauthenticated', () => signIn(db, policy, 'wang.qiang', LOCKED_PASSWORD, null));
        });
      });

      describe('a platform administrator\'s second factor', () => {
        let platformAdmin: Account;
        let secret = '';
        let firstCode = '';
        let enrolled: { signedInAt: number; done: string; resumed: string } | undefined;

        before(async () => {
          platformAdmin = await createAccount(db, admin, {
            username: 'zhao.admin', displayName: '赵管理员', department: POLICE, roles: ['platform_admin'], password: ADMIN_PASSWORD,
          });
        });

        it('asks an administrator without an authenticator to enrol one, and finishes the sign-in with its first code', async () => {
          const signedInAt = Date.now();
          const session = await signIn(db, policy, 'zhao.admin', ADMIN_PASSWORD, null);
          assert.equal(session.stage, 'enrol');
          assert.equal((await resumeSession(db, session.token, null))?.stage, 'enrol', 'the session is not finished yet');
          const pending = await pendingTotpSecret(db, session.token);
          assert.ok(pending);
          assert.match(pending, /^[A-Z2-7]{32}$/);
          secret = pending;
          assert.equal((await getAccount(db, platformAdmin.id)).secondFactor, false, 'nothing is set up before a code confirms it');

          await refusal('invalid_input', () => completeSecondFactor(db, policy, session.token, wrongCode(secret), null));
          assert.equal((await resumeSession(db, session.token, null))?.stage, 'enrol', 'a wrong code finishes nothing');

          firstCode = currentTotp(secret);
          const done = await completeSecondFactor(db, policy, session.token, firstCode, 'r8');
          assert.equal(done.stage, 'done');
          assert.equal(done.token, session.token);
          const resumed = await resumeSession(db, session.token, 'r9');
          assert.equal(resumed?.stage, 'done');
          assert.deepEqual(resumed?.actor, { actor: platformAdmin.id, kind: 'staff', department: POLICE, roles: ['platform_admin'], requestId: 'r9' });
          assert.equal((await getAccount(db, platformAdmin.id)).secondFactor, true);
          assert.equal((await accountRow(db, platformAdmin.id)).totp_secret, secret);
          assert.equal(await pendingTotpSecret(db, session.token), null, 'the secret is no longer offered');
          await refusal('invalid_input', () => completeSecondFactor(db, policy, session.token, currentTotp(secret), null));
          enrolled = { signedInAt, done: done.expiresAt, resumed: resumed!.expiresAt };
          await signOut(db, session.token);
        });

        it('keeps the finished session for the policy\'s session hours, not the ten minutes allowed for the second factor', async () => {
          assert.ok(enrolled, 'the administrator has finished enrolling');
          for (const [what, expiresAt] of [['completeSecondFactor', enrolled.done], ['resumeSession', enrolled.resumed]] as const) {
            const hours = (Date.parse(expiresAt) - enrolled.signedInAt) / 3_600_000;
            assert.ok(hours > 7.99, `${what}: the session ends ${hours.toFixed(2)} h after sign-in; policy.sessionHours is ${policy.sessionHours}`);
          }
        });

        it('refuses the same code again in a new sign-in, then accepts the next one', async () => {
          const session = await signIn(db, policy, 'zhao.admin', ADMIN_PASSWORD, null);
          assert.equal(session.stage, 'totp', 'the authenticator is set up now');
          const lastStep = (await accountRow(db, platformAdmin.id)).totp_last_step;

          const error = await refusal('invalid_input', () => completeSecondFactor(db, policy, session.token, firstCode, null));
          assert.match(error.message, /already been used/);
          assert.equal((await resumeSession(db, session.token, null))?.stage, 'totp', 'the replayed code finishes nothing');
          assert.equal((await accountRow(db, platformAdmin.id)).totp_last_step, lastStep);

          // The code of the next time step: not used yet, and accepted because the service allows
          // one step of clock drift either way (window 1).
          const nextCode = currentTotp(secret, Date.now() + 30_000);
          const done = await completeSecondFactor(db, policy, session.token, nextCode, null);
          assert.equal(done.stage, 'done');
          assert.ok(Number((await accountRow(db, platformAdmin.id)).totp_last_step) > Number(lastStep));
          await signOut(db, session.token);
        });
      });

      describe('sessions', () => {
        it('resumes nothing once the session has expired, and removes it', async () => {
          const other = await signIn(db, policy, 'li.na', CLERK_PASSWORD, null);
          const before = await sessionIds(db, clerk.id);
          const session = await signIn(db, policy, 'li.na', CLERK_PASSWORD, null);
          const [id, ...more] = (await sessionIds(db, clerk.id)).filter((s) => !before.includes(s));
          assert.ok(id && more.length === 0, 'one new session');
          assert.ok(await resumeSession(db, session.token, null));
          await db.db.updateTable('sessions').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', id).execute();
          assert.equal(await resumeSession(db, session.token, null), null);
          assert.deepEqual(await sessionIds(db, clerk.id), before, 'the expired session is gone, the other one stays');
          assert.ok(await resumeSession(db, other.token, null), 'a session that has not expired still works');
          await signOut(db, other.token);
        });

        it('ends the session on sign-out', async () => {
          const before = await sessionIds(db, clerk.id);
          const session = await signIn(db, policy, 'li.na', CLERK_PASSWORD, null);
          assert.equal((await sessionIds(db, clerk.id)).length, before.length + 1);
          await signOut(db, session.token);
          assert.equal(await resumeSession(db, session.token, null), null);
          assert.deepEqual(await sessionIds(db, clerk.id), before);
        });

        it('refuses a disabled account with the usual message, and ends its open sessions', async () => {
          const open = await signIn(db, policy, 'li.na', CLERK_PASSWORD, null);
          const unknown = await refusal('unauthenticated', () => signIn(db, policy, 'nobody.here', CLERK_PASSWORD, null));
          const disabled = await updateAccount(db, policeAdmin, clerk.id, { disabled: true });
          assert.equal(disabled.disabled, true);

          const error = await refused(db, 'unauthenticated', () => signIn(db, policy, 'li.na', CLERK_PASSWORD, null));
          assert.equal(error.message, unknown.message);
          assert.equal(await resumeSession(db, open.token, null), null, 'a session opened before does not work any more');
        });

        it('does not let a department administrator change a platform administrator, or grant platform roles', async () => {
          const zhao = (await db.db.selectFrom('accounts').select('id').where('username', '=', 'zhao.admin').executeTakeFirstOrThrow()).id;
          await refused(db, 'forbidden', () => updateAccount(db, policeAdmin, zhao, { displayName: '改名' }));
          await refused(db, 'forbidden', () => updateAccount(db, policeAdmin, clerk.id, { roles: ['clerk', 'auditor'] }));
          await refused(db, 'forbidden', () => updateAccount(db, waterAdmin, clerk.id, { disabled: false }));
        });
      });
    });

    describe('API clients', () => {
      let clientId = '';
      let clientSecret = '';

      it('issues a client for a department system, with a secret shown once', async () => {
        const { seq } = await journalHead(db.db);
        const issued = await createApiClient(db, policeAdmin, POLICE, { system: 'hukou', name: '户籍查询接口', roles: ['clerk'] });
        clientId = issued.client.clientId;
        clientSecret = issued.clientSecret;
        assert.equal(issued.client.department, POLICE);
        assert.equal(issued.client.system, 'hukou');
        assert.deepEqual(issued.client.roles, ['clerk']);
        assert.equal(issued.client.disabled, false);
        assert.ok(clientSecret.length >= 40);

        const row = await db.db.selectFrom('api_clients').selectAll().where('id', '=', clientId).executeTakeFirstOrThrow();
        assert.match(row.secret_hash, /^scrypt\$/);
        assert.ok(!row.secret_hash.includes(clientSecret));
        const found = await findApiClient(db, clientId);
        assert.deepEqual(found, issued.client);
        assert.ok(!JSON.stringify(found).includes(clientSecret), 'the secret is not shown again');
        assert.deepEqual(await listApiClients(db, policeAdmin, POLICE), [issued.client]);
        const entries = await readEntries(db.db, seq, 100);
        assert.deepEqual(entries.map((e) => [e.entity, e.key, e.op, e.actor, e.requestId]), [['api_clients', clientId, 'insert', 'acct-1', 'r1']]);
        assert.ok(!JSON.stringify(entries).includes(clientSecret), 'the journal does not hold the secret');
      });

      it('refuses a client for an unknown system or for another department', async () => {
        await refused(db, 'not_found', () => createApiClient(db, policeAdmin, POLICE, { system: 'no-such-system', name: 'x', roles: [] }));
        await refused(db, 'forbidden', () => createApiClient(db, waterAdmin, POLICE, { system: 'hukou', name: 'x', roles: [] }));
      });

      it('authenticates the client with its secret, and refuses a wrong secret or an unknown client', async () => {
        const client = await authenticateApiClient(db, clientId, clientSecret);
        assert.ok(client);
        assert.equal(client.clientId, clientId);
        assert.equal(await authenticateApiClient(db, clientId, `${clientSecret.slice(0, -1)}${clientSecret.endsWith('A') ? 'B' : 'A'}`), null);
        assert.equal(await authenticateApiClient(db, `${POLICE}.hukou.00000000`, clientSecret), null);
      });

      it('makes an actor of the client that acts for its department', async () => {
        const client = await findApiClient(db, clientId);
        assert.ok(client);
        assert.deepEqual(clientActor(client, 'r7'), { actor: `client:${clientId}`, kind: 'client', department: POLICE, roles: ['clerk'], requestId: 'r7' });
      });

      it('refuses a disabled client even with the right secret', async () => {
        await refused(db, 'forbidden', () => disableApiClient(db, waterAdmin, clientId));
        const disabled = await disableApiClient(db, policeAdmin, clientId);
        assert.equal(disabled.disabled, true);
        assert.equal(await authenticateApiClient(db, clientId, clientSecret), null);
      });
    });
  });
}
