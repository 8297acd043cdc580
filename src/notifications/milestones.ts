import type { Case, CaseEventRow } from '../cases/schema.ts';
import { caseTypes } from '../cases/service.ts';
import type { Personalisation, TemplateCode } from './templates.ts';

/**
 * Which events of a case its applicant is told about, as data per case type. Only public events
 * count (internal notes and assignments are the department's business), and of those only the
 * ones that change what the applicant waits for or must do. A joint application's tasks are
 * internal to its handling, except when one of them needs materials from the applicant.
 */

export interface Milestone {
  template: TemplateCode;
  personalisation: Personalisation;
}

export type DepartmentName = (code: string) => Promise<{ zh: string; en: string }>;

interface Rules {
  /** Actions taken by people that are milestones whatever state they lead to. */
  actions: Readonly<Record<string, TemplateCode>>;
  /** Of those, the ones a joint task's applicant must hear about too. */
  forTasks: readonly string[];
  /** Closing a case, by the outcome of the state it closes in. */
  closed: Readonly<Record<'approved' | 'rejected' | 'withdrawn', TemplateCode>>;
}

const rules: Readonly<Record<string, Rules>> = {
  application: {
    actions: { accept: 'case_accepted', request_supplement: 'case_supplement_requested' },
    forTasks: ['request_supplement'],
    closed: { approved: 'case_approved', rejected: 'case_rejected', withdrawn: 'case_closed' },
  },
};

// The engine writes its notes for staff, in English; the applicant gets these words instead.
const JOINT_REFUSED = { zh: '联合办理的部门中有部门不予办理', en: 'one of the departments handling it jointly refused its part' };

export async function milestoneOf(event: CaseEventRow, c: Case, departmentName: DepartmentName): Promise<Milestone | null> {
  const type = caseTypes[c.type];
  const rule = rules[c.type];
  if (!type || !rule || event.visibility !== 'public') return null;
  const task = c.parent !== null;
  const detail = event.detail ? JSON.parse(event.detail) as Record<string, unknown> : {};
  const base: Personalisation = { subject: c.subject, reference: c.reference, note: sentence(event.note) };
  const department = async (code: string | null) => departmentName(code ?? c.department);

  if (event.kind === 'created') return task ? null : { template: 'case_received', personalisation: base };
  if (event.kind === 'transferred') {
    if (task) return null;
    return { template: 'case_transferred', personalisation: { ...base, department: await department(typeof detail.to === 'string' ? detail.to : null) } };
  }
  if (event.kind !== 'action' || !event.action) return null;
  const def = type.actions[event.action];
  if (!def) return null;
  if (task && !rule.forTasks.includes(event.action)) return null;

  if (type.joint && event.action === type.joint.open) {
    const codes = Array.isArray(detail.tasks) ? detail.tasks.map((t) => String((t as { department?: unknown }).department)) : [];
    const names = await Promise.all(codes.map((code) => departmentName(code)));
    return { template: 'case_joint_opened', personalisation: { ...base, departments: { zh: names.map((n) => n.zh).join('、'), en: names.map((n) => n.en).join(', ') } } };
  }
  const template = rule.actions[event.action];
  if (template) return { template, personalisation: { ...base, department: await department(event.department_id) } };
  const state = type.states[def.to];
  if (state?.kind !== 'closed' || !state.outcome) return null;
  const note = def.by !== 'engine' ? base.note! : type.joint && event.action === type.joint.reject ? sentence(JOINT_REFUSED) : '';
  return { template: rule.closed[state.outcome], personalisation: { ...base, note, state: { zh: state.nameZh, en: state.nameEn } } };
}

/** Words people wrote, ending like a sentence in each language, so the template's next sentence reads on. */
function sentence(text: string | null | { zh: string; en: string }): Personalisation[string] {
  if (!text) return '';
  const zh = typeof text === 'string' ? text.trim() : text.zh;
  const en = typeof text === 'string' ? text.trim() : text.en;
  return { zh: /[。！？.!?；;]$/.test(zh) ? zh : `${zh}。`, en: /[.!?。！？]$/.test(en) ? en : `${en}.` };
}
