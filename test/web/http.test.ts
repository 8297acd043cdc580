import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../../src/hub/demo.ts';
import { journalHead } from '../../src/journal/service.ts';
import { governmentUscc } from '../../src/registry/uscc.ts';
import { t } from '../../src/web/i18n.ts';
import { databaseTargets } from '../support/databases.ts';
import { browser, signedIn, testHub, type Browser, type TestHub } from '../support/hub.ts';

for (const target of databaseTargets) {
  describe(`${target.kind}: the hub's HTTP face`, { skip: target.skip }, () => {
    let hub: TestHub;
    let admin: Browser;
    let clerk: Browser;

    before(async () => {
      hub = await testHub(target.kind, { flags: { bodyLimit: '4096' } });
      admin = await signedIn(hub.app, 'admin', DEMO_PASSWORD, DEMO_TOTP_SECRET);
      clerk = await signedIn(hub.app, 'psb-clerk', DEMO_PASSWORD);
    });
    after(() => hub?.close());

    async function headSeq(): Promise<number> {
      return (await journalHead(hub.test.database.db)).seq;
    }

    function api(b: Browser, method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
      return hub.app.inject({
        method: method as 'POST', url,
        headers: {
          cookie: [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
          'x-csrf-token': b.csrf ?? '',
          ...(body !== undefined && { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body !== undefined && { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
    }

    it('reports role, version, database and the journal head on /healthz', async () => {
      const response = await hub.app.inject('/healthz');
      assert.equal(response.statusCode, 200);
      const health = response.json();
      assert.equal(health.role, 'hub');
      assert.equal(health.database, target.kind);
      assert.match(health.version, /^\d+\.\d+\.\d+/);
      assert.deepEqual(health.journal, await journalHead(hub.test.database.db));
      assert.ok(health.journal.seq > 200, 'the demo data is in the journal');
      assert.equal(health.replication.witness, null, "no standby has witnessed the journal yet");
      assert.deepEqual(health.replication.standbys, []);
    });

    it('serves Prometheus metrics with request counts and the journal head', async () => {
      const response = await hub.app.inject('/metrics');
      assert.equal(response.statusCode, 200);
      assert.match(response.headers['content-type'] as string, /^text\/plain/);
      assert.match(response.body, /^egov_http_requests_total\{.*role="hub".*\} \d+/m);
      assert.match(response.body, new RegExp(`^egov_journal_head_seq\\{role="hub"\\} ${await headSeq()}$`, 'm'));
    });

    it('publishes an OpenAPI document generated from the route schemas', async () => {
      const doc = (await hub.app.inject('/api/openapi.json')).json();
      assert.equal(doc.openapi, '3.1.0');
      const create = doc.paths['/api/v1/departments'].post;
      assert.deepEqual(create.requestBody.content['application/json'].schema.required.sort(), ['code', 'division', 'kind', 'nameEn', 'nameZh', 'slug']);
      assert.ok(doc.paths['/api/v1/departments/{code}/systems']);
      assert.ok(doc.paths['/api/v1/accounts']);
      assert.ok(!doc.paths['/console/departments'], 'pages are not part of the API document');
    });

    it('sends security headers and echoes a request id', async () => {
      const response = await hub.app.inject({ url: '/', headers: { 'x-request-id': 'trace-123' } });
      assert.equal(response.headers['x-request-id'], 'trace-123');
      assert.match(response.headers['content-security-policy'] as string, /default-src 'self'/);
      assert.match(response.headers['content-security-policy'] as string, /frame-ancestors 'none'/);
      assert.equal(response.headers['x-content-type-options'], 'nosniff');
      assert.equal(response.headers['x-frame-options'], 'DENY');
    });

    it('refuses the API without credentials with a 401 that says how to get them', async () => {
      const response = await hub.app.inject('/api/v1/departments');
      assert.equal(response.statusCode, 401);
      assert.equal(response.json().code, 'unauthenticated');
      assert.match(response.json().message, /sign in|bearer/);
    });

    it('answers bad input with a coded 4xx and changes nothing', async () => {
      const before = await headSeq();
      const division = '210200';
      const valid = { code: governmentUscc(division, 4242), slug: 'bad-input-test', kind: 'bureau', division, nameZh: '测试局', nameEn: 'Test Bureau' };
      const cases: { name: string; send: () => ReturnType<typeof api>; status: number; code: string; message?: RegExp }[] = [
        { name: 'malformed JSON', send: () => api(admin, 'POST', '/api/v1/departments', '{"code": '), status: 400, code: 'invalid_input', message: /JSON/ },
        { name: 'wrong content type', send: () => api(admin, 'POST', '/api/v1/departments', 'code=1', { 'content-type': 'text/plain' }), status: 415, code: 'unsupported_media_type' },
        { name: 'oversized body', send: () => api(admin, 'POST', '/api/v1/departments', { ...valid, nameEn: 'x'.repeat(5000) }), status: 413, code: 'payload_too_large' },
        { name: 'unknown field', send: () => api(admin, 'POST', '/api/v1/departments', { ...valid, colour: 'red' }), status: 400, code: 'invalid_input', message: /colour/ },
        { name: 'missing field', send: () => api(admin, 'POST', '/api/v1/departments', { ...valid, nameZh: undefined }), status: 400, code: 'invalid_input', message: /nameZh/ },
        { name: 'bad check character', send: () => api(admin, 'POST', '/api/v1/departments', { ...valid, code: `${valid.code.slice(0, 17)}${valid.code[17] === '0' ? '1' : '0'}` }), status: 400, code: 'invalid_input', message: /check character/ },
        { name: 'unknown parent', send: () => api(admin, 'POST', '/api/v1/departments', { ...valid, parent: governmentUscc(division, 777) }), status: 400, code: 'invalid_input', message: /parent/ },
        { name: 'unknown division', send: () => api(admin, 'POST', '/api/v1/departments', { ...valid, division: '999999' }), status: 400, code: 'invalid_input', message: /division/ },
        { name: 'duplicate name', send: () => api(admin, 'POST', '/api/v1/departments', { ...valid, nameZh: '大连市公安局' }), status: 409, code: 'conflict' },
        { name: 'unknown department', send: () => api(admin, 'GET', '/api/v1/departments/91350100M000100Y43'), status: 404, code: 'not_found' },
      ];
      for (const c of cases) {
        const response = await c.send();
        assert.equal(response.statusCode, c.status, `${c.name}: ${response.body}`);
        const body = response.json();
        assert.equal(body.code, c.code, c.name);
        assert.equal(typeof body.message, 'string', c.name);
        if (c.message) assert.match(body.message, c.message, c.name);
      }
      assert.equal(await headSeq(), before, 'no refused request reached the journal');
      const created = await api(admin, 'POST', '/api/v1/departments', valid);
      assert.equal(created.statusCode, 201, created.body);
      assert.equal(await headSeq(), before + 1);
    });

    it('refuses a cycle in the department hierarchy', async () => {
      const list = (await api(admin, 'GET', '/api/v1/departments?q=公安局')).json() as { code: string; parent: string | null; slug: string }[];
      const city = list.find((d) => d.slug === 'psb')!;
      const branch = list.find((d) => d.parent === city.code)!;
      const before = await headSeq();
      const response = await api(admin, 'PATCH', `/api/v1/departments/${city.code}`, { parent: branch.code });
      assert.equal(response.statusCode, 400);
      assert.match(response.json().message, /cycle/);
      assert.equal(await headSeq(), before);
    });

    it('refuses a cookie-authenticated change without the CSRF token', async () => {
      const before = await headSeq();
      const response = await api(admin, 'POST', '/api/v1/divisions', { code: '210299', kind: 'district', parent: '210200', nameZh: '测试区', nameEn: 'Test' }, { 'x-csrf-token': 'forged' });
      assert.equal(response.statusCode, 403);
      assert.equal(response.json().code, 'csrf_failed');
      const form = await browser(hub.app).request('POST', '/console/departments', { code: 'X' }, { cookie: [...admin.cookies].map(([k, v]) => `${k}=${v}`).join('; ') });
      assert.equal(form.statusCode, 403);
      assert.equal(await headSeq(), before);
    });

    it('checks roles on the server for the API and the console', async () => {
      const denied = await api(clerk, 'POST', '/api/v1/divisions', { code: '210298', kind: 'district', parent: '210200', nameZh: '另一区', nameEn: 'Other' });
      assert.equal(denied.statusCode, 403);
      assert.equal(denied.json().code, 'forbidden');
      const page = await clerk.request('GET', '/console');
      assert.equal(page.statusCode, 403);
      assert.match(page.headers['content-type'] as string, /text\/html/);
      const journal = await api(clerk, 'POST', '/api/v1/journal/verify');
      assert.equal(journal.statusCode, 403);
      const verified = await api(admin, 'POST', '/api/v1/journal/verify');
      assert.equal(verified.statusCode, 200);
      assert.equal(verified.json().ok, true);
    });

    it('never shows password hashes or authenticator keys through the journal API', async () => {
      const ops = await signedIn(hub.app, 'ops', DEMO_PASSWORD);
      const response = await api(ops, 'GET', '/api/v1/journal/entries?after=0&limit=10000');
      assert.equal(response.statusCode, 200);
      const accounts = (response.json() as { entity: string; row: Record<string, unknown> | null }[]).filter((e) => e.entity === 'accounts' && e.row);
      assert.ok(accounts.length > 0);
      for (const entry of accounts) {
        assert.ok(entry.row!.password_hash === '[redacted]', 'password hash redacted');
        assert.ok(entry.row!.totp_secret === null || entry.row!.totp_secret === '[redacted]', 'authenticator key redacted');
      }
      assert.ok(!response.body.includes('scrypt$'));
      assert.ok(!response.body.includes('EGOVDEMOADMINTOTPSECRETDALIAN234'));
    });

    it('refuses console form posts with repeated or forged fields with a 400, changing nothing', async () => {
      const before = await headSeq();
      const repeated = await admin.request('POST', '/console/departments', {
        _csrf: admin.csrf ?? '', code: [governmentUscc('210200', 6161), 'X'], slug: 'twice', kind: 'bureau', division: '210200', nameZh: '重复字段局', nameEn: 'Repeated Field Bureau',
      });
      assert.equal(repeated.statusCode, 200, 'the first value of a repeated field is used');
      const forged = await admin.request('POST', '/console/departments', {
        _csrf: admin.csrf ?? '', code: governmentUscc('210200', 6262), slug: 'forged-kind', kind: 'ministry', division: '210200', nameZh: '伪造类型局', nameEn: 'Forged Kind Bureau',
      });
      assert.equal(forged.statusCode, 400);
      assert.match(forged.body, /error-summary/);
      assert.equal(await headSeq(), before + 1, 'only the first department was registered');
      const directory = await browser(hub.app).request('GET', '/departments');
      assert.equal(directory.statusCode, 200);
    });

    it('lets the clerk see their workbench and the administrator the console', async () => {
      const staff = await clerk.request('GET', '/staff');
      assert.equal(staff.statusCode, 200);
      assert.match(staff.body, /孙丽/);
      assert.match(staff.body, /大连市公安局/);
      const console = await admin.request('GET', '/console');
      assert.equal(console.statusCode, 200);
      assert.match(console.body, /运维控制台/);
    });

    it('sends people without a session to sign in and back, and says when a session expired', async () => {
      const anonymous = await browser(hub.app).request('GET', '/console/accounts');
      assert.equal(anonymous.statusCode, 303);
      assert.equal(anonymous.headers.location, `/signin?return=${encodeURIComponent('/console/accounts')}`);
      const b = await signedIn(hub.app, 'amr-clerk', DEMO_PASSWORD);
      await hub.test.database.db.updateTable('sessions').set({ expires_at: '2000-01-01T00:00:00.000Z' }).execute();
      const page = await b.request('GET', '/staff');
      assert.equal(page.statusCode, 303);
      assert.match(page.headers.location as string, /expired=1/);
      const followed = await b.request('GET', page.headers.location as string);
      assert.match(followed.body, /登录已过期/);
      const apiCall = await api(b, 'GET', '/api/v1/departments');
      assert.equal(apiCall.statusCode, 401);
      assert.match(apiCall.json().message, /expired/);
      // The shared sessions were expired too: sign the others in again for the tests after this one.
      clerk = await signedIn(hub.app, 'psb-clerk', DEMO_PASSWORD);
      admin = await signedIn(hub.app, 'admin', DEMO_PASSWORD, DEMO_TOTP_SECRET, Date.now() + 30_000);
    });

    it('shows the portal in Chinese, and in English when asked', async () => {
      const b = browser(hub.app);
      const home = await b.request('GET', '/');
      assert.match(home.body, /<html lang="zh-CN">/);
      assert.match(home.body, /大连市政务服务网/);
      const english = await b.request('GET', '/?lang=en');
      assert.match(english.body, /<html lang="en">/);
      assert.match(english.body, /Dalian Government Services/);
      const remembered = await b.request('GET', '/departments');
      assert.match(remembered.body, /Public Security Bureau/);
      const search = await browser(hub.app).request('GET', '/search?q=%E5%85%AC%E5%AE%89');
      assert.match(search.body, /大连市公安局/);
      const hostile = await browser(hub.app).request('GET', `/search?q=${encodeURIComponent('"><script>alert(1)</script>')}`);
      assert.ok(!hostile.body.includes('"><script>'), 'the query cannot break out of the search box value');
      assert.ok(hostile.body.includes('&lt;script>alert(1)&lt;/script>'), 'the query is shown as text');
    });

    it('shows a sign-in failure in the error summary and keeps the username', async () => {
      const b = browser(hub.app);
      await b.request('GET', '/signin');
      const response = await b.request('POST', '/signin', { username: 'hrss-clerk', password: 'wrong-password', _csrf: b.csrf ?? '' });
      assert.equal(response.statusCode, 401);
      assert.match(response.body, /class="error-summary"/);
      assert.match(response.body, /value="hrss-clerk"/);
    });

    it('lets a department\'s staff sign in together from one address, and stops an eleventh try at one account within a minute', async () => {
      const b = browser(hub.app);
      await b.request('GET', '/signin');
      for (let i = 1; i <= 10; i++) {
        assert.equal((await b.request('POST', '/signin', { username: 'no-such-clerk', password: `guess-${i}`, _csrf: b.csrf ?? '' })).statusCode, 401, `try ${i}`);
      }
      const eleventh = await b.request('POST', '/signin', { username: ' No-Such-Clerk ', password: 'guess-11', _csrf: b.csrf ?? '' });
      assert.equal(eleventh.statusCode, 429);
      assert.ok(Number(eleventh.headers['retry-after']) > 0);
      assert.match(eleventh.body, new RegExp(t('zh-CN', 'signin.tooMany')));
      assert.match(eleventh.body, /value=" No-Such-Clerk "/);
      // The colleagues at the same address are not held up by it.
      for (const username of ['psb-clerk', 'amr-clerk', 'hrss-clerk']) {
        const other = browser(hub.app);
        await other.request('GET', '/signin');
        const signedIn = await other.request('POST', '/signin', { username, password: DEMO_PASSWORD, _csrf: other.csrf ?? '' });
        assert.equal(signedIn.statusCode, 303, username);
      }
    });

    it('creates a department from the console form, and keeps what was typed when refused', async () => {
      const refused = await admin.request('POST', '/console/departments', {
        _csrf: admin.csrf ?? '', code: '11210200ABC', slug: 'form-test', kind: 'bureau', division: '210200', nameZh: '表单测试局', nameEn: 'Form Test Bureau',
      });
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /error-summary/);
      assert.match(refused.body, /value="表单测试局"/);
      const code = governmentUscc('210200', 5150);
      const created = await admin.request('POST', '/console/departments', {
        _csrf: admin.csrf ?? '', code, slug: 'form-test', kind: 'bureau', division: '210200', nameZh: '表单测试局', nameEn: 'Form Test Bureau',
      });
      assert.equal(created.statusCode, 200, created.body.slice(0, 500));
      assert.match(created.body, /表单测试局/);
      assert.equal((await api(admin, 'GET', `/api/v1/departments/${code}`)).json().slug, 'form-test');
    });
  });
}
