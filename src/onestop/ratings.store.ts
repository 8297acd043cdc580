import { sql, type Updateable } from 'kysely';
import type { HubTx as Db } from '../hub/database.ts';
import type { ChangeContext } from '../journal/schema.ts';
import { insertRow, updateRow } from '../journal/service.ts';
import { SATISFIED_FROM, type RatingRow } from './ratings.schema.ts';

export async function ratingOfCase(db: Db, caseId: string): Promise<RatingRow | undefined> {
  return db.selectFrom('ratings').selectAll().where('case_id', '=', caseId).executeTakeFirst();
}

export async function insertRating(tx: Db, ctx: ChangeContext, row: RatingRow): Promise<RatingRow> {
  return insertRow(tx, ctx, 'ratings', row);
}

export async function updateRating(tx: Db, ctx: ChangeContext, id: string, changes: Updateable<RatingRow>): Promise<RatingRow | undefined> {
  return updateRow(tx, ctx, 'ratings', id, changes);
}

/** Bad reviews whose rectification is not open yet (a crash between the two writes), oldest first. */
export async function ratingsAwaitingRectification(db: Db, limit: number): Promise<RatingRow[]> {
  return db.selectFrom('ratings').selectAll()
    .where('rectification_id', 'is', null).where('level', '<=', SATISFIED_FROM - 1)
    .orderBy('rated_at').limit(limit).execute();
}

export interface RatingSums {
  department: string;
  ratings: number;
  levels: number;
  satisfied: number;
}

/**
 * Ratings given in [from, to) for each of the departments that has any: one range of the
 * ratings_department index per department, as the case figures are counted (cases/statistics.service.ts).
 */
export async function ratingSums(db: Db, from: string | null, to: string | null, departments: readonly string[]): Promise<RatingSums[]> {
  const sums = await Promise.all(departments.map(async (department) => {
    let query = db.selectFrom('ratings').select([
      (eb) => eb.fn.countAll<number>().as('ratings'),
      (eb) => eb.fn.sum<number>('level').as('levels'),
      sql<number>`sum(case when level >= ${sql.lit(SATISFIED_FROM)} then 1 else 0 end)`.as('satisfied'),
    ]).where('department_id', '=', department);
    if (from) query = query.where('rated_at', '>=', from);
    if (to) query = query.where('rated_at', '<', to);
    const r = await query.executeTakeFirstOrThrow();
    return { department, ratings: Number(r.ratings), levels: Number(r.levels ?? 0), satisfied: Number(r.satisfied ?? 0) };
  }));
  return sums.filter((s) => s.ratings > 0);
}
