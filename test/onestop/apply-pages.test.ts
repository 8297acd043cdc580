import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { casePolicy, listApplicantCases } from '../../src/cases/service.ts';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../../src/hub/demo.ts';
import { personActor, type Person, verifyPerson } from '../../src/identity/people.service.ts';
import { realNameCheck } from '../../src/identity/real-name.ts';
import { portalExchange } from '../../src/onestop/exchange-client.ts';
import { t, type MessageKey } from '../../src/web/i18n.ts';
import { databaseTargets } from '../support/databases.ts';
import { type Backend, codeOf, testBackend } from '../support/exchange.ts';
import { type Browser, browser, signedIn, testHub, type TestHub } from '../support/hub.ts';
import { PERSON_PASSWORD, signedInPerson } from '../support/people.ts';
import { getDraft, saveAnswer } from '../../src/onestop/applications.service.ts';
import { TEST_ITEM, exe, pdf, png, publishTestItem, validAnswer } from './apply-support.ts';

/**
 * The application journey through the pages, as a browser without JavaScript uses them: forms
 * posted urlencoded, uploads posted multipart, redirects followed by hand. Every step asserts
 * what the person would see.
 */

const zh = (key: MessageKey, params?: Record<string, string | number>) => t('zh-CN', key, params);
const MB5 = 5 * 1024 * 1024;
const base = `/services/${TEST_ITEM}/apply`;

const errorSummary = (body: string) => /<div class="error-summary"[^>]*>([\s\S]*?)<\/div>/.exec(body)?.[1] ?? null;
const titleOf = (body: string) => /<title>([^<]*)<\/title>/.exec(body)?.[1] ?? '';
const h1Of = (body: string) => /<h1>([\s\S]*?)<\/h1>/.exec(body)?.[1]?.replace(/<[^>]+>/g, '') ?? '';

/** Posts a form with a file as multipart/form-data, as a browser does for `enctype="multipart/form-data"`. */
async function upload(hub: TestHub, b: Browser, url: string, fields: Record<string, string>, file: { name: string; filename: string; content: Buffer; type?: string }): Promise<LightMyRequestResponse> {
  const boundary = `----egov${randomBytes(8).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.filename}"\r\nContent-Type: ${file.type ?? 'application/pdf'}\r\n\r\n`));
  parts.push(file.content, Buffer.from(`\r\n--${boundary}--\r\n`));
  return hub.app.inject({
    method: 'POST', url, payload: Buffer.concat(parts),
    headers: { accept: 'text/html', 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
  });
}

for (const target of databaseTargets) {
  describe(`${target.kind}: applying online through the pages`, { skip: target.skip }, () => {
    let hub: TestHub;
    let b: Browser;
    let person: Person;
    let draftUrl: string;
    let fileId: string;
    let reference: string;

    before(async () => {
      hub = await testHub(target.kind);
      await publishTestItem(hub.test.database);
      ({ browser: b, person } = await signedInPerson(hub.app, hub.test.database, { name: '林晓梅' }));
    });
    after(() => hub?.close());

    async function get(url: string, status = 200, who = b): Promise<string> {
      const response = await who.request('GET', url);
      assert.equal(response.statusCode, status, `${url}: ${response.body.slice(0, 400)}`);
      return response.body;
    }

    async function post(url: string, form: Record<string, string | string[]>, who = b): Promise<LightMyRequestResponse> {
      return who.request('POST', url, { _csrf: who.csrf ?? '', ...form });
    }

    it('sends someone not signed in to sign in first, and back here after', async () => {
      const response = await browser(hub.app).request('GET', base);
      assert.equal(response.statusCode, 303);
      assert.equal(response.headers.location, `/account/signin?return=${encodeURIComponent(base)}`);
    });

    it('starts without offering to fill in government data when no exchange is configured, and says why in one line', async () => {
      const start = await get(base);
      assert.equal(h1Of(start), zh('apply.start.title'));
      assert.match(start, new RegExp(`<p class="notice" id="cannot-prefill">${zh('apply.cannot.no_exchange')}</p>`));
      assert.ok(!start.includes('name="consent" value="yes"'), 'no consent is asked when nothing can be filled in');
      assert.match(start, new RegExp(`<a class="back-link" href="/services/${TEST_ITEM}">`));
      const started = await post(base, { consent: 'none' });
      assert.equal(started.statusCode, 303);
      assert.match(started.headers.location as string, new RegExp(`^${base}/[0-9a-f-]{36}/applicantName$`));
      draftUrl = (started.headers.location as string).replace(/\/applicantName$/, '');

      const first = await get(`${draftUrl}/applicantName`);
      assert.equal(h1Of(first), '申请人姓名');
      assert.match(first, /<h1><label for="applicantName">申请人姓名<\/label><\/h1>/);
      assert.match(first, new RegExp(`<p class="hint" id="applicantName-origin">${zh('apply.note.no_exchange')}</p>`));
      assert.match(first, /<form method="post" action="[^"]+\/applicantName" novalidate>/);
      assert.match(first, new RegExp(`<button type="submit" name="action" value="save" class="secondary">${zh('apply.save')}</button>`));
      assert.match(first, new RegExp(`<a class="back-link" href="/services/${TEST_ITEM}">`));
    });

    it('refuses wrong answers with an error summary linking to the field, "Error:" in the title, and what was typed kept', async () => {
      const empty = await post(`${draftUrl}/applicantName`, { applicantName: '  ', action: 'continue' });
      assert.equal(empty.statusCode, 400);
      assert.ok(titleOf(empty.body).startsWith(zh('form.errorPrefix')), titleOf(empty.body));
      assert.match(errorSummary(empty.body)!, /<a href="#applicantName">请填写申请人姓名<\/a>/);
      assert.match(empty.body, /<input type="text" id="applicantName" name="applicantName" value="  " aria-describedby="applicantName-origin applicantName-error" aria-invalid="true"/);

      assert.equal((await post(`${draftUrl}/applicantName`, { applicantName: '林晓梅', action: 'continue' })).headers.location, `${draftUrl}/applicantIdNumber`);
      assert.equal((await post(`${draftUrl}/applicantIdNumber`, { applicantIdNumber: person.idNumber, action: 'continue' })).headers.location, `${draftUrl}/copies`);
      const notANumber = await post(`${draftUrl}/copies`, { copies: '两份<b>', action: 'continue' });
      assert.equal(notANumber.statusCode, 400);
      assert.match(errorSummary(notANumber.body)!, /<a href="#copies">需要份数必须是数字，例如 12 或 12.5<\/a>/);
      assert.ok(notANumber.body.includes('value="两份<b>"'), 'typed text is kept (inside the quoted attribute)');
      assert.equal((await post(`${draftUrl}/copies`, { copies: '２', action: 'continue' })).headers.location, `${draftUrl}/neededOn`);

      const badDate = await post(`${draftUrl}/neededOn`, { neededOn: '2026年2月30日', action: 'continue' });
      assert.equal(badDate.statusCode, 400);
      assert.match(errorSummary(badDate.body)!, /需要日期必须是有效的日期/);
      assert.ok(badDate.body.includes('value="2026年2月30日"'));
      assert.equal((await post(`${draftUrl}/neededOn`, { neededOn: '2026年1月5日', action: 'continue' })).statusCode, 303);

      const choices = await get(`${draftUrl}/purpose`);
      assert.match(choices, /<fieldset><legend><h1>证明用途<\/h1><\/legend>/);
      const badChoice = await post(`${draftUrl}/purpose`, { purpose: 'holiday', action: 'continue' });
      assert.equal(badChoice.statusCode, 400);
      assert.match(errorSummary(badChoice.body)!, /<a href="#purpose">请从给出的选项中选择证明用途<\/a>/);
      const noChoice = await post(`${draftUrl}/purpose`, { action: 'continue' });
      assert.match(errorSummary(noChoice.body)!, /请选择证明用途/);
      assert.equal((await post(`${draftUrl}/purpose`, { purpose: 'school', action: 'continue' })).headers.location, `${draftUrl}/delivery`);
      // Optional questions may be left empty.
      assert.equal((await post(`${draftUrl}/delivery`, { action: 'continue' })).headers.location, `${draftUrl}/remarks`);
      assert.equal((await post(`${draftUrl}/remarks`, { remarks: '', action: 'continue' })).headers.location, `${draftUrl}/proofFile`);
    });

    it('takes an upload by its bytes: a PNG named x.pdf yes, a program named x.pdf no, 5 MB and one byte no, and never a path as its name', async () => {
      const question = await get(`${draftUrl}/proofFile`);
      assert.match(question, /<form method="post" action="[^"]+\/proofFile" novalidate enctype="multipart\/form-data">/);
      assert.match(question, /<input type="file" id="proofFile" name="proofFile" accept="[^"]*"/);
      const fields = { _csrf: b.csrf!, action: 'continue' };

      const program = await upload(hub, b, `${draftUrl}/proofFile`, fields, { name: 'proofFile', filename: 'x.pdf', content: exe() });
      assert.equal(program.statusCode, 400);
      assert.match(errorSummary(program.body)!, /<a href="#proofFile">用途证明文件必须是 PDF、JPEG 或 PNG 格式/);
      const large = await upload(hub, b, `${draftUrl}/proofFile`, fields, { name: 'proofFile', filename: 'scan.pdf', content: pdf(MB5 + 1) });
      assert.equal(large.statusCode, 400);
      assert.match(errorSummary(large.body)!, /用途证明文件超过 5 MB，请压缩或降低扫描分辨率后重新上传/);
      const none = await upload(hub, b, `${draftUrl}/proofFile`, fields, { name: 'proofFile', filename: '', content: Buffer.alloc(0), type: 'application/octet-stream' });
      assert.equal(none.statusCode, 400);
      assert.match(errorSummary(none.body)!, /请选择要上传的用途证明文件/);

      const accepted = await upload(hub, b, `${draftUrl}/proofFile`, fields, { name: 'proofFile', filename: 'x.pdf', content: png() });
      assert.equal(accepted.statusCode, 303, accepted.body.slice(0, 300));
      assert.equal(accepted.headers.location, `${draftUrl}/extraFile`);
      const again = await get(`${draftUrl}/proofFile`);
      assert.match(again, /已上传：x\.png（2 KB）/);

      const traversal = await upload(hub, b, `${draftUrl}/extraFile`, fields, { name: 'extraFile', filename: '../../etc/passwd', content: pdf(4096) });
      assert.equal(traversal.statusCode, 303);
      assert.equal(traversal.headers.location, `${draftUrl}/check`);
      // Without a multipart parser anywhere else, a form with a file is refused outside the journey.
      const elsewhere = await upload(hub, b, '/account/signout', fields, { name: 'f', filename: 'x.png', content: png() });
      assert.equal(elsewhere.statusCode, 415);
    });

    it('checks answers with Change links that come back, "Not provided", the uploads and the materials not needed', async () => {
      const check = await get(`${draftUrl}/check`);
      assert.equal(h1Of(check), zh('apply.check.title'));
      assert.match(check, /<div id="answer-neededOn"><dt>需要日期<\/dt><dd><span>2026-01-05<\/span><\/dd>/);
      assert.match(check, /<div id="answer-copies"><dt>需要份数<\/dt><dd><span>2<\/span>/);
      assert.match(check, /<div id="answer-purpose"><dt>证明用途<\/dt><dd><span>子女入学<\/span>/);
      assert.match(check, new RegExp(`<div id="answer-remarks"><dt>备注</dt><dd><span class="hint">${zh('apply.check.notProvided')}</span>`));
      const change = new RegExp(`<a href="${draftUrl}/copies\\?return=check">${zh('apply.check.change')}<span class="visually-hidden"> 需要份数</span></a>`);
      assert.match(check, change);
      assert.match(check, /<div id="answer-extraFile"><dt>其他材料<\/dt><dd><a href="\/files\/([^"]+)">passwd\.pdf<\/a>/);
      fileId = /<div id="answer-proofFile"><dt>用途证明<\/dt><dd><a href="\/files\/([^"]+)">x\.png<\/a>/.exec(check)![1]!;
      assert.match(check, /<ul id="no-need"><li><span>居民身份证<\/span>：<span>由电子证照（居民身份证）替代，无需携带<\/span><\/li><li><span>户籍信息<\/span>/);

      const changing = await get(`${draftUrl}/copies?return=check`);
      assert.match(changing, /<input type="hidden" name="return" value="check"\/?>/);
      assert.match(changing, new RegExp(`<a class="back-link" href="${draftUrl}/check">`));
      const changed = await post(`${draftUrl}/copies`, { copies: '3', return: 'check', action: 'continue' });
      assert.equal(changed.headers.location, `${draftUrl}/check`);
      assert.match(await get(`${draftUrl}/check`), /<div id="answer-copies"><dt>需要份数<\/dt><dd><span>3<\/span>/);
    });

    it('saves to come back later, and after signing out and in again offers to continue the same application', async () => {
      const saved = await post(`${draftUrl}/remarks`, { remarks: '加急', action: 'save' });
      assert.equal(saved.headers.location, `${draftUrl}/saved`);
      const savedPage = await get(`${draftUrl}/saved`);
      assert.match(savedPage, /<a href="\/my">/);
      assert.equal((await post('/account/signout', {})).statusCode, 303);
      assert.equal((await b.request('GET', base)).statusCode, 303, 'signed out');

      const again = browser(hub.app);
      await again.request('GET', '/account/signin');
      const signIn = await again.request('POST', '/account/signin', { kind: 'citizen', identifier: person.idNumber, password: PERSON_PASSWORD, _csrf: again.csrf ?? '', return: base });
      assert.equal(signIn.headers.location, base);
      const resume = await get(base, 200, again);
      assert.equal(h1Of(resume), zh('apply.resume.title'));
      // Every required question is answered: continuing leads to the check page.
      assert.match(resume, new RegExp(`<a class="button" id="continue" href="${draftUrl}/check">`));
      assert.match(await get(`${draftUrl}/check`, 200, again), /<div id="answer-remarks"><dt>备注<\/dt><dd><span>加急<\/span>/);
      b = again;
    });

    it('sends once: the declaration first, then one case however often the form is sent, and the confirmation with the reference', async () => {
      const undeclared = await post(`${draftUrl}/check`, {});
      assert.equal(undeclared.statusCode, 400);
      assert.match(errorSummary(undeclared.body)!, new RegExp(`<a href="#declaration">${zh('apply.error.declaration')}</a>`));
      const sends = await Promise.all([1, 2].map(() => post(`${draftUrl}/check`, { declaration: 'yes' })));
      for (const sent of sends) assert.equal(sent.headers.location, `${draftUrl}/confirmation`);
      assert.equal((await post(`${draftUrl}/check`, { declaration: 'yes' })).headers.location, `${draftUrl}/confirmation`);
      const policy = casePolicy({ calendar: hub.hub.calendar, referencePrefix: 'DL' });
      const cases = await listApplicantCases(hub.test.database, policy, personActor(person, null), `person:${person.id}`);
      assert.equal(cases.length, 1);
      reference = cases[0]!.reference;

      const done = await get(`${draftUrl}/confirmation`);
      assert.match(done, new RegExp(`<div class="panel" id="confirmation"><h1>${zh('apply.done.title')}</h1>`));
      assert.match(done, new RegExp(`<p class="reference" id="reference"><strong>${reference}</strong></p>`));
      assert.match(done, /大连市公安局将审查您的申请，受理后 1 个工作日内办结/);
      assert.match(done, /<p id="due">如果今天受理，最迟在 \d{4}-\d{2}-\d{2} 前办结/);
      assert.match(done, /大连市公安局：咨询电话 0411-82623360，投诉电话 12345/);
      assert.match(done, new RegExp(`<a href="/my/cases/${reference}">`));
      assert.match(done, /<a href="\/track">/);
      // After sending, a question page or the check page leads to the confirmation instead of changing what was sent.
      assert.equal((await b.request('GET', `${draftUrl}/copies`)).headers.location, `${draftUrl}/confirmation`);
      assert.equal((await post(`${draftUrl}/copies`, { copies: '9', action: 'continue' })).headers.location, `${draftUrl}/confirmation`);
      assert.equal((await b.request('GET', base)).statusCode, 200, 'a new application can be started');
      assert.equal(h1Of(await get(base)), zh('apply.start.title'));
    });

    it('serves a file only to its applicant and the handling department, as an attachment that is never sniffed', async () => {
      const own = await b.request('GET', `/files/${fileId}`);
      assert.equal(own.statusCode, 200);
      assert.equal(own.headers['content-type'], 'image/png');
      assert.equal(own.headers['content-disposition'], 'attachment; filename="x.png"; filename*=UTF-8\'\'x.png');
      assert.equal(own.headers['x-content-type-options'], 'nosniff');
      assert.match(String(own.headers['content-security-policy']), /sandbox/);
      assert.equal(own.rawPayload.subarray(0, 8).toString('hex'), '89504e470d0a1a0a');

      const stranger = (await signedInPerson(hub.app, hub.test.database, { name: '张伟' })).browser;
      assert.equal((await stranger.request('GET', `/files/${fileId}`)).statusCode, 404);
      const amrClerk = await signedIn(hub.app, 'amr-clerk', DEMO_PASSWORD);
      assert.equal((await amrClerk.request('GET', `/files/${fileId}`)).statusCode, 404);
      const psbClerk = await signedIn(hub.app, 'psb-clerk', DEMO_PASSWORD);
      assert.equal((await psbClerk.request('GET', `/files/${fileId}`)).statusCode, 200);
      assert.equal((await browser(hub.app).request('GET', `/files/${fileId}`)).statusCode, 303, 'nobody signed in: sign in first');
    });

    it('shows the clerk the answers with the ID number masked, where they came from, and the files to download', async () => {
      const psbClerk = await signedIn(hub.app, 'psb-clerk', DEMO_PASSWORD);
      const page = await get(`/staff/cases/${reference}`, 200, psbClerk);
      const section = /<section id="application"[\s\S]*?<\/section>/.exec(page)?.[0] ?? '';
      assert.match(section, new RegExp(`<h2 id="application-heading">${zh('apply.staff.title')}</h2>`));
      assert.ok(!section.includes(person.idNumber), 'a clerk does not see the full ID number');
      assert.match(section, new RegExp(`<tr data-key="applicantIdNumber"><th scope="row">公民身份号码</th><td>${person.idNumber.slice(0, 6)}\\*+${person.idNumber.slice(-2)}</td><td>${zh('apply.staff.typed')}</td></tr>`));
      assert.match(section, /<tr data-key="applicantName"><th scope="row">申请人姓名<\/th><td>林\*+<\/td>/);
      assert.match(section, /<tr data-key="copies"><th scope="row">需要份数<\/th><td>3<\/td>/);
      assert.match(section, new RegExp(`<tr data-key="proofFile"><th scope="row">用途证明</th><td><a href="/files/${fileId}">x.png</a>`));

      const head = await signedIn(hub.app, 'psb-admin', DEMO_PASSWORD, DEMO_TOTP_SECRET);
      assert.ok((await get(`/staff/cases/${reference}`, 200, head)).includes(`<td>${person.idNumber}</td>`), 'the department head sees it in full');
    });

    it('keeps uploaded files out of the journal API that auditors read', async () => {
      const auditor = await signedIn(hub.app, 'auditor', DEMO_PASSWORD);
      const entries = JSON.parse((await auditor.request('GET', '/api/v1/journal/entries?after=0&limit=10000', undefined, { accept: 'application/json' })).body) as { entity: string; row: Record<string, unknown> | null }[];
      const files = entries.filter((e) => e.entity === 'application_files' && e.row);
      assert.ok(files.length >= 2);
      for (const e of files) assert.equal(e.row!.content, '[redacted]');
    });

    it('offers a life event as one form: each shared question once, the answers in a section per item', async () => {
      const start = await get('/life-events/retirement/apply');
      assert.match(start, new RegExp(`<p>${zh('apply.lifeEvent.lead', { count: 3, departments: 3 })}</p>`));
      const started = await post('/life-events/retirement/apply', { consent: 'none' });
      const first = started.headers.location as string;
      assert.match(first, /^\/life-events\/retirement\/apply\/[0-9a-f-]{36}\/applicantName$/);
      const check = await get(first.replace(/applicantName$/, 'check'));
      const sections = [...check.matchAll(/<h2 id="answers-\d-heading">([^<]+)<\/h2>/g)].map((m) => m[1]);
      assert.deepEqual(sections, ['企业职工基本养老保险待遇申领', '基本医疗保险关系转移接续', '离退休提取住房公积金']);
      assert.equal((check.match(/<div id="answer-applicantName">/g) ?? []).length, 1, 'asked once for three items');

      const draftUrl = first.replace(/\/applicantName$/, '');
      const actor = personActor(person, null);
      const draft = await getDraft(hub.test.database, actor, draftUrl.split('/').at(-1)!);

      // The task list: one task per item, where each stands, and where to go on.
      const status = (html: string) => [...html.matchAll(/<li data-status="([a-z_]+)"><a href="([^"]+)"[^>]*>([^<]+)<\/a>/g)].map((m) => [m[3], m[1], m[2]!.split('/').at(-1)]);
      const fresh = await get(`${draftUrl}/tasks`);
      assert.deepEqual(status(fresh).map(([name, state]) => [name, state]), [
        ['企业职工基本养老保险待遇申领', 'not_started'], ['基本医疗保险关系转移接续', 'not_started'], ['离退休提取住房公积金', 'not_started'],
      ]);
      assert.match(fresh, new RegExp(`<p id="tasks-count">${zh('apply.tasks.count', { done: 0, total: 3 })}</p>`));
      assert.match(fresh, /id="tasks-check-later"/);
      assert.match(await get(first), new RegExp(`<a href="${draftUrl}/tasks" id="tasks-link">${zh('apply.tasks.link')}</a>`), 'each question leads back to the list');
      const firstSection = draft.questions.filter((q) => q.items[0] === draft.questions[0]!.items[0]);
      for (const q of firstSection.slice(0, 2)) await saveAnswer(hub.test.database, actor, draft.id, q.field.key, validAnswer(q));
      const [pension] = status(await get(`${draftUrl}/tasks`));
      assert.equal(pension![1], firstSection.length > 2 ? 'started' : 'done');
      assert.equal(pension![2], firstSection.find((q, i) => i >= 2 && q.field.required)?.field.key ?? firstSection[0]!.field.key, 'it goes on where the person stopped');
      // Saved and come back later: continuing a life event leads to its task list.
      assert.match(await get(`${draftUrl}/saved`), new RegExp(`<a href="${draftUrl}/tasks">`));

      for (const q of draft.questions) await saveAnswer(hub.test.database, actor, draft.id, q.field.key, validAnswer(q));
      const all = await get(`${draftUrl}/tasks`);
      assert.deepEqual(status(all).map(([, state]) => state), ['done', 'done', 'done']);
      assert.match(all, new RegExp(`<a href="${draftUrl}/check" id="tasks-check">`));
      assert.equal((await post(`${draftUrl}/check`, { declaration: 'yes' })).headers.location, `${draftUrl}/confirmation`);
      const done = await get(`${draftUrl}/confirmation`);
      assert.match(done, /<p id="next">这是一件事联办申请：大连市人力资源和社会保障局、[^<]+共 3 个部门同时办理各自的部分/);
      assert.match(done, /<p id="due">最迟在 \d{4}-\d{2}-\d{2} 前办结/, 'the portal accepted the joint application: its clock runs');
    });

    it('speaks English too', async () => {
      const check = await b.request('GET', `${base}?lang=en`);
      assert.match(check.body, /<h1>Start your application<\/h1>/);
    });
  });
}

for (const target of databaseTargets) {
  describe(`${target.kind}: filling in what the government holds, with consent`, { skip: target.skip }, () => {
    let hub: TestHub;
    let gateway: Backend;
    /** The population registry behind the exchange: ID number → name; a number not in it makes the exchange fail on the way. */
    const population = new Map<string, string>();
    const PSB = codeOf('psb');

    before(async () => {
      // Stands for the portal's own gateway, answering as the population registry behind the exchange would.
      gateway = await testBackend((req, _body, res) => {
        const url = new URL(req.url ?? '/', 'http://gateway');
        const send = (status: number, body: unknown, extra: Record<string, string> = {}) => res.writeHead(status, { 'content-type': 'application/json', ...extra }).end(JSON.stringify(body));
        if (url.pathname === `/r1/${PSB}/population/id-verification/verifications`) {
          return send(200, { consistent: population.get(url.searchParams.get('idNumber') ?? '') === url.searchParams.get('name') });
        }
        const person = /^\/r1\/[^/]+\/population\/persons\/persons\/([^/]+)$/.exec(url.pathname);
        const name = person ? population.get(decodeURIComponent(person[1]!)) : undefined;
        if (person && name && name !== '断线') return send(200, { idNumber: decodeURIComponent(person[1]!), name });
        return send(502, { code: 'Server.ClientProxy.NetworkError', message: 'the provider gateway cannot be reached' }, { 'egov-error': 'Server.ClientProxy.NetworkError' });
      });
      hub = await testHub(target.kind, { flags: { portalGateway: gateway.url, portalClient: `${codeOf('gov-office')}/portal` } });
      await publishTestItem(hub.test.database);
    });
    after(async () => {
      await hub?.close();
      await gateway?.close();
    });

    async function verified(name: string): Promise<{ b: Browser; person: Person }> {
      const { browser: b, person } = await signedInPerson(hub.app, hub.test.database, { name });
      population.set(person.idNumber, name);
      const { outcome } = await verifyPerson(hub.test.database, personActor(person, null), person.id, realNameCheck(portalExchange(hub.hub)));
      assert.equal(outcome, 'verified');
      return { b, person };
    }

    it('does not offer it to someone whose identity is not verified, and says why', async () => {
      const { browser: b } = await signedInPerson(hub.app, hub.test.database, { name: '宋佳' });
      const start = (await b.request('GET', base)).body;
      assert.match(start, new RegExp(`<p class="notice" id="cannot-prefill">${zh('apply.cannot.unverified')}</p>`));
    });

    it('asks first, fills in with consent, marks where it came from, and lets the person change it', async () => {
      const { b, person } = await verified('白雪');
      const consent = (await b.request('GET', base)).body;
      assert.equal(h1Of(consent), zh('apply.consent.title'));
      assert.match(consent, /<ul id="prefill-fields"><li>申请人姓名：来自常住人口基本信息（大连市公安局）<\/li><li>公民身份号码：来自常住人口基本信息（大连市公安局）<\/li><\/ul>/);
      const unanswered = await b.request('POST', base, { _csrf: b.csrf ?? '' });
      assert.equal(unanswered.statusCode, 400);
      assert.match(errorSummary(unanswered.body)!, new RegExp(`<a href="#consent">${zh('apply.error.consent')}</a>`));

      const started = await b.request('POST', base, { _csrf: b.csrf ?? '', consent: 'yes' });
      const first = started.headers.location as string;
      const lookup = gateway.seen.find((r) => r.url.includes('/population/persons/persons/'))!;
      assert.equal(lookup.headers['egov-user-id'], `CN${person.idNumber}`, 'the lookup is made in the person\'s name, for their "my data" page');
      const question = (await b.request('GET', first)).body;
      assert.match(question, /<input type="text" id="applicantName" name="applicantName" value="白雪"/);
      assert.match(question, new RegExp(`<p class="hint from-data" id="applicantName-origin">${zh('apply.prefilled', { source: '来自常住人口基本信息（大连市公安局）' })}</p>`));
      const draftUrl = first.replace(/\/applicantName$/, '');
      const check = (await b.request('GET', `${draftUrl}/check`)).body;
      assert.match(check, /<div id="answer-applicantIdNumber"><dt>公民身份号码<\/dt><dd><span>\d{17}[\dX]<\/span><span class="from-data">来自常住人口基本信息（大连市公安局）<\/span>/);
      await b.request('POST', `${draftUrl}/applicantName`, { _csrf: b.csrf ?? '', applicantName: '白雪儿', action: 'continue', return: 'check' });
      const changed = (await b.request('GET', `${draftUrl}/check`)).body;
      assert.match(changed, /<div id="answer-applicantName"><dt>申请人姓名<\/dt><dd><span>白雪儿<\/span><\/dd>/, 'a changed answer is no longer marked as base data');
    });

    it('leaves the fields to be typed when the lookup fails, and the question says why in one line', async () => {
      const { b } = await verified('断线');
      const started = await b.request('POST', base, { _csrf: b.csrf ?? '', consent: 'yes' });
      assert.equal(started.statusCode, 303);
      const question = await b.request('GET', started.headers.location as string);
      assert.equal(question.statusCode, 200);
      assert.match(question.body, /<input type="text" id="applicantName" name="applicantName" value=""/);
      assert.match(question.body, new RegExp(`<p class="hint" id="applicantName-origin">${zh('apply.note.failed')}</p>`));
    });
  });
}
