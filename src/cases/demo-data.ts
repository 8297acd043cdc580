import type { HubDatabase } from '../hub/database.ts';
import { systemActor } from '../platform/access.ts';
import { loadCalendar } from '../platform/calendar.ts';
import { demoDepartments } from '../registry/demo-data.ts';
import { actOnCase, casePolicy, createCase } from './service.ts';

/**
 * A few applications in the demo departments' queues, so the workbench is not empty: some just
 * submitted, some accepted with their clock running, one waiting for the applicant's materials.
 */
export interface DemoCase {
  /** Stable: the idempotency keys derive from it, so seeding again changes nothing. */
  key: string;
  department: string;
  subject: string;
  applicant: string;
  applicantName: string;
  /** The actions taken on it after submission, in order, with their notes. */
  actions: { action: string; note?: string }[];
}

export const demoCases: DemoCase[] = [
  { key: 'amr-1', department: 'amr', subject: '食品经营许可（新办）', applicant: '210202199003150018', applicantName: '张伟', actions: [] },
  { key: 'amr-2', department: 'amr', subject: '个体工商户设立登记', applicant: '210203198811020026', applicantName: '李娜', actions: [{ action: 'accept' }] },
  {
    key: 'amr-3', department: 'amr', subject: '企业名称变更登记', applicant: '210204197507300031', applicantName: '王强',
    actions: [{ action: 'accept' }, { action: 'request_supplement', note: '1. 股东会关于变更名称的决议（原件）；2. 变更后的公司章程修正案。' }],
  },
  { key: 'psb-1', department: 'psb', subject: '居民身份证换领', applicant: '210211199512240047', applicantName: '刘洋', actions: [] },
  { key: 'psb-2', department: 'psb', subject: '户口迁入（投靠亲属）', applicant: '210212196809090052', applicantName: '陈敏', actions: [{ action: 'accept' }] },
  { key: 'psb-3', department: 'psb', subject: '无犯罪记录证明', applicant: '210213200101010065', applicantName: '杨静', actions: [] },
];

/** Opens the demo cases that are not there yet; safe to run on every start. */
export async function seedDemoCases(database: HubDatabase): Promise<void> {
  const policy = casePolicy({ calendar: loadCalendar(), referencePrefix: 'DL' });
  const portal = systemActor('portal');
  for (const c of demoCases) {
    const department = demoDepartments.find((d) => d.key === c.department);
    if (!department) throw new Error(`demo case ${c.key} names an unknown department ${c.department}`);
    const opened = await createCase(database, policy, portal, {
      type: 'application', subject: c.subject, applicant: c.applicant, applicantName: c.applicantName, department: department.uscc,
      idempotencyKey: `demo-case-${c.key}`,
    });
    for (const [i, a] of c.actions.entries()) {
      await actOnCase(database, policy, systemActor('demo'), opened.id, { action: a.action, ...(a.note && { note: a.note }), idempotencyKey: `demo-case-${c.key}-${i}` });
    }
  }
}
