import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { getResource } from '../../src/catalog/service.ts';
import { DEMO_PORTAL, startDemoExchange, type RunningDemoExchange } from '../../src/exchange/demo.ts';
import { subjectAccess } from '../../src/exchange/service.ts';
import { exchangeUserId, portalExchange } from '../../src/onestop/exchange-client.ts';
import { choosePort } from '../../src/platform/ports.ts';
import { journalHead } from '../../src/journal/service.ts';
import { startDemoStandby } from '../../src/recovery/demo.ts';
import type { RunningStandby } from '../../src/recovery/standby.ts';
import { codeOf, testExchange, type TestExchange } from '../support/exchange.ts';

/**
 * What `npm start` sets up besides the hub, and the curl line it prints: a resident fetched by the
 * social insurance system from the PSB through two gateways, with hrss's masking applied.
 */
describe('the demo exchange and standby', () => {
  let world: TestExchange;
  let exchange: RunningDemoExchange;
  let standby: RunningStandby;
  let portalPort: number;
  after(async () => {
    await standby?.stop();
    await exchange?.stop();
    await world?.close();
  });

  it('starts the registries and gateways, and the printed lookup answers with the agreed items and masks the rest', async () => {
    world = await testExchange('sqlite');
    const dataDir = world.hub.hub.config.data;
    portalPort = await choosePort();
    exchange = await startDemoExchange({
      hub: world.hub.hub, hubUrl: world.hub.url, dataDir, basePort: 0, counts: { population: 2000, enterprises: 500 }, clientPorts: { [DEMO_PORTAL.gateway]: portalPort },
    });
    assert.deepEqual([...exchange.gateways.keys()], ['psb', 'amr', 'hrss', 'hpf', 'civil', 'edu', 'bizenv']);
    const hrss = exchange.gateways.get('hrss')!;
    const id = exchange.samples.person;
    const response = await fetch(`${hrss.clientUrl}/r1/${codeOf('psb')}/population/persons/persons/${id}`, {
      headers: { 'egov-client': `${codeOf('hrss')}/social-insurance`, 'egov-user-id': `CN${id}` },
    });
    assert.equal(response.status, 200, await response.clone().text());
    const person = await response.json() as Record<string, unknown>;
    assert.equal(person.idNumber, id);
    assert.match(String(person.householdAddress), /\*\*\*\*$/, 'not granted to hrss: masked');
    const enterprise = await fetch(`${exchange.gateways.get('hpf')!.clientUrl}/r1/${codeOf('amr')}/business-reg/enterprises/enterprises/${exchange.samples.enterprise}`, {
      headers: { 'egov-client': `${codeOf('hpf')}/provident-fund` },
    });
    assert.equal(enterprise.status, 200, await enterprise.clone().text());
    standby = await startDemoStandby({ hub: world.hub.hub, hubUrl: world.hub.url, dataDir, port: 0 });
    await standby.reached((await journalHead(world.hub.hub.database.db)).seq);
  });

  it('lets the portal look a resident up through its own gateway, under its agreement, and shows the lookup to the resident', async () => {
    const hub = world.hub.hub;
    const config = { ...hub.config, portalGateway: `http://127.0.0.1:${portalPort}`, portalClient: `${codeOf(DEMO_PORTAL.gateway)}/${DEMO_PORTAL.system}` };
    const portal = portalExchange({ ...hub, config })!;
    const id = exchange.samples.person;
    const record = await portal.lookup(await getResource(hub.database, 'PSB-0001'), id, { userId: id, issue: 'XK00001001001' });
    assert.equal(record?.idNumber, id);
    assert.ok(typeof record?.name === 'string' && record.name.length > 0);
    assert.doesNotMatch(String(record?.householdAddress), /\*\*\*\*$/, 'granted to the portal: not masked');
    assert.ok(record?.maritalStatus === undefined || /^\*+$/.test(String(record.maritalStatus)), `outside the portal's agreement: masked or left out, got ${String(record?.maritalStatus)}`);
    const verification = await portal.call('psb', 'population/id-verification', `verifications?idNumber=${id}&name=${encodeURIComponent(String(record!.name))}`, { userId: id });
    assert.equal(verification.status, 200, JSON.stringify(verification.body));
    assert.equal((verification.body as { consistent?: boolean }).consistent, true);
    await exchange.gateways.get('psb')!.report();
    // The first test's lookup by the social insurance system is on the resident's list too.
    const seen = (await subjectAccess(hub.database, exchangeUserId(id))).filter((s) => s.client === portal.client);
    assert.deepEqual(new Set(seen.map((s) => s.service)), new Set(['population/persons', 'population/id-verification']));
    assert.equal(seen.find((s) => s.service === 'population/persons')?.issue, 'XK00001001001');
  });

  it('says the exchange cannot be reached, in words, when the portal\'s gateway is down', async () => {
    const hub = world.hub.hub;
    const config = { ...hub.config, portalGateway: `http://127.0.0.1:${await choosePort()}`, portalClient: `${codeOf(DEMO_PORTAL.gateway)}/${DEMO_PORTAL.system}` };
    await assert.rejects(
      portalExchange({ ...hub, config })!.lookup(await getResource(hub.database, 'PSB-0001'), exchange.samples.person, {}),
      (error: Error & { code?: string }) => error.code === 'unavailable' && /cannot be reached/.test(error.message),
    );
  });
});
