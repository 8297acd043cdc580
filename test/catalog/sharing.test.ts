import assert from 'node:assert/strict';
import { after, before, describe, it, mock } from 'node:test';
import { getRequest, submitRequest, type SharingPolicy } from '../../src/catalog/sharing.service.ts';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../../src/hub/demo.ts';
import { journalHead, readEntries } from '../../src/journal/service.ts';
import type { Actor } from '../../src/platform/access.ts';
import { chinaDate, loadCalendar } from '../../src/platform/calendar.ts';
import { demoDepartments } from '../../src/registry/demo-data.ts';
import { databaseTargets } from '../support/databases.ts';
import { signedIn, testHub, type Browser, type TestHub } from '../support/hub.ts';

const uscc = (key: string) => demoDepartments.find((d) => d.key === key)!.uscc;
const PSB = uscc('psb');
const HRSS = uscc('hrss');
const AMR = uscc('amr');
const calendar = loadCalendar();

const contact = { name: '孙丽', phone: '0411-83631234', email: 'data@psb.dalian.gov.cn' };
const item = (name: string, labelZh: string, sharingClass: string, extra: Record<string, string> = {}) => ({
  name, labelZh, labelEn: name, dataType: 'string', sensitivity: 'personal', sharingClass, openClass: 'not_open', ...extra,
});
const population = {
  code: 'PSB-POP-0001', provider: PSB, nameZh: '人口基本信息', nameEn: 'Population basic information', summary: '本市户籍人口的基本信息。',
  category: 'base', subject: '人口', format: 'api', serviceCode: 'population/person-basic', updateCycle: 'realtime', contact,
  items: [
    item('name', '姓名', 'unconditional'),
    item('idNumber', '公民身份号码', 'conditional', { sharingCondition: '仅用于身份核验', legalBasis: '《居民身份证法》' }),
    item('householdAddress', '户籍地址', 'conditional', { sharingCondition: '仅限待遇资格认定', legalBasis: '《社会保险法》' }),
    item('religion', '宗教信仰', 'not_shared', { legalBasis: '《个人信息保护法》第二十八条' }),
  ],
};
const enterprises = {
  code: 'AMR-ENT-0001', provider: AMR, nameZh: '市场主体登记信息', nameEn: 'Market entities', summary: '企业登记信息。',
  category: 'base', subject: '法人', format: 'api', serviceCode: 'business-reg/entities', updateCycle: 'daily', contact,
  items: [item('entityName', '企业名称', 'unconditional')],
};

function isoPlusDays(days: number): string {
  return chinaDate(new Date(Date.now() + days * 86_400_000));
}

describe('the reply deadline in working days', () => {
  it('counts 10 working days from Monday 2026-09-28 across National Day and the make-up Saturday to 2026-10-16', () => {
    assert.equal(calendar.addWorkingDays('2026-09-28', 10), '2026-10-16');
  });
});

for (const target of databaseTargets) {
  describe(`${target.kind}: sharing requests and agreements over the API`, { skip: target.skip }, () => {
    let hub: TestHub;
    let admin: Browser;
    let psbClerk: Browser;
    let psbReviewer: Browser;
    let amrReviewer: Browser;
    let hrssClerk: Browser;
    let first: { id: string; number: string; agreement: string | null };

    before(async () => {
      hub = await testHub(target.kind);
      admin = await signedIn(hub.app, 'admin', DEMO_PASSWORD, DEMO_TOTP_SECRET);
      const psbAdmin = await signedIn(hub.app, 'psb-admin', DEMO_PASSWORD, DEMO_TOTP_SECRET);
      const account = await api(psbAdmin, 'POST', '/api/v1/accounts', { username: 'test-psb-reviewer', displayName: '钱敏', department: PSB, roles: ['reviewer'], password: DEMO_PASSWORD });
      assert.equal(account.statusCode, 201, account.body);
      psbClerk = await signedIn(hub.app, 'psb-clerk', DEMO_PASSWORD);
      psbReviewer = await signedIn(hub.app, 'test-psb-reviewer', DEMO_PASSWORD);
      amrReviewer = await signedIn(hub.app, 'amr-reviewer', DEMO_PASSWORD);
      hrssClerk = await signedIn(hub.app, 'hrss-clerk', DEMO_PASSWORD);
      assert.equal((await api(psbClerk, 'POST', '/api/v1/catalog', population)).statusCode, 201);
      assert.equal((await api(await signedIn(hub.app, 'amr-clerk', DEMO_PASSWORD), 'POST', '/api/v1/catalog', enterprises)).statusCode, 201);
    });
    after(() => hub?.close());

    function api(b: Browser, method: string, url: string, body?: unknown) {
      return hub.app.inject({
        method: method as 'POST', url,
        headers: {
          cookie: [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'x-csrf-token': b.csrf ?? '',
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        ...(body !== undefined && { payload: JSON.stringify(body) }),
      });
    }
    const headSeq = async () => (await journalHead(hub.test.database.db)).seq;
    const entitiesSince = async (seq: number) => (await readEntries(hub.test.database.db, seq, 100)).map((e) => `${e.entity}:${e.op}`);
    const request = (overrides: Record<string, unknown> = {}) => ({
      resource: 'PSB-POP-0001', consumerSystem: 'social-insurance', items: ['name', 'idNumber', 'householdAddress', 'religion'],
      purpose: '社会保险待遇资格认定', legalBasis: '《社会保险法》', business: '养老保险待遇申领', periodFrom: isoPlusDays(0), periodUntil: isoPlusDays(365),
      ...overrides,
    });

    /** Each case must be refused with the status and code, and leave the journal head where it was. */
    async function refused(cases: { name: string; send: () => ReturnType<typeof api>; status: number; code: string; message?: RegExp }[]) {
      const before = await headSeq();
      for (const c of cases) {
        const response = await c.send();
        assert.equal(response.statusCode, c.status, `${c.name}: ${response.body}`);
        assert.equal(response.json().code, c.code, c.name);
        if (c.message) assert.match(response.json().message, c.message, c.name);
      }
      assert.equal(await headSeq(), before, 'nothing refused reached the journal');
    }

    it('grants unconditional items at once, refuses not-shared ones with their legal basis, and sends conditional ones to the provider', async () => {
      const before = await headSeq();
      const response = await api(hrssClerk, 'POST', '/api/v1/sharing-requests', request());
      assert.equal(response.statusCode, 201, response.body);
      const body = response.json();
      first = body;
      assert.match(body.number, /^GX\d{8}\d{6}$/);
      assert.equal(body.status, 'pending');
      assert.equal(body.consumer, HRSS);
      assert.equal(body.provider, PSB);
      assert.deepEqual(body.items.map((i: { item: string }) => i.item), ['name', 'idNumber', 'householdAddress', 'religion'], 'in the resource\'s order');
      const status = Object.fromEntries(body.items.map((i: { item: string; status: string }) => [i.item, i.status]));
      assert.deepEqual(status, { name: 'granted', idNumber: 'pending', householdAddress: 'pending', religion: 'refused' });
      assert.match(body.items.find((i: { item: string }) => i.item === 'religion').reason, /个人信息保护法/);
      assert.equal(body.dueOn, calendar.addWorkingDays(chinaDate(new Date(body.submittedAt)), 10));
      assert.equal(body.workingDaysLeft, 10);
      assert.equal(body.overdue, false);
      assert.ok(body.agreement, 'the unconditional item is in force at once');
      const agreement = (await api(hrssClerk, 'GET', `/api/v1/agreements/${body.agreement}`)).json();
      assert.deepEqual(agreement.items, ['name']);
      assert.equal(agreement.status, 'active');
      assert.equal(agreement.consumerSystem, 'social-insurance');
      assert.equal(agreement.serviceCode, 'population/person-basic');
      assert.deepEqual(await entitiesSince(before), [
        'sharing_requests:insert', ...Array(4).fill('sharing_request_items:insert'), 'sharing_request_events:insert', 'sharing_agreements:insert',
      ]);
    });

    it('shows the request in the provider\'s queue and the consumer\'s list, and to nobody else', async () => {
      // The demo's own requests are there too: look at those for this test's resource.
      const ofResource = async (b: Browser, query: string) => ((await api(b, 'GET', `/api/v1/sharing-requests${query}`)).json() as { id: string; resource: string }[])
        .filter((r) => r.resource === 'PSB-POP-0001').map((r) => r.id);
      assert.deepEqual(await ofResource(psbReviewer, '?side=incoming&status=pending'), [first.id]);
      assert.deepEqual(await ofResource(psbReviewer, '?side=incoming&status=decided'), []);
      assert.deepEqual(await ofResource(hrssClerk, ''), [first.id], 'outgoing by default');
      assert.deepEqual(await ofResource(hrssClerk, '?side=incoming'), []);
      assert.deepEqual(await ofResource(admin, '?side=all'), [first.id]);
      assert.deepEqual(await ofResource(psbClerk, '?side=outgoing'), []);
      assert.equal((await api(hrssClerk, 'GET', `/api/v1/sharing-requests/${first.number}`)).json().id, first.id, 'found by number too');
      await refused([
        { name: 'a third department reads it', send: () => api(amrReviewer, 'GET', `/api/v1/sharing-requests/${first.id}`), status: 404, code: 'not_found' },
        { name: 'a third department reads the agreement', send: () => api(amrReviewer, 'GET', `/api/v1/agreements/${first.agreement}`), status: 404, code: 'not_found' },
        { name: 'a department clerk lists all', send: () => api(hrssClerk, 'GET', '/api/v1/sharing-requests?side=all'), status: 403, code: 'forbidden' },
        { name: 'an unknown side', send: () => api(hrssClerk, 'GET', '/api/v1/sharing-requests?side=sideways'), status: 400, code: 'invalid_input' },
      ]);
    });

    it('lets only the provider\'s reviewer decide, and only with reasons for refusals', async () => {
      const decide = (b: Browser, items: unknown) => api(b, 'POST', `/api/v1/sharing-requests/${first.id}/decisions`, { items });
      await refused([
        { name: 'a clerk of the provider', send: () => decide(psbClerk, [{ item: 'idNumber', decision: 'approve' }]), status: 403, code: 'forbidden' },
        { name: 'a reviewer of another department', send: () => decide(amrReviewer, [{ item: 'idNumber', decision: 'approve' }]), status: 403, code: 'forbidden' },
        { name: 'the consumer\'s own reviewer', send: () => decide(hrssClerk, [{ item: 'idNumber', decision: 'approve' }]), status: 403, code: 'forbidden' },
        { name: 'a refusal without reason', send: () => decide(psbReviewer, [{ item: 'householdAddress', decision: 'refuse' }]), status: 400, code: 'invalid_input', message: /reason/ },
        { name: 'a refusal with a blank reason', send: () => decide(psbReviewer, [{ item: 'idNumber', decision: 'approve' }, { item: 'householdAddress', decision: 'refuse', reason: '  ' }]), status: 400, code: 'invalid_input', message: /reason/ },
        { name: 'an item not asked for', send: () => decide(psbReviewer, [{ item: 'birthDate', decision: 'approve' }]), status: 400, code: 'invalid_input' },
        { name: 'an item already granted', send: () => decide(psbReviewer, [{ item: 'name', decision: 'approve' }]), status: 409, code: 'conflict', message: /already granted/ },
        { name: 'an unknown decision', send: () => decide(psbReviewer, [{ item: 'idNumber', decision: 'maybe' }]), status: 400, code: 'invalid_input' },
        { name: 'an unknown request', send: () => api(psbReviewer, 'POST', '/api/v1/sharing-requests/GX0000/decisions', { items: [{ item: 'idNumber', decision: 'approve' }] }), status: 404, code: 'not_found' },
      ]);
    });

    it('approves one conditional item and refuses another; the agreement holds exactly the granted and approved items', async () => {
      const before = await headSeq();
      const response = await api(psbReviewer, 'POST', `/api/v1/sharing-requests/${first.id}/decisions`, {
        items: [{ item: 'idNumber', decision: 'approve' }, { item: 'householdAddress', decision: 'refuse', reason: '待遇资格认定无需户籍地址，可核验身份号码' }],
      });
      assert.equal(response.statusCode, 200, response.body);
      const body = response.json();
      assert.equal(body.status, 'decided');
      assert.ok(body.decidedAt);
      const byItem = new Map(body.items.map((i: { item: string }) => [i.item, i]));
      assert.equal((byItem.get('idNumber') as { status: string }).status, 'approved');
      assert.deepEqual((byItem.get('householdAddress') as { status: string; reason: string }), {
        ...(byItem.get('householdAddress') as object), status: 'refused', reason: '待遇资格认定无需户籍地址，可核验身份号码',
      });
      const kinds = body.events.map((e: { kind: string }) => e.kind);
      // One decision records its events at the same instant; their order among themselves is not meaningful.
      assert.deepEqual([kinds[0], ...kinds.slice(1).sort()], ['submitted', 'approved', 'refused']);
      assert.equal(body.agreement, first.agreement, 'the same agreement grows');
      assert.deepEqual((await api(hrssClerk, 'GET', `/api/v1/agreements/${first.agreement}`)).json().items, ['name', 'idNumber']);
      assert.deepEqual(new Set(await entitiesSince(before)), new Set([
        'sharing_request_items:update', 'sharing_request_events:insert', 'sharing_requests:update', 'sharing_agreements:update',
      ]));
      await refused([
        { name: 'deciding an already decided item', send: () => api(psbReviewer, 'POST', `/api/v1/sharing-requests/${first.id}/decisions`, { items: [{ item: 'idNumber', decision: 'refuse', reason: '改变主意' }] }), status: 409, code: 'conflict', message: /already approved/ },
      ]);
    });

    it('refuses bad requests with a clear 4xx and changes nothing', async () => {
      const pending = await api(hrssClerk, 'POST', '/api/v1/sharing-requests', request({ consumerSystem: 'employment', items: ['idNumber'] }));
      assert.equal(pending.statusCode, 201, pending.body);
      assert.equal(pending.json().agreement, null, 'nothing granted yet, so no agreement');
      const submit = (b: Browser, overrides: Record<string, unknown>) => api(b, 'POST', '/api/v1/sharing-requests', request(overrides));
      await refused([
        { name: 'an item that does not exist', send: () => submit(hrssClerk, { consumerSystem: 'social-security-card', items: ['name', 'shoeSize'] }), status: 400, code: 'invalid_input', message: /shoeSize/ },
        { name: 'an item of another resource', send: () => submit(hrssClerk, { consumerSystem: 'social-security-card', items: ['entityName'] }), status: 400, code: 'invalid_input', message: /entityName/ },
        { name: 'a period ending before it starts', send: () => submit(hrssClerk, { consumerSystem: 'social-security-card', periodFrom: isoPlusDays(30), periodUntil: isoPlusDays(10) }), status: 400, code: 'invalid_input', message: /before it starts/ },
        { name: 'a period already over', send: () => submit(hrssClerk, { consumerSystem: 'social-security-card', periodFrom: '2020-01-01', periodUntil: '2020-12-31' }), status: 400, code: 'invalid_input' },
        { name: 'a date that is not one', send: () => submit(hrssClerk, { consumerSystem: 'social-security-card', periodUntil: '2027-02-30' }), status: 400, code: 'invalid_input' },
        { name: 'a department asking for its own resource', send: () => submit(psbClerk, { consumerSystem: 'population' }), status: 400, code: 'invalid_input', message: /own resource/ },
        { name: 'a duplicate pending request', send: () => submit(hrssClerk, { consumerSystem: 'employment', items: ['householdAddress'] }), status: 409, code: 'conflict', message: new RegExp(pending.json().number) },
        { name: 'a system the department does not have', send: () => submit(hrssClerk, { consumerSystem: 'population' }), status: 400, code: 'invalid_input', message: /system/ },
        { name: 'an unknown resource', send: () => submit(hrssClerk, { resource: 'PSB-NONE-0001' }), status: 404, code: 'not_found' },
        { name: 'no items', send: () => submit(hrssClerk, { consumerSystem: 'social-security-card', items: [] }), status: 400, code: 'invalid_input' },
        { name: 'a reviewer-only account of the consumer cannot ask', send: () => submit(amrReviewer, { resource: 'PSB-POP-0001', consumerSystem: 'business-reg' }), status: 403, code: 'forbidden' },
      ]);
    });

    it('renews an agreement to a later date only, by the provider', async () => {
      const url = `/api/v1/agreements/${first.agreement}/renew`;
      const current = (await api(hrssClerk, 'GET', `/api/v1/agreements/${first.agreement}`)).json();
      await refused([
        { name: 'an earlier end', send: () => api(psbReviewer, 'POST', url, { validUntil: isoPlusDays(100) }), status: 400, code: 'invalid_input', message: /after the current end/ },
        { name: 'the same end', send: () => api(psbReviewer, 'POST', url, { validUntil: current.validUntil }), status: 400, code: 'invalid_input' },
        { name: 'the consumer renewing', send: () => api(hrssClerk, 'POST', url, { validUntil: isoPlusDays(800) }), status: 403, code: 'forbidden' },
        { name: 'not a date', send: () => api(psbReviewer, 'POST', url, { validUntil: 'next year' }), status: 400, code: 'invalid_input' },
      ]);
      const before = await headSeq();
      const renewed = await api(psbReviewer, 'POST', url, { validUntil: isoPlusDays(730) });
      assert.equal(renewed.statusCode, 200, renewed.body);
      assert.equal(renewed.json().validUntil, isoPlusDays(730));
      assert.deepEqual(await entitiesSince(before), ['sharing_agreements:update', 'sharing_request_events:insert']);
      const listed = async (b: Browser, query: string) => ((await api(b, 'GET', `/api/v1/agreements${query}`)).json() as { id: string; validUntil: string }[]);
      assert.equal((await listed(psbReviewer, '?side=incoming')).find((a) => a.id === first.agreement)?.validUntil, isoPlusDays(730));
      assert.ok((await listed(hrssClerk, '')).some((a) => a.id === first.agreement), 'outgoing by default');
      assert.ok(!(await listed(psbReviewer, '?side=outgoing')).some((a) => a.id === first.agreement));
    });

    it('revokes an agreement with a reason; nothing more is decided or renewed on it', async () => {
      // A request with a granted item (so an agreement) and a pending one.
      const mixed = await api(hrssClerk, 'POST', '/api/v1/sharing-requests', request({ consumerSystem: 'social-security-card', items: ['name', 'householdAddress'] }));
      assert.equal(mixed.statusCode, 201, mixed.body);
      const { id, agreement } = mixed.json();
      const revoke = (b: Browser, reason: string) => api(b, 'POST', `/api/v1/agreements/${agreement}/revoke`, { reason });
      await refused([
        { name: 'the consumer revoking', send: () => revoke(hrssClerk, '不再需要'), status: 403, code: 'forbidden' },
        { name: 'a clerk of the provider revoking', send: () => revoke(psbClerk, '不再需要'), status: 403, code: 'forbidden' },
        { name: 'no reason', send: () => revoke(psbReviewer, ''), status: 400, code: 'invalid_input' },
        { name: 'a blank reason', send: () => revoke(psbReviewer, '   '), status: 400, code: 'invalid_input', message: /reason/ },
      ]);
      const before = await headSeq();
      const revoked = await revoke(psbReviewer, '发现超范围使用');
      assert.equal(revoked.statusCode, 200, revoked.body);
      assert.equal(revoked.json().status, 'revoked');
      assert.equal(revoked.json().revokeReason, '发现超范围使用');
      assert.deepEqual(await entitiesSince(before), ['sharing_agreements:update', 'sharing_request_events:insert']);
      await refused([
        { name: 'revoking twice', send: () => revoke(psbReviewer, '再次撤销'), status: 409, code: 'conflict' },
        { name: 'renewing after revocation', send: () => api(psbReviewer, 'POST', `/api/v1/agreements/${agreement}/renew`, { validUntil: isoPlusDays(900) }), status: 409, code: 'conflict' },
        { name: 'deciding after revocation', send: () => api(psbReviewer, 'POST', `/api/v1/sharing-requests/${id}/decisions`, { items: [{ item: 'householdAddress', decision: 'approve' }] }), status: 409, code: 'conflict', message: /revoked/ },
      ]);
      const events = (await api(hrssClerk, 'GET', `/api/v1/sharing-requests/${id}`)).json().events.map((e: { kind: string }) => e.kind);
      assert.deepEqual(events, ['submitted', 'revoked']);
    });

    it('lets the platform administrator record a coordination note', async () => {
      const url = `/api/v1/sharing-requests/${first.id}/coordination`;
      await refused([
        { name: 'a reviewer coordinating', send: () => api(psbReviewer, 'POST', url, { note: '请尽快答复' }), status: 403, code: 'forbidden' },
        { name: 'an empty note', send: () => api(admin, 'POST', url, { note: '' }), status: 400, code: 'invalid_input' },
      ]);
      const before = await headSeq();
      const response = await api(admin, 'POST', url, { note: '已电话联系公安局数据管理科' });
      assert.equal(response.statusCode, 200, response.body);
      assert.equal(response.json().events.at(-1).kind, 'coordination');
      assert.deepEqual(await entitiesSince(before), ['sharing_request_events:insert']);
    });

    it('computes the due date across holidays and make-up days, and flags the request overdue after it', async () => {
      // A fixed policy and a fixed clock: submitted on Monday 2026-09-28 (China), 10 working days
      // skip the National Day holidays and count the make-up Saturday 2026-10-10.
      const policy: SharingPolicy = { calendar, replyDays: 10 };
      const actor: Actor = { actor: 'test:hrss-clerk', kind: 'staff', department: HRSS, roles: ['clerk'], requestId: null };
      const input = { ...request({ items: ['householdAddress'], periodFrom: '2026-10-01', periodUntil: '2027-09-30' }), consumerSystem: 'social-insurance' } as Parameters<typeof submitRequest>[3];
      mock.timers.enable({ apis: ['Date'], now: Date.parse('2026-09-28T01:30:00.000Z') });
      try {
        const submitted = await submitRequest(hub.test.database, policy, actor, input);
        assert.equal(chinaDate(new Date(submitted.submittedAt)), '2026-09-28');
        assert.equal(submitted.dueOn, '2026-10-16');
        assert.equal(submitted.dueOn, calendar.addWorkingDays(chinaDate(new Date(submitted.submittedAt)), 10));
        assert.equal(submitted.workingDaysLeft, 10);
        mock.timers.setTime(Date.parse('2026-10-16T09:00:00.000Z'));
        const lastDay = await getRequest(hub.test.database, policy, actor, submitted.id);
        assert.deepEqual([lastDay.workingDaysLeft, lastDay.overdue], [0, false], 'the due day itself is still in time');
        mock.timers.setTime(Date.parse('2026-10-19T02:00:00.000Z'));
        const late = await getRequest(hub.test.database, policy, actor, submitted.id);
        assert.deepEqual([late.workingDaysLeft, late.overdue], [-1, true]);
      } finally {
        mock.timers.reset();
      }
    });
  });
}
