/**
 * The portal bench's cases (bench/portal-data.ts writes them): applications (办件) of the demo
 * service items, each drawn as a plan and rendered into the rows the case engine writes.
 *
 * A plan (seeded, so every fill is the same): the portal opens the case for an applicant (a
 * valid GB 11643 number, a name); a clerk of the department takes it and accepts it within a
 * working day, or rejects it at intake, or the applicant withdraws it; some are sent back for
 * missing materials and supplemented days later; some carry an internal note; most are approved,
 * some rejected, a few late. Staff act in office hours on working days (the built-in calendar);
 * the deadline sweep runs every day at 00:05 China time and warns and escalates as
 * sweepDeadlines does. Steps after now are cut off, so recent cases are still open, in every state
 * a queue holds. render() then writes what createCase, assignCase, actOnCase, addNote and
 * sweepDeadlines would: the same clock functions, the same events and details.
 */
import { randomUUID } from 'node:crypto';
import { citizenIdCheckChar } from '../src/basedata/citizen-id.ts';
import { type ClockColumns, pauseClock, pausesOf, resumeClock, startClock } from '../src/cases/clock.ts';
import type { CaseEventRow, CaseRow } from '../src/cases/schema.ts';
import { applicationType } from '../src/cases/types.ts';
import { type Actor, systemActor } from '../src/platform/access.ts';
import { type WorkingCalendar, chinaDate } from '../src/platform/calendar.ts';
import { demoDivisions } from '../src/registry/demo-data.ts';

export const DAY = 86_400_000;
const CHINA = 8 * 3_600_000;
/** sweepDeadlines's: a case is warned with this many working days left. */
export const WARNING_DAYS = 2;

// ---------------------------------------------------------------------------------------------
// A seeded random source

export function randomSource(seed: number) {
  let s = seed;
  const next = (): number => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    chance: (p: number) => next() < p,
    between: (low: number, high: number) => low + Math.floor(next() * (high - low + 1)),
    pick: <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!,
  };
}
export type Random = ReturnType<typeof randomSource>;

// ---------------------------------------------------------------------------------------------
// Who and what

export interface Clerk { actor: Actor; displayName: string }
export interface Item { code: string; subject: string; department: string; timeLimit: number; weight: number }

const SURNAMES: readonly string[] = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '胡', '朱', '高', '林', '何', '郭', '马', '罗', '梁', '宋', '郑', '谢', '韩', '唐', '冯', '于', '董', '萧', '程', '曹', '袁', '邓', '许', '傅', '沈', '曾', '彭', '吕'];
const GIVEN: readonly string[] = ['伟', '芳', '娜', '秀英', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀兰', '霞', '平', '刚', '桂英', '建华', '文', '华', '红', '玉兰', '鑫', '宇', '浩然', '子涵', '欣怡', '梓轩', '一诺', '晨', '思远', '雨桐', '建国', '海燕'];
const REJECT_AT_INTAKE = [
  '申请材料不齐全：缺少申请人有效身份证件复印件，请补齐后重新申请。', '申请事项不属于本部门职权范围，请向户籍所在地相关部门申请。',
  '经核验，申请人提交的证明材料与登记信息不一致，不予受理。',
];
const MISSING = [
  '1. 申请人近期免冠彩色照片（电子版）；2. 户口簿首页及本人页复印件。', '1. 经营场所使用证明（租赁合同及产权证明）；2. 法定代表人签字的申请书原件。',
  '请补充提交劳动合同或单位出具的在职证明（加盖公章）。', '1. 医疗机构出具的诊断证明原件；2. 银行账户信息（本人名下一类账户）。',
];
const NOTES = ['已电话联系申请人核实材料，约定下周一到窗口领取。', '申请人来电询问进度，已告知预计办结时间。', '已通过共享平台核验户籍信息，无需申请人另行提交。', '材料已扫描上传，原件退回申请人。'];
const REJECTIONS = ['经审查，申请人不符合办理条件（不满足申请条件第二项），决定不予许可。', '现场核查发现经营场所与申报信息不符，不予批准。'];
const DISTRICTS = demoDivisions.filter((d) => d.parent !== null).map((d) => d.code);

/** A Chinese name: a common surname and given name. */
export function personName(random: Random): string {
  return random.pick(SURNAMES) + random.pick(GIVEN);
}

function applicantOf(random: Random): { id: string; name: string } {
  const born = new Date(Date.UTC(1950, 0, 1) + random.between(0, 55 * 365) * DAY).toISOString().slice(0, 10).replaceAll('-', '');
  const first17 = `${random.pick(DISTRICTS)}${born}${String(random.between(0, 999)).padStart(3, '0')}`;
  return { id: first17 + citizenIdCheckChar(first17), name: personName(random) };
}

// ---------------------------------------------------------------------------------------------
// Plans

type Step =
  | { at: number; kind: 'assign'; clerk: Clerk }
  | { at: number; kind: 'action'; action: string; by: Actor; note: string | null }
  | { at: number; kind: 'note'; clerk: Clerk; text: string };

export interface Plan {
  item: Item;
  applicant: string;
  applicantName: string;
  createdAt: number;
  steps: Step[];
}

/** China's date of an instant, and the instant of a time of day (minutes after midnight) in China on a date. */
export const dateOf = (ms: number): string => chinaDate(new Date(ms));
const instantOf = (date: string, minutes: number): number => Date.parse(`${date}T00:00:00Z`) - CHINA + minutes * 60_000;

export class Planner {
  readonly #calendar: WorkingCalendar;
  readonly #items: Item[];
  readonly #cumulative: number[];
  readonly #clerks: ReadonlyMap<string, Clerk[]>;
  constructor(calendar: WorkingCalendar, items: Item[], clerks: ReadonlyMap<string, Clerk[]>) {
    this.#calendar = calendar;
    this.#items = items;
    let sum = 0;
    this.#cumulative = items.map((i) => (sum += i.weight));
    this.#clerks = clerks;
  }

  #item(random: Random): Item {
    const x = random.next() * this.#cumulative.at(-1)!;
    let lo = 0;
    let hi = this.#cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#cumulative[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return this.#items[lo]!;
  }

  /** An instant in office hours (09:00 to 17:30) on the n-th working day after `from`'s date, never before `from`. */
  #officeTime(random: Random, from: number, workingDays: number): number {
    const day = this.#calendar.addWorkingDays(dateOf(from), workingDays);
    const at = instantOf(day, random.between(9 * 60, 17 * 60 + 30));
    return at > from ? at : from + random.between(2, 90) * 60_000;
  }

  /** The plan of a case opened at `createdAt`; steps after `now` are dropped. */
  plan(random: Random, createdAt: number, now: number): Plan {
    const item = this.#item(random);
    const person = applicantOf(random);
    const applicant: Actor = { actor: person.id, kind: 'system', department: null, roles: [], requestId: null };
    const clerk = random.pick(this.#clerks.get(item.department)!);
    const steps: Step[] = [];
    const act = (at: number, action: string, by: Actor, note: string | null = null) => steps.push({ at, kind: 'action', action, by, note });
    const roll = random.next();
    if (roll < 0.04) {
      act(this.#officeTime(random, createdAt, random.between(0, 1)), 'reject', clerk.actor, random.pick(REJECT_AT_INTAKE));
    } else if (roll < 0.06) {
      act(createdAt + random.between(30, 48 * 60) * 60_000, 'withdraw', applicant);
    } else {
      const taken = this.#officeTime(random, createdAt, random.between(0, 1));
      steps.push({ at: taken, kind: 'assign', clerk });
      let at = taken + random.between(1, 30) * 60_000;
      act(at, 'accept', clerk.actor);
      // Working days the clerk takes before deciding, counted on the running clock.
      let used = 0;
      const budget = random.chance(0.02) ? item.timeLimit + random.between(1, 3) : random.between(0, item.timeLimit);
      if (random.chance(0.15)) {
        const wait = Math.min(random.between(0, 2), budget);
        used += wait;
        at = this.#officeTime(random, at, wait);
        act(at, 'request_supplement', clerk.actor, random.pick(MISSING));
        at += random.between(1, 10) * DAY + random.between(-300, 300) * 60_000;
        if (random.chance(0.04)) {
          act(at, 'withdraw', applicant);
          return this.#cut({ item, applicant: person.id, applicantName: person.name, createdAt, steps }, now);
        }
        act(at, 'supplement', applicant);
      }
      if (random.chance(0.2)) {
        at = this.#officeTime(random, at, Math.min(1, budget - used));
        steps.push({ at, kind: 'note', clerk, text: random.pick(NOTES) });
      }
      if (random.chance(0.02)) {
        act(this.#officeTime(random, at, random.between(0, 3)), 'withdraw', applicant);
      } else {
        const decided = this.#officeTime(random, at, Math.max(0, budget - used));
        if (random.chance(0.93)) act(decided, 'approve', clerk.actor);
        else act(decided, 'reject', clerk.actor, random.pick(REJECTIONS));
      }
    }
    return this.#cut({ item, applicant: person.id, applicantName: person.name, createdAt, steps }, now);
  }

  #cut(plan: Plan, now: number): Plan {
    const kept: Step[] = [];
    for (const step of plan.steps) {
      if (step.at >= now) break;
      kept.push(step);
    }
    return { ...plan, steps: kept };
  }
}

// ---------------------------------------------------------------------------------------------
// Rendering a plan into the rows the services write

export const PORTAL = systemActor('portal');
const SWEEPER = systemActor('case-deadlines');

export interface Rendered { row: CaseRow; events: CaseEventRow[] }

/** The instants the daily deadline sweep runs at (00:05 China time), strictly after `from` and before `to`. */
export function* sweepInstants(from: number, to: number): Generator<number> {
  for (let at = instantOf(dateOf(from), 5); at < to; at += DAY) if (at > from) yield at;
}

export function render(calendar: WorkingCalendar, plan: Plan, reference: string, now: number): Rendered {
  const type = applicationType;
  const at0 = new Date(plan.createdAt).toISOString();
  let row: CaseRow = {
    id: randomUUID(), reference, type: type.code, subject: plan.item.subject, applicant: plan.applicant, applicant_name: plan.applicantName,
    department_id: plan.item.department, assignee: null, state: type.initial, is_open: 1, parent_id: null,
    time_limit: plan.item.timeLimit, clock_started_on: null, paused_on: null, pauses: '[]', deadline: null,
    warned_at: null, escalated_at: null, created_at: at0, updated_at: at0, closed_at: null,
  };
  const events: CaseEventRow[] = [];
  const record = (at: string, actor: Actor, e: Partial<CaseEventRow> & Pick<CaseEventRow, 'kind' | 'visibility'>) => events.push({
    id: randomUUID(), case_id: row.id, seq: events.length + 1, at, actor: actor.actor, department_id: actor.department ?? row.department_id,
    action: null, from_state: null, to_state: null, note: null, detail: null, idempotency_key: null, ...e,
  });
  record(at0, PORTAL, { kind: 'created', visibility: 'public', to_state: row.state, detail: JSON.stringify({ type: type.code, timeLimit: row.time_limit }) });

  // What sweepDeadlines does to this case at each daily run between two steps. The clock and the
  // deadline only change at steps, so only the runs from about three weeks before the deadline
  // can find it: three working days never span more than that, even over the Spring Festival.
  const sweep = (from: number, to: number) => {
    if (!row.is_open || row.deadline === null || row.escalated_at !== null) return;
    const deadline = row.deadline;
    const earliest = Math.max(from, instantOf(deadline, 0) - 21 * DAY);
    for (const s of sweepInstants(earliest, to)) {
      if (s <= from) continue;
      const today = dateOf(s);
      const left = calendar.workingDaysLeft(today, deadline);
      // Far from the deadline no sweep lists the case; the exact test (listDueCases's) only near it.
      if (left > WARNING_DAYS + 1 || !(deadline < calendar.addWorkingDays(today, WARNING_DAYS + 1))) continue;
      const at = new Date(s).toISOString();
      if (left < 0) {
        row = { ...row, escalated_at: at, updated_at: at };
        record(at, SWEEPER, { kind: 'escalation', visibility: 'internal', detail: JSON.stringify({ deadline, workingDaysOverdue: -left, to: 'dept_admin' }) });
        return;
      }
      if (left <= WARNING_DAYS && !row.warned_at) {
        row = { ...row, warned_at: at, updated_at: at };
        record(at, SWEEPER, { kind: 'warning', visibility: 'internal', detail: JSON.stringify({ deadline, workingDaysLeft: left }) });
      }
    }
  };

  let last = plan.createdAt;
  for (const step of plan.steps) {
    sweep(last, step.at);
    last = step.at;
    const at = new Date(step.at).toISOString();
    const today = dateOf(step.at);
    if (step.kind === 'assign') {
      const from = row.assignee;
      row = { ...row, assignee: step.clerk.actor.actor, updated_at: at };
      record(at, step.clerk.actor, { kind: 'assigned', visibility: 'internal', detail: JSON.stringify({ from, to: row.assignee, name: step.clerk.displayName }) });
    } else if (step.kind === 'note') {
      record(at, step.clerk.actor, { kind: 'note', visibility: 'internal', note: step.text });
    } else {
      const def = type.actions[step.action]!;
      const closing = type.states[def.to]!.kind === 'closed';
      const before: ClockColumns = { time_limit: row.time_limit, clock_started_on: row.clock_started_on, paused_on: row.paused_on, pauses: row.pauses, deadline: row.deadline };
      let clock = before;
      if (def.clock === 'start' && !clock.clock_started_on) clock = startClock(calendar, clock, today);
      if (def.clock === 'pause') clock = pauseClock(clock, today);
      if (def.clock === 'resume' || closing) clock = resumeClock(calendar, clock, today);
      const from = row.state;
      row = { ...row, state: def.to, is_open: closing ? 0 : 1, ...clock, closed_at: closing ? at : null, updated_at: at };
      record(at, step.by, { kind: 'action', visibility: 'public', action: step.action, from_state: from, to_state: def.to, note: step.note });
      if (!before.clock_started_on && clock.clock_started_on) record(at, step.by, { kind: 'clock_started', visibility: 'public', detail: JSON.stringify({ deadline: clock.deadline }) });
      if (!before.paused_on && clock.paused_on) record(at, step.by, { kind: 'clock_paused', visibility: 'public', detail: JSON.stringify({ since: clock.paused_on }) });
      if (before.paused_on && !clock.paused_on && !closing) {
        record(at, step.by, { kind: 'clock_resumed', visibility: 'public', detail: JSON.stringify({ paused: pausesOf(clock).at(-1), deadline: clock.deadline }) });
      }
    }
  }
  sweep(last, now);
  return { row, events };
}
