import { randomUUID } from 'node:crypto';
import { addNote, type CasePolicy, createCase, getCase, rectificationType } from '../cases/service.ts';
import type { Case } from '../cases/schema.ts';
import { closedCaseFigures, type FigurePeriod, rectificationFigures } from '../cases/statistics.service.ts';
import type { HubDatabase as Db } from '../hub/database.ts';
import { beginJournaledWrite } from '../journal/service.ts';
import { type Actor, systemActor } from '../platform/access.ts';
import { chinaDate } from '../platform/calendar.ts';
import { DomainError, conflict, forbidden } from '../platform/errors.ts';
import { checkInput } from '../platform/validation.ts';
import { listDepartments } from '../registry/service.ts';
import {
  type Figures, type Period, type RateableCase, type Rating, RatingInput, type RatingRow, type RatingStatistics, type RectificationProgress,
  SATISFIED_FROM, ratingIndicators, ratingLevels,
} from './ratings.schema.ts';
import * as store from './ratings.store.ts';

/**
 * 好差评: the applicant rates a closed case once (一事一评) on the five national levels; a bad
 * review (不满意, 非常不满意) opens a rectification case (差评整改) in the queue of the department
 * that handled it, whose closing note is the department's reply to the rater. The published
 * statistics per department come from the database's own counting.
 *
 * The case service opens its own transaction for every write, so a rating and its rectification
 * cannot share one. Instead the rating is written first and is the record of truth; the
 * rectification follows under an idempotency key derived from the rating's id, and the rating
 * then records its reference. A crash in between leaves a bad review without a rectification,
 * which openPendingRectifications (run at start) and the rater's next look at the rating
 * complete; the key makes any repetition open the same case, never a second one.
 */

export interface RatingPolicy {
  cases: CasePolicy;
  /** Calendar days after the day a case closed (China) during which it can be rated. */
  ratingDays: number;
  /** Working days the department has to rectify and reply. */
  rectificationDays: number;
}

export function ratingPolicy(cases: CasePolicy, options: { ratingDays: number; rectificationDays: number }): RatingPolicy {
  return { cases, ...options };
}

/** Why a case cannot be rated, for pages to explain in the person's language. */
export type RatingRefusal = 'rectification' | 'task' | 'open' | 'withdrawn' | 'rated' | 'expired';

const RATINGS_ACTOR = 'ratings';

/** The rating form's case: the applicant's own, closed with a decision, not rated, within the window; else a conflict naming the reason. */
export async function rateableCase(db: Db, policy: RatingPolicy, actor: Actor, reference: string): Promise<RateableCase> {
  const { c, rateUntil } = await checkRateable(db, policy, actor, reference);
  return { reference: c.reference, subject: c.subject, department: c.department, closedAt: c.closedAt!, rateUntil };
}

export async function rateCase(db: Db, policy: RatingPolicy, actor: Actor, reference: string, input: RatingInput): Promise<Rating> {
  // The spaces a text box leaves around the words do not count against the limit.
  const trimmed = typeof input.comment === 'string' ? { ...input, comment: input.comment.trim() } : input;
  checkInput(RatingInput, trimmed);
  const comment = trimmed.comment || null;
  const { c } = await checkRateable(db, policy, actor, reference);
  const at = policy.cases.now().toISOString();
  const row = await db.transaction(async (tx) => {
    await beginJournaledWrite(tx);
    // Checked again under the journal's lock: two tabs posting at once rate once.
    const earlier = await store.ratingOfCase(tx, c.id);
    if (earlier) throw alreadyRated(c.reference, earlier);
    return store.insertRating(tx, actor, {
      id: randomUUID(), case_id: c.id, case_reference: c.reference, department_id: c.department, rater: actor.actor, level: input.level,
      efficiency: input.efficiency ?? null, guide_accuracy: input.guideAccuracy ?? null, convenience: input.convenience ?? null,
      usability: input.usability ?? null, comment, rated_at: at, rectification_id: null, rectification_reference: null,
    });
  });
  if (needsRectification(row)) await openRectification(db, policy, row, c.applicantName, actor.requestId);
  return (await getRating(db, policy, actor, c.reference))!;
}

/**
 * The actor's rating of their case, with where its rectification stands and the department's
 * reply; null when they have not rated it. Someone else's case is not found.
 */
export async function getRating(db: Db, policy: RatingPolicy, actor: Actor, reference: string): Promise<Rating | null> {
  requirePerson(actor);
  const c = await getCase(db, policy.cases, actor, reference);
  let row = await store.ratingOfCase(db.db, c.id);
  if (!row) return null;
  if (needsRectification(row)) row = await openRectification(db, policy, row, c.applicantName, actor.requestId);
  return { ...viewOf(row), rectification: row.rectification_id ? progressOf(await getCase(db, policy.cases, actor, row.rectification_id)) : null };
}

/**
 * Opens the rectifications still missing after a crash between a bad review and its
 * rectification; run when the hub starts. Returns the references of the rated cases completed.
 */
export async function openPendingRectifications(db: Db, policy: RatingPolicy): Promise<string[]> {
  const done: string[] = [];
  for (const row of await store.ratingsAwaitingRectification(db.db, 1000)) {
    const c = await getCase(db, policy.cases, systemActor(RATINGS_ACTOR), row.case_id);
    await openRectification(db, policy, row, c.applicantName, null);
    done.push(row.case_reference);
  }
  return done;
}

// ——— Statistics ———

/** The period's bounds as instants: this month and this year in China, or all time. */
function periodBounds(period: Period, now: Date): FigurePeriod {
  if (period === 'all') return { from: null, to: null };
  const [year, month] = chinaDate(now).split('-').map(Number) as [number, number];
  const start = period === 'month' ? [year, month] : [year, 1];
  const end = period === 'month' ? (month === 12 ? [year + 1, 1] : [year, month + 1]) : [year + 1, 1];
  // Midnight in China is 16:00 UTC the day before.
  const instant = ([y, m]: number[]) => new Date(Date.UTC(y!, m! - 1, 1) - 8 * 3600_000).toISOString();
  return { from: instant(start), to: instant(end) };
}

/** Per department: cases closed and on time, ratings, satisfaction, mean level, bad reviews and how many were rectified. */
export async function ratingStatistics(db: Db, policy: RatingPolicy, period: Period): Promise<RatingStatistics> {
  const bounds = periodBounds(period, policy.cases.now());
  const departments = await listDepartments(db);
  const codes = departments.map((d) => d.code);
  const [closed, rectifications, ratings] = await Promise.all([
    closedCaseFigures(db, bounds, codes), rectificationFigures(db, bounds), store.ratingSums(db.db, bounds.from, bounds.to, codes),
  ]);
  const sums = new Map<string, { closed: number; onTime: number; ratings: number; levels: number; satisfied: number; rectified: number }>();
  const of = (department: string) => {
    let s = sums.get(department);
    if (!s) sums.set(department, s = { closed: 0, onTime: 0, ratings: 0, levels: 0, satisfied: 0, rectified: 0 });
    return s;
  };
  for (const c of closed) Object.assign(of(c.department), { closed: c.closed, onTime: c.onTime });
  for (const r of ratings) Object.assign(of(r.department), { ratings: r.ratings, levels: r.levels, satisfied: r.satisfied });
  for (const r of rectifications) of(r.department).rectified = r.rectified;
  const names = new Map(departments.map((d) => [d.code, d]));
  const total = { closed: 0, onTime: 0, ratings: 0, levels: 0, satisfied: 0, rectified: 0 };
  for (const s of sums.values()) for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += s[k];
  return {
    period, from: bounds.from, to: bounds.to,
    departments: [...sums.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([code, s]) => ({
      department: code, nameZh: names.get(code)?.nameZh ?? code, nameEn: names.get(code)?.nameEn ?? code, ...figuresOf(s),
    })),
    total: figuresOf(total),
  };
}

function figuresOf(s: { closed: number; onTime: number; ratings: number; levels: number; satisfied: number; rectified: number }): Figures {
  const share = (part: number, whole: number, places: number) => (whole === 0 ? null : Math.round((part / whole) * 10 ** places) / 10 ** places);
  return {
    casesClosed: s.closed, onTime: s.onTime, onTimeRate: share(s.onTime, s.closed, 4),
    ratings: s.ratings, satisfied: s.satisfied, satisfactionRate: share(s.satisfied, s.ratings, 4), meanLevel: share(s.levels, s.ratings, 2),
    badReviews: s.ratings - s.satisfied, rectified: s.rectified,
  };
}

// ——— Inside ———

function requirePerson(actor: Actor): void {
  if (actor.kind !== 'person') throw forbidden('only the applicant, signed in to the portal, rates a case');
}

function refused(reason: RatingRefusal, message: string, detail: Record<string, unknown> = {}): DomainError {
  return conflict(message, { reason, ...detail });
}

function alreadyRated(reference: string, row: RatingRow): DomainError {
  return refused('rated', `case ${reference} was already rated on ${chinaDate(new Date(row.rated_at))}; a case is rated once`, { ratedAt: row.rated_at });
}

async function checkRateable(db: Db, policy: RatingPolicy, actor: Actor, reference: string): Promise<{ c: Case; rateUntil: string }> {
  requirePerson(actor);
  // Not found for anyone but the applicant: nobody else learns the case exists.
  const c = await getCase(db, policy.cases, actor, reference);
  if (c.type === rectificationType.code) {
    throw refused('rectification', `case ${c.reference} is the department's answer to a rating; it is not rated itself`);
  }
  if (c.parent) {
    const parent = await getCase(db, policy.cases, actor, c.parent);
    throw refused('task', `case ${c.reference} is one task of the joint application ${parent.reference}; rate that one`, { parent: parent.reference });
  }
  if (c.stateKind === 'open') throw refused('open', `case ${c.reference} is not closed yet; it can be rated once it is closed`);
  if (c.outcome === 'withdrawn') throw refused('withdrawn', `case ${c.reference} was withdrawn or cancelled before a decision; there is nothing to rate`);
  const earlier = await store.ratingOfCase(db.db, c.id);
  if (earlier) throw alreadyRated(c.reference, earlier);
  const rateUntil = addDays(chinaDate(new Date(c.closedAt!)), policy.ratingDays);
  if (chinaDate(policy.cases.now()) > rateUntil) {
    throw refused('expired', `case ${c.reference} could be rated until ${rateUntil}, ${policy.ratingDays} days after it closed`, { rateUntil });
  }
  return { c, rateUntil };
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86400_000).toISOString().slice(0, 10);
}

function needsRectification(row: RatingRow): boolean {
  return row.level < SATISFIED_FROM && row.rectification_id === null;
}

/**
 * Opens the rectification of a bad review, tells the department what the rater said, and
 * records its reference on the rating. Each step is keyed by the rating's id, so running it
 * again (after a crash, or twice at once) adds nothing.
 */
async function openRectification(db: Db, policy: RatingPolicy, row: RatingRow, applicantName: string, requestId: string | null): Promise<RatingRow> {
  const system = systemActor(RATINGS_ACTOR, requestId);
  const level = ratingLevels.find((l) => l.level === row.level)!;
  const rectification = await createCase(db, policy.cases, system, {
    type: rectificationType.code, subject: `差评整改：办件 ${row.case_reference}（${level.nameZh}）`, applicant: row.rater, applicantName,
    department: row.department_id, timeLimit: policy.rectificationDays, idempotencyKey: `rating:${row.id}`,
  });
  const lines = [
    `评价办件：${row.case_reference}`,
    `整体满意度：${level.nameZh}（${row.level}）`,
    ...ratingIndicators.flatMap((i) => (row[i.column] === null ? [] : [`${i.nameZh}：${row[i.column]}`])),
    `评价内容：${row.comment ?? '（未填写）'}`,
  ];
  await addNote(db, policy.cases, system, rectification.id, { text: lines.join('\n'), visibility: 'internal', idempotencyKey: `rating:${row.id}:note` });
  return db.transaction(async (tx) => {
    await beginJournaledWrite(tx);
    const current = (await store.ratingOfCase(tx, row.case_id))!;
    if (current.rectification_id) return current;
    return (await store.updateRating(tx, system, row.id, { rectification_id: rectification.id, rectification_reference: rectification.reference }))!;
  });
}

function viewOf(row: RatingRow): Omit<Rating, 'rectification'> {
  return {
    id: row.id, caseReference: row.case_reference, department: row.department_id, level: row.level,
    indicators: Object.fromEntries(ratingIndicators.map((i) => [i.key, row[i.column]])) as Rating['indicators'],
    comment: row.comment, ratedAt: row.rated_at, rectificationPending: needsRectification(row),
  };
}

/** The rectification as its applicant (the rater) reads it: the public timeline, whose closing note is the reply. */
function progressOf(c: Case): RectificationProgress {
  const closing = c.stateKind === 'closed'
    ? c.timeline.findLast((e) => e.kind === 'action' && e.toState === c.state) ?? null
    : null;
  return {
    reference: c.reference, state: c.state, closed: c.stateKind === 'closed', outcome: c.outcome, timeLimit: c.timeLimit, deadline: c.deadline,
    reply: closing?.note ?? null, repliedAt: closing?.at ?? null,
  };
}
