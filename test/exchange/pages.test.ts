import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { anchorStale, certificateStatus } from '../../src/exchange/pages/gateways.tsx';
import { signText } from '../../src/exchange/protocol.ts';
import type { Certificate, Gateway, OperationRecord } from '../../src/exchange/schema.ts';
import { type Enrolment, type ExchangePolicy, anchorText, enrolGateway, recordAnchor, recordOperations } from '../../src/exchange/service.ts';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../../src/hub/demo.ts';
import { createKeyAndCsr, loadCertificateAuthority } from '../../src/pki/ca.ts';
import { loadSigningKey } from '../../src/pki/signing.ts';
import { demoDepartments } from '../../src/registry/demo-data.ts';
import { publicUrlOf } from '../../src/platform/config.ts';
import { databaseTargets } from '../support/databases.ts';
import { browser, signedIn, testHub, type Browser, type TestHub } from '../support/hub.ts';

/**
 * The exchange's pages through the inject browser: a department administrator enrols a gateway
 * with a one-time token and revokes its certificate on the workbench; the console lists every
 * department's gateways and the traffic between departments.
 */
const demo = (key: string) => demoDepartments.find((d) => d.key === key)!;
const PSB = demo('psb').uscc;
const AMR = demo('amr').uscc;

/** The page's text with the HTML escapes undone, for matching what a person reads. */
function text(html: string): string {
  return html.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

function errorSummary(html: string): string | null {
  return /<div class="error-summary"[^>]*>([\s\S]*?)<\/div>/.exec(html)?.[1] ?? null;
}

describe('certificate status and anchor freshness', () => {
  const now = new Date('2026-03-01T00:00:00Z');
  const cert = (notBefore: string, notAfter: string, revokedAt: string | null = null): Certificate => ({
    serial: '01', sha256: 'ab', notBefore, notAfter, issuedAt: notBefore, revokedAt, revokeReason: revokedAt ? 'lost' : null,
  });

  it('is valid, expires soon with under a third of its life left, expired, revoked or not yet valid', () => {
    assert.equal(certificateStatus(cert('2026-02-01T00:00:00Z', '2026-05-01T00:00:00Z'), now), 'valid');
    // 90 days of life, 20 left: under a third.
    assert.equal(certificateStatus(cert('2025-12-11T00:00:00Z', '2026-03-21T00:00:00Z'), now), 'expiring');
    assert.equal(certificateStatus(cert('2025-12-01T00:00:00Z', '2026-03-01T00:00:00Z'), now), 'expired');
    assert.equal(certificateStatus(cert('2026-02-01T00:00:00Z', '2026-05-01T00:00:00Z', '2026-02-15T00:00:00Z'), now), 'revoked');
    assert.equal(certificateStatus(cert('2026-03-02T00:00:00Z', '2026-06-01T00:00:00Z'), now), 'notYetValid');
  });

  it('flags a gateway whose last anchor is older than five minutes, or that never anchored', () => {
    const gateway = (receivedAt: string | null): Gateway => ({
      id: 'x/gw1', department: 'x', code: 'gw1', address: 'https://gw:5500', createdAt: '2026-01-01T00:00:00Z', certificates: [],
      lastAnchor: receivedAt ? { seq: 1, receivedAt } : null,
    });
    assert.equal(anchorStale(gateway('2026-02-28T23:56:00Z'), now), false);
    assert.equal(anchorStale(gateway('2026-02-28T23:54:00Z'), now), true);
    assert.equal(anchorStale(gateway(null), now), true);
  });
});

for (const target of databaseTargets) {
  describe(`${target.kind}: the gateway pages on the workbench and the console`, { skip: target.skip }, () => {
    let hub: TestHub;
    let policy: ExchangePolicy;
    let psbAdmin: Browser;
    let psbClerk: Browser;
    let ops: Browser;
    let admin: Browser;
    let enrolment: Enrolment;
    let privateKeyPem: string;
    let serial: string;

    before(async () => {
      hub = await testHub(target.kind);
      // The hub keeps its CA in the data folder: loading it again gives the same CA.
      policy = { ca: await loadCertificateAuthority(hub.config.data), certificateDays: hub.config.certificateDays, enrolmentHours: hub.config.enrolmentHours };
      psbAdmin = await signedIn(hub.app, 'psb-admin', DEMO_PASSWORD, DEMO_TOTP_SECRET);
      psbClerk = await signedIn(hub.app, 'psb-clerk', DEMO_PASSWORD);
      ops = await signedIn(hub.app, 'ops', DEMO_PASSWORD);
      admin = await signedIn(hub.app, 'admin', DEMO_PASSWORD, DEMO_TOTP_SECRET);
    });
    after(() => hub?.close());

    it('links the gateways from the workbench of a department administrator only', async () => {
      assert.match((await psbAdmin.request('GET', '/staff')).body, /href="\/staff\/gateways"/);
      assert.doesNotMatch((await psbClerk.request('GET', '/staff')).body, /href="\/staff\/gateways"/);
    });

    it('refuses the gateway pages to a clerk and sends a stranger to sign in', async () => {
      assert.equal((await psbClerk.request('GET', '/staff/gateways')).statusCode, 403);
      assert.equal((await psbClerk.request('POST', '/staff/gateways/tokens', { _csrf: psbClerk.csrf!, code: 'gw9' })).statusCode, 403);
      assert.equal((await psbClerk.request('GET', '/console/gateways')).statusCode, 403);
      const stranger = await browser(hub.app).request('GET', '/staff/gateways');
      assert.equal(stranger.statusCode, 303);
      assert.match(stranger.headers.location as string, /^\/signin\?return=%2Fstaff%2Fgateways/);
      assert.equal((await psbAdmin.request('POST', '/staff/gateways/tokens', { code: 'gw1' })).statusCode, 403, 'a post without the CSRF token is refused');
    });

    it('shows a department without gateways the enrolment form', async () => {
      const page = await psbAdmin.request('GET', '/staff/gateways');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /id="no-gateways"/);
      assert.match(page.body, /<form method="post" action="\/staff\/gateways\/tokens"/);
      assert.match(page.body, /<input type="text" id="code" name="code"/);
    });

    it('keeps the input and shows the error summary when the gateway code is missing or malformed', async () => {
      const missing = await psbAdmin.request('POST', '/staff/gateways/tokens', { _csrf: psbAdmin.csrf!, code: '' });
      assert.equal(missing.statusCode, 400);
      const summary = errorSummary(missing.body);
      assert.ok(summary, 'an error summary');
      assert.match(summary, /<a href="#code">请输入网关代码，例如 gw1<\/a>/);
      assert.match(missing.body, /<title>错误：安全网关/);
      assert.match(missing.body, /id="code" name="code" value="" [^>]*aria-invalid="true"/);
      assert.doesNotMatch(missing.body, /EGT1\./, 'no token was made');

      const malformed = await psbAdmin.request('POST', '/staff/gateways/tokens', { _csrf: psbAdmin.csrf!, code: 'GW 1' });
      assert.equal(malformed.statusCode, 400);
      assert.match(errorSummary(malformed.body)!, /href="#code"/);
      assert.match(malformed.body, /id="code" name="code" value="GW 1"/, 'what was typed stays in the box');
    });

    it('shows a new token once, with the command to run and its expiry, and never again', async () => {
      const started = Date.now();
      const response = await psbAdmin.request('POST', '/staff/gateways/tokens', { _csrf: psbAdmin.csrf!, code: 'gw1' });
      assert.equal(response.statusCode, 200, response.body.slice(0, 500));
      assert.equal(response.headers['cache-control'], 'no-store');
      const page = text(response.body);
      const token = /id="token-value"[^>]*>(EGT1\.[A-Za-z0-9_-]+\.[0-9a-f]{16})</.exec(page)?.[1];
      assert.ok(token, 'the token is on the page');
      assert.equal(token.split('.')[2], policy.ca.fingerprint.slice(0, 16), 'the token pins the CA');
      const publicUrl = publicUrlOf(hub.config);
      assert.ok(page.includes(`npx egov gateway --hub ${publicUrl} --token ${token} --data /var/lib/egov-gateway --exchange-url https://<本机地址>:5500`), 'the command to run');
      assert.ok(page.includes(policy.ca.fingerprint), 'the CA fingerprint to compare');
      const expires = /id="token-expires"[^>]*>有效期至 (\d{4}-\d\d-\d\d \d\d:\d\d)（北京时间）/.exec(page)?.[1];
      assert.ok(expires, 'the expiry');
      const expected = new Date(started + policy.enrolmentHours * 3_600_000 + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
      assert.ok(Math.abs(Date.parse(`${expires}Z`) - Date.parse(`${expected}Z`)) <= 60_000, `${expires} is ${policy.enrolmentHours} hours from now, Beijing time`);

      const again = await psbAdmin.request('GET', '/staff/gateways');
      assert.ok(!again.body.includes(token), 'the list does not show the token');

      // The token from the page enrols the gateway.
      const keys = await createKeyAndCsr({ commonName: 'psb gw1' });
      privateKeyPem = keys.privateKeyPem;
      enrolment = await enrolGateway(hub.test.database, policy, { token, csr: keys.csrPem, address: 'https://gw1.psb.example:5500' });
      assert.equal(enrolment.gateway, `${PSB}/gw1`);
      await assert.rejects(enrolGateway(hub.test.database, policy, { token, csr: keys.csrPem, address: 'https://gw1.psb.example:5500' }), /used or expired/);
    });

    it('shows the command in English with the placeholder in English', async () => {
      const response = await psbAdmin.request('POST', '/staff/gateways/tokens?lang=en', { _csrf: psbAdmin.csrf!, code: 'gw2' });
      assert.equal(response.statusCode, 200);
      const page = text(response.body);
      assert.match(page, /--data \/var\/lib\/egov-gateway --exchange-url https:\/\/<this machine>:5500/);
      assert.match(page, /This token is shown only this once/);
      // The language switch goes back to the list, not to the form's address.
      assert.match(response.body, /href="\/staff\/gateways\?lang=zh-CN"/);
      await psbAdmin.request('GET', '/staff/gateways?lang=zh-CN');
    });

    it('lists the enrolled gateway with its certificate, and flags a missing or old log anchor', async () => {
      let page = await psbAdmin.request('GET', '/staff/gateways');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<h2 id="gateway-[^"]*gw1">网关 gw1<\/h2>/);
      assert.ok(page.body.includes(`<code>${PSB}/gw1</code>`));
      assert.ok(page.body.includes('<code>https://gw1.psb.example:5500</code>'));
      serial = /<tr data-serial="([0-9a-f]+)">/.exec(page.body)?.[1] ?? '';
      assert.ok(serial, 'the certificate is listed');
      assert.match(page.body, /<span class="status-valid">有效 · 还剩 \d+ 天<\/span>/);
      assert.match(page.body, /尚未锚定/);
      assert.match(page.body, /class="tag overdue-tag stale"/);
      assert.ok(page.body.includes(`action="/staff/gateways/certificates/${serial}/revoke"`), 'a revocation form for the valid certificate');

      // The gateway countersigns its log head: ten minutes ago is too old, now is fine.
      const key = await loadSigningKey(hub.config.data);
      const peer = { gateway: enrolment.gateway, department: PSB, role: 'gateway' as const, certificate: enrolment.certificate };
      const sign = (seq: number, hash: string) => signText(createPrivateKey(privateKeyPem), anchorText(enrolment.gateway, seq, hash));
      await recordAnchor(hub.test.database, key, peer, { seq: 1, hash: 'h1', signature: sign(1, 'h1') }, new Date(Date.now() - 10 * 60_000));
      page = await psbAdmin.request('GET', '/staff/gateways');
      assert.match(page.body, /（第 1 条）/);
      assert.match(page.body, /class="tag overdue-tag stale"/);
      await recordAnchor(hub.test.database, key, peer, { seq: 2, hash: 'h2', signature: sign(2, 'h2') });
      page = await psbAdmin.request('GET', '/staff/gateways');
      assert.match(page.body, /（第 2 条）/);
      assert.doesNotMatch(page.body, /class="tag overdue-tag stale"/);
    });

    it('lists every department\'s gateways on the console, with revocation for platform administrators only', async () => {
      const seen = await ops.request('GET', '/console/gateways');
      assert.equal(seen.statusCode, 200);
      assert.match(seen.body, new RegExp(`<h2 id="department-${PSB}"><span>大连市公安局</span> <code>${PSB}</code></h2>`));
      assert.match(seen.body, /<h3 id="gateway-[^"]*gw1">网关 gw1<\/h3>/);
      assert.ok(seen.body.includes(serial));
      assert.doesNotMatch(seen.body, /action="\/console\/gateways\/certificates\//, 'an operator only watches');
      assert.match(seen.body, /<a href="\/console\/gateways" aria-current="page">安全网关<\/a>/);
      assert.match(seen.body, /<a href="\/console\/exchange">交换流量<\/a>/);

      const platform = await admin.request('GET', '/console/gateways');
      assert.ok(platform.body.includes(`action="/console/gateways/certificates/${serial}/revoke"`));

      const scoped = await psbAdmin.request('GET', '/console/gateways');
      assert.equal(scoped.statusCode, 200);
      assert.match(scoped.body, /您看到的是本部门的网关/);
      assert.doesNotMatch(scoped.body, /href="\/console\/exchange"/, 'no link to a page a department administrator may not see');
      assert.doesNotMatch(scoped.body, /action="\/console\/gateways\/certificates\//);
    });

    it('asks for a reason before revoking, then shows the certificate revoked with it', async () => {
      const action = `/staff/gateways/certificates/${serial}/revoke`;
      const bare = await psbAdmin.request('POST', action, { _csrf: psbAdmin.csrf!, reason: '  ' });
      assert.equal(bare.statusCode, 400);
      assert.ok(errorSummary(bare.body)!.includes(`<a href="#reason-${serial}">请填写吊销理由</a>`));
      assert.match(bare.body, /<details class="revoke" open>/, 'the form with the error is open');
      assert.ok(bare.body.includes(`id="reason-${serial}" name="reason"`));

      assert.equal((await psbClerk.request('POST', action, { _csrf: psbClerk.csrf!, reason: 'lost' })).statusCode, 403);
      const console = await admin.request('POST', `/console/gateways/certificates/${serial}/revoke`, { _csrf: admin.csrf!, reason: '' });
      assert.equal(console.statusCode, 400, 'the console asks for the reason too');
      assert.ok(errorSummary(console.body)!.includes(`href="#reason-${serial}"`));

      const done = await psbAdmin.request('POST', action, { _csrf: psbAdmin.csrf!, reason: '服务器硬盘丢失 <b>' });
      assert.equal(done.statusCode, 303);
      assert.equal(done.headers.location, '/staff/gateways?done=revoked');
      const page = await psbAdmin.request('GET', '/staff/gateways?done=revoked');
      assert.match(page.body, /<p class="notice ok" role="status">证书已吊销。<\/p>/);
      assert.match(page.body, /已吊销<\/strong> <span>\d{4}-\d\d-\d\d \d\d:\d\d 吊销，理由：服务器硬盘丢失 &lt;b><\/span>/, 'the reason, escaped');
      assert.ok(!page.body.includes(`action="${action}"`), 'a revoked certificate has no revocation form');

      const twice = await psbAdmin.request('POST', action, { _csrf: psbAdmin.csrf!, reason: 'again' });
      assert.equal(twice.statusCode, 400);
      assert.match(errorSummary(twice.body)!, /already revoked/);
    });

    it('shows the traffic between departments by name for the last hours asked', async () => {
      const empty = await ops.request('GET', '/console/exchange');
      assert.equal(empty.statusCode, 200);
      assert.match(empty.body, /id="no-traffic"/);
      assert.match(empty.body, /最近 24 小时/);

      const base = Date.now() - 10 * 60_000;
      const record = (seq: number, status: number, ms: number): OperationRecord => ({
        seq, id: `m${seq}`, side: 'client', client: `${PSB}/population`, provider: AMR, service: 'enterprise/basic',
        requestIn: base + seq, requestOut: base + seq + 1, responseIn: base + seq + ms - 1, responseOut: base + seq + ms,
        requestBytes: 100, responseBytes: 2000, status, fault: null, subject: null, issue: null, purpose: null,
      });
      await recordOperations(hub.test.database, { gateway: enrolment.gateway, department: PSB, role: 'gateway' as const, certificate: enrolment.certificate },
        [record(1, 200, 10), record(2, 200, 30), record(3, 500, 50)]);

      const page = await ops.request('GET', '/console/exchange?hours=1');
      assert.equal(page.statusCode, 200);
      const row = /<tbody>([\s\S]*?)<\/tbody>/.exec(page.body)?.[1] ?? '';
      assert.match(row, /<th scope="row"><span>大连市公安局<\/span><br\/><code>population<\/code><\/th>/);
      assert.match(row, /<td>大连市市场监督管理局<\/td>/);
      assert.ok(!row.includes(PSB) && !row.includes(AMR), 'names, not codes');
      assert.match(row, /<td>使用方网关<\/td><td>3<\/td><td class="overdue">1<\/td><td>30<\/td><td>50<\/td><td>300 \/ 6,000<\/td>/);
      assert.match(page.body, /最近 1 小时/);

      const bad = await ops.request('GET', '/console/exchange?hours=abc');
      assert.equal(bad.statusCode, 400);
      assert.match(errorSummary(bad.body)!, /href="#hours"/);
      assert.match(bad.body, /id="hours" name="hours" value="abc"/);

      assert.equal((await psbAdmin.request('GET', '/console/exchange')).statusCode, 403, 'traffic is for those who run the platform');
    });
  });
}
