import { randomBytes } from 'node:crypto';
import type { HubDatabase } from '../../src/hub/database.ts';
import { listAccounts } from '../../src/identity/service.ts';
import type { AnswerValue } from '../../src/onestop/answers.ts';
import type { Question } from '../../src/onestop/applications.schema.ts';
import type { ServiceItemInput } from '../../src/onestop/schema.ts';
import { createServiceItem } from '../../src/onestop/service.ts';
import { type Actor, systemActor } from '../../src/platform/access.ts';
import { demoDepartments } from '../../src/registry/demo-data.ts';

/** What the application tests share: an item with every kind of question, staff actors, files by their first bytes. */

export const uscc = (key: string) => demoDepartments.find((d) => d.key === key)!.uscc;
export const PSB = uscc('psb');

/** A 即办 (0-day) item of the public security bureau asking one question of each kind, two of them uploads. */
export const TEST_ITEM = 'GG09901001000';

export function testItemInput(): ServiceItemInput {
  const choice = (key: string, labelZh: string, labelEn: string) => ({ key, labelZh, labelEn });
  return {
    code: TEST_ITEM, department: PSB, type: 'public_service', nameZh: '户籍证明开具（测试）', nameEn: 'Household certificate (test)',
    summary: '本市户籍居民申请开具户籍证明。', audiences: ['citizen'], topics: ['household'], legalBasis: ['《中华人民共和国户口登记条例》'],
    conditions: ['本市常住户口居民'],
    materials: [
      { key: 'idCard', name: '居民身份证', form: 'original', copies: 0, required: true, replaceableBy: { kind: 'elicence', source: '居民身份证' } },
      { key: 'householdData', name: '户籍信息', form: 'copy', copies: 1, required: true, replaceableBy: { kind: 'data', source: 'PSB-0001', items: ['householdAddress'] } },
      { key: 'proof', name: '用途证明', form: 'copy', copies: 1, required: true },
      { key: 'extra', name: '其他材料', form: 'copy', copies: 1, required: false },
    ],
    timeLimit: { legalDays: null, promisedDays: 0 }, fees: [],
    where: { office: '户籍窗口', address: '大连市中山区人民路 1 号', hours: '工作日 8:30—17:00', online: true, visits: 0 },
    consult: { phone: '0411-82623360', note: '大连市公安局' }, complain: { phone: '12345' }, steps: [{ name: '申请' }, { name: '办结' }],
    form: {
      fields: [
        { key: 'applicantName', type: 'text', labelZh: '申请人姓名', labelEn: 'Applicant\'s name', required: true, prefill: { resource: 'PSB-0001', item: 'name' } },
        { key: 'applicantIdNumber', type: 'text', labelZh: '公民身份号码', labelEn: 'Citizen ID number', required: true, prefill: { resource: 'PSB-0001', item: 'idNumber' } },
        { key: 'copies', type: 'number', labelZh: '需要份数', labelEn: 'Number of copies', required: true, hintZh: '最多 5 份', hintEn: 'At most 5' },
        { key: 'neededOn', type: 'date', labelZh: '需要日期', labelEn: 'Needed on', required: true, hintZh: '例如 2026-1-5 或 2026年1月5日', hintEn: 'For example 2026-1-5' },
        { key: 'purpose', type: 'single_choice', labelZh: '证明用途', labelEn: 'What it is for', required: true, choices: [choice('school', '子女入学', 'School enrolment'), choice('job', '就业', 'Employment')] },
        { key: 'delivery', type: 'multiple_choice', labelZh: '送达方式', labelEn: 'How to receive it', required: false, choices: [choice('post', '邮寄', 'By post'), choice('sms', '短信通知', 'Text message')] },
        { key: 'remarks', type: 'text', labelZh: '备注', labelEn: 'Remarks', required: false },
        { key: 'proofFile', type: 'file', labelZh: '用途证明', labelEn: 'Proof of purpose', required: true, material: 'proof' },
        { key: 'extraFile', type: 'file', labelZh: '其他材料', labelEn: 'Other material', required: false, material: 'extra' },
      ],
    },
  };
}

export async function publishTestItem(db: HubDatabase): Promise<void> {
  await createServiceItem(db, systemActor('test'), testItemInput());
}

/** The demo's staff as actors, by user name. */
export async function staffActors(db: HubDatabase): Promise<(username: string) => Actor> {
  const accounts = await listAccounts(db, systemActor('test'));
  return (username) => {
    const a = accounts.find((x) => x.username === username);
    if (!a) throw new Error(`no demo account ${username}`);
    return { actor: a.id, kind: 'staff', department: a.department, roles: a.roles as Actor['roles'], requestId: null };
  };
}

/** A PNG signature followed by `size - 8` random bytes: a PNG as far as a signature check can tell. */
export function png(size = 2048): Buffer {
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(Math.max(0, size - 8))]);
}

export function pdf(size = 2048): Buffer {
  return Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(Math.max(0, size - 9))]);
}

/** A Windows program: "MZ" and a DOS stub. */
export function exe(size = 2048): Buffer {
  return Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), randomBytes(Math.max(0, size - 8))]);
}

/** A valid answer to any question that is not an upload: what a careful applicant would type. */
export function validAnswer(question: Question): AnswerValue {
  const f = question.field;
  switch (f.type) {
    case 'number': return '2';
    case 'date': return '2026-10-12';
    case 'single_choice': return f.choices![0]!.key;
    case 'multiple_choice': return [f.choices![0]!.key];
    default: return /idnumber/i.test(f.key) ? '210202199001011234' : `${f.labelZh}答案`;
  }
}
