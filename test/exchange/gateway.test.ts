import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { setAgreementRateLimit } from '../../src/catalog/sharing.service.ts';
import { exportEvidence, verifyEvidence } from '../../src/exchange/evidence.ts';
import { files } from '../../src/exchange/gateway/identity.ts';
import { MessageLog } from '../../src/exchange/gateway/log.ts';
import type { GatewayOptions, RunningGateway } from '../../src/exchange/gateway/server.ts';
import { GLOBAL_CONFIG_TYP, type GlobalConfig } from '../../src/exchange/global-config.ts';
import { canonicalRequest, sha256, signText } from '../../src/exchange/protocol.ts';
import { createEnrolmentToken, enrolGateway, listGateways, revokeCertificate, subjectAccess, trafficSummary } from '../../src/exchange/service.ts';
import { createKeyAndCsr } from '../../src/pki/ca.ts';
import { loadSigningKey, signCompact } from '../../src/pki/signing.ts';
import { systemActor } from '../../src/platform/access.ts';
import { databaseTargets } from '../support/databases.ts';
import { type Backend, type TestExchange, codeOf, testBackend, testExchange } from '../support/exchange.ts';
import { enrol } from '../../src/exchange/gateway/identity.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const PSB = codeOf('psb');
const HRSS = codeOf('hrss');
const EDU = codeOf('edu');
const AMR = codeOf('amr');
const PERSON_ID = '210202199001011232';
const admin = systemActor('test');

/** What the population backend answers: granted items, one personal item hrss was not granted, and a field the catalog does not list. */
const person = {
  idNumber: PERSON_ID, name: '张三', sex: '1', birthDate: '1990-01-01',
  householdAddress: '辽宁省大连市中山区人民路5号', cancellationReason: null, internalNote: 'not in the catalog',
};

interface Call {
  status: number;
  headers: Headers;
  body: string;
  json: any;
}

async function call(gateway: RunningGateway, pathAndQuery: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Call> {
  const response = await fetch(`${gateway.clientUrl}${pathAndQuery}`, {
    method: init.method ?? 'GET',
    headers: { 'egov-client': `${HRSS}/social-insurance`, ...init.headers },
    ...(init.body !== undefined && { body: init.body }),
  });
  const body = await response.text();
  let json: unknown = null;
  try { json = JSON.parse(body); } catch { /* not JSON */ }
  return { status: response.status, headers: response.headers, body, json };
}

/** Sends the path exactly as written: fetch would resolve dot segments before sending. */
function rawCall(gateway: RunningGateway, rawPath: string): Promise<Call> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${gateway.clientUrl}${rawPath}`, { headers: { 'egov-client': `${HRSS}/social-insurance` } }, (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => {
        const headers = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') headers.set(k, v);
        resolve({ status: res.statusCode!, headers, body, json: JSON.parse(body) });
      });
    });
    request.path = rawPath;
    request.on('error', reject);
    request.end();
  });
}

function expectFault(c: Call, type: string, status?: number): void {
  assert.equal(c.headers.get('egov-error'), type, c.body);
  assert.equal(c.json?.type, type);
  assert.ok(typeof c.json?.message === 'string' && c.json.message.length > 10, 'a message a developer can act on');
  assert.equal(c.json?.detail, c.headers.get('egov-id'), 'the detail is the message id to look up in both logs');
  if (status) assert.equal(c.status, status);
}

for (const target of databaseTargets) {
  describe(`exchange through gateways (${target.kind})`, { skip: target.skip }, () => {
    let world: TestExchange;
    let backend: Backend;
    let psbOptions: GatewayOptions;
    let psb: RunningGateway;
    let hrss: RunningGateway;
    let backendMode: 'ok' | 'error' | 'slow' | 'garbage' | 'hangup' = 'ok';
    const personPath = `/r1/${PSB}/population/persons/persons/${PERSON_ID}`;

    before(async () => {
      world = await testExchange(target.kind);
      backend = await testBackend((req, _body, res) => {
        if (req.url === '/openapi.json') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ openapi: '3.1.0', info: { title: 'population', version: '1' }, servers: [{ url: 'http://10.0.0.5/internal' }], paths: { '/persons/{idNumber}': {} } }));
          return;
        }
        const answer = () => {
          if (backendMode === 'error') {
            res.writeHead(404, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ code: 'not_found', message: 'no such person' }));
          } else if (backendMode === 'garbage') {
            res.writeHead(200, { 'content-type': 'text/html' });
            res.end('<html>maintenance</html>');
          } else if (backendMode === 'hangup') {
            res.socket?.destroy();
          } else {
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(JSON.stringify(person));
          }
        };
        if (backendMode === 'slow') setTimeout(answer, 1500);
        else answer();
      });
      psbOptions = await world.prepare('psb', {
        services: [{ code: 'population/persons', url: backend.url, endpoints: ['GET /persons/*'], timeoutMs: 1000, logBodies: false, openapi: `${backend.url}/openapi.json` }],
      });
      psb = await world.start(psbOptions);
      hrss = await world.gateway('hrss');
      // Gateways learn of each other from the configuration: the PSB's was fetched before hrss enrolled.
      await psb.refresh();
    });

    after(async () => {
      await world?.close();
      await backend?.close();
    });

    it('enrols with a one-time token: the key stays private on disk and the token cannot be used twice', async () => {
      const key = statSync(path.join(psbOptions.dataDir, files.key));
      assert.equal(key.mode & 0o077, 0, 'the private key is readable by its owner only');
      const gateways = await listGateways(world.hub.hub.database, admin);
      assert.deepEqual(gateways.map((g) => g.id).sort(), [`${HRSS}/gw1`, `${PSB}/gw1`].sort());
      const { token } = await createEnrolmentToken(world.hub.hub.database, admin, world.hub.hub.exchange, { department: EDU, code: 'gw1' });
      const { csrPem } = await createKeyAndCsr({ commonName: 'x' });
      await enrolGateway(world.hub.hub.database, world.hub.hub.exchange, { token, csr: csrPem, address: 'https://127.0.0.1:59999' });
      await assert.rejects(
        enrolGateway(world.hub.hub.database, world.hub.hub.exchange, { token, csr: csrPem, address: 'https://127.0.0.1:59999' }),
        /unknown, used or expired/,
      );
      await assert.rejects(
        enrolGateway(world.hub.hub.database, world.hub.hub.exchange, { token: 'EGT1.copied-without-its-pin', csr: csrPem, address: 'https://127.0.0.1:59999' }),
        /not an enrolment token/,
      );
    });

    it('refuses a hub whose CA is not the one the token pins', async () => {
      const { token } = await createEnrolmentToken(world.hub.hub.database, admin, world.hub.hub.exchange, { department: EDU, code: 'gw2' });
      const forged = token.replace(/\.[0-9a-f]{16}$/, '.0123456789abcdef');
      const dataDir = path.join(psbOptions.dataDir, 'forged');
      await assert.rejects(enrol({ dataDir, hubUrl: world.hub.url, token: forged, address: 'https://127.0.0.1:59998' }), /not the one the token names/);
    });

    it('carries a request through two gateways, with the items outside the agreement masked or removed', async () => {
      const c = await call(hrss, personPath, { headers: { 'egov-user-id': `CN${PERSON_ID}`, 'egov-issue': 'SB-2026-000123' } });
      assert.equal(c.status, 200, c.body);
      // Granted items pass; the household address is personal data hrss was not granted (masked);
      // a field the catalog does not list never leaves the department.
      assert.deepEqual(c.json, {
        idNumber: PERSON_ID, name: '张三', sex: '1', birthDate: '1990-01-01', householdAddress: '辽宁省大连市中山区****', cancellationReason: null,
      });
      assert.match(c.headers.get('egov-id')!, /^[0-9a-f-]{36}$/);
      assert.match(c.headers.get('egov-request-hash')!, /^[A-Za-z0-9_-]{43}$/);
      const reached = backend.seen.at(-1)!;
      assert.equal(reached.url, `/persons/${PERSON_ID}`);
      assert.equal(reached.headers['egov-client'], `${HRSS}/social-insurance`);
      assert.equal(reached.headers['egov-issue'], 'SB-2026-000123');
    });

    it('carries many exchanges at once, each on a connection whose certificate it checks', async () => {
      // New connections are opened for the parallel calls; a resumed TLS session would carry no
      // certificate to check the signature with, so gateways must not resume them.
      const results = await Promise.all(Array.from({ length: 24 }, () => call(hrss, personPath)));
      assert.deepEqual(results.filter((r) => r.status !== 200).map((r) => r.body), []);
      const ids = new Set(results.map((r) => r.headers.get('egov-id')));
      assert.equal(ids.size, 24, 'every exchange has its own message id');
    });

    it('passes a backend\'s own error through unchanged and signed', async () => {
      backendMode = 'error';
      try {
        const c = await call(hrss, personPath);
        assert.equal(c.status, 404);
        assert.equal(c.headers.get('egov-error'), null, 'not a fault of the exchange');
        assert.deepEqual(c.json, { code: 'not_found', message: 'no such person' });
      } finally {
        backendMode = 'ok';
      }
    });

    it('refuses each kind of bad request with the type that says which side failed, and nothing unauthorised reaches the backend', async () => {
      const before = backend.seen.length;
      expectFault(await call(hrss, personPath, { headers: { 'egov-client': '' } }), 'Client.BadRequest', 400);
      expectFault(await call(hrss, `/r1/${PSB}/population`), 'Client.BadRequest', 400);
      expectFault(await rawCall(hrss, `/r1/${PSB}/population/persons/persons/%2e%2e/admin`), 'Client.BadRequest', 400);
      expectFault(await rawCall(hrss, `/r1/${PSB}/population/persons/persons/..%2fadmin`), 'Client.BadRequest', 400);
      expectFault(await call(hrss, personPath, { headers: { 'egov-user-id': 'CN210202199001011233' } }), 'Client.BadRequest', 400);
      expectFault(await call(hrss, `/r1/91210200MA0000000X/population/persons/x`), 'Client.UnknownProvider', 404);
      expectFault(await call(hrss, `/r1/${PSB}/population/nothing/x`), 'Client.UnknownService', 404);
      expectFault(await call(hrss, personPath, { headers: { 'egov-client': `${HRSS}/no-such-system` } }), 'Client.UnknownClient', 403);
      expectFault(await call(hrss, personPath, { headers: { 'egov-client': `${PSB}/household` } }), 'Client.UnknownClient', 403);
      expectFault(await call(hrss, personPath, { method: 'POST', body: 'x'.repeat(1024 * 1024 + 1), headers: { 'content-type': 'text/plain' } }), 'Client.BodyTooLarge', 413);
      // The right is for GET on /persons/*; a POST is outside the endpoints the provider opened.
      expectFault(await call(hrss, personPath, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }), 'Server.ServerProxy.AccessDenied', 403);
      // Purpose must match the agreement's when given.
      expectFault(await call(hrss, personPath, { headers: { 'egov-purpose': encodeURIComponent('随便看看') } }), 'Server.ServerProxy.AccessDenied', 403);
      assert.equal(backend.seen.length, before, 'no refused request reached the backend');
    });

    it('refuses a client without an agreement in force, naming what to do', async () => {
      const amr = await world.gateway('amr');
      await psb.refresh();
      const before = backend.seen.length;
      // The market regulator never asked for population data.
      const c = await call(amr, personPath, { headers: { 'egov-client': `${AMR}/business-reg` } });
      expectFault(c, 'Server.ServerProxy.AccessDenied', 403);
      assert.match(c.json.message, /no agreement in force/);
      assert.equal(backend.seen.length, before);
    });

    it('reports a backend that is down, slow, or answers what cannot be checked, and passes nothing unchecked on', async () => {
      try {
        for (const [mode, type, status] of [['slow', 'Server.Backend.Timeout', 504], ['garbage', 'Server.Backend.InvalidResponse', 502], ['hangup', 'Server.Backend.Unreachable', 502]] as const) {
          backendMode = mode;
          const c = await call(hrss, personPath);
          expectFault(c, type, status);
          assert.ok(!c.body.includes('maintenance'), 'a body that could not be filtered is not passed on');
        }
      } finally {
        backendMode = 'ok';
      }
      await psb.stop();
      psb = await world.start({ ...psbOptions, services: [{ ...psbOptions.services[0]!, url: 'http://127.0.0.1:9' }] });
      try {
        expectFault(await call(hrss, personPath), 'Server.Backend.Unreachable', 502);
      } finally {
        await psb.stop();
        psb = await world.start(psbOptions);
      }
      assert.equal((await call(hrss, personPath)).status, 200);
    });

    it('enforces the rate limit the provider set on the agreement', async () => {
      const db = world.hub.hub.database;
      const agreement = await db.db.selectFrom('sharing_agreements').select('id').where('consumer_id', '=', HRSS).where('provider_id', '=', PSB).executeTakeFirstOrThrow();
      await setAgreementRateLimit(db, systemActor('test'), agreement.id, 2);
      await Promise.all([psb.refresh(), hrss.refresh()]);
      try {
        const results = [];
        for (let i = 0; i < 4; i += 1) results.push(await call(hrss, personPath));
        assert.deepEqual(results.map((r) => r.status).slice(0, 2), [200, 200]);
        expectFault(results[3]!, 'Server.ServerProxy.RateLimited', 429);
        assert.match(results[3]!.json.message, /2 requests a minute/);
      } finally {
        await setAgreementRateLimit(db, systemActor('test'), agreement.id, null);
        await Promise.all([psb.refresh(), hrss.refresh()]);
      }
    });

    it('refuses a tampered request or a forged signature at the provider gateway', async () => {
      const before = backend.seen.length;
      const [key, cert, ca] = await Promise.all([files.key, files.certificate, files.ca].map((f) => readFile(path.join(hrss.dataDir, f), 'utf8')));
      const id = crypto.randomUUID();
      const target = `${PSB}/population/persons/persons/${PERSON_ID}`;
      const envelope = { id, time: new Date().toISOString(), method: 'GET', target, client: `${HRSS}/social-insurance`, userId: '', issue: '', purpose: '', contentType: '', bodyHash: sha256('') };
      const good = signText(hrss.identity.key, canonicalRequest(envelope));
      const send = (headers: Record<string, string>, body = '', method = 'GET') => new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
        const request = https.request({ host: '127.0.0.1', port: psb.exchangePort, path: `/x1/${target}`, method, key, cert, ca, checkServerIdentity: () => undefined, headers }, (res) => {
          let text = '';
          res.on('data', (c) => { text += c; });
          res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
        });
        request.on('error', reject);
        request.end(body);
      });
      const headers = { 'egov-client': `${HRSS}/social-insurance`, 'egov-id': id, 'egov-time': envelope.time };
      const forged = await send({ ...headers, 'egov-signature': good.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) });
      assert.equal(forged.headers['egov-error'], 'Server.ServerProxy.InvalidSignature');
      const tampered = await send({ ...headers, 'egov-signature': good, 'content-length': '2' }, '{}', 'GET');
      assert.equal(tampered.headers['egov-error'], 'Server.ServerProxy.InvalidSignature');
      const otherDepartment = await send({ ...headers, 'egov-client': `${EDU}/enrollment`, 'egov-signature': signText(hrss.identity.key, canonicalRequest({ ...envelope, client: `${EDU}/enrollment` })) });
      assert.equal(otherDepartment.headers['egov-error'], 'Server.ServerProxy.AccessDenied', 'a gateway speaks only for its own department');
      const genuine = await send({ ...headers, 'egov-signature': good });
      assert.equal(genuine.status, 200, genuine.body);
      assert.equal(backend.seen.length, before + 1, 'only the genuine request reached the backend');
    });

    it('answers the metadata services: what a provider offers, what the client may call, and the OpenAPI without internal addresses', async () => {
      const list = await call(hrss, `/r1/${PSB}/listMethods`);
      assert.equal(list.status, 200, list.body);
      assert.ok(list.json.services.some((s: { serviceCode: string }) => s.serviceCode === 'population/persons'));
      const allowed = await call(hrss, `/r1/${PSB}/allowedMethods`);
      assert.deepEqual(allowed.json.services.map((s: { serviceCode: string }) => s.serviceCode), ['population/persons']);
      assert.ok(allowed.json.services[0].items.includes('idNumber'));
      const openapi = await call(hrss, `/r1/${PSB}/getOpenAPI?serviceCode=population/persons`);
      assert.equal(openapi.status, 200, openapi.body);
      assert.deepEqual(openapi.json.servers, [{ url: `/r1/${PSB}/population/persons`, description: 'through your own gateway' }]);
      assert.ok(!openapi.body.includes('10.0.0.5'));
    });

    it('logs every exchange on both sides in a verifiable chain, anchored at the hub, and exports evidence a third party can check', async () => {
      const c = await call(hrss, personPath, { headers: { 'egov-user-id': `CN${PERSON_ID}` } });
      assert.equal(c.status, 200);
      const id = c.headers.get('egov-id')!;
      assert.equal((await call(hrss, personPath)).status, 200, 'a later exchange, so the proof runs through entries that are not this one');
      await Promise.all([psb.anchor(), hrss.anchor()]);
      for (const g of [psb, hrss]) {
        const report = await g.log.verify();
        assert.ok(report.ok, JSON.stringify(report));
        assert.ok(report.anchorsChecked >= 1);
      }
      const entries = await psb.log.entriesOf(id);
      assert.deepEqual(entries.map((e) => e.kind), ['request', 'response']);
      assert.equal(entries[0]!.user_id, 'CN210202**********32', 'the person is masked in the log');
      assert.equal(entries[0]!.body, null, 'the PSB keeps no bodies of this service');
      const jws = (await readFile(path.join(psbOptions.dataDir, files.config), 'utf8')).trim();
      const evidence = await exportEvidence(psb.log, psb.identity.id, id, jws);
      const keys = await world.hub.hub.globalConfig.jwks();
      const report = await verifyEvidence(evidence, keys as never);
      assert.ok(report.ok, report.problem);
      assert.ok(report.checks.some((line) => line.includes('countersigned')));
      const altered = structuredClone(evidence);
      altered.entries[0]!.client = `${EDU}/enrollment`;
      assert.equal((await verifyEvidence(altered, keys as never)).ok, false);
      const rewritten = structuredClone(evidence);
      assert.ok(rewritten.chain.length >= 2);
      rewritten.chain[0] = rewritten.chain[1]!;
      assert.equal((await verifyEvidence(rewritten, keys as never)).ok, false);
    });

    it('finds a log entry changed after the fact', async () => {
      const probe = await MessageLog.open({ url: psbOptions.databaseUrl, dataDir: psbOptions.dataDir });
      try {
        const first = await probe.database.db.selectFrom('message_log').select(['seq', 'client']).orderBy('seq').limit(1).executeTakeFirstOrThrow();
        await probe.database.db.updateTable('message_log').set({ client: `${EDU}/enrollment` }).where('seq', '=', first.seq).execute();
        const report = await probe.verify();
        assert.equal(report.ok, false);
        assert.ok(!report.ok && report.seq === Number(first.seq) && /changed/.test(report.problem));
        await probe.database.db.updateTable('message_log').set({ client: first.client }).where('seq', '=', first.seq).execute();
        assert.ok((await probe.verify()).ok);
      } finally {
        await probe.close();
      }
    });

    it('reports traffic to the hub per department pair and service, and who looked up a person', async () => {
      await Promise.all([psb.report(), hrss.report()]);
      await Promise.all([psb.report(), hrss.report()]);
      const traffic = await trafficSummary(world.hub.hub.database, admin, new Date(Date.now() - 3_600_000));
      const pair = traffic.find((t) => t.client === `${HRSS}/social-insurance` && t.provider === PSB && t.service === 'population/persons' && t.side === 'provider');
      assert.ok(pair && pair.count >= 3, JSON.stringify(traffic));
      assert.ok(pair.failures >= 1, 'refusals count as failures');
      const looked = await subjectAccess(world.hub.hub.database, `CN${PERSON_ID}`);
      assert.ok(looked.some((a) => a.client === `${HRSS}/social-insurance` && a.issue === 'SB-2026-000123'));
    });

    it('keeps serving from the saved configuration when the hub is unreachable, and refuses once it has expired', async () => {
      await psb.stop();
      const saved = (await readFile(path.join(psbOptions.dataDir, files.config), 'utf8')).trim();
      const restartedWithSaved = await world.start({ ...psbOptions, configRefreshSeconds: 3600 });
      psb = restartedWithSaved;
      assert.equal((await call(hrss, personPath)).status, 200);
      // An expired copy, signed by the hub: the gateway keeps it but will not enforce stale rights.
      const key = await loadSigningKey(world.hub.hub.config.data);
      const payload = JSON.parse(Buffer.from(saved.split('.')[1]!, 'base64url').toString('utf8')) as GlobalConfig;
      await psb.stop();
      // The hub stays up, so the gateway would fetch a fresh copy at start; a hub address nobody
      // answers, in its identity and in the configuration's list of hubs, stands for the outage.
      const unreachable = 'https://127.0.0.1:9';
      const hubs = payload.hubs.map((h) => ({ ...h, exchangeUrl: unreachable }));
      await writeFile(path.join(psbOptions.dataDir, files.config), await signCompact(key, { ...payload, hubs, expiresAt: new Date(Date.now() - 1000).toISOString() }, GLOBAL_CONFIG_TYP));
      const identityFile = path.join(psbOptions.dataDir, files.identity);
      const identity = JSON.parse(await readFile(identityFile, 'utf8'));
      await writeFile(identityFile, JSON.stringify({ ...identity, hubExchangeUrl: unreachable }));
      psb = await world.start(psbOptions);
      expectFault(await call(hrss, personPath), 'Server.ServerProxy.OutdatedGlobalConf', 503);
      await psb.stop();
      await writeFile(identityFile, JSON.stringify(identity));
      psb = await world.start(psbOptions);
      assert.equal((await call(hrss, personPath)).status, 200);
    });

    it('loses no acknowledged log entry when the gateway is killed in the middle of traffic', async () => {
      await psb.stop();
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'gateway-process.ts'), JSON.stringify({ ...psbOptions, sqliteSync: 'full', logLevel: 'silent' })], { stdio: ['ignore', 'pipe', 'inherit'] });
      try {
        await new Promise<void>((resolve, reject) => {
          child.stdout.on('data', (chunk: Buffer) => { if (chunk.toString().startsWith('ready')) resolve(); });
          child.on('exit', (code) => reject(new Error(`the gateway process exited with ${code}`)));
        });
        const acknowledged: string[] = [];
        let stop = false;
        const clients = Array.from({ length: 8 }, async () => {
          while (!stop) {
            try {
              const c = await call(hrss, personPath);
              if (c.status === 200) acknowledged.push(c.headers.get('egov-id')!);
            } catch { /* the connection died with the process */ }
          }
        });
        try {
          const deadline = Date.now() + 60_000;
          while (acknowledged.length < 100) {
            assert.ok(Date.now() < deadline && child.exitCode === null, `only ${acknowledged.length} exchanges were acknowledged in a minute (gateway process exit code ${child.exitCode})`);
            await new Promise((r) => setTimeout(r, 10));
          }
          const exited = new Promise((r) => child.once('exit', r));
          child.kill('SIGKILL');
          await exited;
        } finally {
          stop = true;
          await Promise.all(clients);
        }
        const log = await MessageLog.open({ url: psbOptions.databaseUrl, dataDir: psbOptions.dataDir });
        try {
          assert.ok((await log.verify()).ok);
          const ids = new Set((await log.database.db.selectFrom('message_log').select('message_id').where('kind', '=', 'response').execute()).map((r) => r.message_id));
          const lost = acknowledged.filter((id) => !ids.has(id));
          assert.deepEqual(lost, [], `${lost.length} of ${acknowledged.length} acknowledged exchanges are missing from the provider's log`);
        } finally {
          await log.close();
        }
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      psb = await world.start(psbOptions);
      assert.equal((await call(hrss, personPath)).status, 200);
    });

    it('renews its certificate and switches to it without interrupting the exchange', async () => {
      const before = psb.identity.fingerprint;
      await psb.renew();
      await hrss.refresh();
      await psb.refresh();
      await new Promise((r) => setTimeout(r, 200));
      assert.notEqual(psb.identity.fingerprint, before);
      const c = await call(hrss, personPath);
      assert.equal(c.status, 200, c.body);
    });

    it('archives old entries to files without breaking the chain', async () => {
      await psb.anchor();
      const result = await psb.log.archive(path.join(psbOptions.dataDir, 'archive'), new Date(Date.now() + 60_000));
      assert.ok(result.archived > 0 && result.file);
      assert.ok((await psb.log.verify()).ok);
      assert.equal((await call(hrss, personPath)).status, 200);
      assert.ok((await psb.log.verify()).ok);
    });

    it('refuses a revoked gateway within one configuration refresh, and the hub stops serving it', async () => {
      const [gateway] = await listGateways(world.hub.hub.database, admin, HRSS);
      for (const certificate of gateway!.certificates.filter((c) => !c.revokedAt)) {
        await revokeCertificate(world.hub.hub.database, admin, certificate.serial, 'key copied to a laptop');
      }
      await psb.refresh();
      expectFault(await call(hrss, personPath), 'Server.ServerProxy.UntrustedPeer', 403);
      await assert.rejects(hrss.refresh(), /403/);
      await assert.rejects(revokeCertificate(world.hub.hub.database, admin, gateway!.certificates[0]!.serial, 'again'), /already revoked/);
    });
  });
}

