import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { actOnCase, addNote, assignCase, openJointHandling } from '../../src/cases/service.ts';
import { type Person, personActor, registerPerson } from '../../src/identity/people.service.ts';
import { applyEntries, journalHead, readEntries } from '../../src/journal/service.ts';
import { maskEmail, maskPhone } from '../../src/platform/masking.ts';
import { type Channels, emailChannel, smsWebhookChannel } from '../../src/notifications/channels.ts';
import {
  Notifier, type NotifierOptions, countUnread, listCaseDeliveries, listNotifications, markAllRead, markRead,
} from '../../src/notifications/service.ts';
import { SIGNATURE_HEADER, verifyBody } from '../../src/notifications/signature.ts';
import * as store from '../../src/notifications/store.ts';
import { systemActor } from '../../src/platform/access.ts';
import { AMR, type CaseHub, HRSS, caseHub, refused } from '../cases/setup.ts';
import { databaseTargets } from '../support/databases.ts';
import { PERSON_PASSWORD, citizenId, mobile } from '../support/people.ts';
import { type SmtpReceiver, type Webhook, smsGateway, smtpReceiver } from './support.ts';

const SECRET = Buffer.from('the secret shared with the SMS gateway');
let serial = 0;

for (const target of databaseTargets) {
  describe(`${target.kind}: notifications at a case's milestones`, { skip: target.skip }, () => {
    let hub: CaseHub;
    let gateway: Webhook;
    let smtp: SmtpReceiver;
    let clock = new Date('2026-09-28T02:00:00Z');
    const running: Notifier[] = [];

    before(async () => {
      hub = await caseHub(target.kind);
      [gateway, smtp] = await Promise.all([smsGateway(), smtpReceiver()]);
      // Takes its place at the journal's head: the demo's cases are history, not news.
      await notifier().runOnce();
    });
    after(async () => {
      for (const n of running) await n.stop();
      await Promise.all([hub?.close(), gateway?.close(), smtp?.close()]);
    });

    const channels = (): Channels => ({
      sms: smsWebhookChannel({ url: gateway.url, secret: SECRET }),
      email: emailChannel({ url: smtp.url, from: '大连政务服务 <noreply@dalian.example>', publicUrl: 'https://zwfw.dalian.example' }),
    });
    function notifier(options: Partial<NotifierOptions> = {}): Notifier {
      const n = new Notifier({ database: hub.test.database, policy: hub.policy, channels: channels(), now: () => clock, ...options });
      running.push(n);
      return n;
    }
    const db = () => hub.test.database;
    const act = (actor: CaseHub['portal'], id: string, action: string, note?: string) =>
      actOnCase(db(), hub.policy, actor, id, { action, ...(note && { note }) });
    async function person(options: { email?: boolean } = {}): Promise<Person> {
      serial += 1;
      return registerPerson(db(), {
        kind: 'citizen', name: '林晓梅', idNumber: citizenId(), phone: mobile(), password: PERSON_PASSWORD,
        ...(options.email !== false && { email: `lin.xiaomei${serial}@example.cn` }),
      });
    }
    const applyFor = (p: Person, subject = '户口迁移') => hub.submit({ applicant: `person:${p.id}`, applicantName: p.name, subject });
    const textsTo = (p: Person) => gateway.seen.filter((r) => (JSON.parse(r.body) as { to: string }).to === p.phone);
    const mailsTo = (p: Person) => smtp.mails.filter((m) => m.to.includes(p.email!));
    const deliveries = (reference: string) => listCaseDeliveries(db(), hub.policy, hub.psbClerk, reference);

    it('puts a message in the applicant\'s message centre when the case is received, accepted and needs materials, each with the reference', async () => {
      const p = await person();
      const c = await applyFor(p);
      await act(hub.psbClerk, c.id, 'accept');
      await act(hub.psbClerk, c.id, 'request_supplement', '1. 户口簿原件；2. 房屋产权证明');
      await addNote(db(), hub.policy, hub.psbClerk, c.id, { text: '申请人电话未接通', visibility: 'internal' });
      const pass = await notifier().runOnce();
      assert.equal(pass.notified, 3);

      const me = personActor(p, null);
      const messages = await listNotifications(db(), me);
      assert.deepEqual(messages.map((m) => m.template), ['case_supplement_requested', 'case_accepted', 'case_received'], 'newest first; the internal note told nobody');
      for (const m of messages) {
        assert.equal(m.reference, c.reference);
        assert.ok(m.bodyZh.includes(c.reference), m.bodyZh);
        assert.ok(m.bodyEn.includes(c.reference), m.bodyEn);
        assert.equal(m.readAt, null);
      }
      assert.equal(messages[2]!.titleZh, '已收到您的申请');
      assert.match(messages[0]!.bodyZh, /需要补正以下材料：1\. 户口簿原件；2\. 房屋产权证明。 请登录个人中心补正/);
      assert.match(messages[1]!.bodyZh, /已由大连市公安局受理/);
      assert.equal(await countUnread(db(), me), 3);

      const stranger = personActor(await person(), null);
      assert.deepEqual(await listNotifications(db(), stranger), [], 'nobody else sees them');
      await refused(markRead(db(), stranger, messages[0]!.id), 'not_found', /no message/);
      assert.ok((await markRead(db(), me, messages[0]!.id)).readAt);
      assert.equal(await countUnread(db(), me), 2);
      assert.equal(await markAllRead(db(), me), 2);
      assert.equal(await countUnread(db(), me), 0);
      assert.equal((await listNotifications(db(), me, { unread: true })).length, 0);
    });

    it('texts the applicant\'s phone through the SMS webhook, signed with HMAC-SHA256 of the body', async () => {
      const p = await person();
      const c = await applyFor(p);
      await notifier().runOnce();
      const texts = textsTo(p);
      assert.equal(texts.length, 1);
      const [text] = texts;
      assert.match(String(text!.headers['content-type']), /^application\/json/);
      assert.ok(verifyBody(SECRET, text!.body, String(text!.headers[SIGNATURE_HEADER])), 'the gateway can check who sent it');
      assert.ok(!verifyBody(Buffer.from('another secret entirely'), text!.body, String(text!.headers[SIGNATURE_HEADER])));
      const sent = JSON.parse(text!.body) as { to: string; text: string; reference: string; id: string };
      assert.equal(sent.reference, c.reference);
      assert.match(sent.text, new RegExp(`^已收到您的申请：.*办件编号 ${c.reference}`));

      const [sms] = (await deliveries(c.reference)).filter((d) => d.channel === 'sms');
      assert.equal(sms!.id, sent.id, 'the gateway can drop a retried request by its id');
      assert.equal(sms!.status, 'sent');
      assert.equal(sms!.attempts, 1);
      assert.equal(sms!.address, maskPhone(p.phone), 'staff see the number masked');
      assert.notEqual(sms!.address, p.phone);
      assert.ok(sms!.sentAt);
    });

    it('e-mails the applicant through a real SMTP server', async () => {
      const p = await person();
      const c = await applyFor(p, '居民身份证换领');
      await notifier().runOnce();
      const mails = mailsTo(p);
      assert.equal(mails.length, 1);
      const [mail] = mails;
      assert.equal(mail!.from, 'noreply@dalian.example');
      assert.equal(mail!.headers['x-egov-reference'], c.reference);
      assert.match(mail!.text, new RegExp(`您的“居民身份证换领”已提交，办件编号 ${c.reference}`));
      assert.match(mail!.text, new RegExp(`https://zwfw\\.dalian\\.example/my/cases/${c.reference}`));
      assert.match(mail!.text, /We have received "居民身份证换领"/);
      const [email] = (await deliveries(c.reference)).filter((d) => d.channel === 'email');
      assert.equal(email!.status, 'sent');
      assert.equal(email!.address, maskEmail(p.email!));
      assert.match(email!.address, /^l\*+@example\.cn$/);
    });

    it('tries a failing webhook again after a wait, three times in all, and then records it failed with the error kept', async () => {
      const p = await person({ email: false });
      const c = await applyFor(p);
      const n = notifier({ retryDelaysMs: [60_000, 300_000] });
      gateway.status = 503;
      try {
        const first = await n.runOnce();
        assert.deepEqual([first.sent, first.retrying, first.failed], [0, 1, 0]);
        let [sms] = await deliveries(c.reference);
        assert.equal(sms!.status, 'queued');
        assert.equal(sms!.attempts, 1);
        assert.match(sms!.lastError ?? '', /answered 503: \{"error":"gateway overloaded"/);
        assert.ok(sms!.lastError!.includes(maskPhone(p.phone)) && !sms!.lastError!.includes(p.phone), 'the error keeps the number masked');
        assert.equal(sms!.nextAttemptAt, new Date(clock.getTime() + 60_000).toISOString());

        await n.runOnce();
        assert.equal(textsTo(p).length, 1, 'not before the wait is over');
        clock = new Date(clock.getTime() + 61_000);
        await n.runOnce();
        assert.equal(textsTo(p).length, 2);
        clock = new Date(clock.getTime() + 301_000);
        const last = await n.runOnce();
        assert.equal(last.failed, 1);
        assert.equal(textsTo(p).length, 3);
        [sms] = await deliveries(c.reference);
        assert.equal(sms!.status, 'failed');
        assert.equal(sms!.attempts, 3);
        assert.match(sms!.lastError ?? '', /answered 503/);
        assert.equal(sms!.nextAttemptAt, null);
        assert.equal(sms!.sentAt, null);

        gateway.status = 200;
        clock = new Date(clock.getTime() + 3_600_000);
        await n.runOnce();
        assert.equal(textsTo(p).length, 3, 'a failed delivery stays failed');
        assert.equal((await listNotifications(db(), personActor(p, null))).length, 1, 'the message centre has it all the same');
      } finally {
        gateway.status = 200;
      }
    });

    it('keeps the reason when the gateway cannot be reached at all', async () => {
      const p = await person({ email: false });
      const c = await applyFor(p);
      const closed = await smsGateway();
      await closed.close();
      await notifier({ channels: { sms: smsWebhookChannel({ url: closed.url, secret: SECRET }), email: null }, retryDelaysMs: [0], maxAttempts: 2 }).runOnce();
      const [sms] = await deliveries(c.reference);
      assert.equal(sms!.status, 'failed');
      assert.equal(sms!.attempts, 2);
      assert.match(sms!.lastError ?? '', /could not be reached: ECONNREFUSED/);
    });

    it('neither repeats nor loses a message when the notifier restarts, or reads the journal again', async () => {
      const p = await person();
      const start = (await journalHead(db().db)).seq;
      const c = await applyFor(p);
      const first = notifier();
      await first.runOnce();
      await act(hub.psbClerk, c.id, 'accept');
      // It stops before it reads the acceptance: a crash right after the clerk's commit.
      await first.stop();

      const second = notifier();
      await second.runOnce();
      const messages = await listNotifications(db(), personActor(p, null));
      assert.deepEqual(messages.map((m) => m.template), ['case_accepted', 'case_received']);
      assert.equal(textsTo(p).length, 2);
      assert.equal(mailsTo(p).length, 2);

      // A notifier that reads the whole journal again (a second hub process far behind) adds nothing.
      await db().transaction((tx) => store.saveCursor(tx, systemActor('test'), 'case-events', start));
      const third = notifier();
      const again = await third.runOnce();
      assert.equal(again.notified, 0);
      assert.equal((await listNotifications(db(), personActor(p, null))).length, 2);
      assert.equal(textsTo(p).length, 2);
      assert.equal(mailsTo(p).length, 2);
    });

    it('records a channel the hub has not set up as not-configured, not as a failure, and never sends it later', async () => {
      const p = await person();
      const c = await applyFor(p);
      await notifier({ channels: { sms: null, email: null } }).runOnce();
      const rows = await deliveries(c.reference);
      assert.deepEqual(rows.map((d) => [d.channel, d.status, d.attempts, d.lastError]).sort(), [['email', 'not-configured', 0, null], ['sms', 'not-configured', 0, null]]);
      assert.equal((await listNotifications(db(), personActor(p, null))).length, 1, 'the message centre needs no channel');
      await notifier().runOnce();
      assert.equal(textsTo(p).length, 0);
      assert.equal(mailsTo(p).length, 0);
    });

    it('tells of joint handling once, of a task only when it needs materials, and of the outcome with its reasons', async () => {
      const p = await person({ email: false });
      const joint = await applyFor(p, '开办餐饮店（一件事）');
      await act(hub.psbClerk, joint.id, 'accept');
      await assignCase(db(), hub.policy, hub.psbClerk, joint.id, { assignee: hub.psbClerk.actor });
      await addNote(db(), hub.policy, hub.psbClerk, joint.id, { text: '已电话联系申请人', visibility: 'public' });
      const opened = await openJointHandling(db(), hub.policy, hub.psbClerk, joint.id, { tasks: [{ department: AMR }, { department: HRSS }] });
      const [food, jobs] = opened.children;
      await act(hub.amrClerk, food!.id, 'accept');
      await act(hub.amrClerk, food!.id, 'request_supplement', '食品安全管理制度文本');
      await act(hub.hrssClerk, jobs!.id, 'accept');
      await act(hub.hrssClerk, jobs!.id, 'reject', '经营场所不符合要求');
      const other = await applyFor(p, '居民身份证换领');
      await act(hub.psbClerk, other.id, 'accept');
      await act(hub.psbClerk, other.id, 'approve');
      await notifier().runOnce();

      const messages = (await listNotifications(db(), personActor(p, null))).reverse();
      assert.deepEqual(messages.map((m) => [m.reference, m.template]), [
        [joint.reference, 'case_received'], [joint.reference, 'case_accepted'], [joint.reference, 'case_joint_opened'],
        [food!.reference, 'case_supplement_requested'], [joint.reference, 'case_rejected'],
        [other.reference, 'case_received'], [other.reference, 'case_accepted'], [other.reference, 'case_approved'],
      ]);
      assert.match(messages[2]!.bodyZh, /由大连市市场监督管理局、大连市人力资源和社会保障局分别办理/);
      assert.match(messages[2]!.bodyEn, /jointly by Dalian Municipal Administration for Market Regulation, Dalian Municipal Human Resources/);
      assert.match(messages[3]!.bodyZh, /食品安全管理制度文本。/);
      assert.match(messages[4]!.bodyZh, /结果：不予办理。理由：联合办理的部门中有部门不予办理。/, 'the engine\'s note to staff is not what the applicant reads');
      assert.match(messages[7]!.bodyZh, /结果：准予。$/);
    });

    it('tells an applicant known only by an id number in the message centre, without texts', async () => {
      const c = await hub.submit({ applicant: 'citizen:zw-1', applicantName: '张伟' });
      const before = gateway.seen.length;
      await notifier().runOnce();
      const messages = await listNotifications(db(), { ...systemActor('x'), actor: 'citizen:zw-1' });
      assert.ok(messages.some((m) => m.reference === c.reference && m.template === 'case_received'));
      assert.deepEqual(await deliveries(c.reference), []);
      assert.equal(gateway.seen.length, before);
    });

    it('shows deliveries to staff of the case only', async () => {
      const p = await person();
      const c = await applyFor(p);
      await notifier().runOnce();
      assert.equal((await deliveries(c.reference)).length, 2);
      await refused(listCaseDeliveries(db(), hub.policy, hub.amrClerk, c.reference), 'not_found', /no case/);
      await refused(listCaseDeliveries(db(), hub.policy, personActor(p, null), c.reference), 'forbidden', /only staff/);
    });

    it('journals every message, delivery and the cursor: a replay of the journal reproduces them', async () => {
      const copy = await hub.test.sibling();
      try {
        const entries = await readEntries(db().db, 0, 1_000_000);
        await copy.database.transaction((tx) => applyEntries(tx, entries));
        for (const table of ['notifications', 'notification_deliveries', 'notification_cursors'] as const) {
          const rows = (d: typeof copy.database) => d.db.selectFrom(table).selectAll().orderBy('id').execute();
          const [original, replayed] = await Promise.all([rows(db()), rows(copy.database)]);
          assert.ok(original.length > 0, table);
          assert.deepEqual(replayed, original, table);
        }
      } finally {
        await copy.close();
      }
    });
  });
}
