import assert from 'node:assert/strict';
import { casePolicy, createCase, type CasePolicy } from '../../src/cases/service.ts';
import type { Case, CaseInput } from '../../src/cases/schema.ts';
import { listAccounts } from '../../src/identity/service.ts';
import { journalHead } from '../../src/journal/service.ts';
import { type Actor, systemActor } from '../../src/platform/access.ts';
import { loadCalendar } from '../../src/platform/calendar.ts';
import type { DomainError, ErrorCode } from '../../src/platform/errors.ts';
import type { DbKind } from '../../src/platform/db/index.ts';
import { demoDepartments } from '../../src/registry/demo-data.ts';
import type { TestDatabase } from '../support/databases.ts';
import { refusal } from '../support/errors.ts';
import { seededDatabase } from '../support/seeded.ts';

export const calendar = loadCalendar();
export const uscc = (key: string) => demoDepartments.find((d) => d.key === key)!.uscc;
export const PSB = uscc('psb');
export const AMR = uscc('amr');
export const HRSS = uscc('hrss');

/** 10:00 in Dalian on that date. */
export const at = (date: string) => new Date(`${date}T02:00:00Z`);

export interface CaseHub {
  test: TestDatabase;
  policy: CasePolicy;
  /** Moves the hub's clock. */
  setToday(date: string): void;
  portal: Actor;
  admin: Actor;
  auditor: Actor;
  psbClerk: Actor;
  psbAdmin: Actor;
  psbReviewer: Actor;
  amrClerk: Actor;
  hrssClerk: Actor;
  /** An application to PSB for 张伟 (applicant citizen:zw-1), opened by the portal. */
  submit(overrides?: Partial<CaseInput>): Promise<Case>;
  headSeq(): Promise<number>;
  close(): Promise<void>;
}

/** A seeded demo hub (departments and staff accounts) with a case policy whose clock the test sets. */
export async function caseHub(kind: DbKind): Promise<CaseHub> {
  const test = await seededDatabase(kind);
  let now = at('2026-09-28');
  const policy = casePolicy({ calendar, referencePrefix: 'DL', now: () => now });
  const accounts = await listAccounts(test.database, systemActor('test'));
  const staff = (username: string): Actor => {
    const a = accounts.find((x) => x.username === username)!;
    return { actor: a.id, kind: 'staff', department: a.department, roles: a.roles as Actor['roles'], requestId: null };
  };
  const portal = systemActor('portal');
  return {
    test, policy, portal,
    setToday(date) { now = at(date); },
    admin: staff('admin'), auditor: staff('auditor'), psbClerk: staff('psb-clerk'), psbAdmin: staff('psb-admin'),
    psbReviewer: staff('psb-reviewer'), amrClerk: staff('amr-clerk'), hrssClerk: staff('hrss-clerk'),
    submit: (overrides = {}) => createCase(test.database, policy, portal, {
      type: 'application', subject: '户口迁移', applicant: 'citizen:zw-1', applicantName: '张伟', department: PSB, timeLimit: 10, ...overrides,
    }),
    headSeq: async () => (await journalHead(test.database.db)).seq,
    close: () => test.close(),
  };
}

/** Awaits a refusal with this code, the field named in its detail when given, and a message that matches. */
export async function refused(promise: Promise<unknown>, code: ErrorCode, message: RegExp, field?: string): Promise<DomainError> {
  const caught = await refusal(code, () => promise);
  assert.match(caught.message, message);
  if (field) assert.equal((caught.detail as { field?: string } | undefined)?.field, field, caught.message);
  return caught;
}

/** The timeline as "kind:action" strings, for comparing whole histories. */
export const history = (c: Case) => c.timeline.map((e) => (e.action ? `${e.kind}:${e.action}` : e.kind));
