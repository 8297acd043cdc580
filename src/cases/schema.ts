import { Type, type Static } from 'typebox';
import type { Pause } from '../platform/calendar.ts';
import type { Outcome, StateKind } from './types.ts';

// ——— Rows ———

export interface CaseRow {
  id: string;
  /** What people quote: `${prefix}-${year}-${n}`, and `${parent}-${k}` for a joint task. */
  reference: string;
  /** The code of its case type. */
  type: string;
  /** What the case is about: the service item, the letter's title, the rated case. */
  subject: string;
  /** Who it is for: the applicant's account or citizen id, as the caller knows them. */
  applicant: string;
  applicant_name: string;
  department_id: string;
  /** The clerk's account; null while it waits in the department's queue. */
  assignee: string | null;
  state: string;
  /** 1 while the state is open: queues and the sweep filter on it without knowing every type's states. */
  is_open: number;
  parent_id: string | null;
  /** Working days. */
  time_limit: number;
  /** The date (China) the clock started; null before it starts. */
  clock_started_on: string | null;
  /** The date (China) the current pause began; null while the clock runs. */
  paused_on: string | null;
  /** JSON array of the finished pauses, {from, to}, both days not counted. */
  pauses: string;
  /** Null before the clock starts and while it is paused: a stopped clock has no due date. */
  deadline: string | null;
  warned_at: string | null;
  escalated_at: string | null;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
}

export const eventKinds = ['created', 'action', 'assigned', 'transferred', 'note', 'clock_started', 'clock_paused', 'clock_resumed', 'warning', 'escalation'] as const;
export type EventKind = (typeof eventKinds)[number];
export const visibilities = ['public', 'internal'] as const;
export type Visibility = (typeof visibilities)[number];

export interface CaseEventRow {
  id: string;
  case_id: string;
  /** 1, 2, 3… within the case: the timeline's order, even for events of one instant. */
  seq: number;
  at: string;
  actor: string;
  /** The acting department: the actor's own, or the case's when the actor has none (the portal, the engine). */
  department_id: string | null;
  kind: EventKind;
  action: string | null;
  from_state: string | null;
  to_state: string | null;
  /** Public events are shown to the applicant; internal ones to staff only. */
  visibility: Visibility;
  /** The words people wrote: a note, a reason, the list of missing materials. */
  note: string | null;
  /** JSON object with what the event changed (departments, clerk, deadlines). */
  detail: string | null;
  /** The caller's key for this operation; a second call with it has no effect. */
  idempotency_key: string | null;
}

/** One counter per reference prefix and year; the row's id is `${prefix}-${year}`. */
export interface CaseSequenceRow {
  id: string;
  last: number;
}

export interface CasesTables {
  cases: CaseRow;
  case_events: CaseEventRow;
  case_sequences: CaseSequenceRow;
}

// ——— Input ———

const Key = Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'a key the caller makes unique (a UUID); repeating it has no further effect' }));

export const CaseInput = Type.Object({
  type: Type.String({ description: 'case type code, e.g. application' }),
  subject: Type.String({ minLength: 1, maxLength: 200 }),
  applicant: Type.String({ minLength: 1, maxLength: 100 }),
  applicantName: Type.String({ minLength: 1, maxLength: 100 }),
  department: Type.String({ description: 'USCC of the handling department' }),
  timeLimit: Type.Optional(Type.Integer({ minimum: 1, maximum: 365, description: 'working days; the type\'s own limit when left out' })),
  idempotencyKey: Key,
}, { additionalProperties: false });
export type CaseInput = Static<typeof CaseInput>;

export const ActionInput = Type.Object({
  action: Type.String(),
  note: Type.Optional(Type.String({ maxLength: 4000 })),
  idempotencyKey: Key,
}, { additionalProperties: false });
export type ActionInput = Static<typeof ActionInput>;

export const NoteInput = Type.Object({
  text: Type.String({ minLength: 1, maxLength: 4000 }),
  visibility: Type.Enum(visibilities),
  idempotencyKey: Key,
}, { additionalProperties: false });
export type NoteInput = Static<typeof NoteInput>;

export const AssignInput = Type.Object({
  assignee: Type.Union([Type.String(), Type.Null()], { description: 'account id of a clerk of the case\'s department; null puts it back in the queue' }),
}, { additionalProperties: false });
export type AssignInput = Static<typeof AssignInput>;

export const TransferInput = Type.Object({
  department: Type.String({ description: 'USCC of the department that takes the case over' }),
  reason: Type.String({ minLength: 1, maxLength: 1000 }),
}, { additionalProperties: false });
export type TransferInput = Static<typeof TransferInput>;

export const JointInput = Type.Object({
  tasks: Type.Array(Type.Object({
    department: Type.String(),
    subject: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    timeLimit: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
  }, { additionalProperties: false }), { minItems: 1, maxItems: 20 }),
}, { additionalProperties: false });
export type JointInput = Static<typeof JointInput>;

export interface CaseFilter {
  /** Defaults to the actor's own department for department staff. */
  department?: string | undefined;
  assignee?: string | null | undefined;
  state?: string | undefined;
  open?: boolean | undefined;
  escalated?: boolean | undefined;
  parent?: string | undefined;
  limit?: number | undefined;
}

// ——— Views ———

export interface CaseEvent {
  seq: number;
  at: string;
  actor: string;
  department: string | null;
  kind: EventKind;
  action: string | null;
  fromState: string | null;
  toState: string | null;
  visibility: Visibility;
  note: string | null;
  detail: Record<string, unknown> | null;
}

export interface CaseSummary {
  id: string;
  reference: string;
  type: string;
  subject: string;
  applicantName: string;
  department: string;
  assignee: string | null;
  state: string;
  stateKind: StateKind;
  /** Set once the case is closed. */
  outcome: Outcome | null;
  parent: string | null;
  deadline: string | null;
  /** Null before the clock starts; frozen while it is paused; negative once overdue. */
  workingDaysLeft: number | null;
  paused: boolean;
  overdue: boolean;
  escalated: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface Case extends CaseSummary {
  applicant: string;
  timeLimit: number;
  clockStartedOn: string | null;
  pausedSince: string | null;
  pauses: Pause[];
  warnedAt: string | null;
  escalatedAt: string | null;
  closedAt: string | null;
  /** What a person may do next from this state (who may do it is checked when they try). */
  allowedActions: string[];
  children: CaseSummary[];
  /** Oldest first. The applicant sees the public events only. */
  timeline: CaseEvent[];
}
