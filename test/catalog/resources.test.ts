import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../../src/hub/demo.ts';
import { createApiClient } from '../../src/identity/service.ts';
import { journalHead, readEntries } from '../../src/journal/service.ts';
import { systemActor } from '../../src/platform/access.ts';
import { demoDepartments } from '../../src/registry/demo-data.ts';
import { databaseTargets } from '../support/databases.ts';
import { signedIn, testHub, type Browser, type TestHub } from '../support/hub.ts';

const uscc = (key: string) => demoDepartments.find((d) => d.key === key)!.uscc;
const PSB = uscc('psb');
const AMR = uscc('amr');

const MINE = new Set(['PSB-POP-0001', 'PSB-HH-0002', 'AMR-ENT-0001']);
const contact = { name: '孙丽', phone: '0411-83631234', email: 'data@psb.dalian.gov.cn' };

/** Population basic information: 户籍 only in its summary and an item label, items of all three sharing classes. */
function population() {
  return {
    code: 'PSB-POP-0001', provider: PSB, nameZh: '人口基本信息', nameEn: 'Population basic information',
    summary: '本市户籍人口和常住人口的基本信息，用于社会保险、教育、医疗等业务的身份核验。',
    category: 'base', subject: '人口', industry: 'S92', format: 'api', serviceCode: 'population/person-basic',
    openapi: { openapi: '3.0.3', info: { title: 'person basic', version: '1' }, paths: { '/persons/{id}': { get: {} } } },
    updateCycle: 'realtime', contact,
    items: [
      { name: 'name', labelZh: '姓名', labelEn: 'Name', dataType: 'string', sensitivity: 'personal', sharingClass: 'unconditional', openClass: 'not_open' },
      {
        name: 'idNumber', labelZh: '公民身份号码', labelEn: 'Citizen ID number', dataType: 'string', sensitivity: 'sensitive_personal',
        sharingClass: 'conditional', sharingCondition: '仅用于办理业务时的身份核验', legalBasis: '《中华人民共和国居民身份证法》', openClass: 'not_open',
      },
      {
        name: 'householdAddress', labelZh: '户籍地址', labelEn: 'Household registration address', dataType: 'string', sensitivity: 'personal',
        sharingClass: 'conditional', sharingCondition: '仅限社会保险待遇资格认定', legalBasis: '《社会保险法》第八十一条', openClass: 'not_open',
      },
      {
        name: 'religion', labelZh: '宗教信仰', labelEn: 'Religion', dataType: 'string', sensitivity: 'sensitive_personal',
        sharingClass: 'not_shared', legalBasis: '《个人信息保护法》第二十八条：敏感个人信息', openClass: 'not_open',
      },
    ],
  };
}

/** 户籍 in its name: must rank above the resource that has it only in the summary. */
function householdMoves() {
  return {
    code: 'PSB-HH-0002', provider: PSB, nameZh: '户籍迁移登记信息', nameEn: 'Household registration transfer records',
    summary: '户口迁入、迁出的登记记录。', category: 'theme', subject: '人口', format: 'dataset', delivery: 'incremental',
    updateCycle: 'daily', contact,
    items: [{
      name: 'moveDate', labelZh: '迁移日期', labelEn: 'Date of move', dataType: 'date', sensitivity: 'internal',
      sharingClass: 'conditional', sharingCondition: '按业务需要申请', legalBasis: '《户口登记条例》', openClass: 'not_open',
    }],
  };
}

function marketEntities() {
  return {
    code: 'AMR-ENT-0001', provider: AMR, nameZh: '市场主体登记信息', nameEn: 'Market entity registration',
    summary: '企业、个体工商户的设立、变更、注销登记信息。', category: 'base', subject: '法人', industry: 'L', format: 'dataset', delivery: 'full',
    updateCycle: 'daily', contact: { ...contact, name: '吴芳' },
    items: [
      { name: 'entityName', labelZh: '企业名称', labelEn: 'Entity name', dataType: 'string', sensitivity: 'public', sharingClass: 'unconditional', openClass: 'open' },
      { name: 'uscc', labelZh: '统一社会信用代码', labelEn: 'Unified social credit code', dataType: 'string', sensitivity: 'public', sharingClass: 'unconditional', openClass: 'open' },
    ],
  };
}

for (const target of databaseTargets) {
  describe(`${target.kind}: the information resource catalog over the API`, { skip: target.skip }, () => {
    let hub: TestHub;
    let psbAdmin: Browser;
    let psbClerk: Browser;
    let amrClerk: Browser;
    let bearer: string;

    before(async () => {
      hub = await testHub(target.kind);
      psbAdmin = await signedIn(hub.app, 'psb-admin', DEMO_PASSWORD, DEMO_TOTP_SECRET);
      psbClerk = await signedIn(hub.app, 'psb-clerk', DEMO_PASSWORD);
      amrClerk = await signedIn(hub.app, 'amr-clerk', DEMO_PASSWORD);
      // The population system publishes its own resources, as department systems do.
      const issued = await createApiClient(hub.test.database, systemActor('test'), PSB, { system: 'population', name: 'population system', roles: ['clerk'] });
      const token = await hub.app.inject({
        method: 'POST', url: '/oidc/token', payload: new URLSearchParams({ grant_type: 'client_credentials', scope: 'api' }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${encodeURIComponent(issued.client.clientId)}:${encodeURIComponent(issued.clientSecret)}`).toString('base64')}` },
      });
      assert.equal(token.statusCode, 200, token.body);
      bearer = token.json<{ access_token: string }>().access_token;
    });
    after(() => hub?.close());

    const headSeq = async () => (await journalHead(hub.test.database.db)).seq;

    function api(who: Browser | string, method: string, url: string, body?: unknown) {
      const auth = typeof who === 'string'
        ? { authorization: `Bearer ${who}` }
        : { cookie: [...who.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'x-csrf-token': who.csrf ?? '' };
      return hub.app.inject({
        method: method as 'POST', url,
        headers: { ...auth, ...(body !== undefined && { 'content-type': 'application/json' }) },
        ...(body !== undefined && { payload: JSON.stringify(body) }),
      });
    }

    /** Codes found, in order, among the resources this test publishes (the demo catalog is there too). */
    const codes = async (query: string, who: Browser | string = amrClerk) => {
      const response = await api(who, 'GET', `/api/v1/catalog?${query}&limit=100`);
      assert.equal(response.statusCode, 200, response.body);
      return (response.json() as { resources: { code: string }[] }).resources.map((r) => r.code).filter((code) => MINE.has(code));
    };

    it('lets a department system publish a resource with its items, and journals every row', async () => {
      const before = await headSeq();
      const response = await api(bearer, 'POST', '/api/v1/catalog', population());
      assert.equal(response.statusCode, 201, response.body);
      const resource = response.json();
      assert.equal(resource.code, 'PSB-POP-0001');
      assert.equal(resource.version, 1);
      assert.equal(resource.sharingClass, 'unconditional', 'the most open class of its items');
      assert.deepEqual(resource.items.map((i: { name: string; sharingClass: string }) => `${i.name}:${i.sharingClass}`),
        ['name:unconditional', 'idNumber:conditional', 'householdAddress:conditional', 'religion:not_shared']);
      assert.equal(resource.items[3].legalBasis, '《个人信息保护法》第二十八条：敏感个人信息');
      assert.deepEqual(resource.openapi.paths, { '/persons/{id}': { get: {} } });

      const entries = await readEntries(hub.test.database.db, before, 100);
      assert.deepEqual(entries.map((e) => `${e.entity}:${e.op}`), ['catalog_resources:insert', ...Array(4).fill('catalog_items:insert')]);
      assert.equal(entries[0]!.key, resource.id);
      assert.match(entries[0]!.actor, /^client:/);
      assert.equal(entries[0]!.department, PSB);

      assert.equal((await api(psbClerk, 'POST', '/api/v1/catalog', householdMoves())).statusCode, 201);
      assert.equal((await api(amrClerk, 'POST', '/api/v1/catalog', marketEntities())).statusCode, 201);
      const fetched = await api(amrClerk, 'GET', '/api/v1/catalog/PSB-POP-0001');
      assert.equal(fetched.statusCode, 200);
      assert.deepEqual(fetched.json(), resource);
    });

    it('finds resources by a Chinese word, ranking a name match above a summary-only match', async () => {
      assert.deepEqual((await codes(`q=${encodeURIComponent('户籍')}&provider=${PSB}`)), ['PSB-HH-0002', 'PSB-POP-0001']);
      const all = await codes(`q=${encodeURIComponent('户籍')}`);
      assert.ok(all.indexOf('PSB-HH-0002') < all.indexOf('PSB-POP-0001'), `name match first: ${all.join(', ')}`);
      assert.ok(!all.includes('AMR-ENT-0001'));
      assert.deepEqual(await codes(`q=${encodeURIComponent('人口基本')}&provider=${PSB}`), ['PSB-POP-0001'], 'a phrase matches through its bigrams');
      assert.deepEqual(await codes(`q=${encodeURIComponent('户')}&provider=${PSB}`), ['PSB-HH-0002', 'PSB-POP-0001'], 'a single character');
      assert.deepEqual(await codes(`q=${encodeURIComponent('宗')}`), ['PSB-POP-0001'], 'a character found only in an item name');
      assert.deepEqual(await codes(`q=${encodeURIComponent('企业')}`), ['AMR-ENT-0001']);
      assert.deepEqual(await codes(`q=${encodeURIComponent('户籍火星')}`), [], 'every term must match');
    });

    it('finds resources by English words and prefixes, and by item names', async () => {
      assert.deepEqual(await codes('q=popul'), ['PSB-POP-0001']);
      assert.deepEqual(await codes('q=Population%20basic'), ['PSB-POP-0001']);
      assert.deepEqual(new Set(await codes('q=registration')), new Set(['PSB-HH-0002', 'AMR-ENT-0001', 'PSB-POP-0001']), 'names and item labels');
      assert.deepEqual(await codes('q=market%20entity'), ['AMR-ENT-0001']);
      assert.deepEqual(await codes('q=idnumber'), ['PSB-POP-0001'], 'the field name of an item');
      assert.deepEqual(await codes('q=religion'), ['PSB-POP-0001'], 'the English label of an item');
    });

    it('filters by provider, sharing class, subject and open class, and pages', async () => {
      assert.deepEqual(await codes(`provider=${AMR}`), ['AMR-ENT-0001']);
      assert.deepEqual(await codes(`provider=${PSB}&class=conditional`), ['PSB-HH-0002']);
      assert.deepEqual(new Set(await codes(`subject=${encodeURIComponent('人口')}`)), new Set(['PSB-POP-0001', 'PSB-HH-0002']));
      assert.deepEqual(await codes(`provider=${AMR}&open=true`), ['AMR-ENT-0001']);
      assert.deepEqual(await codes(`provider=${PSB}&open=true`), []);
      const all = (await api(psbClerk, 'GET', `/api/v1/catalog?provider=${PSB}&limit=100`)).json();
      const page = (await api(psbClerk, 'GET', `/api/v1/catalog?provider=${PSB}&limit=1&offset=1`)).json();
      assert.equal(page.total, all.total);
      assert.ok(all.total >= 2);
      assert.equal(page.resources[0].code, all.resources[1].code);
      assert.equal(page.resources.length, 1);
      assert.deepEqual(page.resources[0].itemNames.length > 0, true);
      assert.equal(page.resources[0].items, undefined, 'summaries leave the items out');
      for (const bad of ['limit=101', 'limit=0', 'offset=-1', 'class=sometimes', 'colour=red']) {
        const response = await api(psbClerk, 'GET', `/api/v1/catalog?${bad}`);
        assert.equal(response.statusCode, 400, bad);
        assert.equal(response.json().code, 'invalid_input', bad);
      }
      assert.equal((await hub.app.inject('/api/v1/catalog?q=popul')).statusCode, 401, 'search needs an authenticated caller');
      assert.deepEqual(await codes('q=popul', await signedIn(hub.app, 'auditor', DEMO_PASSWORD)), ['PSB-POP-0001'], 'any authenticated actor may search');
    });

    it('revises a resource keeping its history and the ids of items by name', async () => {
      const original = (await api(psbClerk, 'GET', '/api/v1/catalog/PSB-POP-0001')).json();
      const idOf = (r: { items: { name: string; id: string }[] }, name: string) => r.items.find((i) => i.name === name)?.id;
      const revised = population();
      revised.summary = '本市户籍人口的基本信息（含出生日期）。';
      revised.items = [
        { name: 'birthDate', labelZh: '出生日期', labelEn: 'Date of birth', dataType: 'date', sensitivity: 'personal', sharingClass: 'unconditional', openClass: 'not_open' },
        ...revised.items.filter((i) => i.name !== 'religion'),
      ];
      const before = await headSeq();
      const response = await api(bearer, 'PUT', '/api/v1/catalog/PSB-POP-0001', revised);
      assert.equal(response.statusCode, 200, response.body);
      const current = response.json();
      assert.equal(current.version, 2);
      assert.deepEqual(current.items.map((i: { name: string }) => i.name), ['birthDate', 'name', 'idNumber', 'householdAddress']);
      for (const name of ['name', 'idNumber', 'householdAddress']) assert.equal(idOf(current, name), idOf(original, name), `${name} keeps its id`);
      assert.ok(idOf(current, 'birthDate') && !original.items.some((i: { id: string }) => i.id === idOf(current, 'birthDate')));

      const entries = await readEntries(hub.test.database.db, before, 100);
      const kinds = entries.map((e) => `${e.entity}:${e.op}`);
      assert.equal(kinds[0], 'catalog_versions:insert');
      assert.ok(kinds.includes('catalog_resources:update'));
      assert.ok(kinds.includes('catalog_items:insert') && kinds.includes('catalog_items:delete'));
      assert.equal(kinds.filter((k) => k === 'catalog_items:update').length, 3);

      const versions = (await api(amrClerk, 'GET', '/api/v1/catalog/PSB-POP-0001/versions')).json();
      assert.equal(versions.length, 1);
      assert.equal(versions[0].version, 1);
      assert.equal(versions[0].resource.summary, original.summary);
      assert.deepEqual(versions[0].resource.items.map((i: { name: string }) => i.name), ['name', 'idNumber', 'householdAddress', 'religion']);
      assert.deepEqual(await codes(`q=${encodeURIComponent('出生')}`), ['PSB-POP-0001'], 'search follows the revision');
      assert.deepEqual(await codes(`q=${encodeURIComponent('宗教')}`), [], 'and forgets the removed item');
    });

    it('refuses bad resources and unauthorised changes with a coded 4xx, changing nothing', async () => {
      const before = await headSeq();
      const conditionalWithout = population();
      conditionalWithout.code = 'PSB-POP-0009';
      delete (conditionalWithout.items[1] as { sharingCondition?: string }).sharingCondition;
      const notSharedWithout = population();
      notSharedWithout.code = 'PSB-POP-0010';
      delete (notSharedWithout.items[3] as { legalBasis?: string }).legalBasis;
      const cases: { name: string; send: () => ReturnType<typeof api>; status: number; code: string; message?: RegExp }[] = [
        { name: 'another department publishes for psb', send: () => api(amrClerk, 'POST', '/api/v1/catalog', { ...population(), code: 'PSB-X-1' }), status: 403, code: 'forbidden' },
        { name: 'duplicate code', send: () => api(psbClerk, 'POST', '/api/v1/catalog', population()), status: 409, code: 'conflict', message: /PSB-POP-0001/ },
        { name: 'conditional item without its condition', send: () => api(psbClerk, 'POST', '/api/v1/catalog', conditionalWithout), status: 400, code: 'invalid_input', message: /conditions/ },
        { name: 'not-shared item without legal basis', send: () => api(psbClerk, 'POST', '/api/v1/catalog', notSharedWithout), status: 400, code: 'invalid_input', message: /legal basis/ },
        { name: 'API without service code', send: () => api(psbClerk, 'POST', '/api/v1/catalog', { ...population(), code: 'PSB-X-2', serviceCode: undefined }), status: 400, code: 'invalid_input', message: /serviceCode/ },
        { name: 'same item twice', send: () => api(psbClerk, 'POST', '/api/v1/catalog', { ...population(), code: 'PSB-X-3', items: [population().items[0], population().items[0]] }), status: 400, code: 'invalid_input', message: /twice/ },
        { name: 'unknown sharing class', send: () => api(psbClerk, 'POST', '/api/v1/catalog', { ...population(), code: 'PSB-X-4', items: [{ ...population().items[0], sharingClass: 'sometimes' }] }), status: 400, code: 'invalid_input' },
        { name: 'unknown field', send: () => api(psbClerk, 'POST', '/api/v1/catalog', { ...population(), code: 'PSB-X-5', colour: 'red' }), status: 400, code: 'invalid_input', message: /colour/ },
        { name: 'revision moving the resource to another provider', send: () => api(psbClerk, 'PUT', '/api/v1/catalog/PSB-POP-0001', { ...population(), provider: AMR }), status: 403, code: 'forbidden' },
        { name: 'revision renaming the code', send: () => api(psbClerk, 'PUT', '/api/v1/catalog/PSB-POP-0001', { ...population(), code: 'PSB-POP-0099' }), status: 400, code: 'invalid_input', message: /code/ },
        { name: 'revision of an unknown resource', send: () => api(psbClerk, 'PUT', '/api/v1/catalog/PSB-NONE-0001', { ...population(), code: undefined }), status: 404, code: 'not_found' },
        { name: 'withdrawal by a clerk', send: () => api(psbClerk, 'POST', '/api/v1/catalog/PSB-HH-0002/withdraw'), status: 403, code: 'forbidden' },
        { name: 'withdrawal by another department', send: () => api(amrClerk, 'POST', '/api/v1/catalog/PSB-HH-0002/withdraw'), status: 403, code: 'forbidden' },
        { name: 'unknown resource', send: () => api(psbClerk, 'GET', '/api/v1/catalog/PSB-NONE-0001'), status: 404, code: 'not_found' },
      ];
      for (const c of cases) {
        const response = await c.send();
        assert.equal(response.statusCode, c.status, `${c.name}: ${response.body}`);
        assert.equal(response.json().code, c.code, c.name);
        if (c.message) assert.match(response.json().message, c.message, c.name);
      }
      assert.equal(await headSeq(), before, 'no refused request reached the journal');
    });

    it('withdraws a resource: gone from search, still readable, journaled', async () => {
      const before = await headSeq();
      const response = await api(psbAdmin, 'POST', '/api/v1/catalog/PSB-HH-0002/withdraw');
      assert.equal(response.statusCode, 200, response.body);
      assert.equal(response.json().withdrawn, true);
      assert.deepEqual(await codes(`q=${encodeURIComponent('户籍')}&provider=${PSB}`), ['PSB-POP-0001']);
      assert.equal((await api(amrClerk, 'GET', '/api/v1/catalog/PSB-HH-0002')).json().withdrawn, true);
      const entries = await readEntries(hub.test.database.db, before, 10);
      assert.deepEqual(entries.map((e) => `${e.entity}:${e.op}:${e.row?.withdrawn}`), ['catalog_resources:update:1']);
    });

    it('documents every catalog and sharing route in the OpenAPI document', async () => {
      const doc = (await hub.app.inject('/api/openapi.json')).json() as { paths: Record<string, Record<string, { tags?: string[]; security?: unknown }>> };
      const expected: [string, string][] = [
        ['/api/v1/catalog', 'get'], ['/api/v1/catalog', 'post'], ['/api/v1/catalog/{code}', 'get'], ['/api/v1/catalog/{code}', 'put'],
        ['/api/v1/catalog/{code}/withdraw', 'post'], ['/api/v1/catalog/{code}/versions', 'get'],
        ['/api/v1/sharing-requests', 'post'], ['/api/v1/sharing-requests', 'get'], ['/api/v1/sharing-requests/{id}', 'get'],
        ['/api/v1/sharing-requests/{id}/decisions', 'post'], ['/api/v1/sharing-requests/{id}/coordination', 'post'],
        ['/api/v1/agreements', 'get'], ['/api/v1/agreements/{id}', 'get'], ['/api/v1/agreements/{id}/revoke', 'post'], ['/api/v1/agreements/{id}/renew', 'post'],
      ];
      for (const [path, method] of expected) {
        const operation = doc.paths[path]?.[method];
        assert.ok(operation, `${method.toUpperCase()} ${path} is documented`);
        assert.ok(operation.security, `${method.toUpperCase()} ${path} names its security`);
      }
    });
  });
}
