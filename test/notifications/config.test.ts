import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/platform/config.ts';
import { channelsFromConfig } from '../../src/notifications/channels.ts';

const load = (env: Record<string, string>) => loadConfig({ env });

describe('notification channels in the configuration', () => {
  it('uses a channel only when it is configured', () => {
    const none = channelsFromConfig(load({}), 'http://127.0.0.1:8080');
    assert.deepEqual(none, { sms: null, email: null });
    const both = channelsFromConfig(load({
      EGOV_SMS_WEBHOOK_URL: 'https://sms.example/hook', EGOV_SMS_WEBHOOK_SECRET: 'sixteen-chars-or-more',
      EGOV_SMTP_URL: 'smtp://mailer:pw@mail.example:587', EGOV_SMTP_FROM: '大连政务服务 <noreply@dalian.example>',
    }), 'http://127.0.0.1:8080');
    assert.equal(both.sms?.name, 'sms');
    assert.equal(both.email?.name, 'email');
    both.email?.close?.();
  });

  it('refuses half a channel at start, naming what is missing', () => {
    assert.throws(() => load({ EGOV_SMS_WEBHOOK_URL: 'https://sms.example/hook' }), (e: unknown) => e instanceof ConfigError && e.setting === 'smsWebhookSecret' && /needs --sms-webhook-secret/.test(e.message));
    assert.throws(() => load({ EGOV_SMTP_URL: 'smtp://mail.example' }), (e: unknown) => e instanceof ConfigError && e.setting === 'smtpFrom');
    assert.throws(() => load({ EGOV_SMTP_URL: 'http://mail.example', EGOV_SMTP_FROM: 'a@b.example' }), /smtp:\/\/host:port/);
    assert.throws(() => load({ EGOV_SMTP_FROM: 'not an address' }), /e-mail address/);
    assert.throws(() => load({ EGOV_SMS_WEBHOOK_URL: 'ftp://sms.example' }), /http:\/\/ or https:\/\//);
  });

  it('never shows the webhook secret or the mail server\'s password', () => {
    let message = '';
    try {
      load({ EGOV_SMS_WEBHOOK_SECRET: 'short-secret' });
    } catch (error) {
      message = (error as Error).message;
    }
    assert.match(message, /at least 16 characters/);
    assert.ok(!message.includes('short-secret'));
    assert.throws(() => load({ EGOV_SMTP_URL: 'smtp://user:hunter2@', EGOV_SMTP_FROM: 'a@b.example' }), (e: unknown) => !(e as Error).message.includes('hunter2'));
    const printed = JSON.stringify(load({ EGOV_SMS_WEBHOOK_URL: 'https://sms.example/hook', EGOV_SMS_WEBHOOK_SECRET: 'sixteen-chars-or-more' }));
    assert.ok(!printed.includes('sixteen-chars-or-more'), 'egov config prints it hidden');
  });
});
