import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { OperationRecord } from '../src/exchange/schema.ts';
import { enrolGateway, recordOperations } from '../src/exchange/service.ts';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../src/hub/demo.ts';
import { currentTotp } from '../src/identity/totp.ts';
import { createKeyAndCsr } from '../src/pki/ca.ts';
import { demoDepartments } from '../src/registry/demo-data.ts';
import { t, type MessageKey } from '../src/web/i18n.ts';
import { browserHubForSuite } from './support/hub.ts';
import { browserSkip, expectAccessible, follow, screenshot } from './support/browser.ts';

/**
 * The gateway pages in a real browser: a department administrator enrols a gateway on the
 * workbench and gets its one-time token, then an operator reviews the console's gateways and
 * exchange traffic. Every page visited must pass axe (WCAG 2.2 AA).
 */
const zh = (key: MessageKey, params?: Record<string, string | number>) => t('zh-CN', key, params);
const PSB = demoDepartments.find((d) => d.key === 'psb')!.uscc;
const AMR = demoDepartments.find((d) => d.key === 'amr')!.uscc;

const needsBrowser = { skip: browserSkip };

describe('gateway pages in Chromium', () => {
  const world = browserHubForSuite('exchange');

  async function signIn(page: Page, username: string, totp: boolean): Promise<void> {
    await page.goto(`${world.base}/signin`);
    await page.getByLabel(zh('signin.username')).fill(username);
    await page.getByLabel(zh('signin.password'), { exact: true }).fill(DEMO_PASSWORD);
    let response = await follow(page, page.getByRole('button', { name: zh('signin.submit'), exact: true }));
    if (totp) {
      assert.equal(new URL(page.url()).pathname, '/signin/totp');
      await page.getByLabel(zh('signin.totp.code')).fill(currentTotp(DEMO_TOTP_SECRET));
      response = await follow(page, page.getByRole('button', { name: zh('signin.totp.submit'), exact: true }));
    }
    assert.equal(response.status(), 200, `${username} signed in`);
    assert.equal(new URL(page.url()).pathname, '/staff');
  }

  it('a department administrator enrols a gateway; an operator reviews gateways and traffic', needsBrowser, async () => {
    let token = '';
    await world.withContext({}, async (page) => {
      await signIn(page, 'psb-admin', true);
      await expectAccessible(page, '/staff (department administrator)');
      await follow(page, page.getByRole('link', { name: zh('gateways.title'), exact: true }));
      assert.equal(new URL(page.url()).pathname, '/staff/gateways');
      await expectAccessible(page, '/staff/gateways (no gateways)');
      await page.getByRole('heading', { level: 1, name: zh('gateways.title') }).waitFor();

      // Without a code: the error summary, linked to the field.
      const code = page.getByLabel(zh('gateways.enrol.code'));
      let response = await follow(page, page.getByRole('button', { name: zh('gateways.enrol.submit'), exact: true }));
      assert.equal(response.status(), 400);
      await page.getByRole('alert').getByRole('link', { name: zh('gateways.error.code') }).waitFor();
      assert.equal(await code.getAttribute('aria-invalid'), 'true');
      await expectAccessible(page, '/staff/gateways (error summary)');
      await screenshot(page, 'gateways-error');

      await code.fill('gw1');
      response = await follow(page, page.getByRole('button', { name: zh('gateways.enrol.submit'), exact: true }));
      assert.equal(response.status(), 200);
      assert.equal((await response.allHeaders())['cache-control'], 'no-store');
      await page.getByRole('heading', { level: 1, name: zh('gateways.token.title', { code: 'gw1' }) }).waitFor();
      token = (await page.locator('#token-value').innerText()).trim();
      assert.match(token, /^EGT1\.[A-Za-z0-9_-]+\.[0-9a-f]{16}$/);
      const command = (await page.locator('#command').innerText()).trim();
      assert.equal(command, `npx egov gateway --hub ${world.running.hub.publicUrl} --token ${token} --data /var/lib/egov-gateway --exchange-url https://<${zh('gateways.token.machine')}>:5500`);
      await page.getByText(zh('gateways.token.once')).waitFor();
      await expectAccessible(page, '/staff/gateways/tokens (the token)');
      await screenshot(page, 'gateways-token');

      // The gateway machine spends the token; it reports some traffic.
      const db = world.running.hub.database;
      const keys = await createKeyAndCsr({ commonName: 'psb gw1' });
      const enrolment = await enrolGateway(db, world.running.hub.exchange, { token, csr: keys.csrPem, address: 'https://gw1.psb.example:5500' });
      const at = Date.now() - 5 * 60_000;
      const record = (seq: number, status: number): OperationRecord => ({
        seq, id: `m${seq}`, side: 'client', client: `${PSB}/population`, provider: AMR, service: 'enterprise/basic',
        requestIn: at + seq, requestOut: at + seq + 1, responseIn: at + seq + 20, responseOut: at + seq + 25,
        requestBytes: 120, responseBytes: 1500, status, fault: null, subject: null, issue: null, purpose: null,
      });
      await recordOperations(db, { gateway: enrolment.gateway, department: PSB, role: 'gateway' as const, certificate: enrolment.certificate }, [record(1, 200), record(2, 502)]);

      // The list shows the gateway, never the token; revoking asks for a reason.
      await follow(page, page.getByRole('link', { name: zh('gateways.token.back'), exact: true }));
      assert.equal(new URL(page.url()).pathname, '/staff/gateways');
      await page.getByRole('heading', { level: 2, name: zh('gateways.gateway', { code: 'gw1' }) }).waitFor();
      assert.ok(!(await page.content()).includes(token), 'the token is not shown again');
      await expectAccessible(page, '/staff/gateways (one gateway)');
      await page.locator('details.revoke summary').click();
      response = await follow(page, page.getByRole('button', { name: zh('gateways.revoke'), exact: true }));
      assert.equal(response.status(), 400);
      await page.getByRole('alert').getByRole('link', { name: zh('gateways.error.reason') }).waitFor();
      await page.getByLabel(zh('gateways.revoke.reason')).waitFor();
      await expectAccessible(page, '/staff/gateways (revocation without a reason)');
      await screenshot(page, 'gateways-revoke-error');
    });

    await world.withContext({}, async (page) => {
      await signIn(page, 'ops', false);
      const nav = page.getByRole('navigation', { name: zh('console.title') });
      await world.visit(page, '/console');
      await follow(page, nav.getByRole('link', { name: zh('console.gateways'), exact: true }));
      assert.equal(new URL(page.url()).pathname, '/console/gateways');
      await expectAccessible(page, '/console/gateways');
      await page.getByRole('heading', { level: 2, name: `大连市公安局 ${PSB}` }).waitFor();
      await page.getByRole('heading', { level: 3, name: zh('gateways.gateway', { code: 'gw1' }) }).waitFor();
      await page.getByText(zh('gateways.anchor.stale')).waitFor();
      await screenshot(page, 'console-gateways');

      await follow(page, nav.getByRole('link', { name: zh('console.exchange'), exact: true }));
      assert.equal(new URL(page.url()).pathname, '/console/exchange');
      await expectAccessible(page, '/console/exchange');
      const table = page.getByRole('table', { name: zh('traffic.caption', { hours: 24 }) });
      await table.getByRole('rowheader', { name: /大连市公安局/ }).waitFor();
      await table.getByRole('cell', { name: '大连市市场监督管理局', exact: true }).waitFor();
      await screenshot(page, 'console-exchange');

      await page.getByLabel(zh('traffic.hours')).fill('0');
      const response = await follow(page, page.getByRole('button', { name: zh('traffic.show'), exact: true }));
      assert.equal(response.status(), 400);
      await page.getByRole('alert').getByRole('link', { name: zh('traffic.error.hours', { max: 24 * 90 }) }).waitFor();
      await expectAccessible(page, '/console/exchange?hours=0 (error summary)');
    });
  });
});
