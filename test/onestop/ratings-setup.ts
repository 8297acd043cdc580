import { actOnCase, type CasePolicy, createCase } from '../../src/cases/service.ts';
import type { Case } from '../../src/cases/schema.ts';
import { citizenIdCheckChar } from '../../src/basedata/citizen-id.ts';
import { type Person, personActor, registerPerson } from '../../src/identity/people.service.ts';
import type { Actor } from '../../src/platform/access.ts';
import type { DbKind } from '../../src/platform/db/index.ts';
import { type RatingPolicy, ratingPolicy } from '../../src/onestop/ratings.service.ts';
import { type CaseHub, PSB, caseHub } from '../cases/setup.ts';

/** A seeded demo hub with a rating policy whose clock the test sets to the minute. */
export interface RatingHub extends CaseHub {
  ratings: RatingPolicy;
  /** Sets the hub's clock: a date is 10:00 in Dalian, or give a full instant. */
  setNow(dateOrInstant: string): void;
  /** A citizen registered through the accounts service, and the actor they act as on the portal. */
  citizen(name: string): Promise<{ person: Person; actor: Actor }>;
  /** An application to `department` for the citizen, opened by the portal. */
  apply(applicant: Actor, name: string, over?: { department?: string; timeLimit?: number; subject?: string }): Promise<Case>;
  /** Takes an action as the given staff member. */
  act(actor: Actor, id: string, action: string, note?: string): Promise<Case>;
}

let people = 0;

export async function ratingHub(kind: DbKind, options: { ratingDays?: number; rectificationDays?: number } = {}): Promise<RatingHub> {
  const base = await caseHub(kind);
  let now = new Date('2025-03-03T02:00:00Z');
  const cases: CasePolicy = { ...base.policy, now: () => now };
  const db = base.test.database;
  return {
    ...base,
    policy: cases,
    ratings: ratingPolicy(cases, { ratingDays: options.ratingDays ?? 15, rectificationDays: options.rectificationDays ?? 5 }),
    setNow(value) { now = new Date(value.length === 10 ? `${value}T02:00:00Z` : value); },
    setToday(date) { now = new Date(`${date}T02:00:00Z`); },
    async citizen(name) {
      const n = ++people;
      const first17 = `21020219900101${String(n).padStart(3, '0')}`;
      const person = await registerPerson(db, {
        kind: 'citizen', name, idNumber: first17 + citizenIdCheckChar(first17), phone: `1380000${String(n).padStart(4, '0')}`, password: 'Rating-test-2025',
      });
      return { person, actor: personActor(person, null) };
    },
    apply: (applicant, name, over = {}) => createCase(db, cases, base.portal, {
      type: 'application', subject: over.subject ?? '户口迁移', applicant: applicant.actor, applicantName: name, department: over.department ?? PSB,
      timeLimit: over.timeLimit ?? 10,
    }),
    act: (actor, id, action, note) => actOnCase(db, cases, actor, id, { action, ...(note && { note }) }),
  };
}
