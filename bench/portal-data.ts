/**
 * The portal bench's database: the demo hub and, on top of it, N applications spread over the
 * demo service items' departments and over the last two years, each with its timeline
 * (bench/portal-cases.ts says how a case comes about).
 *
 * That the generated rows are what the services write is checked on every fill before anything
 * is written in bulk: a dozen plans of different shapes are carried out through createCase,
 * assignCase, actOnCase, addNote and sweepDeadlines (journaled, with the policy's clock set to
 * each step's instant and the sweep run at each daily instant), and their rows compared with the
 * rendered rows, ids and references aside. Those cases stay in the database.
 *
 * The bulk rows do NOT get journal entries: they are written straight into `cases` and
 * `case_events` in transactions of ten thousand cases, and the per-year counters in
 * `case_sequences` are moved past them, as the catalog bench does. Journaling a million cases
 * through the services would take hours here. It does not change what the portal bench
 * measures: the pages only read; the journal is an append-only table no measured page reads
 * beyond its last entry, and the tables and indexes the pages do read hold exactly the rows the
 * services would have written. This database is bench data only: `egov journal verify` passes
 * (the chain is intact) but a replay of the journal would not reproduce the generated cases.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { actOnCase, addNote, assignCase, casePolicy, createCase, sweepDeadlines } from '../src/cases/service.ts';
import type { HubDatabase } from '../src/hub/database.ts';
import { seedDemo } from '../src/hub/demo.ts';
import { createAccount, listAccounts } from '../src/identity/service.ts';
import { demoDepartmentCode, demoServiceItems } from '../src/onestop/demo-data.ts';
import { type StaffRole, systemActor } from '../src/platform/access.ts';
import { type WorkingCalendar, loadCalendar } from '../src/platform/calendar.ts';
import { insertRows } from '../src/platform/db/bulk.ts';
import { demoDepartments } from '../src/registry/demo-data.ts';
import {
  type Clerk, DAY, type Item, PORTAL, type Plan, Planner, type Random, type Rendered, WARNING_DAYS, dateOf, personName, randomSource, render, sweepInstants,
} from './portal-cases.ts';

/** Bump when the generated rows change: a kept database of another version is filled again. */
export const FILL_VERSION = 1;

const SPAN_DAYS = 730;
/** Clerks added to every department with service items, beside the demo's own clerks. */
const EXTRA_CLERKS = 2;

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
      username, displayName: personName(random), department, roles: ['clerk'], password: `Bench-${randomUUID()}`,
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
