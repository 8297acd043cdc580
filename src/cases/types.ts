/**
 * Case types as data: the states a case can be in, the actions that move it, who may take each
 * action and what it does to the clock. One engine handles every type; a new kind of case
 * (letters, disclosure requests) is a new definition here, not new code.
 */

export type StateKind = 'open' | 'closed';
/** What a closed state means for joint handling and for the published statistics. */
export type Outcome = 'approved' | 'rejected' | 'withdrawn';
/**
 * staff: a clerk or department administrator of the case's department (platform administrators
 * act for every department); admin: a platform administrator only; applicant: the applicant, or
 * the portal acting for them; engine: only the engine itself (joint handling), never a person.
 */
export type ActionBy = 'staff' | 'admin' | 'applicant' | 'engine';
/** start: the clock starts counting; pause: it stops until an action that resumes it. */
export type ClockEffect = 'start' | 'pause' | 'resume';

export interface StateDef {
  kind: StateKind;
  /** Required on closed states. */
  outcome?: Outcome;
  nameZh: string;
  nameEn: string;
}

export interface ActionDef {
  from: readonly string[];
  to: string;
  by: ActionBy;
  clock?: ClockEffect;
  /** The action needs words: a rejection's reasons, the complete list of missing materials. */
  needsNote?: boolean;
}

export interface CaseTypeDef {
  code: string;
  nameZh: string;
  nameEn: string;
  initial: string;
  /** The time limit in working days, unless the case is given its own (a service item's promised limit). */
  timeLimit: number;
  states: Readonly<Record<string, StateDef>>;
  actions: Readonly<Record<string, ActionDef>>;
  /**
   * How this type is handled jointly, when it can be: the engine actions that put a parent into
   * joint handling and close it, and the one that cancels a task no longer needed.
   */
  joint?: { open: string; approve: string; reject: string; cancel: string };
}

/** Checks a definition once, when it is made, so a typo in a state name fails at start and not in front of a clerk. */
export function defineCaseType(def: CaseTypeDef): CaseTypeDef {
  const problem = (what: string): never => { throw new Error(`case type ${def.code}: ${what}`); };
  const states = Object.keys(def.states);
  if (!Number.isInteger(def.timeLimit) || def.timeLimit < 1) problem('timeLimit is a whole number of working days ≥ 1');
  if (def.states[def.initial]?.kind !== 'open') problem(`the initial state ${def.initial} must be an open state`);
  for (const [name, state] of Object.entries(def.states)) {
    if ((state.kind === 'closed') !== (state.outcome !== undefined)) problem(`state ${name}: closed states, and only they, have an outcome`);
  }
  let pauses = false;
  let resumes = false;
  for (const [name, action] of Object.entries(def.actions)) {
    for (const s of [...action.from, action.to]) if (!states.includes(s)) problem(`action ${name} names an unknown state ${s}`);
    if (action.from.some((s) => def.states[s]!.kind === 'closed')) problem(`action ${name} starts from a closed state; closed cases do not move`);
    pauses ||= action.clock === 'pause';
    resumes ||= action.clock === 'resume';
  }
  if (pauses !== resumes) problem('an action that pauses the clock needs an action that resumes it, and the other way round');
  if (def.joint) {
    for (const a of Object.values(def.joint)) {
      if (def.actions[a]?.by !== 'engine') problem(`joint handling names ${a}, which must be an engine action`);
    }
    if (def.states[def.actions[def.joint.approve]!.to]!.outcome !== 'approved') problem('joint.approve must lead to an approved state');
    if (def.states[def.actions[def.joint.reject]!.to]!.outcome !== 'rejected') problem('joint.reject must lead to a rejected state');
    const cancellable = def.actions[def.joint.cancel]!.from;
    const stuck = states.filter((s) => def.states[s]!.kind === 'open' && !cancellable.includes(s));
    if (stuck.length) problem(`joint.cancel must be possible from every open state, and is not from ${stuck.join(', ')}`);
  }
  return def;
}

/**
 * An application for a service item (办件). Intake (受理) starts the clock; a request to supplement
 * materials (补正) stops it until the applicant supplements; not accepting (不予受理) is a rejection
 * from `submitted`.
 */
export const applicationType = defineCaseType({
  code: 'application',
  nameZh: '办件',
  nameEn: 'Application',
  initial: 'submitted',
  timeLimit: 20,
  states: {
    submitted: { kind: 'open', nameZh: '已提交', nameEn: 'Submitted' },
    accepted: { kind: 'open', nameZh: '已受理', nameEn: 'Accepted' },
    supplement_requested: { kind: 'open', nameZh: '待补正', nameEn: 'Waiting for materials' },
    joint_handling: { kind: 'open', nameZh: '联合办理中', nameEn: 'Handled jointly' },
    approved: { kind: 'closed', outcome: 'approved', nameZh: '已办结（准予）', nameEn: 'Approved' },
    rejected: { kind: 'closed', outcome: 'rejected', nameZh: '已办结（不予）', nameEn: 'Rejected' },
    withdrawn: { kind: 'closed', outcome: 'withdrawn', nameZh: '已撤回', nameEn: 'Withdrawn' },
    cancelled: { kind: 'closed', outcome: 'withdrawn', nameZh: '已终止', nameEn: 'Cancelled' },
  },
  actions: {
    accept: { from: ['submitted'], to: 'accepted', by: 'staff', clock: 'start' },
    request_supplement: { from: ['accepted'], to: 'supplement_requested', by: 'staff', clock: 'pause', needsNote: true },
    supplement: { from: ['supplement_requested'], to: 'accepted', by: 'applicant', clock: 'resume' },
    approve: { from: ['accepted'], to: 'approved', by: 'staff' },
    reject: { from: ['submitted', 'accepted'], to: 'rejected', by: 'staff', needsNote: true },
    withdraw: { from: ['submitted', 'accepted', 'supplement_requested', 'joint_handling'], to: 'withdrawn', by: 'applicant' },
    start_joint: { from: ['accepted'], to: 'joint_handling', by: 'engine' },
    joint_approve: { from: ['joint_handling'], to: 'approved', by: 'engine' },
    joint_reject: { from: ['joint_handling'], to: 'rejected', by: 'engine' },
    cancel: { from: ['submitted', 'accepted', 'supplement_requested', 'joint_handling'], to: 'cancelled', by: 'engine' },
  },
  joint: { open: 'start_joint', approve: 'joint_approve', reject: 'joint_reject', cancel: 'cancel' },
});

/**
 * A rectification after a dissatisfied rating (差评整改): the department verifies and fixes, then
 * replies to the rater. It may appeal a review it holds malicious (申诉复核); the clock stops while
 * the platform reviews the appeal, which either dismisses the rating or sends the case back.
 */
export const rectificationType = defineCaseType({
  code: 'rectification',
  nameZh: '差评整改',
  nameEn: 'Rectification',
  initial: 'pending',
  timeLimit: 15,
  states: {
    pending: { kind: 'open', nameZh: '待整改', nameEn: 'To rectify' },
    rectifying: { kind: 'open', nameZh: '整改中', nameEn: 'Rectifying' },
    appealed: { kind: 'open', nameZh: '申诉复核中', nameEn: 'Appeal under review' },
    rectified: { kind: 'closed', outcome: 'approved', nameZh: '已整改并回复', nameEn: 'Rectified and replied' },
    dismissed: { kind: 'closed', outcome: 'rejected', nameZh: '申诉成立，差评不计', nameEn: 'Appeal upheld' },
  },
  actions: {
    start: { from: ['pending'], to: 'rectifying', by: 'staff' },
    reply: { from: ['pending', 'rectifying'], to: 'rectified', by: 'staff', needsNote: true },
    appeal: { from: ['pending', 'rectifying'], to: 'appealed', by: 'staff', clock: 'pause', needsNote: true },
    uphold_appeal: { from: ['appealed'], to: 'dismissed', by: 'admin', needsNote: true },
    refuse_appeal: { from: ['appealed'], to: 'rectifying', by: 'admin', clock: 'resume', needsNote: true },
  },
});

export const caseTypes: Readonly<Record<string, CaseTypeDef>> = {
  [applicationType.code]: applicationType,
  [rectificationType.code]: rectificationType,
};

/** The clock starts with the type's 'start' action, or when the case is created if it has none. */
export function clockStartsAtCreation(type: CaseTypeDef): boolean {
  return !Object.values(type.actions).some((a) => a.clock === 'start');
}

/** The actions a person could take from a state (engine actions are never offered). */
export function actionsFrom(type: CaseTypeDef, state: string): string[] {
  return Object.entries(type.actions).filter(([, a]) => a.by !== 'engine' && a.from.includes(state)).map(([name]) => name);
}
