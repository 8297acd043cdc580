import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { actOnCase, getCase, casePolicy, createCase, listApplicantCases } from '../../src/cases/service.ts';
import { type Person, personActor, registerPerson } from '../../src/identity/people.service.ts';
import { applyEntries, readEntries } from '../../src/journal/service.ts';
import { checkAnswer, normaliseDate, normaliseNumber, MAX_TEXT } from '../../src/onestop/answers.ts';
import type { Draft } from '../../src/onestop/applications.schema.ts';
import {
  discardDraft, draftProblems, getDraft, listOpenDrafts, openDraftOf, questionsOf, saveAnswer, saveFile, startDraft, targetOf,
} from '../../src/onestop/applications.service.ts';
import { prefill, unfilled } from '../../src/onestop/prefill.ts';
import type { FormField } from '../../src/onestop/schema.ts';
import { getServiceItem } from '../../src/onestop/service.ts';
import { applicationOfCase, fileForDownload, submitApplication } from '../../src/onestop/submissions.service.ts';
import { MAX_NAME, checkUpload, displayName, sniffMediaType } from '../../src/onestop/uploads.ts';
import { checkForm } from '../../src/onestop/validation.ts';
import { type Actor, systemActor } from '../../src/platform/access.ts';
import { chinaDate, loadCalendar } from '../../src/platform/calendar.ts';
import { DomainError } from '../../src/platform/errors.ts';
import { seedDemo } from '../../src/hub/demo.ts';
import { databaseTargets, freshDatabase, type TestDatabase } from '../support/databases.ts';
import { citizenId, mobile } from '../support/people.ts';
import { TEST_ITEM, exe, pdf, png, publishTestItem, staffActors, testItemInput, validAnswer } from './apply-support.ts';

/**
 * Applying online, below the pages: answers checked and normalised, uploads judged by their
 * bytes, drafts kept and resumed, sending that opens exactly one case (a parent and one task per
 * department for a life event), and files that only the applicant and the case's clerks get.
 */

const MB5 = 5 * 1024 * 1024;
const field = (type: FormField['type'], extra: Partial<FormField> = {}): FormField => ({ key: 'x', type, labelZh: '问', labelEn: 'Q', required: true, ...extra });
const problemOf = (error: unknown) => (error as DomainError).detail as { field: string; problem: string; problems?: { field: string; code: string }[] };

describe('answers: dates, numbers, choices and text as typed', () => {
  const fullWidth = (s: string) => s.replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
  const realDay = fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2100-12-31T00:00:00Z'), noInvalidDate: true });

  it('reads every way people write a real date as that date, and nothing else', () => {
    fc.assert(fc.property(realDay, fc.constantFrom('', ' '), (day, space) => {
      const iso = day.toISOString().slice(0, 10);
      const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
      for (const typed of [iso, `${y}-${m}-${d}`, `${y}/${m}/${d}`, `${y}.${m}.${d}`, `${y}年${m}月${d}日`, `${y}${space}年${space}${m}${space}月${space}${d}${space}日`, `${y}年${m}月${d}`, fullWidth(`${y}年${m}月${d}日`), ` ${y}-${m}-${d} `]) {
        assert.equal(normaliseDate(typed), iso, typed);
      }
    }));
    fc.assert(fc.property(fc.string({ maxLength: 20 }), (typed) => {
      const out = normaliseDate(typed);
      assert.ok(out === null || (/^\d{4}-\d{2}-\d{2}$/.test(out) && normaliseDate(out) === out), `${typed} → ${out}`);
    }), { numRuns: 2000 });
    for (const bad of ['2026-02-30', '2026-13-01', '2026-1/5', '26-1-5', '2026年1-5', '2026-1月5日', '1899-12-31', '2026-01-05T00:00', '5/1/2026', '']) {
      assert.equal(normaliseDate(bad), null, bad);
    }
    assert.equal(normaliseDate('2028-02-29'), '2028-02-29');
    assert.equal(normaliseDate('2026-2-29'), null);
  });

  it('takes numbers with separators and full-width digits, and refuses words', () => {
    assert.equal(normaliseNumber('1,200.50'), '1200.5');
    assert.equal(normaliseNumber('１２'), '12');
    assert.equal(normaliseNumber(' 007 '), '7');
    assert.equal(normaliseNumber('-0'), '0');
    for (const bad of ['twelve', '1e3', '12元', '1.2.3', '', '1234567890123456']) assert.equal(normaliseNumber(bad), null, bad);
  });

  it('checks required, choices among the defined keys and text length, and keeps line breaks', () => {
    assert.deepEqual(checkAnswer(field('text'), '  '), { ok: false, problem: { field: 'x', code: 'required' } });
    assert.deepEqual(checkAnswer(field('text', { required: false }), ''), { ok: true, value: null });
    assert.deepEqual(checkAnswer(field('text'), '中山区\r\n人民路\u0000 1 号'), { ok: true, value: '中山区\n人民路 1 号' });
    const long = checkAnswer(field('text'), '字'.repeat(MAX_TEXT + 1));
    assert.ok(!long.ok && long.problem.code === 'tooLong' && long.problem.params?.max === MAX_TEXT);
    const choices = [{ key: 'a', labelZh: '甲', labelEn: 'A' }, { key: 'b', labelZh: '乙', labelEn: 'B' }];
    assert.deepEqual(checkAnswer(field('single_choice', { choices }), 'b'), { ok: true, value: 'b' });
    assert.equal((checkAnswer(field('single_choice', { choices }), 'c') as { ok: false; problem: { code: string } }).problem.code, 'choice');
    assert.deepEqual(checkAnswer(field('multiple_choice', { choices }), ['b', 'a', 'b']), { ok: true, value: ['a', 'b'] });
    assert.equal((checkAnswer(field('multiple_choice', { choices }), ['a', 'z']) as { ok: false; problem: { code: string } }).problem.code, 'choice');
    assert.equal((checkAnswer(field('date'), '明天') as { ok: false; problem: { code: string } }).problem.code, 'date');
  });

  it('keeps the names of the application pages out of forms', () => {
    const input = testItemInput();
    assert.throws(() => checkForm({ fields: [{ ...input.form.fields[2]!, key: 'check' }] }, input.materials), /name of an application page/);
  });
});

describe('uploads: judged by their bytes, named safely', () => {
  it('accepts a PNG sent as x.pdf as a PNG, and refuses a program sent as x.pdf', () => {
    const accepted = checkUpload('f', { filename: 'x.pdf', content: png(), truncated: false }, MB5);
    assert.equal(accepted.mediaType, 'image/png');
    assert.equal(accepted.displayName, 'x.png');
    assert.equal(sniffMediaType(pdf()), 'application/pdf');
    assert.equal(sniffMediaType(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0])), 'image/jpeg');
    assert.throws(() => checkUpload('f', { filename: 'x.pdf', content: exe(), truncated: false }, MB5), (error: unknown) => {
      assert.equal((error as DomainError).code, 'unsupported_media_type');
      assert.equal(problemOf(error).problem, 'fileType');
      return true;
    });
    assert.throws(() => checkUpload('f', { filename: 'page.html', content: Buffer.from('<html><script>alert(1)</script>'), truncated: false }, MB5), /not a PDF, JPEG or PNG/);
  });

  it('refuses 5 MB and one byte with a message that says the limit, and takes exactly 5 MB', () => {
    assert.throws(() => checkUpload('f', { filename: 'scan.pdf', content: pdf(MB5 + 1), truncated: false }, MB5), (error: unknown) => {
      assert.equal((error as DomainError).code, 'payload_too_large');
      assert.match((error as Error).message, /larger than 5 MB \(5242880 bytes\)/);
      assert.deepEqual(problemOf(error), { field: 'f', problem: 'fileTooLarge', params: { max: 5 } });
      return true;
    });
    assert.throws(() => checkUpload('f', { filename: 'scan.pdf', content: pdf(100), truncated: true }, MB5), /larger than 5 MB/);
    assert.equal(checkUpload('f', { filename: 'scan.pdf', content: pdf(MB5), truncated: false }, MB5).size, MB5);
    assert.throws(() => checkUpload('f', { filename: '', content: Buffer.alloc(0), truncated: false }, MB5), /choose a file/);
  });

  it('keeps only a safe display name: no path, no control characters, the real extension', () => {
    assert.equal(displayName('../../etc/passwd', 'application/pdf'), 'passwd.pdf');
    assert.equal(displayName('C:\\fakepath\\营业执照.PDF', 'application/pdf'), '营业执照.pdf');
    assert.equal(displayName('..', 'image/png'), 'file.png');
    assert.equal(displayName('evil\u202Egnp.exe', 'image/png'), 'evilgnp.exe.png');
    assert.equal(displayName('a\u0000b\nc.jpeg', 'image/jpeg'), 'ab c.jpg');
    const piece = fc.constantFrom('/', '\\', '..', '.', '\u0000', '\n', '\u001B', '\u202E', '\u2066', ' ', 'a', '章', 'x.pdf', '"', '<', ':', '\uD83D\uDE00');
    fc.assert(fc.property(fc.array(fc.oneof(piece, fc.string({ maxLength: 5 })), { maxLength: 60 }), fc.constantFrom('application/pdf', 'image/jpeg', 'image/png'), (parts, type) => {
      const name = displayName(parts.join(''), type as 'image/png');
      assert.ok(!/[/\\<>:"|?*\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/.test(name), JSON.stringify(name));
      assert.ok(!name.startsWith('.'), name);
      assert.ok([...name].length <= MAX_NAME, name);
      assert.ok(name.endsWith({ 'application/pdf': '.pdf', 'image/jpeg': '.jpg', 'image/png': '.png' }[type]!), name);
      assert.ok(name.length > 4);
    }), { numRuns: 1000 });
  });
});

for (const target of databaseTargets) {
  describe(`${target.kind}: drafts, sending and files`, { skip: target.skip }, () => {
    let test: TestDatabase;
    let staff: (username: string) => Actor;
    const policy = casePolicy({ calendar: loadCalendar(), referencePrefix: 'DL' });

    before(async () => {
      test = await freshDatabase(target.kind);
      await seedDemo(test.database);
      await publishTestItem(test.database);
      staff = await staffActors(test.database);
    });
    after(() => test?.close());

    async function applicant(name = '林晓梅'): Promise<{ person: Person; actor: Actor }> {
      const person = await registerPerson(test.database, { kind: 'citizen', name, idNumber: citizenId(), phone: mobile(), password: 'Portal-test-2026' });
      return { person, actor: personActor(person, null) };
    }

    /** A draft of `subject` with every question answered and every upload made. */
    async function completed(actor: Actor, subject: { kind: 'item' | 'life_event'; code: string }): Promise<Draft> {
      const target = await targetOf(test.database, subject);
      const draft = await startDraft(test.database, actor, subject, 'not_asked', unfilled(questionsOf(target.items), 'no_exchange'));
      for (const q of draft.questions) {
        if (q.field.type === 'file') await saveFile(test.database, actor, draft.id, q.field.key, { filename: `${q.field.key}.png`, content: png(), truncated: false }, MB5);
        else await saveAnswer(test.database, actor, draft.id, q.field.key, validAnswer(q));
      }
      return getDraft(test.database, actor, draft.id);
    }

    it('starts with nothing filled when no exchange is configured, and says so for each field the government holds', async () => {
      const { person, actor } = await applicant();
      const target = await targetOf(test.database, { kind: 'item', code: TEST_ITEM });
      const filled = await prefill(test.database, null, person, questionsOf(target.items));
      assert.deepEqual(filled, { answers: {}, prefilled: {}, notes: { applicantName: 'no_exchange', applicantIdNumber: 'no_exchange' } });
      const draft = await startDraft(test.database, actor, { kind: 'item', code: TEST_ITEM }, 'not_asked', filled);
      assert.deepEqual(draft.answers, {});
      assert.deepEqual(draft.prefillNotes, { applicantName: 'no_exchange', applicantIdNumber: 'no_exchange' });
      assert.equal(draft.consentAt, null);
      assert.deepEqual(draft.questions.map((q) => q.field.key), testItemInput().form.fields.map((f) => f.key));
    });

    it('keeps answers normalised, refuses wrong ones naming the problem, and resumes the same draft', async () => {
      const { actor } = await applicant();
      const draft = await startDraft(test.database, actor, { kind: 'item', code: TEST_ITEM }, 'declined', { answers: {}, prefilled: {}, notes: {} });
      assert.ok(draft.consentAt, 'the choice to type is recorded with its time');
      await saveAnswer(test.database, actor, draft.id, 'neededOn', '2026年1月5日');
      await saveAnswer(test.database, actor, draft.id, 'copies', '１,０００');
      await assert.rejects(saveAnswer(test.database, actor, draft.id, 'purpose', 'holiday'), (error: unknown) => problemOf(error).problem === 'choice');
      await assert.rejects(saveAnswer(test.database, actor, draft.id, 'neededOn', '2026-02-30'), (error: unknown) => problemOf(error).problem === 'date');
      await assert.rejects(saveAnswer(test.database, actor, draft.id, 'copies', ''), (error: unknown) => problemOf(error).problem === 'required');
      // Saving to come back later may leave a required question empty.
      await saveAnswer(test.database, actor, draft.id, 'applicantName', '', { allowEmpty: true });
      const resumed = await openDraftOf(test.database, actor, { kind: 'item', code: TEST_ITEM });
      assert.equal(resumed?.id, draft.id);
      assert.deepEqual(resumed.answers, { neededOn: '2026-01-05', copies: '1000' });
      assert.deepEqual((await listOpenDrafts(test.database, actor)).map((d) => [d.id, d.nameZh]), [[draft.id, '户籍证明开具（测试）']]);

      const other = await applicant('张伟');
      await assert.rejects(getDraft(test.database, other.actor, draft.id), (error: unknown) => (error as DomainError).code === 'not_found');
      await assert.rejects(saveAnswer(test.database, other.actor, draft.id, 'copies', '2'), (error: unknown) => (error as DomainError).code === 'not_found');
      assert.equal(await openDraftOf(test.database, other.actor, { kind: 'item', code: TEST_ITEM }), null);

      await discardDraft(test.database, actor, draft.id);
      assert.equal(await openDraftOf(test.database, actor, { kind: 'item', code: TEST_ITEM }), null);
    });

    it('refuses to send with problems, listing every one in question order, and the declaration', async () => {
      const { person, actor } = await applicant();
      const draft = await startDraft(test.database, actor, { kind: 'item', code: TEST_ITEM }, 'declined', { answers: {}, prefilled: {}, notes: {} });
      await saveAnswer(test.database, actor, draft.id, 'copies', '2');
      await assert.rejects(submitApplication(test.database, policy, actor, person, draft.id, { declared: false }), (error: unknown) => {
        assert.deepEqual(problemOf(error).problems?.map((p) => `${p.field}:${p.code}`), [
          'applicantName:required', 'applicantIdNumber:required', 'neededOn:required', 'purpose:required', 'proofFile:fileRequired', 'declaration:declaration',
        ]);
        return true;
      });
      assert.deepEqual(await listApplicantCases(test.database, policy, actor, actor.actor), []);
    });

    it('opens exactly one case however often and however fast it is sent, with one working day for a 即办 item', async () => {
      const { person, actor } = await applicant('王芳');
      const draft = await completed(actor, { kind: 'item', code: TEST_ITEM });
      const item = await getServiceItem(test.database, TEST_ITEM);
      assert.deepEqual(draftProblems(draft, [item]), []);
      const sends = await Promise.all([1, 2, 3].map(() => submitApplication(test.database, policy, actor, person, draft.id, { declared: true })));
      const again = await submitApplication(test.database, policy, actor, person, draft.id, { declared: true });
      const references = new Set([...sends, again].map((s) => s.case.reference));
      assert.equal(references.size, 1);
      const cases = await listApplicantCases(test.database, policy, actor, actor.actor);
      assert.equal(cases.length, 1);
      const c = await getCase(test.database, policy, staff('psb-admin'), cases[0]!.reference);
      assert.equal(c.applicantName, '王芳');
      assert.equal(c.applicant, actor.actor);
      assert.equal(c.department, PSB_CODE());
      assert.equal(c.timeLimit, 1);
      assert.equal(c.subject, '户籍证明开具（测试）');
      assert.equal(c.timeline[0]!.actor, 'system:portal');
      assert.equal((await getDraft(test.database, actor, draft.id)).state, 'submitted');
      await assert.rejects(saveAnswer(test.database, actor, draft.id, 'copies', '3'), (error: unknown) => (error as DomainError).code === 'conflict');

      const sent = await applicationOfCase(test.database, policy, staff('psb-clerk'), c.reference);
      assert.ok(sent);
      assert.deepEqual(sent.items, [{ code: TEST_ITEM, version: 1 }]);
      assert.equal(sent.answers.neededOn, '2026-10-12');
      assert.deepEqual(sent.files.map((f) => [f.fieldKey, f.mediaType]), [['proofFile', 'image/png'], ['extraFile', 'image/png']]);
      await assert.rejects(applicationOfCase(test.database, policy, staff('amr-clerk'), c.reference), (error: unknown) => (error as DomainError).code === 'not_found');
    });

    it('serves a file to its applicant and the handling department, and to nobody else', async () => {
      const { person, actor } = await applicant();
      const draft = await completed(actor, { kind: 'item', code: TEST_ITEM });
      const file = draft.files.find((f) => f.fieldKey === 'proofFile')!;
      const own = await fileForDownload(test.database, policy, actor, file.id);
      assert.equal(own.file.mediaType, 'image/png');
      assert.equal(own.content.length, file.size);
      // Before it is sent, the department has nothing to see.
      await assert.rejects(fileForDownload(test.database, policy, staff('psb-clerk'), file.id), (error: unknown) => (error as DomainError).code === 'not_found');
      await submitApplication(test.database, policy, actor, person, draft.id, { declared: true });
      for (const username of ['psb-clerk', 'psb-admin', 'psb-reviewer', 'admin']) {
        assert.equal((await fileForDownload(test.database, policy, staff(username), file.id)).file.sha256, file.sha256, username);
      }
      const other = await applicant('张伟');
      for (const who of [other.actor, staff('amr-clerk'), staff('auditor'), staff('ops')]) {
        await assert.rejects(fileForDownload(test.database, policy, who, file.id), (error: unknown) => (error as DomainError).code === 'not_found', who.actor);
      }
      await assert.rejects(fileForDownload(test.database, policy, actor, 'no-such-file'), (error: unknown) => (error as DomainError).code === 'not_found');
    });

    it('sends a life event as one parent case with a task per department, each with its own answers', async () => {
      const { person, actor } = await applicant('刘洋');
      const draft = await completed(actor, { kind: 'life_event', code: 'newborn' });
      const keys = draft.questions.map((q) => q.field.key);
      assert.equal(new Set(keys).size, keys.length, 'each field is asked once');
      const [first, second] = await Promise.all([1, 2].map(() => submitApplication(test.database, policy, actor, person, draft.id, { declared: true })));
      assert.equal(first!.case.reference, second!.case.reference);
      const parent = await getCase(test.database, policy, staff('admin'), first!.case.reference);
      assert.equal(parent.state, 'joint_handling');
      assert.equal(parent.subject, '新生儿出生');
      const target = await targetOf(test.database, { kind: 'life_event', code: 'newborn' });
      const departments = [...new Set(target.items.map((i) => i.department.code))];
      assert.deepEqual(parent.children.map((c) => c.department), departments);
      assert.deepEqual(parent.children.map((c) => c.reference), departments.map((_, i) => `${parent.reference}-${i + 1}`));
      assert.equal((await listApplicantCases(test.database, policy, actor, actor.actor)).filter((c) => c.parent === null).length, 1);

      const psbTask = parent.children.find((c) => c.department === PSB_CODE())!;
      const sent = await applicationOfCase(test.database, policy, staff('psb-clerk'), psbTask.reference);
      assert.ok(sent);
      const psbItems = target.items.filter((i) => i.department.code === PSB_CODE());
      assert.deepEqual(sent.items.map((i) => i.code), psbItems.map((i) => i.code));
      assert.deepEqual(Object.keys(sent.answers).sort(), questionsOf(psbItems).filter((q) => q.field.type !== 'file').map((q) => q.field.key).sort());
      // One set of materials (一套材料): a department with a task reads the uploads of the whole application.
      const photo = draft.files[0]!;
      assert.equal((await fileForDownload(test.database, policy, staff('psb-clerk'), photo.id)).file.id, photo.id);
      await assert.rejects(fileForDownload(test.database, policy, staff('amr-clerk'), photo.id), (error: unknown) => (error as DomainError).code === 'not_found');
    });

    it('leaves nothing behind when a step of sending a life event fails, and opens it whole when sent again', async () => {
      const { person, actor } = await applicant('赵敏');
      const draft = await completed(actor, { kind: 'life_event', code: 'newborn' });
      const db = test.database.db;
      // A case already holding the first task's reference: sending fails after the parent case was
      // opened and accepted, when the tasks are made.
      const other = await createCase(test.database, policy, staff('psb-clerk'), { type: 'application', subject: '占位', applicant: 'x', applicantName: '占位', department: PSB_CODE() });
      const year = chinaDate(new Date()).slice(0, 4);
      const last = (await db.selectFrom('case_sequences').select('last').where('id', '=', `DL-${year}`).executeTakeFirstOrThrow()).last;
      const parentReference = `DL-${year}-${String(Number(last) + 1).padStart(6, '0')}`;
      const row = await db.selectFrom('cases').selectAll().where('id', '=', other.id).executeTakeFirstOrThrow();
      const blocker = randomUUID();
      await db.insertInto('cases').values({ ...row, id: blocker, reference: `${parentReference}-1` }).execute();
      const counts = async () => Promise.all(['cases', 'case_events', 'applications', 'journal'].map(async (table) =>
        Number((await db.selectFrom(table as 'cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)));
      const before = await counts();

      await assert.rejects(submitApplication(test.database, policy, actor, person, draft.id, { declared: true }));
      assert.deepEqual(await counts(), before, 'no case, event, application or journal entry was left');
      assert.equal((await getDraft(test.database, actor, draft.id)).state, 'open', 'still a draft, to be sent again');
      assert.deepEqual(await listApplicantCases(test.database, policy, actor, actor.actor), []);

      await db.deleteFrom('cases').where('id', '=', blocker).execute();
      const sent = await submitApplication(test.database, policy, actor, person, draft.id, { declared: true });
      assert.equal(sent.case.reference, parentReference);
      assert.equal(sent.case.state, 'joint_handling');
      assert.ok(sent.case.children.length >= 2);
      for (const task of sent.case.children) assert.ok(await applicationOfCase(test.database, policy, staff('admin'), task.reference), task.reference);
      assert.equal(sent.draft.state, 'submitted');
    });

    it('completes an application left half sent by the version that sent it in steps: the case it opened, accepted, gets its tasks', async () => {
      const { person, actor } = await applicant('钱坤');
      const draft = await completed(actor, { kind: 'life_event', code: 'newborn' });
      const target = await targetOf(test.database, { kind: 'life_event', code: 'newborn' });
      // What the earlier version left when it stopped after its second step.
      const portal = systemActor('portal');
      const half = await createCase(test.database, policy, portal, {
        type: 'application', subject: target.nameZh, applicant: actor.actor, applicantName: person.name,
        department: target.items[0]!.department.code, idempotencyKey: draft.id,
      });
      await actOnCase(test.database, policy, portal, half.id, { action: 'accept', note: '一件事联办', idempotencyKey: `${draft.id}:accept` });

      const sent = await submitApplication(test.database, policy, actor, person, draft.id, { declared: true });
      assert.equal(sent.case.reference, half.reference, 'the same case, not a second one');
      assert.equal(sent.case.state, 'joint_handling');
      assert.equal(sent.case.children.length, new Set(target.items.map((i) => i.department.code)).size);
      assert.equal(sent.case.timeline.filter((e) => e.action === 'accept').length, 1, 'accepted once');
      assert.equal(sent.draft.state, 'submitted');
      assert.ok(await applicationOfCase(test.database, policy, staff('admin'), sent.case.reference));
    });

    it('carries a 5 MB upload through the journal: a replay reproduces it byte for byte', async () => {
      const { actor } = await applicant();
      const draft = await startDraft(test.database, actor, { kind: 'item', code: TEST_ITEM }, 'declined', { answers: {}, prefilled: {}, notes: {} });
      const content = pdf(MB5);
      const saved = await saveFile(test.database, actor, draft.id, 'proofFile', { filename: '../../etc/passwd', content, truncated: false }, MB5);
      const file = saved.files[0]!;
      assert.equal(file.displayName, 'passwd.pdf');
      const entries = (await readEntries(test.database.db, 0, 100_000)).filter((e) => e.entity === 'application_files' && e.key === file.id);
      assert.equal(entries.length, 1);
      assert.equal(entries[0]!.row!.content, content.toString('base64'));

      const copy = await freshDatabase(target.kind);
      try {
        for (let after = 0; ;) {
          const page = await readEntries(test.database.db, after, 500);
          if (page.length === 0) break;
          await copy.database.transaction((tx) => applyEntries(tx, page));
          after = page.at(-1)!.seq;
        }
        const replayed = await copy.database.db.selectFrom('application_files').selectAll().where('id', '=', file.id).executeTakeFirstOrThrow();
        assert.ok(Buffer.from(replayed.content, 'base64').equals(content));
        assert.equal(replayed.sha256, file.sha256);
      } finally {
        await copy.close();
      }
    });
  });
}

function PSB_CODE(): string {
  return testItemInput().department;
}
