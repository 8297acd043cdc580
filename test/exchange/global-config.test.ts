import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { calculateJwkThumbprint, compactVerify, createLocalJWKSet } from 'jose';
import { GLOBAL_CONFIG_TYP, GlobalConfigPublisher, type GlobalConfig, type GlobalConfigRight } from '../../src/exchange/global-config.ts';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../../src/hub/demo.ts';
import { journalHead } from '../../src/journal/service.ts';
import { SIGNING_KEY_FILE, SignatureError, SigningKeyError, loadSigningKey, publicJwks, signCompact, verifyCompact } from '../../src/pki/signing.ts';
import { chinaDate } from '../../src/platform/calendar.ts';
import { demoDepartments } from '../../src/registry/demo-data.ts';
import { databaseTargets } from '../support/databases.ts';
import { signedIn, testHub, type Browser, type TestHub } from '../support/hub.ts';

const uscc = (key: string) => demoDepartments.find((d) => d.key === key)!.uscc;
const PSB = uscc('psb');
const HRSS = uscc('hrss');
const TTL = 900;
const DAY = 86_400_000;

describe('the hub signing key', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'egov-key-'));
    dirs.push(dir);
    return dir;
  };
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('is created once as a private JWK file only its owner can read, and reused after', async () => {
    const dir = tempDir();
    const keys = await Promise.all([loadSigningKey(dir), loadSigningKey(dir), loadSigningKey(dir)]);
    assert.equal(new Set(keys.map((k) => k.kid)).size, 1, 'processes starting together agree on one key');
    const file = path.join(dir, SIGNING_KEY_FILE);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    assert.equal(stored.kty, 'OKP');
    assert.equal(stored.crv, 'Ed25519');
    assert.ok(stored.d, 'the private part is in the file');
    const key = keys[0]!;
    assert.equal(key.kid, await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: stored.x! }), 'kid is the RFC 7638 thumbprint');
    assert.equal((await loadSigningKey(dir)).kid, key.kid, 'reused after a restart');
    const published = publicJwks(key);
    assert.deepEqual(Object.keys(published.keys[0]!).sort(), ['alg', 'crv', 'kid', 'kty', 'use', 'x']);
    chmodSync(file, 0o644);
    await loadSigningKey(dir);
    assert.equal(statSync(file).mode & 0o777, 0o600, 'a loosened mode is tightened back');
  });

  it('refuses a damaged key file instead of making a new key', async () => {
    const dir = tempDir();
    const file = path.join(dir, SIGNING_KEY_FILE);
    writeFileSync(file, '{"kty":"RSA"}', { mode: 0o600 });
    await assert.rejects(loadSigningKey(dir), SigningKeyError);
    writeFileSync(file, 'not json', { mode: 0o600 });
    await assert.rejects(loadSigningKey(dir), SigningKeyError);
    const realDir = tempDir();
    await loadSigningKey(realDir);
    const real = JSON.parse(readFileSync(path.join(realDir, SIGNING_KEY_FILE), 'utf8')) as Record<string, string>;
    const other = await loadSigningKey(tempDir());
    writeFileSync(file, JSON.stringify({ kty: 'OKP', crv: 'Ed25519', x: other.publicJwk.x, d: real.d }), { mode: 0o600 });
    await assert.rejects(loadSigningKey(dir), /does not belong/);
    assert.equal(readFileSync(file, 'utf8').includes(other.publicJwk.x), true, 'the file is left for the operator to inspect');
  });

  it('signs compact JWS that verifies only with its own key, unchanged, and of the expected type', async () => {
    const key = await loadSigningKey(tempDir());
    const other = await loadSigningKey(tempDir());
    const jws = await signCompact(key, { hello: '世界' }, 'test+json');
    const header = JSON.parse(Buffer.from(jws.split('.')[0]!, 'base64url').toString()) as Record<string, string>;
    assert.deepEqual(header, { alg: 'EdDSA', kid: key.kid, typ: 'test+json' });
    assert.deepEqual((await verifyCompact(jws, publicJwks(key), { typ: 'test+json' })).payload, { hello: '世界' });
    const standard = await compactVerify(jws, createLocalJWKSet(publicJwks(key)), { algorithms: ['EdDSA'] });
    assert.deepEqual(JSON.parse(new TextDecoder().decode(standard.payload)), { hello: '世界' }, 'any JOSE library verifies it');
    await assert.rejects(verifyCompact(jws, publicJwks(other)), 'another key does not verify it');
    await assert.rejects(verifyCompact(jws, publicJwks(key), { typ: 'other+json' }), /type/);
    const [h, p, s] = jws.split('.');
    const tampered = Buffer.from(JSON.stringify({ hello: '世界!' })).toString('base64url');
    await assert.rejects(verifyCompact(`${h}.${tampered}.${s}`, publicJwks(key)), SignatureError, 'a changed payload does not verify');
    const noneHeader = Buffer.from(JSON.stringify({ alg: 'none', kid: key.kid })).toString('base64url');
    await assert.rejects(verifyCompact(`${noneHeader}.${p}.`, publicJwks(key)), /algorithm none/);
    const critHeader = Buffer.from(JSON.stringify({ alg: 'EdDSA', kid: key.kid, crit: ['exp'] })).toString('base64url');
    await assert.rejects(verifyCompact(`${critHeader}.${p}.${s}`, publicJwks(key)), /critical/);
    await assert.rejects(verifyCompact('not.a-jws', publicJwks(key)), /compact JWS/);
  });
});

for (const target of databaseTargets) {
  describe(`${target.kind}: the signed global configuration`, { skip: target.skip }, () => {
    let hub: TestHub;
    let psbReviewer: Browser;
    let hrssClerk: Browser;
    let jwks: { keys: Record<string, string>[] };

    before(async () => {
      hub = await testHub(target.kind, { flags: { globalConfigTtl: String(TTL), publicUrl: 'https://hub.dalian.example.gov.cn' } });
      const psbAdmin = await signedIn(hub.app, 'psb-admin', DEMO_PASSWORD, DEMO_TOTP_SECRET);
      const created = await api(psbAdmin, 'POST', '/api/v1/accounts', { username: 'test-psb-reviewer', displayName: '钱敏', department: PSB, roles: ['reviewer'], password: DEMO_PASSWORD });
      assert.equal(created.statusCode, 201, created.body);
      psbReviewer = await signedIn(hub.app, 'test-psb-reviewer', DEMO_PASSWORD);
      hrssClerk = await signedIn(hub.app, 'hrss-clerk', DEMO_PASSWORD);
      const conditional = { sharingCondition: '仅用于身份核验', legalBasis: '《居民身份证法》' };
      const published = await api(await signedIn(hub.app, 'psb-clerk', DEMO_PASSWORD), 'POST', '/api/v1/catalog', {
        code: 'PSB-POP-0001', provider: PSB, nameZh: '人口基本信息', nameEn: 'Population basic information', summary: '本市户籍人口的基本信息。',
        category: 'base', subject: '人口', format: 'api', serviceCode: 'population/person-basic', updateCycle: 'realtime',
        contact: { name: '孙丽', phone: '0411-83631234', email: 'data@psb.dalian.gov.cn' },
        items: [
          { name: 'name', labelZh: '姓名', labelEn: 'Name', dataType: 'string', sensitivity: 'personal', sharingClass: 'unconditional', openClass: 'not_open' },
          { name: 'idNumber', labelZh: '公民身份号码', labelEn: 'ID number', dataType: 'string', sensitivity: 'sensitive_personal', sharingClass: 'conditional', openClass: 'not_open', ...conditional },
          { name: 'religion', labelZh: '宗教信仰', labelEn: 'Religion', dataType: 'string', sensitivity: 'sensitive_personal', sharingClass: 'not_shared', legalBasis: '《个人信息保护法》', openClass: 'not_open' },
        ],
      });
      assert.equal(published.statusCode, 201, published.body);
    });
    after(() => hub?.close());

    function api(b: Browser, method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
      return hub.app.inject({
        method: method as 'POST', url,
        headers: {
          cookie: [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; '), 'x-csrf-token': b.csrf ?? '',
          ...(body !== undefined && { 'content-type': 'application/json' }), ...headers,
        },
        ...(body !== undefined && { payload: JSON.stringify(body) }),
      });
    }

    /** Fetches and verifies the document, as a gateway would. */
    async function fetchConfig(): Promise<{ document: GlobalConfig; etag: string; jws: string }> {
      const response = await api(hrssClerk, 'GET', '/api/v1/global-config');
      assert.equal(response.statusCode, 200, response.body.slice(0, 300));
      assert.match(response.headers['content-type'] as string, /^application\/jose/);
      assert.equal(response.headers['cache-control'], 'no-cache');
      const verified = await verifyCompact<GlobalConfig>(response.body, jwks as never, { typ: GLOBAL_CONFIG_TYP });
      assert.equal(response.headers.etag, `"${verified.payload.version}"`);
      return { document: verified.payload, etag: response.headers.etag as string, jws: response.body };
    }
    /** Rights on this test's resource (the demo's agreements give rights of their own). */
    const rightsOf = (doc: GlobalConfig, client?: string): GlobalConfigRight[] => doc.rights.filter((r) => r.resource === 'PSB-POP-0001' && (!client || r.client === client));
    const headSeq = async () => (await journalHead(hub.test.database.db)).seq;
    const submit = async (system: string, items: string[], periodUntil = chinaDate(new Date(Date.now() + 365 * DAY))) => {
      const response = await api(hrssClerk, 'POST', '/api/v1/sharing-requests', {
        resource: 'PSB-POP-0001', consumerSystem: system, items, purpose: '社会保险待遇资格认定', legalBasis: '《社会保险法》',
        periodFrom: chinaDate(new Date()), periodUntil,
      });
      assert.equal(response.statusCode, 201, response.body);
      return response.json() as { id: string; agreement: string };
    };

    it('publishes the verification keys without authentication and the document only to authenticated callers', async () => {
      const response = await hub.app.inject('/api/v1/global-config/keys');
      assert.equal(response.statusCode, 200);
      jwks = response.json();
      assert.equal(jwks.keys.length, 1);
      assert.deepEqual([jwks.keys[0]!.kty, jwks.keys[0]!.crv, jwks.keys[0]!.alg], ['OKP', 'Ed25519', 'EdDSA']);
      assert.equal(jwks.keys[0]!.d, undefined, 'no private part');
      assert.equal(jwks.keys[0]!.kid, (await loadSigningKey(hub.test.dataDir)).kid, 'the key in the data folder');
      assert.equal((await hub.app.inject('/api/v1/global-config')).statusCode, 401);
      const doc = (await hub.app.inject('/api/openapi.json')).json() as { paths: Record<string, Record<string, { tags: string[] }>> };
      assert.deepEqual(doc.paths['/api/v1/global-config']?.get?.tags, ['exchange']);
      assert.deepEqual(doc.paths['/api/v1/global-config/keys']?.get?.tags, ['exchange']);
    });

    it('signs a document listing the instance, the hub, members with their systems, and API services with item classes', async () => {
      const { document, jws } = await fetchConfig();
      assert.deepEqual(JSON.parse(Buffer.from(jws.split('.')[0]!, 'base64url').toString()), { alg: 'EdDSA', kid: jwks.keys[0]!.kid, typ: GLOBAL_CONFIG_TYP });
      assert.equal(document.instance, 'CN-LN-DL');
      assert.equal(document.version, await headSeq());
      assert.deepEqual(document.hubs, [{ url: 'https://hub.dalian.example.gov.cn', epoch: 1, exchangeUrl: 'https://127.0.0.1:5500', role: 'hub' }]);
      assert.equal(document.epoch, 1);
      assert.equal(document.caCertificates.length, 1, 'the extranet CA, so gateways can check each other');
      assert.equal(Date.parse(document.expiresAt) - Date.parse(document.generatedAt), TTL * 1000, 'valid for the configured TTL');
      assert.equal(document.members.length, demoDepartments.length);
      const psb = document.members.find((m) => m.code === PSB)!;
      assert.equal(psb.slug, 'psb');
      assert.equal(psb.nameZh, '大连市公安局');
      assert.ok(psb.systems.some((s) => s.code === 'population'));
      assert.deepEqual(psb.gateways, [], 'none enrolled yet');
      const child = document.members.find((m) => m.parent === PSB);
      assert.ok(child, 'sub-departments name their parent');
      assert.deepEqual(document.services.find((s) => s.resource === 'PSB-POP-0001'), {
        provider: PSB, serviceCode: 'population/person-basic', resource: 'PSB-POP-0001', nameZh: '人口基本信息', nameEn: 'Population basic information',
        version: 1, withdrawn: false,
        items: [
          { name: 'name', sharingClass: 'unconditional', sensitivity: 'personal', dataType: 'string' },
          { name: 'idNumber', sharingClass: 'conditional', sensitivity: 'sensitive_personal', dataType: 'string' },
          { name: 'religion', sharingClass: 'not_shared', sensitivity: 'sensitive_personal', dataType: 'string' },
        ],
      });
      assert.deepEqual(rightsOf(document), []);
      assert.ok(document.rights.length > 0, 'the demo agreements are there');
    });

    it('answers a poll for the current version with 304 and no body, and serves the same signed copy while nothing changes', async () => {
      const first = await fetchConfig();
      const again = await fetchConfig();
      assert.equal(again.jws, first.jws, 'built and signed once per version');
      const notModified = await api(hrssClerk, 'GET', '/api/v1/global-config', undefined, { 'if-none-match': first.etag });
      assert.equal(notModified.statusCode, 304);
      assert.equal(notModified.body, '');
      assert.equal(notModified.headers.etag, first.etag);
      const listed = await api(hrssClerk, 'GET', '/api/v1/global-config', undefined, { 'if-none-match': `"1", W/${first.etag}` });
      assert.equal(listed.statusCode, 304, 'a list and a weak tag match too');
      const stale = await api(hrssClerk, 'GET', '/api/v1/global-config', undefined, { 'if-none-match': '"1"' });
      assert.equal(stale.statusCode, 200);
    });

    it('gives rights for the unconditional items at once, adds approved items, and drops them on revocation', async () => {
      const before = await fetchConfig();
      const request = await submit('social-insurance', ['name', 'idNumber', 'religion']);
      const submitted = await fetchConfig();
      assert.notEqual(submitted.document.version, before.document.version, 'a change gives a new version at once');
      assert.equal(submitted.document.version, await headSeq());
      assert.equal((await api(hrssClerk, 'GET', '/api/v1/global-config', undefined, { 'if-none-match': before.etag })).statusCode, 200, 'the old version is not current');
      assert.deepEqual(rightsOf(submitted.document, `${HRSS}/social-insurance`), [{
        client: `${HRSS}/social-insurance`, provider: PSB, service: 'population/person-basic', resource: 'PSB-POP-0001', items: ['name'],
        purpose: '社会保险待遇资格认定', validFrom: chinaDate(new Date()), validUntil: chinaDate(new Date(Date.now() + 365 * DAY)), agreement: request.agreement, ratePerMinute: null,
      }], 'only the unconditional item before the provider answers');

      const decided = await api(psbReviewer, 'POST', `/api/v1/sharing-requests/${request.id}/decisions`, { items: [{ item: 'idNumber', decision: 'approve' }] });
      assert.equal(decided.statusCode, 200, decided.body);
      const approved = await fetchConfig();
      assert.ok(approved.document.version > submitted.document.version);
      assert.deepEqual(rightsOf(approved.document, `${HRSS}/social-insurance`).map((r) => r.items), [['name', 'idNumber']], 'the approved item joins; the not-shared one never does');

      const revoked = await api(psbReviewer, 'POST', `/api/v1/agreements/${request.agreement}/revoke`, { reason: '超范围使用' });
      assert.equal(revoked.statusCode, 200, revoked.body);
      const after = await fetchConfig();
      assert.deepEqual(rightsOf(after.document, `${HRSS}/social-insurance`), [], 'gone with the revocation');
    });

    it('leaves out agreements whose period is over', async () => {
      const request = await submit('employment', ['name']);
      // Agreements expire by the passing of days, not by a write, and a test cannot wait a day:
      // moving the end date into the past directly is the stand-in for time passing. It bypasses
      // the journal, which a real change must never do; here it models no change at all.
      await hub.test.database.db.updateTable('sharing_agreements')
        .set({ valid_from: chinaDate(new Date(Date.now() - 30 * DAY)), valid_until: chinaDate(new Date(Date.now() - DAY)) })
        .where('id', '=', request.agreement).execute();
      const { document } = await fetchConfig();
      assert.deepEqual(rightsOf(document, `${HRSS}/employment`), []);
      assert.equal((await api(hrssClerk, 'GET', `/api/v1/agreements/${request.agreement}`)).json().status, 'expired');
    });

    it('rebuilds when the day changes or the copy is half expired, though the journal has not moved', async () => {
      // An agreement ending today: in force now, gone tomorrow without any write.
      const request = await submit('social-security-card', ['name'], chinaDate(new Date()));
      const publisher = new GlobalConfigPublisher({ database: hub.test.database, publicUrl: 'https://hub.example', exchangeUrl: 'https://hub.example:5500', caCertificates: [], ttlSeconds: TTL, dataDir: hub.test.dataDir });
      const now = Date.now();
      const today = await publisher.current(new Date(now));
      assert.deepEqual(rightsOf(today.document, `${HRSS}/social-security-card`).map((r) => r.agreement), [request.agreement]);
      assert.equal(await verifyCompact(today.jws, jwks as never).then((v) => (v.payload as GlobalConfig).version), await headSeq());
      const early = await publisher.current(new Date(now + 0.4 * TTL * 1000));
      assert.equal(early.jws, today.jws, 'more than half the validity left: the cached copy');
      const refreshed = await publisher.current(new Date(now + 0.6 * TTL * 1000));
      assert.notEqual(refreshed.jws, today.jws, 'less than half left: a fresh copy');
      assert.equal(refreshed.version, today.version, 'same state, same version');
      assert.equal(Date.parse(refreshed.document.expiresAt), now + 1.6 * TTL * 1000);
      const tomorrow = await publisher.current(new Date(now + DAY));
      assert.equal(tomorrow.version, today.version);
      assert.deepEqual(rightsOf(tomorrow.document, `${HRSS}/social-security-card`), [], 'expired at the end of its last day');
    });
  });
}
