import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET, seedDemo } from '../../src/hub/demo.ts';
import { journalHead, readEntries } from '../../src/journal/service.ts';
import { demoLifeEvents, demoServiceItems } from '../../src/onestop/demo-data.ts';
import type { ServiceItemInput } from '../../src/onestop/schema.ts';
import { demoDepartments } from '../../src/registry/demo-data.ts';
import { databaseTargets } from '../support/databases.ts';
import { signedIn, testHub, type Browser, type TestHub } from '../support/hub.ts';

const uscc = (key: string) => demoDepartments.find((d) => d.key === key)!.uscc;
const PSB = uscc('psb');
const AMR = uscc('amr');

/** A new PSB item built on the demo's birth registration, so it passes every check unless a test breaks it. */
function criminalRecord(): ServiceItemInput {
  const demo = structuredClone(demoServiceItems.find((i) => i.code === 'QR00201001000')!);
  return {
    ...demo, department: PSB, code: 'GG00299001000', type: 'public_service',
    nameZh: '无犯罪记录证明开具', nameEn: 'Certificate of no criminal record',
    summary: '因就业、出国等需要，申请开具本人在本市户籍地或居住地期间有无犯罪记录的证明。', keywords: ['良民证'],
    topics: ['identity'], timeLimit: { legalDays: null, promisedDays: 3 },
    form: { fields: [
      { key: 'applicantName', type: 'text', labelZh: '申请人姓名', labelEn: 'Name', required: true, prefill: { resource: 'PSB-0001', item: 'name' } },
      { key: 'purpose', type: 'single_choice', labelZh: '用途', labelEn: 'Purpose', required: true, choices: [{ key: 'job', labelZh: '就业', labelEn: 'A job' }, { key: 'abroad', labelZh: '出国', labelEn: 'Going abroad' }] },
      { key: 'birthCertificateFile', type: 'file', labelZh: '出生医学证明', labelEn: 'Birth certificate', required: false, material: 'birthCertificate' },
    ] },
  };
}

for (const target of databaseTargets) {
  describe(`${target.kind}: service items and life events over the API`, { skip: target.skip }, () => {
    let hub: TestHub;
    let admin: Browser;
    let psbAdmin: Browser;
    let psbClerk: Browser;
    let amrClerk: Browser;

    before(async () => {
      hub = await testHub(target.kind);
      admin = await signedIn(hub.app, 'admin', DEMO_PASSWORD, DEMO_TOTP_SECRET);
      psbAdmin = await signedIn(hub.app, 'psb-admin', DEMO_PASSWORD, DEMO_TOTP_SECRET);
      psbClerk = await signedIn(hub.app, 'psb-clerk', DEMO_PASSWORD);
      amrClerk = await signedIn(hub.app, 'amr-clerk', DEMO_PASSWORD);
    });
    after(() => hub?.close());

    const headSeq = async () => (await journalHead(hub.test.database.db)).seq;

    function api(who: Browser | null, method: string, url: string, body?: unknown) {
      const auth = who ? { cookie: [...who.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'x-csrf-token': who.csrf ?? '' } : {};
      return hub.app.inject({
        method: method as 'POST', url,
        headers: { ...auth, ...(body !== undefined && { 'content-type': 'application/json' }) },
        ...(body !== undefined && { payload: JSON.stringify(body) }),
      });
    }

    /** Codes found by a public search, in order. */
    async function codes(query: string): Promise<string[]> {
      const response = await api(null, 'GET', `/api/v1/service-items?${query}&limit=100`);
      assert.equal(response.statusCode, 200, response.body);
      return (response.json() as { items: { code: string }[] }).items.map((i) => i.code);
    }
    const q = (words: string) => `q=${encodeURIComponent(words)}`;

    it('seeds at least 40 items of at least 10 departments and 3 life events whose items exist, once', async () => {
      const all = (await api(null, 'GET', '/api/v1/service-items?limit=100')).json();
      assert.ok(all.total >= 40, `${all.total} items`);
      assert.equal(all.total, demoServiceItems.length);
      const groups = (await api(null, 'GET', '/api/v1/service-items/groups')).json();
      assert.ok(groups.departments.length >= 10, `${groups.departments.length} departments`);
      assert.equal(groups.departments.reduce((n: number, d: { items: number }) => n + d.items, 0), all.total);
      assert.ok(groups.departments.every((d: { nameZh: string }) => d.nameZh.startsWith('大连市')), 'departments by name');
      assert.ok(groups.topics.find((t: { key: string }) => t.key === 'retirement').items >= 3);
      assert.equal(groups.types.reduce((n: number, t: { items: number }) => n + t.items, 0), all.total);

      const events = (await api(null, 'GET', '/api/v1/life-events')).json() as { code: string; items: { code: string; withdrawn: boolean }[]; departments: unknown[] }[];
      assert.deepEqual(events.map((e) => e.code).sort(), ['newborn', 'open-restaurant', 'retirement']);
      for (const event of events) {
        const defined = demoLifeEvents.find((e) => e.code === event.code)!;
        assert.deepEqual(event.items.map((i) => i.code), defined.items, `${event.code}: every item exists, in order`);
        assert.ok(event.departments.length >= 3, `${event.code} fans out to several departments`);
        for (const code of defined.items) {
          const item = (await api(null, 'GET', `/api/v1/service-items/${code}`)).json();
          assert.ok(item.lifeEvents.some((e: { code: string }) => e.code === event.code), `${code} knows it is part of ${event.code}`);
        }
      }
      const before = await headSeq();
      assert.deepEqual(await seedDemo(hub.test.database), { seeded: false });
      assert.equal(await headSeq(), before, 'seeding again writes nothing');
    });

    it('serves a guide with what a start page needs', async () => {
      const response = await api(null, 'GET', '/api/v1/service-items/QR00201001000');
      assert.equal(response.statusCode, 200, response.body);
      const item = response.json();
      assert.equal(item.nameZh, '出生登记');
      assert.equal(item.type, 'confirmation');
      assert.deepEqual(item.department, { code: PSB, nameZh: '大连市公安局', nameEn: demoDepartments.find((d) => d.key === 'psb')!.nameEn });
      assert.equal(item.version, 1);
      assert.equal(item.current, true);
      assert.match(item.legalBasis[0], /户口登记条例/);
      assert.deepEqual(item.timeLimit, { legalDays: null, promisedDays: 0 });
      const certificate = item.materials.find((m: { key: string }) => m.key === 'birthCertificate');
      assert.equal(certificate.replaceableBy.kind, 'data');
      assert.equal(certificate.replaceableBy.source, 'HEALTH-0001');
      assert.equal(item.materials.find((m: { key: string }) => m.key === 'householdBook').replaceableBy.source, '居民户口簿');
      const address = item.form.fields.find((f: { key: string }) => f.key === 'settleAddress');
      assert.deepEqual(address.prefill, { resource: 'PSB-0001', item: 'householdAddress' });
      assert.deepEqual(item.form.fields.find((f: { key: string }) => f.key === 'babySex').choices.map((c: { key: string }) => c.key), ['1', '2']);
      assert.ok(item.steps.length >= 2 && item.consult.phone && item.complain.phone === '12345' && item.where.hours);
      assert.deepEqual(item.lifeEvents.map((e: { code: string }) => e.code), ['newborn']);
      const food = (await api(null, 'GET', '/api/v1/service-items/XK00103001000')).json();
      assert.deepEqual(food.timeLimit, { legalDays: 10, promisedDays: 5 });
      assert.ok(food.form.fields.some((f: { type: string; choices?: unknown[] }) => f.type === 'multiple_choice' && (f.choices?.length ?? 0) >= 5));
      assert.ok(food.form.fields.some((f: { type: string; material?: string }) => f.type === 'file' && f.material === 'layout'));
    });

    it('finds items by a Chinese keyword, the right ones first, on both databases', async () => {
      const licence = await codes(q('营业执照'));
      assert.deepEqual(new Set(licence.slice(0, 5)), new Set(['XK00101001000', 'XK00101002000', 'XK00101004000', 'XK00101005000', 'QT00102001000']), licence.join(' '));
      assert.ok(licence.indexOf('XK00103001000') > 4, 'an item that only asks for the licence comes after');
      const retirement = await codes(q('退休'));
      for (const code of ['JF00401001000', 'GG00502001000', 'GG00601001000']) assert.ok(retirement.indexOf(code) >= 0 && retirement.indexOf(code) < 5, `退休 finds ${code} near the top: ${retirement.join(' ')}`);
      const birth = await codes(q('出生'));
      for (const code of ['QR00201001000', 'GG00301001000', 'GG00501001000', 'GG00403001000']) assert.ok(birth.indexOf(code) >= 0 && birth.indexOf(code) < 5, `出生 finds ${code}: ${birth.join(' ')}`);
      assert.equal((await codes(q('出生登记')))[0], 'QR00201001000', 'a phrase matches through its bigrams');
      assert.equal((await codes(q('护照')))[0], 'XK00204001000');
      assert.equal((await codes('q=passport'))[0], 'XK00204001000', 'English names too');
      assert.deepEqual(await codes(q('火星签证')), [], 'every term must match');
    });

    it('lists by department, topic, type, audience and life event', async () => {
      const psb = await codes(`department=${PSB}`);
      assert.ok(psb.length >= 5 && psb.every((c) => demoServiceItems.find((i) => i.code === c)!.department === 'psb'));
      assert.deepEqual(await codes('lifeEvent=newborn'), [...demoLifeEvents.find((e) => e.code === 'newborn')!.items].sort(), 'by code');
      assert.deepEqual(new Set(await codes('topic=retirement')), new Set(demoServiceItems.filter((i) => i.topics.includes('retirement')).map((i) => i.code)));
      assert.deepEqual(await codes('type=filing'), demoServiceItems.filter((i) => i.type === 'filing').map((i) => i.code).sort());
      assert.ok((await codes('audience=enterprise')).includes('XK00103001000'));
      assert.deepEqual(await codes(`${q('营业执照')}&department=${AMR}&topic=business_exit`), ['XK00101005000']);
      const page = (await api(null, 'GET', `/api/v1/service-items?department=${PSB}&limit=2&offset=2`)).json();
      assert.equal(page.total, psb.length);
      assert.deepEqual(page.items.map((i: { code: string }) => i.code), psb.slice(2, 4));
      assert.equal((await api(null, 'GET', '/api/v1/service-items?lifeEvent=no-such-event')).statusCode, 404);
      for (const bad of ['limit=0', 'limit=101', 'topic=astrology', 'type=tax', 'colour=red']) {
        const response = await api(null, 'GET', `/api/v1/service-items?${bad}`);
        assert.equal(response.statusCode, 400, bad);
        assert.equal(response.json().code, 'invalid_input', bad);
      }
    });

    it('lets a department administrator publish an item, and journals it', async () => {
      const before = await headSeq();
      const response = await api(psbAdmin, 'POST', '/api/v1/service-items', criminalRecord());
      assert.equal(response.statusCode, 201, response.body);
      assert.equal(response.json().version, 1);
      const entries = await readEntries(hub.test.database.db, before, 10);
      assert.deepEqual(entries.map((e) => `${e.entity}:${e.op}:${e.key}`), ['onestop_items:insert:GG00299001000', 'onestop_item_versions:insert:GG00299001000@1']);
      assert.equal(entries[0]!.department, PSB);
      assert.deepEqual(await codes(q('良民证')), ['GG00299001000'], 'found by its keyword at once');
      const other = { ...criminalRecord(), code: 'GG00299002000', department: AMR };
      assert.equal((await api(admin, 'POST', '/api/v1/service-items', other)).statusCode, 201, 'the platform administrator publishes for any department');
    });

    it('keeps earlier versions readable when a new one is published', async () => {
      const revised = criminalRecord();
      revised.nameZh = '无犯罪记录证明开具（个人）';
      revised.keywords = ['无犯罪证明'];
      revised.timeLimit = { legalDays: null, promisedDays: 1 };
      const before = await headSeq();
      const response = await api(psbAdmin, 'PUT', '/api/v1/service-items/GG00299001000', revised);
      assert.equal(response.statusCode, 200, response.body);
      assert.equal(response.json().version, 2);
      const entries = await readEntries(hub.test.database.db, before, 10);
      assert.deepEqual(entries.map((e) => `${e.entity}:${e.op}:${e.key}`), ['onestop_item_versions:insert:GG00299001000@2', 'onestop_items:update:GG00299001000']);

      const versions = (await api(null, 'GET', '/api/v1/service-items/GG00299001000/versions')).json();
      assert.deepEqual(versions.map((v: { version: number }) => v.version), [2, 1]);
      const first = (await api(null, 'GET', '/api/v1/service-items/GG00299001000/versions/1')).json();
      assert.equal(first.nameZh, '无犯罪记录证明开具');
      assert.deepEqual(first.timeLimit, { legalDays: null, promisedDays: 3 });
      assert.equal(first.current, false);
      assert.equal(first.latestVersion, 2);
      const current = (await api(null, 'GET', '/api/v1/service-items/GG00299001000')).json();
      assert.equal(current.nameZh, '无犯罪记录证明开具（个人）');
      assert.equal(current.current, true);
      assert.deepEqual(await codes(q('无犯罪证明')), ['GG00299001000'], 'search follows the new version');
      assert.deepEqual(await codes(q('良民证')), ['GG00299002000'], 'and forgets the old keyword, which only the other department\'s item keeps');
      assert.equal((await api(null, 'GET', '/api/v1/service-items/GG00299001000/versions/3')).statusCode, 404);
    });

    it('refuses unauthorised writes and bad items with a coded 4xx naming the field, changing nothing', async () => {
      const before = await headSeq();
      const item = criminalRecord;
      const withField = (patch: (i: ServiceItemInput) => void) => {
        const i = { ...item(), code: 'GG00299009000' };
        patch(i);
        return i;
      };
      const cases: { name: string; send: () => ReturnType<typeof api>; status: number; code: string; field?: string; message?: RegExp }[] = [
        { name: 'nobody signed in', send: () => api(null, 'POST', '/api/v1/service-items', withField(() => {})), status: 401, code: 'unauthenticated' },
        { name: 'a clerk publishes', send: () => api(psbClerk, 'POST', '/api/v1/service-items', withField(() => {})), status: 403, code: 'forbidden' },
        { name: 'psb administrator publishes for amr', send: () => api(psbAdmin, 'POST', '/api/v1/service-items', withField((i) => { i.department = AMR; })), status: 403, code: 'forbidden' },
        { name: 'amr clerk revises a psb item', send: () => api(amrClerk, 'PUT', '/api/v1/service-items/GG00299001000', item()), status: 403, code: 'forbidden' },
        { name: 'psb clerk withdraws', send: () => api(psbClerk, 'POST', '/api/v1/service-items/GG00299001000/withdraw', { reason: '撤销' }), status: 403, code: 'forbidden' },
        { name: 'duplicate code', send: () => api(psbAdmin, 'POST', '/api/v1/service-items', item()), status: 409, code: 'conflict', field: 'code' },
        { name: 'code of another kind', send: () => api(psbAdmin, 'POST', '/api/v1/service-items', withField((i) => { i.type = 'licensing'; })), status: 400, code: 'invalid_input', field: 'code' },
        { name: 'promised longer than legal', send: () => api(psbAdmin, 'POST', '/api/v1/service-items', withField((i) => { i.timeLimit = { legalDays: 5, promisedDays: 10 }; })), status: 400, code: 'invalid_input', field: 'timeLimit.promisedDays' },
        { name: 'field key twice', send: () => api(psbAdmin, 'POST', '/api/v1/service-items', withField((i) => { i.form.fields[1]!.key = 'applicantName'; })), status: 400, code: 'invalid_input', field: 'form.fields.1.key' },
        { name: 'choice without choices', send: () => api(psbAdmin, 'POST', '/api/v1/service-items', withField((i) => { delete i.form.fields[1]!.choices; })), status: 400, code: 'invalid_input', field: 'form.fields.1.choices' },
        { name: 'upload of an unlisted material', send: () => api(psbAdmin, 'POST', '/api/v1/service-items', withField((i) => { i.form.fields[2]!.material = 'passport'; })), status: 400, code: 'invalid_input', field: 'form.fields.2.material' },
        { name: 'prefill from an item the catalog lacks', send: () => api(psbAdmin, 'POST', '/api/v1/service-items', withField((i) => { i.form.fields[0]!.prefill = { resource: 'PSB-0001', item: 'shoeSize' }; })), status: 400, code: 'invalid_input', field: 'form.fields.0.prefill', message: /shoeSize/ },
        { name: 'lookup in a resource the catalog lacks', send: () => api(psbAdmin, 'POST', '/api/v1/service-items', withField((i) => { i.materials[0]!.replaceableBy = { kind: 'data', source: 'PSB-9999', items: ['x'] }; })), status: 400, code: 'invalid_input', field: 'materials.0.replaceableBy' },
        { name: 'unknown field type', send: () => api(psbAdmin, 'POST', '/api/v1/service-items', withField((i) => { (i.form.fields[0] as { type: string }).type = 'colour'; })), status: 400, code: 'invalid_input', message: /body\.form\.fields\.0\.type/ },
        { name: 'unknown property', send: () => api(psbAdmin, 'POST', '/api/v1/service-items', { ...withField(() => {}), colour: 'red' }), status: 400, code: 'invalid_input', message: /colour/ },
        { name: 'a department that does not exist', send: () => api(admin, 'POST', '/api/v1/service-items', withField((i) => { i.department = '11210200000000000X'; })), status: 400, code: 'invalid_input', field: 'department' },
        { name: 'revision moving the item to another department', send: () => api(admin, 'PUT', '/api/v1/service-items/GG00299001000', { ...item(), department: AMR }), status: 400, code: 'invalid_input', field: 'department' },
        { name: 'revision renaming the code', send: () => api(psbAdmin, 'PUT', '/api/v1/service-items/GG00299001000', { ...item(), code: 'GG00299003000' }), status: 400, code: 'invalid_input', field: 'code' },
        { name: 'revision of an unknown item', send: () => api(psbAdmin, 'PUT', '/api/v1/service-items/GG00299008000', { ...item(), code: 'GG00299008000' }), status: 404, code: 'not_found' },
        { name: 'an item code that is not one', send: () => api(null, 'GET', '/api/v1/service-items/not-a-code'), status: 400, code: 'invalid_input' },
        { name: 'a life event by a department administrator', send: () => api(psbAdmin, 'POST', '/api/v1/life-events', { code: 'job-loss', nameZh: '失业', nameEn: 'Losing a job', audience: 'citizen', summary: '失业后', items: ['JF00402001000', 'GG00404001000'] }), status: 403, code: 'forbidden' },
        { name: 'a life event with an unknown item', send: () => api(admin, 'POST', '/api/v1/life-events', { code: 'job-loss', nameZh: '失业', nameEn: 'Losing a job', audience: 'citizen', summary: '失业后', items: ['JF00402001000', 'GG00404009000'] }), status: 400, code: 'invalid_input', field: 'items.1' },
        { name: 'a life event of one item', send: () => api(admin, 'POST', '/api/v1/life-events', { code: 'job-loss', nameZh: '失业', nameEn: 'Losing a job', audience: 'citizen', summary: '失业后', items: ['JF00402001000'] }), status: 400, code: 'invalid_input' },
      ];
      for (const c of cases) {
        const response = await c.send();
        assert.equal(response.statusCode, c.status, `${c.name}: ${response.body}`);
        const body = response.json();
        assert.equal(body.code, c.code, c.name);
        if (c.field) assert.equal(body.detail?.field, c.field, `${c.name}: ${response.body}`);
        if (c.message) assert.match(body.message, c.message, c.name);
      }
      assert.equal(await headSeq(), before, 'no refused request reached the journal');
    });

    it('defines a life event, and withdraws an item: gone from lists, still readable', async () => {
      const created = await api(admin, 'POST', '/api/v1/life-events', {
        code: 'going-abroad', nameZh: '出国', nameEn: 'Going abroad', audience: 'citizen', summary: '出国前的证件一次办好。', items: ['XK00204001000', 'GG00299001000'],
      });
      assert.equal(created.statusCode, 201, created.body);
      assert.deepEqual(created.json().items.map((i: { code: string }) => i.code), ['XK00204001000', 'GG00299001000']);
      assert.equal(created.json().promisedDays, 7, 'the longest of its items');

      assert.equal((await api(psbAdmin, 'POST', '/api/v1/service-items/GG00299001000/withdraw', { reason: '  ' })).statusCode, 400);
      const before = await headSeq();
      const response = await api(psbAdmin, 'POST', '/api/v1/service-items/GG00299001000/withdraw', { reason: '依据公安部通知，调整为"无犯罪记录证明"全程网办事项' });
      assert.equal(response.statusCode, 200, response.body);
      assert.equal(response.json().withdrawn, true);
      const entries = await readEntries(hub.test.database.db, before, 10);
      assert.deepEqual(entries.map((e) => `${e.entity}:${e.op}:${e.row?.withdrawn}`), ['onestop_items:update:1']);
      assert.deepEqual(await codes(q('无犯罪证明')), [], 'search forgets it');
      assert.ok(!(await codes(`department=${PSB}`)).includes('GG00299001000'));
      const still = (await api(null, 'GET', '/api/v1/service-items/GG00299001000/versions/1')).json();
      assert.equal(still.withdrawn, true);
      assert.match(still.withdrawReason, /全程网办/);
      const event = (await api(null, 'GET', '/api/v1/life-events/going-abroad')).json();
      assert.equal(event.items.find((i: { code: string }) => i.code === 'GG00299001000').withdrawn, true);
      const groups = (await api(null, 'GET', '/api/v1/service-items/groups')).json();
      assert.equal(groups.lifeEvents.find((e: { code: string }) => e.code === 'going-abroad').items, 1, 'counts what is in force');
      assert.equal((await api(psbAdmin, 'POST', '/api/v1/service-items/GG00299001000/withdraw', { reason: '再次' })).statusCode, 409);
      assert.equal((await api(psbAdmin, 'PUT', '/api/v1/service-items/GG00299001000', criminalRecord())).statusCode, 409);
    });

    it('documents every route in the OpenAPI document, reads public and writes secured', async () => {
      const doc = (await hub.app.inject('/api/openapi.json')).json() as { paths: Record<string, Record<string, { security?: unknown }>> };
      const reads = ['/api/v1/service-items', '/api/v1/service-items/groups', '/api/v1/service-items/{code}', '/api/v1/service-items/{code}/versions', '/api/v1/service-items/{code}/versions/{version}', '/api/v1/life-events', '/api/v1/life-events/{code}'];
      for (const path of reads) {
        assert.ok(doc.paths[path]?.get, `GET ${path} is documented`);
        assert.equal(doc.paths[path]!.get!.security, undefined, `GET ${path} is public`);
      }
      const writes: [string, string][] = [['/api/v1/service-items', 'post'], ['/api/v1/service-items/{code}', 'put'], ['/api/v1/service-items/{code}/withdraw', 'post'], ['/api/v1/life-events', 'post']];
      for (const [path, method] of writes) assert.ok(doc.paths[path]?.[method]?.security, `${method.toUpperCase()} ${path} names its security`);
    });
  });
}
