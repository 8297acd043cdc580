import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { startDemoExchange, type RunningDemoExchange } from '../../src/exchange/demo.ts';
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
  after(async () => {
    await standby?.stop();
    await exchange?.stop();
    await world?.close();
  });

  it('starts the registries and gateways, and the printed lookup answers with the agreed items and masks the rest', async () => {
    world = await testExchange('sqlite');
    const dataDir = world.hub.hub.config.data;
    exchange = await startDemoExchange({ hub: world.hub.hub, hubUrl: world.hub.url, dataDir, basePort: 0, counts: { population: 2000, enterprises: 500 } });
    assert.deepEqual([...exchange.gateways.keys()], ['psb', 'amr', 'hrss', 'hpf', 'civil', 'edu']);
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
});
