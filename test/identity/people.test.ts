import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { citizenIdCheckChar, isCitizenId } from '../../src/basedata/citizen-id.ts';
import { secretColumns } from '../../src/hub/database.ts';
import {
  personActor, personOfActor, getPerson, registerPerson, registrationProblems, resumePersonSession, signInPerson, signOutPerson,
  verifyPerson, correctName, type Person,
} from '../../src/identity/people.service.ts';
import { checkIdNumber, checkPhone, checkUscc, normaliseIdNumber } from '../../src/identity/person-numbers.ts';
import { realNameCheck } from '../../src/identity/real-name.ts';
import type { SignInPolicy } from '../../src/identity/service.ts';
import { applyEntries, journalHead, readEntries } from '../../src/journal/service.ts';
import { portalExchange } from '../../src/onestop/exchange-client.ts';
import { systemActor } from '../../src/platform/access.ts';
import type { DomainError } from '../../src/platform/errors.ts';
import { usccCheckChar, isUscc } from '../../src/registry/uscc.ts';
import { databaseTargets, freshDatabase, type TestDatabase } from '../support/databases.ts';
import { codeOf, testBackend, type Backend } from '../support/exchange.ts';
import { testHub, type TestHub } from '../support/hub.ts';
import { PERSON_PASSWORD, citizenId, enterpriseUscc, mobile } from '../support/people.ts';
import { refusal } from '../support/errors.ts';

const policy: SignInPolicy = { maxFailedSignIns: 3, lockoutMinutes: 15, sessionHours: 8 };

const detailOf = (error: DomainError) => error.detail as { field?: string; problem?: string };

// ——— The numbers people type ———

const digit = fc.integer({ min: 0, max: 9 }).map(String);
/** Valid GB 11643 numbers: a province that exists, a real birth date, any sequence number. */
const validId = fc.tuple(
  fc.constantFrom('110101', '210202', '210211', '310115', '440305', '650102'),
  fc.date({ min: new Date('1920-01-01T00:00:00Z'), max: new Date('2020-12-31T00:00:00Z'), noInvalidDate: true }),
  fc.array(digit, { minLength: 3, maxLength: 3 }),
).map(([region, birth, seq]) => {
  const first17 = `${region}${birth.toISOString().slice(0, 10).replaceAll('-', '')}${seq.join('')}`;
  return first17 + citizenIdCheckChar(first17);
});
const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const validUscc = fc.array(fc.constantFrom(...USCC_CHARS), { minLength: 17, maxLength: 17 }).map((c) => c.join('') + usccCheckChar(c.join('')));
const FULL_WIDTH = (ch: string) => (/[0-9A-Za-z]/.test(ch) ? String.fromCharCode(ch.charCodeAt(0) + 0xfee0) : ch);

/** The way people type a number: grouped with spaces or hyphens, some characters full-width, letters in either case. */
const typed = (value: string) => fc.array(fc.tuple(fc.constantFrom('', ' ', '-', '\u3000', ' - '), fc.boolean(), fc.boolean()), { minLength: value.length, maxLength: value.length })
  .map((ways) => [...value].map((ch, i) => {
    const [sep, wide, lower] = ways[i]!;
    const cased = lower ? ch.toLowerCase() : ch;
    return sep + (wide ? FULL_WIDTH(cased) : cased);
  }).join('') + ' ');

describe('the numbers people type', () => {
  it('reads an ID number however it is typed, and keeps it as the card prints it', () => {
    fc.assert(fc.property(validId.chain((id) => fc.tuple(fc.constant(id), typed(id))), ([id, written]) => {
      const checked = checkIdNumber(written);
      assert.equal(checked.problem, null, `${JSON.stringify(written)}: ${checked.detail}`);
      assert.equal(checked.value, id);
      assert.equal(normaliseIdNumber(checked.value), checked.value, 'normalising twice changes nothing');
    }));
  });

  it('refuses every ID number with one character changed: the check character catches it', () => {
    fc.assert(fc.property(validId, fc.integer({ min: 0, max: 17 }), fc.integer({ min: 1, max: 10 }), (id, at, shift) => {
      const alphabet = at === 17 ? '0123456789X' : '0123456789';
      const changed = alphabet[(alphabet.indexOf(id[at]!) + shift) % alphabet.length]!;
      fc.pre(changed !== id[at]);
      const wrong = id.slice(0, at) + changed + id.slice(at + 1);
      const checked = checkIdNumber(wrong);
      assert.ok(checked.problem === 'checkDigit' || checked.problem === 'notIssued', `${wrong} passed`);
      assert.equal(isCitizenId(wrong), false);
    }));
  });

  it('reads a credit code however it is typed, and refuses one with a character changed', () => {
    fc.assert(fc.property(validUscc.chain((code) => fc.tuple(fc.constant(code), typed(code))), ([code, written]) => {
      const checked = checkUscc(written);
      assert.equal(checked.problem, null, `${JSON.stringify(written)}: ${checked.detail}`);
      assert.equal(checked.value, code);
    }));
    fc.assert(fc.property(validUscc, fc.integer({ min: 0, max: 17 }), fc.integer({ min: 1, max: 30 }), (code, at, shift) => {
      const wrong = code.slice(0, at) + USCC_CHARS[(USCC_CHARS.indexOf(code[at]!) + shift) % 31]! + code.slice(at + 1);
      assert.equal(checkUscc(wrong).problem, 'checkDigit');
      assert.equal(isUscc(wrong), false);
    }));
  });

  it('names what is wrong with a number in a way a person can act on', () => {
    assert.equal(checkIdNumber('').problem, 'missing');
    assert.equal(checkIdNumber('21020219900101123').problem, 'length');
    assert.equal(checkIdNumber('210202900101123').problem, 'old15');
    assert.equal(checkIdNumber('2102021990010112A4').problem, 'characters');
    assert.equal(checkIdNumber('210202199001011234').problem, 'checkDigit');
    assert.equal(checkIdNumber('990202199001011232').problem, 'notIssued', 'no province 99, though the check character fits');
    assert.equal(checkUscc('91210200MA0XYZ12').problem, 'length');
    assert.equal(checkUscc('91210200MA0XYZI23O').problem, 'characters');
  });

  it('reads a mobile number with its country code and separators, and refuses what no mainland operator issues', () => {
    for (const written of ['13812345678', '138 1234 5678', '+86 138-1234-5678', '0086 13812345678', '8613812345678', '１３８１２３４５６７８']) {
      assert.deepEqual(checkPhone(written), { value: '13812345678', problem: null, detail: null }, written);
    }
    assert.equal(checkPhone('1381234567').problem, 'length');
    assert.equal(checkPhone('12812345678').problem, 'notIssued');
    assert.equal(checkPhone('138-1234-567a').problem, 'characters');
  });

  it('lists every problem of a registration at once', () => {
    const { problems } = registrationProblems({ kind: 'citizen', name: ' ', idNumber: '210202199001011235', phone: '123', email: 'nobody', password: 'short' });
    assert.deepEqual(problems.map((p) => `${p.field}:${p.code}`), ['name:missing', 'idNumber:checkDigit', 'phone:length', 'email:format', 'password:tooShort']);
    const enterprise = registrationProblems({ kind: 'enterprise', name: '大连海韵贸易有限公司', idNumber: enterpriseUscc(), phone: '13900000000', password: '13900000000' });
    assert.deepEqual(enterprise.problems.map((p) => `${p.field}:${p.code}`), ['contactName:missing', 'password:sameAsNumber']);
  });
});

// ——— Accounts on both databases ———

for (const target of databaseTargets) {
  describe(`${target.kind}: citizen and enterprise accounts`, { skip: target.skip }, () => {
    let test: TestDatabase;
    let wang: Person;
    const wangId = citizenId();
    const wangPhone = mobile();

    before(async () => {
      test = await freshDatabase(target.kind);
    });
    after(() => test?.close());

    const count = async () => Number((await test.database.db.selectFrom('people').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

    it('registers a citizen typed with spaces, a lower-case x and full-width digits, and journals it without the password hash in view', async () => {
      const spaced = `${wangId.slice(0, 6)} ${wangId.slice(6, 14)} ${FULL_WIDTH(wangId[14]!)}${wangId.slice(15).toLowerCase()}`;
      wang = await registerPerson(test.database, {
        kind: 'citizen', name: ' 王 小明 ', idNumber: spaced, phone: `+86 ${wangPhone.slice(0, 3)} ${wangPhone.slice(3)}`, email: 'wang@example.cn', password: PERSON_PASSWORD,
      }, 'req-reg');
      assert.equal(wang.idNumber, wangId);
      assert.equal(wang.phone, wangPhone);
      assert.equal(wang.name, '王小明', 'a space typed inside a Chinese name is not part of it');
      assert.equal(wang.verification, 'unverified');
      assert.equal(wang.verifiedAt, null);
      assert.deepEqual(await getPerson(test.database, wang.id), wang);
      const entries = await readEntries(test.database.db, 0, 10_000);
      const entry = entries.find((e) => e.entity === 'people' && e.key === wang.id);
      assert.ok(entry, 'the registration is in the journal');
      assert.equal(entry.actor, `person:${wang.id}`);
      assert.equal(entry.requestId, 'req-reg');
      assert.ok(secretColumns.people?.includes('password_hash'), 'the journal API hides the password hash');
    });

    it('refuses a wrong check digit, and writes nothing', async () => {
      const before = { people: await count(), seq: (await journalHead(test.database.db)).seq };
      const good = citizenId();
      const error = await refusal('invalid_input', () => registerPerson(test.database, {
        kind: 'citizen', name: '赵六', idNumber: good.slice(0, 17) + (good[17] === '0' ? '1' : '0'), phone: mobile(), password: PERSON_PASSWORD,
      }));
      assert.equal(detailOf(error).field, 'idNumber');
      assert.equal(detailOf(error).problem, 'checkDigit');
      assert.match(error.message, /check character is wrong/);
      assert.deepEqual({ people: await count(), seq: (await journalHead(test.database.db)).seq }, before);
    });

    it('allows one account per ID number and per mobile number, and says so without telling whose', async () => {
      const before = await count();
      const taken = await refusal('conflict', () => registerPerson(test.database, {
        kind: 'citizen', name: '李四', idNumber: wangId.toLowerCase(), phone: mobile(), password: PERSON_PASSWORD,
      }));
      assert.equal(detailOf(taken).field, 'idNumber');
      assert.doesNotMatch(taken.message, /王|小明|wang@|139/);
      const phone = await refusal('conflict', () => registerPerson(test.database, {
        kind: 'citizen', name: '李四', idNumber: citizenId(), phone: wangPhone, password: PERSON_PASSWORD,
      }));
      assert.equal(detailOf(phone).field, 'phone');
      assert.equal(await count(), before);
    });

    it('registers an enterprise by its credit code in lower case, with its contact person', async () => {
      const code = enterpriseUscc();
      const phone = mobile();
      const firm = await registerPerson(test.database, {
        kind: 'enterprise', name: '大连海韵贸易有限公司', idNumber: code.toLowerCase().replace(/(.{6})/g, '$1 '), contactName: '周敏', phone, password: PERSON_PASSWORD,
      });
      assert.equal(firm.kind, 'enterprise');
      assert.equal(firm.idNumber, code);
      assert.equal(firm.contactName, '周敏');
      // A citizen and an enterprise account may share a mobile number: one person is often both.
      const citizen = await registerPerson(test.database, { kind: 'citizen', name: '周敏', idNumber: citizenId(), phone, password: PERSON_PASSWORD });
      assert.equal(citizen.phone, phone);
      const missing = await refusal('invalid_input', () => registerPerson(test.database, {
        kind: 'enterprise', name: '大连另一家有限公司', idNumber: enterpriseUscc(), phone: mobile(), password: PERSON_PASSWORD,
      }));
      assert.equal(detailOf(missing).field, 'contactName');
    });

    it('signs in by ID number or mobile number, and the session acts as the person', async () => {
      const byNumber = await signInPerson(test.database, policy, { kind: 'citizen', identifier: wangId.toLowerCase(), password: PERSON_PASSWORD }, 'req-1');
      const resumed = await resumePersonSession(test.database, byNumber.token, 'req-2');
      assert.ok(resumed);
      assert.equal(resumed.person.id, wang.id);
      assert.deepEqual(resumed.actor, { actor: `person:${wang.id}`, kind: 'person', department: null, roles: [], requestId: 'req-2' });
      assert.equal(resumed.csrfToken, byNumber.csrfToken);
      assert.deepEqual(await personOfActor(test.database, resumed.actor), wang);
      assert.equal(await personOfActor(test.database, systemActor('portal')), null);
      assert.deepEqual(personActor(wang, null), { actor: `person:${wang.id}`, kind: 'person', department: null, roles: [], requestId: null });

      const byPhone = await signInPerson(test.database, policy, { kind: 'citizen', identifier: `${wangPhone.slice(0, 3)}-${wangPhone.slice(3)}`, password: PERSON_PASSWORD }, null);
      assert.equal((await resumePersonSession(test.database, byPhone.token, null))?.person.id, wang.id);
      await signOutPerson(test.database, byPhone.token);
      assert.equal(await resumePersonSession(test.database, byPhone.token, null), null);
      assert.equal(await resumePersonSession(test.database, 'not-a-token', null), null);
      // The same number as an enterprise is another account, which does not exist.
      await refusal('unauthenticated', () => signInPerson(test.database, policy, { kind: 'enterprise', identifier: wangId, password: PERSON_PASSWORD }, null));
    });

    it('locks an account after repeated wrong passwords, like a staff account, and gives an unknown number the same answer', async () => {
      const lena = await registerPerson(test.database, { kind: 'citizen', name: '刘娜', idNumber: citizenId(), phone: mobile(), password: PERSON_PASSWORD });
      const wrong = await refusal('unauthenticated', () => signInPerson(test.database, policy, { kind: 'citizen', identifier: citizenId(), password: PERSON_PASSWORD }, null));
      for (let i = 0; i < policy.maxFailedSignIns; i++) {
        const error = await refusal('unauthenticated', () => signInPerson(test.database, policy, { kind: 'citizen', identifier: lena.idNumber, password: 'not the password' }, null));
        assert.equal(error.message, wrong.message);
      }
      const locked = await refusal('account_locked', () => signInPerson(test.database, policy, { kind: 'citizen', identifier: lena.phone, password: PERSON_PASSWORD }, null));
      assert.match(locked.message, /locked/);
    });

    it('leaves an account unverified when no exchange is configured', async () => {
      const result = await verifyPerson(test.database, personActor(wang, null), wang.id, realNameCheck(null));
      assert.equal(result.outcome, 'unavailable');
      assert.equal((await getPerson(test.database, wang.id)).verification, 'unverified');
      await refusal('forbidden', () => verifyPerson(test.database, personActor({ id: 'someone-else' }, null), wang.id, realNameCheck(null)));
    });

    it('lets the holder correct an unverified name, as the registration form would take it, and nobody else', async () => {
      const before = await getPerson(test.database, wang.id);
      await refusal('forbidden', () => correctName(test.database, personActor({ id: 'someone-else' }, null), wang.id, '王晓明'));
      await refusal('invalid_input', () => correctName(test.database, personActor(wang, null), wang.id, ' '));
      await refusal('invalid_input', () => correctName(test.database, personActor(wang, null), wang.id, '王'.repeat(51)));
      const corrected = await correctName(test.database, personActor(wang, null), wang.id, ' 王 晓明 ');
      assert.equal(corrected.name, '王晓明');
      assert.equal(corrected.verification, 'unverified');
      assert.equal(corrected.nameChangesLeft, before.nameChangesLeft - 1);
      assert.equal((await correctName(test.database, personActor(wang, null), wang.id, '王晓明')).nameChangesLeft, corrected.nameChangesLeft, 'the same name again is no correction');
      await correctName(test.database, personActor(wang, null), wang.id, before.name);
    });

    it('writes every change of an account through the journal: replaying it reproduces the people table', async () => {
      const copy = await test.sibling();
      try {
        for (let after = 0; ;) {
          const entries = await readEntries(test.database.db, after, 500);
          if (entries.length === 0) break;
          await copy.database.transaction((tx) => applyEntries(tx, entries));
          after = entries.at(-1)!.seq;
        }
        const rows = (database: TestDatabase) => database.database.db.selectFrom('people').selectAll().orderBy('id').execute();
        const original = await rows(test);
        assert.equal(original.length, 4, '王小明, the enterprise, its contact as a citizen, 刘娜');
        assert.ok(original.some((r) => r.locked_until !== null) && original.some((r) => r.last_sign_in_at !== null), 'sign-ins and the lockout are in it');
        assert.deepEqual(await rows(copy), original);
        assert.equal(Number((await copy.database.db.selectFrom('person_sessions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n), 0, 'sessions are not replicated');
      } finally {
        await copy.close();
      }
    });
  });

  describe(`${target.kind}: real-name verification through the portal's exchange client`, { skip: target.skip }, () => {
    let hub: TestHub;
    let backend: Backend;
    let down = false;
    /** What the registries hold: ID number → name, credit code → record. */
    const population = new Map<string, string>();
    const enterprises = new Map<string, { name: string; status: string }>();
    const PSB = codeOf('psb');
    const AMR = codeOf('amr');

    before(async () => {
      // Stands for the portal's own gateway: it answers as the provider's backend behind the exchange would.
      backend = await testBackend((req, _body, res) => {
        const url = new URL(req.url ?? '/', 'http://gateway');
        const send = (status: number, body: unknown, extra: Record<string, string> = {}) => {
          res.writeHead(status, { 'content-type': 'application/json', ...extra }).end(JSON.stringify(body));
        };
        if (down) return send(502, { code: 'Server.ClientProxy.NetworkError', message: 'the provider gateway cannot be reached' }, { 'egov-error': 'Server.ClientProxy.NetworkError' });
        if (url.pathname === `/r1/${PSB}/population/id-verification/verifications`) {
          const idNumber = url.searchParams.get('idNumber') ?? '';
          const name = url.searchParams.get('name') ?? '';
          return send(200, { idNumber, name, consistent: population.get(idNumber) === name, cardValid: true, cardValidUntil: null });
        }
        const enterprise = /^\/r1\/([^/]+)\/business-reg\/enterprises\/enterprises\/([^/]+)$/.exec(url.pathname);
        if (enterprise && enterprise[1] === AMR) {
          const record = enterprises.get(decodeURIComponent(enterprise[2]!));
          return record ? send(200, { uscc: enterprise[2], ...record }) : send(404, { code: 'not_found', message: 'no enterprise is registered under this unified social credit code' });
        }
        return send(404, { code: 'Client.UnknownService', message: 'no such service' }, { 'egov-error': 'Client.UnknownService' });
      });
      hub = await testHub(target.kind, { flags: { portalGateway: backend.url, portalClient: `${codeOf('gov-office')}/portal` } });
    });
    after(async () => {
      await hub?.close();
      await backend?.close();
    });

    const register = (input: { kind?: 'citizen' | 'enterprise'; name: string; idNumber: string; contactName?: string }) =>
      registerPerson(hub.hub.database, { kind: 'citizen', phone: mobile(), password: PERSON_PASSWORD, ...input });

    it('verifies a citizen whose name matches the population registry, and keeps when', async () => {
      const id = citizenId();
      population.set(id, '陈静');
      const chen = await register({ name: '陈静', idNumber: id });
      const check = realNameCheck(portalExchange(hub.hub));
      const { outcome, person } = await verifyPerson(hub.hub.database, personActor(chen, 'req-v'), chen.id, check);
      assert.equal(outcome, 'verified');
      assert.equal(person.verification, 'verified');
      assert.ok(person.verifiedAt && Date.now() - Date.parse(person.verifiedAt) < 60_000);
      assert.deepEqual(await getPerson(hub.hub.database, chen.id), person);
      const asked = backend.seen.at(-1)!;
      assert.equal(asked.headers['egov-user-id'], `CN${id}`, 'the lookup is recorded under the person, for their "my data" page');
      assert.equal(asked.headers['egov-client'], `${codeOf('gov-office')}/portal`);
    });

    it('records a failure when the registry holds another name, and checks again on demand', async () => {
      const id = citizenId();
      population.set(id, '陈晶');
      const chen = await register({ name: '陈静', idNumber: id });
      const check = realNameCheck(portalExchange(hub.hub));
      const failed = await verifyPerson(hub.hub.database, personActor(chen, null), chen.id, check);
      assert.equal(failed.outcome, 'failed');
      assert.equal((await getPerson(hub.hub.database, chen.id)).verification, 'failed');
      assert.ok((await getPerson(hub.hub.database, chen.id)).verifiedAt);
      population.set(id, '陈静');
      assert.equal((await verifyPerson(hub.hub.database, personActor(chen, null), chen.id, check)).outcome, 'verified');
    });

    it('changes nothing when the exchange gives no answer', async () => {
      const id = citizenId();
      population.set(id, '马骏');
      const ma = await register({ name: '马骏', idNumber: id });
      down = true;
      try {
        const result = await verifyPerson(hub.hub.database, personActor(ma, null), ma.id, realNameCheck(portalExchange(hub.hub)));
        assert.equal(result.outcome, 'unavailable');
        assert.equal((await getPerson(hub.hub.database, ma.id)).verification, 'unverified');
      } finally {
        down = false;
      }
    });

    it('verifies an enterprise whose registered name matches, and refuses an unknown or deregistered one', async () => {
      const check = realNameCheck(portalExchange(hub.hub));
      const code = enterpriseUscc();
      enterprises.set(code, { name: '大连海韵贸易有限公司（中山分公司）', status: '存续' });
      const firm = await register({ kind: 'enterprise', name: '大连海韵贸易有限公司 (中山分公司)', idNumber: code, contactName: '周敏' });
      assert.equal((await verifyPerson(hub.hub.database, personActor(firm, null), firm.id, check)).outcome, 'verified', 'brackets typed half-width are the same name');
      const unknown = await register({ kind: 'enterprise', name: '不存在有限公司', idNumber: enterpriseUscc(), contactName: '周敏' });
      assert.equal((await verifyPerson(hub.hub.database, personActor(unknown, null), unknown.id, check)).outcome, 'failed');
      const goneCode = enterpriseUscc();
      enterprises.set(goneCode, { name: '大连已注销有限公司', status: '注销' });
      const gone = await register({ kind: 'enterprise', name: '大连已注销有限公司', idNumber: goneCode, contactName: '周敏' });
      assert.equal((await verifyPerson(hub.hub.database, personActor(gone, null), gone.id, check)).outcome, 'failed');
      assert.equal(backend.seen.filter((s) => s.url.includes('/business-reg/enterprises/')).every((s) => s.headers['egov-user-id'] === undefined), true, 'an enterprise is nobody\'s personal data');
    });
  });
}
