import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { actOnCase, casePolicy, createCase } from '../../src/cases/service.ts';
import { DEMO_PASSWORD } from '../../src/hub/demo.ts';
import type { Person } from '../../src/identity/people.service.ts';
import { personActor } from '../../src/identity/people.service.ts';
import { listNotifications } from '../../src/notifications/service.ts';
import { systemActor } from '../../src/platform/access.ts';
import { maskEmail, maskPhone } from '../../src/platform/masking.ts';
import { databaseTargets } from '../support/databases.ts';
import { type Browser, browser, signedIn, testHub, type TestHub } from '../support/hub.ts';
import { signedInPerson } from '../support/people.ts';
import { PSB } from '../cases/setup.ts';
import { type SmtpReceiver, type Webhook, smsGateway, smtpReceiver } from './support.ts';

for (const target of databaseTargets) {
  describe(`${target.kind}: the message centre and what staff see of deliveries`, { skip: target.skip }, () => {
    let hub: TestHub;
    let gateway: Webhook;
    let smtp: SmtpReceiver;
    let serial = 0;

    before(async () => {
      [gateway, smtp] = await Promise.all([smsGateway(), smtpReceiver()]);
      hub = await testHub(target.kind, { flags: {
        smsWebhookUrl: gateway.url, smsWebhookSecret: 'the secret shared with the SMS gateway', smtpUrl: smtp.url, smtpFrom: 'noreply@dalian.example',
      } });
    });
    after(async () => {
      await hub?.close();
      await Promise.all([gateway?.close(), smtp?.close()]);
    });

    const db = () => hub.hub.database;
    const policy = () => casePolicy({ calendar: hub.hub.calendar, referencePrefix: 'DL' });
    const signedInWithEmail = () => signedInPerson(hub.app, db(), { email: `lin.xiaomei${++serial}@example.cn` });
    /** An application of the person's, received and accepted, and everything the notifier made of it. */
    async function acceptedApplication(person: Person, subject = '户口迁移') {
      const c = await createCase(db(), policy(), systemActor('portal'), { type: 'application', subject, applicant: `person:${person.id}`, applicantName: person.name, department: PSB });
      await actOnCase(db(), policy(), systemActor('test'), c.id, { action: 'accept' });
      await hub.hub.notifier.runOnce();
      return c;
    }
    const messageIds = (html: string) => [...html.matchAll(/<li id="message-([0-9a-f-]+)"/g)].map((m) => m[1]!);

    it('lists the signed-in person\'s messages newest first, unread marked, each linking to its case', async () => {
      const { browser: b, person } = await signedInWithEmail();
      const c = await acceptedApplication(person);
      const page = await b.request('GET', '/my/messages');
      assert.equal(page.statusCode, 200);
      const html = page.body;
      assert.match(html, /<h1 id="messages-title">我的消息<\/h1>/);
      assert.match(html, /2 条未读消息/);
      assert.equal(messageIds(html).length, 2);
      assert.ok(html.indexOf('申请已受理') < html.indexOf('已收到您的申请'), 'newest first');
      assert.equal([...html.matchAll(new RegExp(`href="/my/cases/${c.reference}"`, 'g'))].length, 2);
      assert.equal([...html.matchAll(/data-unread="true"/g)].length, 2);
      assert.match(html, new RegExp(`办件编号 ${c.reference}`));

      const english = await b.request('GET', '/my/messages?lang=en');
      assert.match(english.body, /Application accepted/);
      assert.match(english.body, new RegExp(`Reference ${c.reference}`));
    });

    it('marks a message read, and then all of them, with the form\'s token', async () => {
      const { browser: b, person } = await signedInWithEmail();
      await acceptedApplication(person);
      await acceptedApplication(person, '居民身份证换领');
      const [newest] = messageIds((await b.request('GET', '/my/messages')).body);

      const refused = await b.request('POST', `/my/messages/${newest}/read`, { return: '/my/messages' });
      assert.equal(refused.statusCode, 403, 'a form without the session\'s token changes nothing');
      const done = await b.request('POST', `/my/messages/${newest}/read`, { _csrf: b.csrf!, return: '/my/messages' });
      assert.equal(done.statusCode, 303);
      assert.equal(done.headers.location, '/my/messages?done=read');
      const after = await b.request('GET', '/my/messages?done=read');
      assert.match(after.body, /role="status">已标为已读。/);
      assert.match(after.body, /3 条未读消息/);
      assert.doesNotMatch(after.body, new RegExp(`<li id="message-${newest}" class="message unread"`));

      const elsewhere = await b.request('POST', '/my/messages/read-all', { _csrf: b.csrf!, return: 'https://elsewhere.example/' });
      assert.equal(elsewhere.headers.location, '/my/messages?done=read', 'it only ever returns to the message pages');
      const all = await b.request('GET', '/my/messages');
      assert.doesNotMatch(all.body, /data-unread/);
      assert.doesNotMatch(all.body, /未读消息/);
      assert.ok((await listNotifications(db(), personActor(person, null))).every((m) => m.readAt !== null));
    });

    it('finds no message of another person\'s, and sends people who are not signed in to sign in', async () => {
      const owner = await signedInWithEmail();
      await acceptedApplication(owner.person);
      const [theirs] = messageIds((await owner.browser.request('GET', '/my/messages')).body);
      const { browser: other } = await signedInWithEmail();
      await other.request('GET', '/my/messages');
      const response = await other.request('POST', `/my/messages/${theirs}/read`, { _csrf: other.csrf!, return: '/my' });
      assert.equal(response.statusCode, 404);
      assert.equal((await listNotifications(db(), personActor(owner.person, null))).filter((m) => m.readAt).length, 0);

      const nobody: Browser = browser(hub.app);
      const redirected = await nobody.request('GET', '/my/messages');
      assert.equal(redirected.statusCode, 303);
      assert.equal(redirected.headers.location, '/account/signin?return=%2Fmy%2Fmessages');
    });

    it('shows staff of the case what was sent to the applicant, addresses masked', async () => {
      const { person } = await signedInWithEmail();
      const c = await acceptedApplication(person);
      const clerk = await signedIn(hub.app, 'psb-clerk', DEMO_PASSWORD);
      const page = await clerk.request('GET', `/staff/cases/${c.reference}`);
      assert.equal(page.statusCode, 200);
      const section = page.body.slice(page.body.indexOf('<section id="notifications"'));
      assert.match(section, /向申请人发送的通知/);
      assert.equal([...section.matchAll(/data-status="sent"/g)].length, 4, 'received and accepted, each by text and e-mail');
      assert.ok(section.includes(maskPhone(person.phone)));
      assert.ok(section.includes(maskEmail(person.email!)));
      assert.ok(!page.body.includes(person.phone), 'the whole number is not on the page');
      assert.ok(!page.body.includes(person.email!));
      assert.equal(gateway.seen.filter((r) => (JSON.parse(r.body) as { to: string }).to === person.phone).length, 2);
      assert.equal(smtp.mails.filter((m) => m.to.includes(person.email!)).length, 2);
    });

    it('sends by itself when a case event commits, without anyone running it', async () => {
      const { person } = await signedInWithEmail();
      await createCase(db(), policy(), systemActor('portal'), { type: 'application', subject: '户口迁移', applicant: `person:${person.id}`, applicantName: person.name, department: PSB });
      // The hub's notifier was woken by the commit; wait for what it does (no runOnce here).
      for (let i = 0; i < 200 && gateway.seen.every((r) => !r.body.includes(person.phone)); i++) await new Promise((r) => setTimeout(r, 50));
      assert.ok(gateway.seen.some((r) => r.body.includes(person.phone)));
      assert.equal((await listNotifications(db(), personActor(person, null))).length, 1);
    });
  });
}
