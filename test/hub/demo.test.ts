import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as TypeValue from 'typebox/value';
import { demoRequests, demoResources } from '../../src/catalog/demo-data.ts';
import { ResourceInput } from '../../src/catalog/schema.ts';
import { searchCatalog } from '../../src/catalog/service.ts';
import { listAgreements, listRequests, type SharingPolicy } from '../../src/catalog/sharing.service.ts';
import { seedDemo } from '../../src/hub/demo.ts';
import { verifyJournal } from '../../src/journal/service.ts';
import { systemActor } from '../../src/platform/access.ts';
import { loadCalendar } from '../../src/platform/calendar.ts';
import { demoDepartments } from '../../src/registry/demo-data.ts';
import { databaseTargets, freshDatabase } from '../support/databases.ts';

const codeOf = (key: string) => demoDepartments.find((d) => d.key === key)!.uscc;

describe('the demo catalog data', () => {
  it('covers the four base databases and many departments, with codes that follow the provider', () => {
    assert.ok(demoResources.length >= 30 && demoResources.length <= 40, `${demoResources.length} resources`);
    assert.ok(new Set(demoResources.map((r) => r.provider)).size >= 10);
    for (const subject of ['人口', '法人单位', '自然资源和空间地理', '宏观经济']) {
      assert.ok(demoResources.some((r) => r.category === 'base' && r.subject === subject), `a base resource on ${subject}`);
    }
    for (const r of demoResources) {
      const slug = demoDepartments.find((d) => d.key === r.provider)?.key;
      assert.ok(slug, `${r.code}: provider ${r.provider} is a demo department`);
      assert.match(r.code ?? '', new RegExp(`^${slug.toUpperCase()}-\\d{4}$`));
    }
    assert.equal(new Set(demoResources.map((r) => r.code)).size, demoResources.length);
  });

  it('is valid API input, so the same resources could be published over /api/v1/', () => {
    for (const r of demoResources) {
      const errors = [...TypeValue.Errors(ResourceInput, { ...r, provider: codeOf(r.provider) })].map((e) => `${e.instancePath} ${e.message}`);
      assert.deepEqual(errors, [], r.code);
    }
  });
});

for (const target of databaseTargets) {
  describe(`seeding the demo on ${target.kind}`, { skip: target.skip }, () => {
    it('publishes the catalog, files the requests, and keeps the journal intact', async () => {
      const hub = await freshDatabase(target.kind);
      try {
        const database = hub.database;
        assert.deepEqual(await seedDemo(database), { seeded: true });

        const all = await searchCatalog(database, { limit: 100 });
        assert.equal(all.total, demoResources.length);
        assert.ok(all.total >= 30);
        assert.ok(new Set(all.resources.map((r) => r.provider)).size >= 10);
        assert.ok((await searchCatalog(database, { openOnly: true, limit: 100 })).total >= 10, 'the portal has open data to list');

        const household = (await searchCatalog(database, { q: '户籍', limit: 100 })).resources.map((r) => r.code);
        for (const expected of ['PSB-0001', 'PSB-0002', 'CIVIL-0001']) assert.ok(household.includes(expected), `户籍 finds ${expected}: ${household.join(' ')}`);
        assert.ok(!household.includes('ECO-0001'));
        const enterprise = await searchCatalog(database, { q: 'enterprise', limit: 100 });
        const enterpriseCodes = enterprise.resources.map((r) => r.code);
        for (const expected of ['AMR-0001', 'AMR-0002', 'HOUSING-0002']) assert.ok(enterpriseCodes.includes(expected), `enterprise finds ${expected}: ${enterpriseCodes.join(' ')}`);
        assert.ok(!enterpriseCodes.includes('ECO-0001'));
        assert.ok((await searchCatalog(database, { q: '不动产' })).resources.some((r) => r.code === 'NR-0001'));

        const watcher = systemActor('test');
        const policy: SharingPolicy = { calendar: loadCalendar(), replyDays: 10 };
        const requests = await listRequests(database, policy, watcher, 'all');
        assert.equal(requests.length, demoRequests.length);
        const agreements = await listAgreements(database, watcher, 'all');
        assert.equal(agreements.length, demoRequests.length, 'every demo request has granted items, so an agreement');
        assert.ok(agreements.every((a) => a.status === 'active'));

        const pensions = agreements.find((a) => a.consumer === codeOf('hrss') && a.consumerSystem === 'social-insurance')!;
        assert.equal(pensions.serviceCode, 'population/persons');
        assert.deepEqual([...pensions.items].sort(), ['birthDate', 'cancellationDate', 'cancellationReason', 'idNumber', 'name', 'sex']);

        const assistance = requests.find((r) => r.consumer === codeOf('civil'))!;
        assert.equal(assistance.status, 'pending', 'the household address still waits for the PSB');
        assert.deepEqual(assistance.items.filter((i) => i.status === 'pending').map((i) => i.item), ['householdAddress']);
        const enrolment = requests.find((r) => r.consumer === codeOf('edu'))!;
        assert.equal(enrolment.status, 'pending');
        assert.equal(enrolment.overdue, false);
        const loans = requests.find((r) => r.consumerSystem === 'loan')!;
        assert.equal(loans.status, 'decided');
        const refused = loans.items.find((i) => i.item === 'partnerIdNumber')!;
        assert.equal(refused.status, 'refused');
        assert.ok(refused.reason);

        const incoming = await listRequests(database, policy, { actor: 'test', kind: 'system', department: codeOf('psb'), roles: ['reviewer'], requestId: null }, 'incoming', 'pending');
        assert.equal(incoming.length, 2, 'the PSB reviewer has a queue');

        const journal = await verifyJournal(database.db);
        assert.equal(journal.ok, true, JSON.stringify(journal));
        assert.deepEqual(await seedDemo(database), { seeded: false });
      } finally {
        await hub.close();
      }
    });
  });
}
