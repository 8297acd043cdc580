/**
 * The portal bench's database: the demo hub and, on top of it, N applications (办件) of the demo
 * service items, spread over the items' departments and over the last two years, each with the
 * timeline the case engine would have written for it.
 *
 * How a generated case comes about. A plan is drawn for it (seeded, so every fill is the same):
 * the portal opens it for an applicant (a valid GB 11643 number, a name); a clerk of the
 * department takes it and accepts it within a working day, or rejects it at intake, or the
 * applicant withdraws it; some are sent back for missing materials and supplemented days
 * later; some carry an internal note; most are approved, some rejected, a few late. Staff act in
 * office hours on working days (the built-in calendar), the deadline sweep runs every day at
 * 00:05 China time and warns and escalates as sweepDeadlines does. Steps after now are cut off,
 * so recent cases are still open, in every state a queue holds. The plan is then rendered into
 * the rows createCase, assignCase, actOnCase, addNote and sweepDeadlines write (the same clock
 * functions, the same event details).
 *
 * That claim is checked on every fill before anything is written in bulk: a dozen plans of
 * different shapes are carried out through those services (journaled, with the clock of the
 * policy set to each step's instant and the sweep run at each daily instant), and their rows
 * compared with the rendered rows, ids and references aside. Those cases stay in the database.
 *
 * The bulk rows do NOT get journal entries: they are written straight into `cases` and
 * `case_events` in transactions of a few thousand cases, and the per-year counters in
 * `case_sequences` are moved past them, as the catalog bench does. Journaling a million cases
 * through the services would take hours here. It does not change what the portal bench
 * measures: the pages only read; the journal is an append-only table no measured page reads,
 * and the tables and indexes the pages do read hold exactly the rows the services would have
 * written. This database is bench data only: `egov journal verify` passes (the chain is intact)
 * but a replay of the journal would not reproduce the generated cases.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { citizenIdCheckChar } from '../src/basedata/citizen-id.ts';
import { type ClockColumns, pauseClock, pausesOf, resumeClock, startClock } from '../src/cases/clock.ts';
import type { CaseEventRow, CaseRow } from '../src/cases/schema.ts';
import { actOnCase, addNote, assignCase, casePolicy, createCase, sweepDeadlines } from '../src/cases/service.ts';
import { applicationType } from '../src/cases/types.ts';
import type { HubDatabase } from '../src/hub/database.ts';
import { seedDemo } from '../src/hub/demo.ts';
import { createAccount, listAccounts } from '../src/identity/service.ts';
import { demoDepartmentCode, demoServiceItems } from '../src/onestop/demo-data.ts';
import { type Actor, type StaffRole, systemActor } from '../src/platform/access.ts';
import { type WorkingCalendar, chinaDate, loadCalendar } from '../src/platform/calendar.ts';
import { insertRows } from '../src/platform/db/bulk.ts';
import { demoDepartments, demoDivisions } from '../src/registry/demo-data.ts';

/** Bump when the generated rows change: a cached database of another version is filled again. */
export const FILL_VERSION = 1;

const DAY = 86_400_000;
const CHINA = 8 * 3_600_000;
const SPAN_DAYS = 730;
const WARNING_DAYS = 2;
/** Clerks added to every department with service items, beside the demo's own clerks. */
const EXTRA_CLERKS = 2;

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
type Random = ReturnType<typeof randomSource>;

// ---------------------------------------------------------------------------------------------
// Who and what

export interface Clerk { actor: Actor; displayName: string }
export interface Item { code: string; subject: string; department: string; timeLimit: number; weight: number }

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '胡', '朱', '高', '林', '何', '郭', '马', '罗', '梁', '宋', '郑', '谢', '韩', '唐', '冯', '于', '董', '萧', '程', '曹', '袁', '邓', '许', '傅', '沈', '曾', '彭', '吕'];
const GIVEN = ['伟', '芳', '娜', '秀英', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀兰', '霞', '平', '刚', '桂英', '建华', '文', '华', '红', '玉兰', '鑫', '宇', '浩然', '子涵', '欣怡', '梓轩', '一诺', '晨', '思远', '雨桐', '建国', '海燕'];
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

function applicantOf(random: Random): { id: string; name: string } {
  const born = new Date(Date.UTC(1950, 0, 1) + random.between(0, 55 * 365) * DAY).toISOString().slice(0, 10).replaceAll('-', '');
  const first17 = `${random.pick(DISTRICTS)}${born}${String(random.between(0, 999)).padStart(3, '0')}`;
  return { id: first17 + citizenIdCheckChar(first17), name: random.pick(SURNAMES) + random.pick(GIVEN) };
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
const dateOf = (ms: number): string => chinaDate(new Date(ms));
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

const PORTAL = systemActor('portal');
const SWEEPER = systemActor('case-deadlines');

export interface Rendered { row: CaseRow; events: CaseEventRow[] }

/** The instants the daily deadline sweep runs at (00:05 China time), strictly after `from` and before `to`. */
function* sweepInstants(from: number, to: number): Generator<number> {
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

// ---------------------------------------------------------------------------------------------
// The check: plans of every shape carried out through the services, compared with their rendering

function shapeOf(r: Rendered): string {
  return `${r.events.map((e) => e.action ?? e.kind).join(',')}→${r.row.state}`;
}

async function checkAgainstServices(database: HubDatabase, calendar: WorkingCalendar, planner: Planner, now: number, progress: (m: string) => void): Promise<number> {
  const random = randomSource(0x5eed_c4ec);
  const shapes = new Map<string, Plan>();
  // Recent cases (the last five weeks) show every shape, open and closed, and keep the daily sweeps few.
  for (let i = 0; i < 20_000 && shapes.size < 14; i++) {
    const plan = planner.plan(random, now - random.next() * 35 * DAY, now);
    const shape = shapeOf(render(calendar, plan, 'DL-0000-000000', now));
    if (!shapes.has(shape)) shapes.set(shape, plan);
  }
  let clock = 0;
  const policy = casePolicy({ calendar, referencePrefix: 'DL', warningDays: WARNING_DAYS, now: () => new Date(clock) });
  const differences: string[] = [];
  for (const [shape, plan] of shapes) {
    // Each case is carried out before the next starts, and compared at once: the sweeps of the next one run at other instants.
    clock = plan.createdAt;
    const opened = await createCase(database, policy, PORTAL, {
      type: 'application', subject: plan.item.subject, applicant: plan.applicant, applicantName: plan.applicantName,
      department: plan.item.department, timeLimit: plan.item.timeLimit,
    });
    let last = plan.createdAt;
    const sweepUntil = async (to: number) => {
      for (const s of sweepInstants(last, to)) {
        clock = s;
        await sweepDeadlines(database, policy, new Date(s));
      }
    };
    for (const step of plan.steps) {
      await sweepUntil(step.at);
      last = step.at;
      clock = step.at;
      if (step.kind === 'assign') await assignCase(database, policy, step.clerk.actor, opened.id, { assignee: step.clerk.actor.actor });
      else if (step.kind === 'note') await addNote(database, policy, step.clerk.actor, opened.id, { text: step.text, visibility: 'internal' });
      else await actOnCase(database, policy, step.by, opened.id, { action: step.action, ...(step.note && { note: step.note }) });
    }
    await sweepUntil(now);
    const rendered = render(calendar, plan, opened.reference, now);
    const row = await database.db.selectFrom('cases').selectAll().where('id', '=', opened.id).executeTakeFirstOrThrow();
    const events = await database.db.selectFrom('case_events').selectAll().where('case_id', '=', opened.id).orderBy('seq').execute();
    const strip = <T extends object>(value: T, keys: string[]) => JSON.stringify(Object.fromEntries(Object.entries(value).filter(([k]) => !keys.includes(k)).sort(([a], [b]) => a.localeCompare(b))));
    const expected = [strip(rendered.row, ['id']), ...rendered.events.map((e) => strip(e, ['id', 'case_id']))];
    const actual = [strip(row, ['id']), ...events.map((e) => strip(e, ['id', 'case_id']))];
    if (expected.join('\n') !== actual.join('\n')) differences.push(`${shape}:\n  services: ${actual.join('\n            ')}\n  bench:    ${expected.join('\n            ')}`);
  }
  if (differences.length) throw new Error(`the generated rows differ from what the services write:\n${differences.join('\n')}`);
  progress(`${shapes.size} cases of different shapes carried out through the services match the generated rows: ${[...shapes.keys()].join(' | ')}`);
  return shapes.size;
}

// ---------------------------------------------------------------------------------------------
// The fill

const CASE_COLUMNS = ['id', 'reference', 'type', 'subject', 'applicant', 'applicant_name', 'department_id', 'assignee', 'state', 'is_open', 'parent_id', 'time_limit',
  'clock_started_on', 'paused_on', 'pauses', 'deadline', 'warned_at', 'escalated_at', 'created_at', 'updated_at', 'closed_at'] as const;
const EVENT_COLUMNS = ['id', 'case_id', 'seq', 'at', 'actor', 'department_id', 'kind', 'action', 'from_state', 'to_state', 'visibility', 'note', 'detail', 'idempotency_key'] as const;

/** Service items as the generator draws them: the public security bureau's and the market regulator's are the busiest. */
function itemsOf(random: Random): Item[] {
  const busy: Record<string, number> = { psb: 4, amr: 2, hrss: 2, medins: 1.5 };
  return demoServiceItems.map((i) => ({
    code: i.code, subject: i.nameZh, department: demoDepartmentCode(i.department),
    timeLimit: Math.max(1, i.timeLimit.promisedDays), weight: random.between(1, 10) * (busy[i.department] ?? 1),
  }));
}

/** The clerks of every department with service items: the demo's, and EXTRA_CLERKS more made through the identity service. */
async function clerksOf(database: HubDatabase, random: Random, items: Item[]): Promise<Map<string, Clerk[]>> {
  const admin = systemActor('bench');
  const departments = [...new Set(items.map((i) => i.department))];
  const existing = await listAccounts(database, admin);
  const made = await Promise.all(departments.flatMap((department) => Array.from({ length: EXTRA_CLERKS }, (_, n) => {
    const username = `bench-${demoDepartments.find((d) => d.uscc === department)!.key}-${n + 1}`;
    if (existing.some((a) => a.username === username)) return null;
    return createAccount(database, admin, {
      username, displayName: random.pick(SURNAMES) + random.pick(GIVEN), department, roles: ['clerk'], password: `Bench-${randomUUID()}`,
    });
  })));
  const accounts = [...existing, ...made.filter((a) => a !== null)];
  return new Map(departments.map((department) => [department, accounts
    .filter((a) => a.department === department && a.roles.includes('clerk') && !a.disabled)
    .map((a): Clerk => ({ actor: { actor: a.id, kind: 'staff', department, roles: a.roles as StaffRole[], requestId: null }, displayName: a.displayName }))]));
}

export interface FillResult { cases: number; events: number; seconds: number }

/**
 * Seeds the demo into an empty, migrated database and grows it to `total` cases. `now` is the
 * instant the generated history ends at.
 */
export async function fillDatabase(database: HubDatabase, total: number, progress: (m: string) => void, now = Date.now()): Promise<FillResult> {
  const started = Date.now();
  await seedDemo(database);
  const calendar = loadCalendar();
  const random = randomSource(0x2026_1126);
  const items = itemsOf(random);
  const clerks = await clerksOf(database, random, items);
  const planner = new Planner(calendar, items, clerks);
  await checkAgainstServices(database, calendar, planner, now, progress);

  if (database.kind === 'sqlite') {
    // Room for the indexes the random ids land in, and no rollback journal while filling (a
    // fill that fails is started again from nothing); the hub opens the file with its own settings.
    await sql`pragma cache_size = -1000000`.execute(database.db);
    await sql`pragma journal_mode = off`.execute(database.db);
    await sql`pragma synchronous = off`.execute(database.db);
  }
  const count = async () => Number((await database.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const have = await count();
  const toMake = Math.max(0, total - have);
  const sequences = new Map((await database.db.selectFrom('case_sequences').selectAll().execute()).map((s) => [s.id, s.last]));
  const first = now - SPAN_DAYS * DAY;
  const chunk = 10_000;
  let events = 0;
  for (let done = 0; done < toMake;) {
    const n = Math.min(chunk, toMake - done);
    const caseRows: unknown[][] = [];
    const eventRows: unknown[][] = [];
    for (let i = 0; i < n; i++) {
      // Evenly spread in time, in order, so each year's numbers follow the order cases came in.
      const createdAt = Math.floor(first + ((done + i + random.next()) / toMake) * (now - first - 60_000));
      const year = dateOf(createdAt).slice(0, 4);
      const key = `DL-${year}`;
      const next = (sequences.get(key) ?? 0) + 1;
      sequences.set(key, next);
      const { row, events: timeline } = render(calendar, planner.plan(random, createdAt, now), `${key}-${String(next).padStart(6, '0')}`, now);
      caseRows.push(CASE_COLUMNS.map((c) => row[c]));
      for (const e of timeline) eventRows.push(EVENT_COLUMNS.map((c) => e[c]));
    }
    // A case's events come in over weeks, between other cases' events: the table keeps them in that order.
    eventRows.sort((a, b) => (a[3] as string).localeCompare(b[3] as string));
    await database.transaction(async (tx) => {
      await insertRows(tx, 'cases', CASE_COLUMNS, caseRows);
      await insertRows(tx, 'case_events', EVENT_COLUMNS, eventRows);
    });
    done += n;
    events += eventRows.length;
    if (done % 50_000 < chunk || done === toMake) {
      const seconds = (Date.now() - started) / 1000;
      progress(`filled ${done} of ${toMake} cases (${events} events) in ${seconds.toFixed(0)} s`);
    }
  }
  await database.transaction(async (tx) => {
    for (const [id, last] of sequences) {
      await tx.insertInto('case_sequences').values({ id, last }).onConflict((oc) => oc.column('id').doUpdateSet({ last })).execute();
    }
  });
  if (database.kind === 'sqlite') await sql`pragma journal_mode = wal`.execute(database.db);
  // What the hub's timer would find now: nothing much, when the generator did the sweeps right.
  const swept = await sweepDeadlines(database, casePolicy({ calendar, referencePrefix: 'DL', warningDays: WARNING_DAYS }), new Date(now));
  progress(`the deadline sweep at the end warned ${swept.warned.length} and escalated ${swept.escalated.length} cases`);
  return { cases: await count(), events, seconds: (Date.now() - started) / 1000 };
}
