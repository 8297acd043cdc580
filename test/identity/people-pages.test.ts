import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addNote, casePolicy, createCase } from '../../src/cases/service.ts';
import type { Case } from '../../src/cases/schema.ts';
import { subjectOf } from '../../src/exchange/service.ts';
import { DEMO_PASSWORD } from '../../src/hub/demo.ts';
import { PERSON_COOKIE } from '../../src/identity/person-auth.ts';
import { getPerson, registerPerson, type Person } from '../../src/identity/people.service.ts';
import { SESSION_COOKIE } from '../../src/identity/request-auth.ts';
import { beginJournaledWrite, insertRow } from '../../src/journal/service.ts';
import { systemActor } from '../../src/platform/access.ts';
import { maskCitizenId, maskPhone } from '../../src/platform/masking.ts';
import { demoDepartments } from '../../src/registry/demo-data.ts';
import { t } from '../../src/web/i18n.ts';
import { databaseTargets } from '../support/databases.ts';
import { codeOf, testBackend, type Backend } from '../support/exchange.ts';
import { browser, signedIn, testHub, type Browser, type TestHub } from '../support/hub.ts';
import { PERSON_PASSWORD, citizenId, enterpriseUscc, mobile, signedInPerson } from '../support/people.ts';

/**
 * The portal's account pages through the inject browser, as a browser without JavaScript uses
 * them: registering (and being refused), signing in and out, the personal centre with one's own
 * applications and who looked one's data up, and the progress lookup without an account.
 */
const zh = (key: Parameters<typeof t>[1], params?: Record<string, string | number>) => t('zh-CN', key, params);
const dept = (key: string) => demoDepartments.find((d) => d.key === key)!;

function errorSummary(html: string): string {
  return /<div class="error-summary"[^>]*>([\s\S]*?)<\/div>/.exec(html)?.[1] ?? '';
}

function section(html: string, id: string): string {
  return new RegExp(`<section id="${id}"[\\s\\S]*?</section>`).exec(html)?.[0] ?? '';
}

/** A GB 11643 number whose check character is X, to type in lower case. */
function citizenIdEndingInX(): string {
  for (;;) {
    const id = citizenId();
    if (id.endsWith('X')) return id;
  }
}

async function register(b: Browser, form: Record<string, string>, query = '') {
  await b.request('GET', `/account/register${query}`);
  return b.request('POST', '/account/register', { _csrf: b.csrf ?? '', ...form });
}

for (const target of databaseTargets) {
  describe(`${target.kind}: the portal's account pages`, { skip: target.skip }, () => {
    let hub: TestHub;
    const policy = () => casePolicy({ calendar: hub.hub.calendar, referencePrefix: 'DL' });
    const count = async () => Number((await hub.hub.database.db.selectFrom('people').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const apply = (person: Person, subject: string, department = dept('psb').uscc): Promise<Case> => createCase(hub.hub.database, policy(), systemActor('portal'), {
      type: 'application', subject, applicant: `person:${person.id}`, applicantName: person.name, department,
    });

    before(async () => {
      hub = await testHub(target.kind);
    });
    after(() => hub?.close());

    it('offers sign-in in the portal\'s header and a registration form for citizens and for enterprises', async () => {
      const home = await browser(hub.app).request('GET', '/');
      assert.match(home.body, /<a class="signin" href="\/account\/signin">登录<\/a>/);
      const citizen = await browser(hub.app).request('GET', '/account/register');
      assert.equal(citizen.statusCode, 200);
      assert.match(citizen.body, new RegExp(`<h1>${zh('people.register.citizen.title')}</h1>`));
      assert.match(citizen.body, /<label for="idNumber">公民身份号码<\/label>/);
      assert.match(citizen.body, /<label for="email">电子邮箱（选填）<\/label>/);
      const enterprise = await browser(hub.app).request('GET', '/account/register?kind=enterprise');
      assert.match(enterprise.body, /<label for="idNumber">统一社会信用代码<\/label>/);
      assert.match(enterprise.body, /<label for="contactName">联系人姓名<\/label>/);
    });

    it('refuses bad input with the error summary, keeps what was typed and never the password', async () => {
      const before = await count();
      const good = citizenId();
      const badNumber = `${good.slice(0, 17)}${good[17] === '0' ? '1' : '0'}`;
      const b = browser(hub.app);
      const refused = await register(b, { kind: 'citizen', name: '', idNumber: badNumber, phone: '12345', email: 'nobody', password: 'Tiny-pw' });
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /<title>错误：/);
      const summary = errorSummary(refused.body);
      for (const [field, key] of [['name', 'people.error.name.missing'], ['idNumber', 'people.error.idNumber.checkDigit'], ['phone', 'people.error.phone.length'], ['email', 'people.error.email.format'], ['password', 'people.error.password.tooShort']] as const) {
        assert.ok(summary.includes(`<a href="#${field}">${zh(key)}</a>`), `${field}: ${summary}`);
      }
      assert.match(refused.body, new RegExp(`id="idNumber" name="idNumber" value="${badNumber}"`));
      assert.match(refused.body, /id="email" name="email" value="nobody"/);
      assert.ok(!refused.body.includes('Tiny-pw'), 'the password is not sent back');
      assert.match(refused.body, /id="idNumber"[^>]*aria-invalid="true"[^>]*aria-describedby="idNumber-hint idNumber-error"/);

      const english = await register(browser(hub.app), { kind: 'citizen', name: 'Wang', idNumber: '210202900101123', phone: '13912345678', password: PERSON_PASSWORD }, '?lang=en');
      assert.equal(english.statusCode, 400);
      assert.match(errorSummary(english.body), /This is an old 15-digit number; enter the 18-character number on your identity card/);
      assert.equal(await count(), before, 'nothing was registered');
    });

    it('refuses a registration form that did not come from the site', async () => {
      const before = await count();
      const form = { kind: 'citizen', name: '韩梅', idNumber: citizenId(), phone: mobile(), password: PERSON_PASSWORD };
      const forged = await browser(hub.app).request('POST', '/account/register', { ...form, _csrf: 'made-up' });
      assert.equal(forged.statusCode, 403);
      assert.match(errorSummary(forged.body), new RegExp(zh('people.error.form')));
      assert.match(forged.body, new RegExp(`value="${form.idNumber}"`), 'what was typed is kept');
      assert.equal(await count(), before);
    });

    it('registers a citizen typed in varied formats, signs them in and opens the personal centre', async () => {
      const id = citizenIdEndingInX();
      const phone = mobile();
      const b = browser(hub.app);
      const done = await register(b, {
        kind: 'citizen', name: '  欧阳 晓明 ', idNumber: ` ${id.slice(0, 6)} ${id.slice(6, 14)} ${id.slice(14).toLowerCase()} `, phone: `+86 ${phone.slice(0, 3)}-${phone.slice(3, 7)}-${phone.slice(7)}`,
        email: '', password: PERSON_PASSWORD,
      });
      assert.equal(done.statusCode, 303, done.body.slice(0, 500));
      assert.equal(done.headers.location, '/my?registered=unavailable');
      assert.ok(b.cookies.get(PERSON_COOKIE), 'signed in');
      const my = await b.request('GET', done.headers.location);
      assert.equal(my.statusCode, 200);
      assert.match(my.body, /<h1>我的账户<\/h1>/);
      assert.match(my.body, new RegExp(zh('my.notice.registered.unavailable')));
      assert.match(my.body, /<td>欧阳晓明<\/td>/);
      assert.ok(my.body.includes(maskCitizenId(id)) && !my.body.includes(id), 'the ID number is masked');
      assert.ok(my.body.includes(maskPhone(phone)) && !my.body.includes(phone), 'the mobile number is masked');
      assert.match(my.body, /<td id="verification" data-state="unverified">尚未核验<\/td>/);
      assert.match(my.body, new RegExp(`id="verification-unavailable" class="notice">${zh('my.verify.unavailable')}`));
      assert.match(section(my.body, 'messages'), /<h2 id="messages-heading">我的消息<\/h2>/);
      assert.match(section(my.body, 'my-data'), new RegExp(zh('my.data.none')));
      assert.match(section(my.body, 'applications'), new RegExp(zh('my.cases.none')));
      assert.match(my.body, /<a href="\/my">我的账户（欧阳晓明）<\/a>/, 'the header links the personal centre');

      const again = await register(browser(hub.app), { kind: 'citizen', name: '李雷', idNumber: id.toLowerCase(), phone: mobile(), password: PERSON_PASSWORD });
      assert.equal(again.statusCode, 409);
      assert.match(errorSummary(again.body), new RegExp(`<a href="#idNumber">${zh('people.error.idNumber.taken')}</a>`));
      assert.ok(!again.body.includes('欧阳'), 'nothing about the account that holds the number');
    });

    it('registers an enterprise with its contact person', async () => {
      const code = enterpriseUscc();
      const missing = await register(browser(hub.app), { kind: 'enterprise', name: '大连星海科技有限公司', idNumber: code, phone: mobile(), password: PERSON_PASSWORD }, '?kind=enterprise');
      assert.equal(missing.statusCode, 400);
      assert.match(errorSummary(missing.body), new RegExp(`<a href="#contactName">${zh('people.error.contactName.missing')}</a>`));
      assert.match(missing.body, /<input type="hidden" name="kind" value="enterprise"/);
      const b = browser(hub.app);
      const done = await register(b, { kind: 'enterprise', name: '大连星海科技有限公司', idNumber: code.toLowerCase(), contactName: '周敏', phone: mobile(), password: PERSON_PASSWORD }, '?kind=enterprise');
      assert.equal(done.statusCode, 303);
      const my = await b.request('GET', '/my');
      assert.match(my.body, /<td>法人（企业）<\/td>/);
      assert.match(my.body, /<td>周敏<\/td>/);
      assert.match(section(my.body, 'my-data'), new RegExp(zh('my.data.enterprise')));
    });

    it('signs in by number or mobile, honours only local return addresses, and locks after repeated failures', async () => {
      const person = await registerPerson(hub.hub.database, { kind: 'citizen', name: '冯雪', idNumber: citizenId(), phone: mobile(), password: PERSON_PASSWORD });
      const signIn = async (identifier: string, password: string, returnTo?: string) => {
        const b = browser(hub.app);
        const form = await b.request('GET', `/account/signin${returnTo ? `?return=${encodeURIComponent(returnTo)}` : ''}`);
        if (returnTo) assert.match(form.body, new RegExp(zh('people.signin.required')));
        const sent = await b.request('POST', '/account/signin', { kind: 'citizen', identifier, password, _csrf: b.csrf ?? '', ...(returnTo && { return: returnTo }) });
        return { b, sent };
      };
      const local = await signIn(person.phone, PERSON_PASSWORD, '/my/cases/DL-2026-000001');
      assert.equal(local.sent.statusCode, 303);
      assert.equal(local.sent.headers.location, '/my/cases/DL-2026-000001');
      for (const away of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
        const { sent } = await signIn(person.idNumber, PERSON_PASSWORD, away);
        assert.equal(sent.headers.location, '/my', away);
      }
      const { sent: wrong } = await signIn(person.idNumber.toLowerCase(), 'not-the-password');
      assert.equal(wrong.statusCode, 401);
      assert.match(errorSummary(wrong.body), new RegExp(zh('people.signin.wrong')));
      assert.match(wrong.body, new RegExp(`name="identifier" value="${person.idNumber.toLowerCase()}"`), 'the number is kept');
      assert.ok(!wrong.body.includes('not-the-password'));
      for (let i = 1; i < hub.config.maxFailedSignIns; i++) await signIn(person.idNumber, 'not-the-password');
      const { sent: locked } = await signIn(person.idNumber, PERSON_PASSWORD);
      assert.equal(locked.statusCode, 423);
      assert.match(errorSummary(locked.body), new RegExp(zh('people.signin.locked')));
    });

    it('slows guessing at one account from one address, and lets everyone else behind that address sign in', async () => {
      const unknown = citizenId();
      const tryOnce = async (identifier: string, password: string) => {
        const b = browser(hub.app);
        await b.request('GET', '/account/signin');
        return b.request('POST', '/account/signin', { kind: 'citizen', identifier, password, _csrf: b.csrf ?? '' });
      };
      for (let i = 1; i <= 10; i++) assert.equal((await tryOnce(unknown, `guess-${i}-password`)).statusCode, 401, `try ${i}`);
      const eleventh = await tryOnce(` ${unknown.toLowerCase()} `, 'guess-11-password');
      assert.equal(eleventh.statusCode, 429);
      assert.ok(Number(eleventh.headers['retry-after']) > 0);
      assert.match(errorSummary(eleventh.body), new RegExp(zh('people.signin.tooMany')));
      const neighbour = await registerPerson(hub.hub.database, { kind: 'citizen', name: '秦岚', idNumber: citizenId(), phone: mobile(), password: PERSON_PASSWORD });
      assert.equal((await tryOnce(neighbour.idNumber, PERSON_PASSWORD)).statusCode, 303);
    });

    it('keeps people and staff apart: a person opens no staff page or staff API, a staff member no personal page', async () => {
      const { browser: person } = await signedInPerson(hub.app, hub.hub.database);
      for (const url of ['/staff', '/staff/cases', '/console']) {
        const page = await person.request('GET', url);
        assert.equal(page.statusCode, 303, url);
        assert.match(page.headers.location as string, /^\/signin\?return=/, url);
      }
      const api = await person.request('GET', '/api/v1/me', undefined, { accept: 'application/json' });
      assert.equal(api.statusCode, 401);
      const asStaffCookie = browser(hub.app);
      asStaffCookie.cookies.set(SESSION_COOKIE, person.cookies.get(PERSON_COOKIE)!);
      assert.equal((await asStaffCookie.request('GET', '/staff')).statusCode, 303, 'a person\'s token is no staff session');

      const clerk = await signedIn(hub.app, 'psb-clerk', DEMO_PASSWORD);
      const my = await clerk.request('GET', '/my');
      assert.equal(my.statusCode, 303);
      assert.equal(my.headers.location, '/account/signin?return=%2Fmy');
      const asPersonCookie = browser(hub.app);
      asPersonCookie.cookies.set(PERSON_COOKIE, clerk.cookies.get(SESSION_COOKIE)!);
      assert.match((await asPersonCookie.request('GET', '/my')).headers.location as string, /^\/account\/signin\?return=%2Fmy&expired=1$/, 'a staff token is no person\'s session');
    });

    it('refuses a personal form without the session\'s token', async () => {
      const { browser: b } = await signedInPerson(hub.app, hub.hub.database);
      const missing = await b.request('POST', '/my/verify', {});
      assert.equal(missing.statusCode, 403);
      const forged = await b.request('POST', '/my/verify', { _csrf: 'forged' });
      assert.equal(forged.statusCode, 403);
      const header = await b.request('POST', '/my/verify', {}, { 'x-csrf-token': b.csrf! });
      assert.equal(header.statusCode, 303);
      const ok = await b.request('POST', '/my/verify', { _csrf: b.csrf! });
      assert.equal(ok.statusCode, 303);
      assert.equal(ok.headers.location, '/my?verify=unavailable');
      assert.equal((await b.request('POST', '/track', { reference: 'DL-2026-000001', name: '某人' })).statusCode, 403, 'every form of a signed-in person');
    });

    it('lists only one\'s own applications, shows their public timeline, and nobody else\'s', async () => {
      const { browser: a, person: alice } = await signedInPerson(hub.app, hub.hub.database, { name: '苏晴' });
      const { person: bob } = await signedInPerson(hub.app, hub.hub.database, { name: '蒋涛' });
      const mine = await apply(alice, '居民身份证换领');
      const second = await apply(alice, '企业设立登记', dept('amr').uscc);
      const theirs = await apply(bob, '户口迁移');
      await addNote(hub.hub.database, policy(), systemActor('test'), mine.id, { text: '请携带户口簿原件到窗口核验。', visibility: 'public' });
      await addNote(hub.hub.database, policy(), systemActor('test'), mine.id, { text: '内部：申请人此前有过挂失记录。', visibility: 'internal' });

      const my = await a.request('GET', '/my');
      const listed = section(my.body, 'applications');
      for (const c of [mine, second]) assert.ok(listed.includes(`<a href="/my/cases/${c.reference}">${c.reference}</a>`), c.reference);
      assert.ok(!listed.includes(theirs.reference), 'not another person\'s application');
      assert.match(listed, new RegExp(`<td>${dept('amr').nameZh}</td>`));

      const page = await a.request('GET', `/my/cases/${mine.reference}`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, new RegExp(`<h1>${zh('my.case.title', { reference: mine.reference })}</h1>`));
      assert.match(page.body, /请携带户口簿原件到窗口核验。/);
      assert.ok(!page.body.includes('挂失记录'), 'internal notes stay internal');
      assert.match(page.body, /<td id="case-state">已提交<\/td>/);
      assert.equal((await a.request('GET', `/my/cases/${theirs.reference}`)).statusCode, 404);
      assert.equal((await a.request('GET', `/my/cases/${theirs.id}`)).statusCode, 404, 'nor by its id');
      assert.equal((await a.request('GET', '/my/cases/DL-1999-999999')).statusCode, 404);
    });

    it('shows which departments looked the person up through the exchange, with their names', async () => {
      const { browser: b, person } = await signedInPerson(hub.app, hub.hub.database);
      const HRSS = dept('hrss');
      await hub.hub.database.transaction(async (tx) => {
        await beginJournaledWrite(tx);
        await insertRow(tx, systemActor('test'), 'subject_access', {
          id: 'msg-lookup-1', at: '2026-03-02T01:30:00.000Z', subject: subjectOf(`CN${person.idNumber}`), client: `${HRSS.uscc}/social-insurance`,
          provider: dept('psb').uscc, service: 'population/persons', issue: 'SB-2026-000123', purpose: '社会保险参保登记', outcome: 'ok',
        });
      });
      const my = await b.request('GET', '/my');
      const table = /<table id="my-data-lookups">[\s\S]*?<\/table>/.exec(section(my.body, 'my-data'))?.[0] ?? '';
      assert.match(table, new RegExp(`<caption>${zh('my.data.caption')}</caption>`));
      assert.match(table, /<td>2026-03-02 09:30<\/td>/);
      assert.match(table, new RegExp(`<td>${HRSS.nameZh}</td>`));
      assert.match(table, new RegExp(`<span>${dept('psb').nameZh}</span> <code>population/persons</code>`));
      assert.match(table, /<td>SB-2026-000123<\/td><td>社会保险参保登记<\/td><td>已提供<\/td>/);
    });

    it('signs out', async () => {
      const { browser: b } = await signedInPerson(hub.app, hub.hub.database);
      const out = await b.request('POST', '/account/signout', { _csrf: b.csrf! });
      assert.equal(out.statusCode, 303);
      assert.equal(out.headers.location, '/');
      assert.equal(b.cookies.has(PERSON_COOKIE), false);
      assert.equal((await b.request('GET', '/my')).statusCode, 303);
      assert.match((await b.request('GET', '/')).body, /href="\/account\/signin"/);
    });

    it('tracks an application by reference and name without an account, says nothing more for a wrong name, and limits the guessing', async () => {
      const person = await getPerson(hub.hub.database, (await registerPerson(hub.hub.database, { kind: 'citizen', name: '沈佳', idNumber: citizenId(), phone: mobile(), password: PERSON_PASSWORD })).id);
      const c = await apply(person, '出生医学证明补发');
      const b = browser(hub.app);
      const form = await b.request('GET', '/track');
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /<label for="reference">办件编号<\/label>/);
      const found = await b.request('POST', '/track', { reference: ` ${c.reference.toLowerCase()} `, name: ' 沈佳 ' });
      assert.equal(found.statusCode, 200);
      assert.match(found.body, new RegExp(`<h1>${zh('track.result.title', { reference: c.reference })}</h1>`));
      assert.match(found.body, /<table id="timeline"/);
      assert.match(found.body, /出生医学证明补发/);

      const wrongName = await b.request('POST', '/track', { reference: c.reference, name: '沈佳佳' });
      const unknown = await b.request('POST', '/track', { reference: 'DL-1999-999999', name: '沈佳' });
      assert.equal(wrongName.statusCode, 404);
      assert.equal(unknown.statusCode, 404);
      assert.equal(errorSummary(wrongName.body), errorSummary(unknown.body), 'the same answer whether the number exists or not');
      assert.match(errorSummary(wrongName.body), new RegExp(zh('track.error.notFound')));
      assert.ok(!wrongName.body.includes('出生医学证明补发'));
      const empty = await b.request('POST', '/track', { reference: '', name: '' });
      assert.equal(empty.statusCode, 400);
      assert.match(errorSummary(empty.body), /href="#reference"[\s\S]*href="#name"/);

      let limited = null;
      for (let i = 0; i < 12 && !limited; i++) {
        const attempt = await b.request('POST', '/track', { reference: `DL-2026-${String(900_000 + i)}`, name: '沈佳' });
        if (attempt.statusCode === 429) limited = attempt;
      }
      assert.ok(limited, 'the lookup is rate-limited');
      assert.match(limited.body, new RegExp(zh('error.status.429')));
    });
  });

  describe(`${target.kind}: real-name verification from the account pages`, { skip: target.skip }, () => {
    let hub: TestHub;
    let backend: Backend;
    const population = new Map<string, string>();

    before(async () => {
      const PSB = codeOf('psb');
      // Stands for the portal's own gateway, answering as the population registry behind the exchange would.
      backend = await testBackend((req, _body, res) => {
        const url = new URL(req.url ?? '/', 'http://gateway');
        if (url.pathname !== `/r1/${PSB}/population/id-verification/verifications`) {
          res.writeHead(404, { 'content-type': 'application/json', 'egov-error': 'Client.UnknownService' }).end('{}');
          return;
        }
        const idNumber = url.searchParams.get('idNumber') ?? '';
        const name = url.searchParams.get('name') ?? '';
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ idNumber, name, consistent: population.get(idNumber) === name, cardValid: true, cardValidUntil: null }));
      });
      hub = await testHub(target.kind, { flags: { portalGateway: backend.url, portalClient: `${codeOf('gov-office')}/portal` } });
    });
    after(async () => {
      await hub?.close();
      await backend?.close();
    });

    it('verifies right after registration, and stores the outcome on the person', async () => {
      const id = citizenId();
      population.set(id, '郑伟');
      const b = browser(hub.app);
      const done = await register(b, { kind: 'citizen', name: '郑伟', idNumber: id, phone: mobile(), password: PERSON_PASSWORD });
      assert.equal(done.headers.location, '/my?registered=verified');
      const my = await b.request('GET', '/my');
      assert.match(my.body, /<td id="verification" data-state="verified">已通过（\d{4}-\d\d-\d\d \d\d:\d\d）<\/td>/);
      assert.ok(!my.body.includes('action="/my/verify"'), 'nothing left to verify');
    });

    it('records a failed check, and checks again on demand from the personal centre', async () => {
      const id = citizenId();
      population.set(id, '郑薇');
      const b = browser(hub.app);
      const done = await register(b, { kind: 'citizen', name: '郑伟', idNumber: id, phone: mobile(), password: PERSON_PASSWORD });
      assert.equal(done.headers.location, '/my?registered=failed');
      const my = await b.request('GET', '/my');
      assert.match(my.body, /data-state="failed">未通过/);
      assert.match(my.body, new RegExp(`<button type="submit">${zh('my.verify.again')}</button>`));
      population.set(id, '郑伟');
      const again = await b.request('POST', '/my/verify', { _csrf: b.csrf! });
      assert.equal(again.headers.location, '/my?verify=verified');
      assert.match((await b.request('GET', again.headers.location)).body, new RegExp(`class="notice ok" role="status">${zh('my.notice.verify.verified')}`));
    });

    it('lets a person whose name the register refused correct it, checks it at once, and stops after three corrections', async () => {
      const id = citizenId();
      population.set(id, '郑晓薇');
      const b = browser(hub.app);
      assert.equal((await register(b, { kind: 'citizen', name: '郑小薇', idNumber: id, phone: mobile(), password: PERSON_PASSWORD })).headers.location, '/my?registered=failed');
      const my = await b.request('GET', '/my');
      assert.match(my.body, /<form method="post" action="\/my\/name"/);
      assert.match(my.body, /id="name-correction" name="name" value="郑小薇"/);

      const empty = await b.request('POST', '/my/name', { _csrf: b.csrf!, name: '  ' });
      assert.equal(empty.statusCode, 400);
      assert.match(empty.body, /<title>错误：/);
      assert.match(empty.body, new RegExp(`href="#name-correction">${zh('people.error.name.missing')}`));
      assert.match(empty.body, /id="name-correction" name="name" value=""[^>]*aria-invalid="true"/);
      assert.match(empty.body, /href="\/my\?lang=en"/, 'the language switch leads to the page, not to the form\'s address');

      // Two wrong guesses and a right one: each is checked against the register at once.
      for (const wrong of ['郑晓微', '郑肖薇']) {
        assert.equal((await b.request('POST', '/my/name', { _csrf: b.csrf!, name: wrong })).headers.location, '/my?verify=failed');
      }
      const corrected = await b.request('POST', '/my/name', { _csrf: b.csrf!, name: ' 郑 晓薇 ' });
      assert.equal(corrected.headers.location, '/my?verify=verified');
      const verified = await b.request('GET', '/my');
      assert.match(verified.body, /data-state="verified"/);
      assert.match(verified.body, /<td>郑晓薇<\/td>/);
      assert.ok(!verified.body.includes('action="/my/name"'), 'a verified name is not corrected online');
      const locked = await b.request('POST', '/my/name', { _csrf: b.csrf!, name: '别的名字' });
      assert.equal(locked.statusCode, 400);
      assert.match(locked.body, new RegExp(zh('people.error.name.verified')));

      // Another account that never matches: after three corrections it is sent to a counter.
      const other = citizenId();
      population.set(other, '孙倩');
      const c = browser(hub.app);
      await register(c, { kind: 'citizen', name: '孙茜', idNumber: other, phone: mobile(), password: PERSON_PASSWORD });
      await c.request('GET', '/my');
      for (const wrong of ['孙芊', '孙纤', '孙谦']) {
        assert.equal((await c.request('POST', '/my/name', { _csrf: c.csrf!, name: wrong })).headers.location, '/my?verify=failed');
      }
      const fourth = await c.request('POST', '/my/name', { _csrf: c.csrf!, name: '孙倩' });
      assert.equal(fourth.statusCode, 400);
      assert.match(fourth.body, new RegExp(zh('people.error.name.tooManyChanges')));
      const page = await c.request('GET', '/my');
      assert.match(page.body, /data-state="failed"/);
      assert.ok(page.body.includes(`id="name-correction-counter">${zh('my.name.counter')}</p>`), 'sent to a service counter');
      assert.ok(!page.body.includes('action="/my/name"'));
    });
  });
}
