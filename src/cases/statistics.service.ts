import { sql } from 'kysely';
import type { HubDatabase as Db } from '../hub/database.ts';
import { caseTypes, rectificationType } from './types.ts';

/**
 * The case engine's published performance figures (GOV.UK point 10; 国办发〔2019〕51号): per
 * department, how many cases closed and how many on time, and how its rectifications ended.
 * Counted by the database over indexes (migration 0015-ratings), never by loading rows: a
 * city's hub holds millions of cases.
 */

/** Instants (ISO, UTC): `from` inclusive, `to` exclusive; null is unbounded. */
export interface FigurePeriod {
  from: string | null;
  to: string | null;
}

export interface ClosedCaseFigures {
  department: string;
  closed: number;
  onTime: number;
}

export interface RectificationFigures {
  department: string;
  opened: number;
  /** Closed with the department's reply to the rater. */
  rectified: number;
  /** Closed because the department's appeal against a malicious review was upheld. */
  dismissed: number;
}

/**
 * Cases decided (approved or rejected: not withdrawn or cancelled) in the period, for each of the
 * given departments that has any, and how many of them closed by the end of their deadline day.
 * Top-level cases only: a joint application is one application with one answer, counted once for
 * its lead department. Rectifications are not applications and are counted apart.
 *
 * One query per department, each a range of the cases_closed_figures index: SQLite has no hash
 * aggregation, so one GROUP BY over a million cases would sort them all first, several times
 * slower than these ranges together.
 */
export async function closedCaseFigures(db: Db, period: FigurePeriod, departments: readonly string[]): Promise<ClosedCaseFigures[]> {
  const decided = Object.values(caseTypes).filter((t) => t.code !== rectificationType.code).map((t) => ({
    type: t.code, states: Object.entries(t.states).filter(([, s]) => s.outcome === 'approved' || s.outcome === 'rejected').map(([name]) => name),
  })).filter((d) => d.states.length > 0);
  // A deadline is a date in China: the case is late from midnight after it, 16:00 UTC that day.
  // Comparing instants as ISO text keeps this one expression on both databases.
  const onTime = sql<number>`sum(case when deadline is null or closed_at < (deadline || 'T16:00:00.000Z') then 1 else 0 end)`;
  const figures = await Promise.all(departments.map(async (department) => {
    let query = db.db.selectFrom('cases')
      .select([(eb) => eb.fn.countAll<number>().as('closed'), onTime.as('on_time')])
      .where('parent_id', 'is', null).where('department_id', '=', department).where('closed_at', 'is not', null)
      .where((eb) => eb.or(decided.map((d) => eb.and([eb('type', '=', d.type), eb('state', 'in', d.states)]))));
    if (period.from) query = query.where('closed_at', '>=', period.from);
    if (period.to) query = query.where('closed_at', '<', period.to);
    const row = await query.executeTakeFirstOrThrow();
    return { department, closed: Number(row.closed), onTime: Number(row.on_time ?? 0) };
  }));
  return figures.filter((f) => f.closed > 0);
}

/** Rectifications opened in the period, by department, and how they ended. */
export async function rectificationFigures(db: Db, period: FigurePeriod): Promise<RectificationFigures[]> {
  const [rectified, dismissed] = (['approved', 'rejected'] as const).map((outcome) => Object.entries(rectificationType.states).find(([, s]) => s.outcome === outcome)![0]);
  const count = (state: string) => sql<number>`sum(case when state = ${state} then 1 else 0 end)`;
  let query = db.db.selectFrom('cases')
    .select(['department_id', (eb) => eb.fn.countAll<number>().as('opened'), count(rectified!).as('rectified'), count(dismissed!).as('dismissed')])
    // A literal, as in the partial index's condition, so SQLite sees that the index applies.
    .where('type', '=', sql.lit(rectificationType.code));
  if (period.from) query = query.where('created_at', '>=', period.from);
  if (period.to) query = query.where('created_at', '<', period.to);
  const rows = await query.groupBy('department_id').orderBy('department_id').execute();
  return rows.map((r) => ({ department: r.department_id, opened: Number(r.opened), rectified: Number(r.rectified), dismissed: Number(r.dismissed) }));
}
